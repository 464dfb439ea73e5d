"""Read the results of a sweep: many trainings over several seeds (``scripts/sweep.py``)."""

import csv
import os

import numpy as np
from scipy import stats


def read_sweep(path: str | os.PathLike, column: str = "test_mse") -> dict[str, np.ndarray]:
    """One number per run of a stored sweep, grouped by run name.

    A sweep's CSV (``book/data/sweep_<name>.csv``, written by ``scripts/sweep.py``) holds a
    row per run: the run's ``name``, its ``seed`` and what it measured. Chapter "Why the
    original learns so slowly" reads its variants, five seeds each, with this.

    Args:
        path: the CSV file.
        column: the measurement to read, such as ``"test_mse"`` or ``"seconds"``.

    Returns:
        ``{name: values}``, the names in the order they first appear in the file and each
        run's values as a float array ordered by seed.

    Raises:
        FileNotFoundError: if there is no file at ``path``.
        ValueError: if the file lacks ``name``, ``seed`` or ``column``, holds a run twice or
            a value that is not a number.
    """
    with open(path, newline="") as f:
        reader = csv.DictReader(f)
        missing = {"name", "seed", column} - set(reader.fieldnames or ())
        if missing:
            raise ValueError(f"{path}: no column {', '.join(sorted(missing))}")
        runs: dict[str, dict[int, float]] = {}
        for line, row in enumerate(reader, start=2):
            seeds = runs.setdefault(row["name"], {})
            try:
                seed, value = int(row["seed"]), float(row[column])
            except ValueError:
                raise ValueError(
                    f"{path}, line {line}: seed {row['seed']!r} or {column} {row[column]!r} "
                    "is not a number"
                ) from None
            if seed in seeds:
                raise ValueError(f"{path}, line {line}: {row['name']} seed {seed} appears twice")
            seeds[seed] = value
    return {name: np.array([v for _, v in sorted(s.items())]) for name, s in runs.items()}


def prediction_interval(values: np.ndarray, level: float = 0.99) -> tuple[float, float]:
    """Where one more run lands with probability ``level``, if the runs are normally distributed.

    ``mean +- t((1 + level) / 2, n - 1) * sd * sqrt(1 + 1 / n)`` over the ``n`` runs in
    ``values`` (``sd`` the sample standard deviation). Chapters "Why the original learns so slowly",
    "How small can the code be?" and "A variational autoencoder" check their own run (seed 0)
    against the interval of the stored seeds: a run outside it was not drawn like them.

    Args:
        values: one number per run, at least two.
        level: the probability, in (0, 1).

    Returns:
        ``(low, high)``.

    Raises:
        ValueError: if there are fewer than two finite values or ``level`` is out of range.
    """
    values = np.asarray(values, dtype=np.float64)
    if values.ndim != 1 or len(values) < 2 or not np.all(np.isfinite(values)):
        raise ValueError(f"need at least two finite values in a 1-D array, got {values!r}")
    if not 0 < level < 1:
        raise ValueError(f"level must be in (0, 1), got {level!r}")
    n = len(values)
    half = stats.t.ppf((1 + level) / 2, n - 1) * values.std(ddof=1) * np.sqrt(1 + 1 / n)
    return float(values.mean() - half), float(values.mean() + half)
