"""Sweeps: many trainings over several seeds, stored a row per run and read back.

A sweep is a tuple of preset names: one of ``SWEEPS`` or of the two ``SEED_BANDS``. Each of
its runs is one preset at one seed, ``ae.preset(name, seed=seed)``. ``sweep_runner.run_sweep``
trains the runs not stored yet as Dask tasks and adds each finished run's row to the sweep's
CSV in ``book/data`` (``file_name``) with ``store_row``; ``scripts/sweep.py`` is its command
line. The chapters read a
stored sweep with ``read_sweep`` and check their own run (seed 0, never in a sweep) against the
stored seeds with ``prediction_interval``.

Every sweep's CSV has one schema: the ``LEADING`` columns (the run's name and seed, its
configuration as the JSON of the fields that differ from its class's defaults, the seconds
its training took and the versions that ran it), then what the sweep measures (``columns``):
the test and validation MSE and the mean loss of the last 1,000 steps of an autoencoder; the
test MSE, mean KL and mean reconstruction term of a VAE; the loss at each step the original
printed for a seed band. Rows stored before a column was recorded leave it empty.
"""

import csv
import io
import json
import os
import re
from collections.abc import Iterable
from dataclasses import fields
from pathlib import Path

import numpy as np

from .config import OriginalConfig, VAEConfig
from .runs import SWEEPS, Config, preset
from .today import MAEConfig, SAEConfig, ScoreConfig, VQVAEConfig

#: The seed bands (chapter "The training loop"): the original over seeds, its loss at each
#: printed step, trained by the package's port and by the original's own TF1 graph.
SEED_BANDS: dict[str, tuple[str, ...]] = {
    "seed_band_port": ("original",),
    "seed_band_tf1": ("original",),
}


#: Sweeps whose runs train on other images than all the training digits (chapter "Anomaly
#: detection"): each preset once per normal digit, or on nine digits with the 2s held out.
SPECIAL_KINDS = {"one_class": "one_class", "held_out_2": "held_out", "likelihood": "likelihood"}
#: What a held-out sweep measures: the AUC of the held-out digit's test images and of each kind
#: of outlier against the nine digits' test images, and the recall and precision on the
#: held-out digit at a threshold that flags 5 % of the nine digits' validation images.
HELD_OUT_MEASURES = (
    "auc_held", "auc_noise", "auc_inverted", "auc_shuffled", "recall_held", "precision_held",
)  # fmt: skip

#: What a likelihood sweep measures (chapter "A variational autoencoder"), column -> (k, n):
#: the mean over the first n test images, binarised by ``binarized(images, seed=0)``, of minus
#: the importance-weighted bound with k codes per image, in nats (k = 1: the negative ELBO);
#: then ``test_nll_k1000_se``, that mean's standard error over its images. All on the 10,000
#: test digits, as Burda et al. measure (at k = 5,000: about 6 minutes a network on a 2-core
#: CPU, where k = 1,000 takes one).
LIKELIHOOD_BOUNDS = {
    "test_nll_k1": (1, 10_000),
    "test_nll_k100": (100, 10_000),
    "test_nll_k1000": (1_000, 10_000),
}

#: What a sparse autoencoder's sweep measures on held-out inputs (chapter "Sparse
#: autoencoders"): the mean number of active latents, the normalised MSE, the latents never
#: active, the shrinkage; on toy vectors, also the mean matched cosine and the true features
#: recovered (matched cosine above 0.9); on ``dense_16``'s layer, the latents selective for a
#: digit and the squared error that reconstructing the layer adds to the autoencoder's output.
SAE_MEASURES = ("l0", "normalized_mse", "dead", "shrinkage")
SAE_EXTRA = {"toy": ("mcc", "recovered"), "dense_16": ("selective", "pixel_error")}
#: What a score sweep measures (chapter "From denoising to diffusion"), at each noise level
#: i of ``ScoreConfig.sigmas``: on the mixture, the relative error of the estimated score
#: (``score_error_i``); on MNIST, the test MSE over the Wiener denoiser's (``mse_ratio_i``),
#: then the annealed Langevin samples' Frechet distance, median distance to the nearest
#: training digit and a classifier's mean confidence.
SAMPLE_MEASURES = ("frechet", "nn_distance", "confidence")
#: What a masked autoencoder's sweep measures (chapter "Masked autoencoders"): the test MSE
#: over the hidden patches, and a linear probe's test accuracy on the encoder's pooled
#: features with 100, 1,000 and all training labels.
MAE_MEASURES = ("masked_mse", "probe_100", "probe_1000", "probe_all")
#: What a VQ-VAE's sweep measures (chapter "Discrete codes"): the test MSE and the MSE over
#: the training pixels' variance, the codebook's perplexity and dead codes on the test
#: digits, and the test codes' bits per image under each prior.
VQVAE_MEASURES = ("test_mse", "normalized_mse", "perplexity", "dead_codes")
VQVAE_MEASURES += ("bits_independent", "bits_prior")

