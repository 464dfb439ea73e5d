"""Read the results of a sweep: many trainings over several seeds (``scripts/sweep.py``)."""

import csv
import os

import numpy as np


def read_sweep(path: str | os.PathLike, column: str = "test_mse") -> dict[str, np.ndarray]:
    """One number per run of a stored sweep, grouped by run name.

    A sweep's CSV (``book/data/sweep_<name>.csv``, written by ``scripts/sweep.py``) holds a
    row per run: the run's ``name``, its ``seed`` and what it measured. Chapter "Why the
    original plateaus" reads its variants, five seeds each, with this.

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