#: The columns every sweep's CSV starts with.
LEADING = ("name", "seed", "config", "seconds", "tensorflow", "keras", "backend")


#: What each column of a stored row must look like, as ``run_one`` writes it (a seed band's
#: ``loss_1``, ``loss_1000``, ... as ``loss_STEP``): a number cut short by a damaged file
#: (0.01 for 0.011909) or a seed written 2.0 does not match. An empty value was not recorded
#: (rows stored before the runner recorded it).
FORMATS = {
    "seed": r"\d+",
    "seconds": r"(\d+\.\d)?",
    "tensorflow": r"(\d+\.\d+\.\d+\S*)?",
    "keras": r"(\d+\.\d+\.\d+\S*)?",
    "backend": r"([a-z]+)?",
    "test_mse": r"\d+\.\d{6}",
    "validation_mse": r"\d+\.\d{6}",
    "final_loss": r"\d+\.\d{6}",
    "test_kl": r"\d+\.\d{3}",
    "test_reconstruction": r"\d+\.\d{3}",
    "loss_STEP": r"\d+\.\d{6}",
    "auc_DIGIT": r"[01]\.\d{6}",  # auc_0 ... auc_9 of a one-class sweep
    **dict.fromkeys(HELD_OUT_MEASURES, r"[01]\.\d{6}"),  # a held-out sweep's shares
    **dict.fromkeys([*LIKELIHOOD_BOUNDS, "test_nll_k1000_se"], r"\d+\.\d{3}"),  # in nats
    "l0": r"\d+\.\d{3}",
    "normalized_mse": r"\d+\.\d{6}",
    "dead": r"\d+",
    "shrinkage": r"\d+\.\d{6}",
    "mcc": r"-?[01]\.\d{6}",
    "recovered": r"\d+",
    "selective": r"\d+",
    "pixel_error": r"\d+\.\d{6}",
    "score_error_LEVEL": r"\d+\.\d{6}",
    "mse_ratio_LEVEL": r"\d+\.\d{6}",
    "frechet": r"\d+\.\d{3}",
    "nn_distance": r"\d+\.\d{6}",
    "confidence": r"[01]\.\d{6}",
    "masked_mse": r"\d+\.\d{6}",
    "probe_COUNT": r"[01]\.\d{6}",
    "perplexity": r"\d+\.\d{3}",
    "dead_codes": r"\d+",
    "bits_independent": r"\d+\.\d{3}",
    "bits_prior": r"(\d+\.\d{3})?",
}


#: A numbered column's key in FORMATS: loss_1000 -> loss_STEP, auc_3 -> auc_DIGIT, ...
_GENERIC = {
    r"loss_\d+": "loss_STEP",
    r"auc_\d": "auc_DIGIT",
    r"score_error_\d+": "score_error_LEVEL",
    r"mse_ratio_\d+": "mse_ratio_LEVEL",
    r"probe_(\d+|all)": "probe_COUNT",
}


class SweepFileError(ValueError):
    """A stored sweep CSV that the runner cannot trust; the message names the file and line."""


def sweep_presets(sweep: str) -> tuple[str, ...]:
    """The preset names that ``sweep`` trains.

    Args:
        sweep: a key of ``SWEEPS`` or ``SEED_BANDS``.

    Returns:
        The names, in the sweep's order.

    Raises:
        ValueError: if there is no such sweep (the message lists them).
    """
    every = {**SWEEPS, **SEED_BANDS}
    if sweep not in every:
        raise ValueError(f"no sweep {sweep!r}; the sweeps are: {', '.join(every)}")
    return every[sweep]


def file_name(sweep: str) -> str:
    """The name of ``sweep``'s CSV in ``book/data``.

    Args:
        sweep: a key of ``SWEEPS`` or ``SEED_BANDS``.

    Returns:
        ``sweep_<sweep>.csv``; a seed band's ``<sweep>.csv``.

    Raises:
        ValueError: if there is no such sweep.
    """
    sweep_presets(sweep)  # a ValueError for an unknown sweep
    return f"{sweep}.csv" if sweep in SEED_BANDS else f"sweep_{sweep}.csv"


def printed_steps(config: OriginalConfig) -> list[int]:
    """The steps whose loss the original prints.

    Args:
        config: the run's configuration.

    Returns:
        Step 1 and every ``display_step``-th step up to ``num_steps``.
    """
    return [s for s in range(1, config.num_steps + 1) if s == 1 or s % config.display_step == 0]


def run_kind(sweep: str) -> str:
    """What ``sweep``'s runs train, and so what they measure.

    Args:
        sweep: a key of ``SWEEPS`` or ``SEED_BANDS``.

    Returns:
        ``"port"`` or ``"tf1"`` for a seed band, a value of ``SPECIAL_KINDS`` for its
        sweeps, ``"sae_toy"`` or ``"sae_dense_16"`` for sparse autoencoders,
        ``"score_mixture"`` or ``"score_mnist"`` for denoisers, ``"mae"`` or ``"vqvae"``
        for the chapters "Masked autoencoders" and "Discrete codes", ``"vae"`` or
        ``"autoencoder"`` otherwise.
    """
    if sweep in SEED_BANDS:
        return sweep.removeprefix("seed_band_")
    if sweep in SPECIAL_KINDS:
        return SPECIAL_KINDS[sweep]
    config = preset(sweep_presets(sweep)[0])
    if isinstance(config, SAEConfig):
        return f"sae_{config.activations}"
    if isinstance(config, ScoreConfig):
        return f"score_{config.data}"
    if isinstance(config, (MAEConfig, VQVAEConfig)):
        return "mae" if isinstance(config, MAEConfig) else "vqvae"
    return "vae" if isinstance(config, VAEConfig) else "autoencoder"


def columns(sweep: str, **changes: object) -> tuple[str, ...]:
    """The header of ``sweep``'s CSV: ``LEADING``, then what the sweep measures.

    Args:
        sweep: a key of ``SWEEPS`` or ``SEED_BANDS``.
        **changes: fields changed in every run (a quick test's ``num_steps``): a seed band's
            columns are the steps that its runs print.

    Returns:
        The column names.
    """
    kind = run_kind(sweep)
    if kind == "autoencoder":
        return (*LEADING, "test_mse", "validation_mse", "final_loss")
    if kind == "vae":
        return (*LEADING, "test_mse", "test_kl", "test_reconstruction")
    if kind == "one_class":
        return (*LEADING, *(f"auc_{digit}" for digit in range(10)))
    if kind == "held_out":
        return (*LEADING, *HELD_OUT_MEASURES)
    if kind == "likelihood":
        return (*LEADING, *LIKELIHOOD_BOUNDS, "test_nll_k1000_se")
    if kind == "mae":
        return (*LEADING, *MAE_MEASURES)
    if kind == "vqvae":
        return (*LEADING, *VQVAE_MEASURES)
    if kind.startswith("sae_"):
        return (*LEADING, *SAE_MEASURES, *SAE_EXTRA[kind.removeprefix("sae_")])
    if kind.startswith("score_"):
        levels = range(preset(sweep_presets(sweep)[0], **changes).num_sigmas)
        if kind == "score_mixture":
            return (*LEADING, *(f"score_error_{i}" for i in levels))
        return (*LEADING, *(f"mse_ratio_{i}" for i in levels), *SAMPLE_MEASURES)
    steps = printed_steps(preset(sweep_presets(sweep)[0], **changes))
    return (*LEADING, *(f"loss_{step}" for step in steps))


def config_json(config: Config) -> str:
    """The ``config`` column: the fields that differ from the class's defaults, as JSON.

    The seed, which has its own column, is left out; keys are sorted.

    Args:
        config: a run's configuration.

    Returns:
        A JSON object, ``"{}"`` for the defaults.
    """
    changed = {
        field.name: getattr(config, field.name)
        for field in fields(config)
        if field.name != "seed" and getattr(config, field.name) != field.default
    }
    return json.dumps(changed, sort_keys=True)


def read_rows(path: str | os.PathLike, header: tuple[str, ...]) -> list[dict[str, str]]:
    """The rows stored in ``path`` (``[]`` if there is no file yet), each checked.

    Args:
        path: the CSV file.
        header: the columns it must have (``columns``).

    Returns:
        Each row as ``{column: text}``, in the file's order.

    Raises:
        SweepFileError: naming ``path`` and the line, for a missing or other header, a row
            with too many or too few fields, a value not as ``FORMATS`` says, a configuration
            that is not a JSON object, or a run stored twice. Nothing is repaired or dropped.
    """
    if not Path(path).exists():
        return []
    with open(path, newline="", encoding="utf-8-sig") as f:  # utf-8-sig: a BOM is dropped
        lines = list(csv.reader(f))
    if not lines:
        return []
    if tuple(lines[0]) != header:
        raise SweepFileError(f"{path}, line 1: the header must be {','.join(header)}")
    rows, seen = [], set()
    for number, values in enumerate(lines[1:], start=2):
        rows.append(_checked_row(path, number, header, values))
        key = (rows[-1]["name"], rows[-1]["seed"])
        if key in seen:
            raise SweepFileError(f"{path}, line {number}: {key[0]} seed {key[1]} is stored twice")
        seen.add(key)
    return rows


def _checked_row(path, number, header, values):
    """``values`` (line ``number`` of ``path``) as a row dict, or ``SweepFileError``."""
    if len(values) != len(header):
        raise SweepFileError(f"{path}, line {number}: {len(values)} fields, expected {len(header)}")
    row = dict(zip(header, values, strict=True))
    for column in header:
        if column in ("name", "config"):  # any name (``pending`` compares it); JSON below
            continue
        key = next((k for p, k in _GENERIC.items() if re.fullmatch(p, column)), column)
        pattern = FORMATS[key]
        if not re.fullmatch(pattern, row[column]):
            raise SweepFileError(
                f"{path}, line {number}: {column} {row[column]!r} is not as the runner "
                "writes it (a damaged or hand-edited row)"
            )
    try:
        is_object = isinstance(json.loads(row["config"]), dict)
    except ValueError:
        is_object = False
    if not is_object:
        raise SweepFileError(
            f"{path}, line {number}: config {row['config']!r} is not a JSON object"
        )
    return row


def write_rows(path: str | os.PathLike, header: tuple[str, ...], rows: Iterable[dict]) -> None:
    """Write ``rows`` to ``path`` whole, by name and seed: a temporary file, then an atomic
    rename, so the file on disk is always complete (an interrupt leaves the old one)."""
    text = io.StringIO()
    writer = csv.DictWriter(text, header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(sorted(rows, key=lambda r: (r["name"], int(r["seed"]))))
    tmp = Path(path).with_suffix(f".csv.{os.getpid()}.tmp")
    try:
        tmp.write_text(text.getvalue(), encoding="utf-8")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def store_row(
    path: str | os.PathLike, header: tuple[str, ...], row: dict[str, object]
) -> list[dict[str, str]]:
    """Add ``row`` to the file at ``path``, under a lock (``<path>.lock``), so that two
    runners on one file both keep their rows: each re-reads the file before writing it.

    Returns:
        Every stored row, ``row`` included.
    """
    import fcntl  # POSIX only: imported here, so that reading a sweep works everywhere

    with open(Path(path).with_suffix(".csv.lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        key = (str(row["name"]), str(row["seed"]))
        rows = [r for r in read_rows(path, header) if (r["name"], r["seed"]) != key]
        rows.append({column: str(value) for column, value in row.items()})
        write_rows(path, header, rows)
        return rows


def pending(
    runs: Iterable[tuple[str, int]], rows: Iterable[dict[str, str]]
) -> list[tuple[str, int]]:
    """The ``(name, seed)`` of ``runs`` that ``rows`` does not hold yet."""
    done = {(r["name"], int(r["seed"])) for r in rows}
    return [run for run in runs if (run[0], run[1]) not in done]


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
    from scipy import stats  # here, so that importing the runner stays light

    values = np.asarray(values, dtype=np.float64)
    if values.ndim != 1 or len(values) < 2 or not np.all(np.isfinite(values)):
        raise ValueError(f"need at least two finite values in a 1-D array, got {values!r}")
    if not 0 < level < 1:
        raise ValueError(f"level must be in (0, 1), got {level!r}")
    n = len(values)
    half = stats.t.ppf((1 + level) / 2, n - 1) * values.std(ddof=1) * np.sqrt(1 + 1 / n)
    return float(values.mean() - half), float(values.mean() + half)
