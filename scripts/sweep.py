"""Train many configurations over several seeds as Dask tasks: book/data/sweep_<name>.csv.

Run from the repository root (needs the ``sweep`` extra: pip install -e ".[sweep]"):

    python scripts/sweep.py variants                 # every run of the sweep not stored yet
    python scripts/sweep.py variants --seeds 1-5 --workers 2
    python scripts/sweep.py code_size --seeds 1-3
    python scripts/sweep.py variants --scheduler tcp://host:8786   # an existing Dask cluster

Each run (one configuration, one seed) is a task: it trains ``ae.Autoencoder`` with
``ae.train`` and measures the test and validation MSE. By default the tasks go to a
``LocalCluster`` on this machine (one worker process per ``--workers``, one thread each;
TensorFlow inside a worker uses the cores it finds). With ``--scheduler`` they go to an existing
cluster, whose workers need this package and MNIST (``AE_TUTORIAL_MNIST_DIR``).

As each run finishes, its row is added to the CSV, which is rewritten whole through a temporary
file and an atomic rename, so the file on disk is always complete. Runs already in the file are
skipped, so an interrupted sweep resumes where it stopped. Seed 0 is left out on purpose: it is
the run the chapters train themselves (through the weight cache), which they check against the
spread of the stored seeds.
"""

import argparse
import csv
import fcntl
import io
import json
import os
import re
import sys
import time
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "book" / "data"

#: The code sizes of the code-size sweep, and the steps each of its trainings takes: the same
#: for every model there, so that they compare at equal training. 5,000 steps of 256 digits are
#: 23 epochs, about what tutorials train a convolutional autoencoder for; the original's 30,000
#: take a convolutional model about 14 minutes on a 2-core CPU, 5,000 about 2.5.
CODE_SIZES = (2, 4, 8, 16, 32, 64, 128)
CODE_SIZE_STEPS = 5_000
#: The training that the variants find best: Glorot initial weights, Adam at 1e-3.
BEST = {"initializer": "glorot", "optimizer": "adam", "learning_rate": 0.001}
MODELS = {  # the code-size sweep's models, each at every size in CODE_SIZES
    "linear": {**BEST, "activation": "linear"},  # every layer linear: PCA's rival
    "dense": {**BEST, "activation": "relu"},  # the best dense recipe of the variants
    # ReLU units as in "dense", the code too: a sigmoid code starts too flat here, its units
    # saturate within a few hundred steps and the network learns only the mean image
    "conv": {**BEST, "activation": "relu", "architecture": "conv"},
}

#: Each sweep: run name -> the ``OriginalConfig`` fields that differ from the original.
SWEEPS = {
    "variants": {  # the original, and the original with one or two changes
        "original": {},
        "glorot": {"initializer": "glorot"},
        "keras_rmsprop": {"optimizer": "keras_rmsprop"},
        "adam": {"optimizer": "adam"},
        "adam_1e-3": {"optimizer": "adam", "learning_rate": 0.001},
        "glorot_adam_1e-3": BEST,
        "bce": {"loss": "bce"},
        "relu": {"activation": "relu"},
        "glorot_adam_1e-3_bce": {**BEST, "loss": "bce"},
        "glorot_adam_1e-3_relu": {**BEST, "activation": "relu"},
    },
    "code_size": {
        f"{model}_{size}": {**fields, "num_hidden_2": size, "num_steps": CODE_SIZE_STEPS}
        for model, fields in MODELS.items()
        for size in CODE_SIZES
    },
    "conv": {  # twice the filters of code_size's conv_16, and a convolutional denoiser
        "conv_wide_16": {
            **MODELS["conv"],
            "architecture": "conv_wide",
            "num_hidden_2": 16,
            "num_steps": CODE_SIZE_STEPS,
        },
        "conv_denoiser_128": {
            **MODELS["conv"],
            "num_steps": CODE_SIZE_STEPS,
            "noise": "gaussian",
            "noise_level": 0.5,
        },
    },
    "vae_baseline": {  # chapter "A variational autoencoder": the dense 16 with the VAE's loss
        "dense_bce_16": {
            **MODELS["dense"],
            "num_hidden_2": 16,
            "num_steps": CODE_SIZE_STEPS,
            "loss": "bce",
        },
    },
}
#: The seed of the noise that a denoiser's test and validation inputs get (the chapter's).
NOISE_SEED = 2008
COLUMNS = (
    "name",
    "seed",
    "config",
    "test_mse",
    "validation_mse",
    "final_loss",
    "num_steps",
    "seconds",
    "tensorflow",
)


def train_one(name, seed, fields, num_steps=None):
    """Train one run and measure it (a Dask task: imports inside, returns a plain dict).

    Args:
        name: the run's name in its sweep.
        seed: the random seed (initial weights and batch order).
        fields: ``OriginalConfig`` fields that differ from the original.
        num_steps: overrides the configuration's step count (a quick test), or ``None``.

    Returns:
        The row: the columns of ``COLUMNS``.
    """
    import numpy as np

    import ae_tutorial as ae

    steps = {"num_steps": num_steps} if num_steps else {}
    config = ae.OriginalConfig(**{**fields, **steps}, seed=seed)
    data = ae.read_data_sets(seed=seed)
    start = time.perf_counter()
    model = ae.Autoencoder(config)
    history = ae.train(model, data.train, config, verbose=False, progress=False)
    seconds = time.perf_counter() - start

    def mse(split):  # always the MSE, whatever the training loss; a linear output is unbounded
        x = split.images
        if config.noise != "none":  # a denoiser: from noisy inputs (fixed noise) to clean ones
            x = np.asarray(ae.Corruption(config.noise, config.noise_level, seed=NOISE_SEED)(x))
        x_hat = model.predict(x, batch_size=1000, verbose=0)
        return float(ae.mse(split.images, x_hat, bounded=config.output_activation != "linear"))

    return {
        "name": name,
        "seed": seed,
        "config": json.dumps(fields, sort_keys=True),
        "test_mse": f"{mse(data.test):.6f}",
        "validation_mse": f"{mse(data.validation):.6f}",
        "final_loss": f"{np.mean([loss for _, loss in history[-1000:]]):.6f}",
        "num_steps": config.num_steps,
        "seconds": f"{seconds:.1f}",
        "tensorflow": ae.tf.__version__,
    }


#: What each column of a stored row must look like, as ``train_one`` writes it: a number
#: cut short by a damaged file (0.01 for 0.011909) or a seed written 2.0 does not match.
FORMATS = {
    "seed": r"\d+",
    "test_mse": r"\d+\.\d{6}",
    "validation_mse": r"\d+\.\d{6}",
    "final_loss": r"\d+\.\d{6}",
    "num_steps": r"\d+",
    "seconds": r"\d+\.\d",
}


class SweepFileError(ValueError):
    """A stored sweep CSV that this runner cannot trust; the message names the file and line."""


def read_rows(path):
    """The rows stored in ``path`` (``[]`` if there is no file yet), each checked.

    Raises:
        SweepFileError: naming ``path`` and the line, for a missing or other header, a row
            with too many or too few fields, a value not in its column's ``FORMATS``, or a
            run stored twice. Nothing is repaired or dropped silently.
    """
    if not Path(path).exists():
        return []
    with open(path, newline="", encoding="utf-8-sig") as f:  # utf-8-sig: a BOM is dropped
        lines = list(csv.reader(f))
    if not lines:
        return []
    if tuple(lines[0]) != COLUMNS:
        raise SweepFileError(f"{path}, line 1: the header must be {','.join(COLUMNS)}")
    rows, seen = [], set()
    for number, fields in enumerate(lines[1:], start=2):
        rows.append(_checked_row(path, number, fields))
        key = (rows[-1]["name"], rows[-1]["seed"])
        if key in seen:
            raise SweepFileError(f"{path}, line {number}: {key[0]} seed {key[1]} is stored twice")
        seen.add(key)
    return rows


def _checked_row(path, number, fields):
    """``fields`` (line ``number`` of ``path``) as a row dict, or ``SweepFileError``."""
    if len(fields) != len(COLUMNS):
        raise SweepFileError(
            f"{path}, line {number}: {len(fields)} fields, expected {len(COLUMNS)}"
        )
    row = dict(zip(COLUMNS, fields, strict=True))
    for column, pattern in FORMATS.items():
        if not re.fullmatch(pattern, row[column]):
            raise SweepFileError(
                f"{path}, line {number}: {column} {row[column]!r} is not as the runner "
                "writes it (a damaged or hand-edited row)"
            )
    return row


def write_rows(path, rows):
    """Write ``rows`` to ``path`` whole: a temporary file, then an atomic rename."""
    text = io.StringIO()
    writer = csv.DictWriter(text, COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(sorted(rows, key=lambda r: (r["name"], int(r["seed"]))))
    tmp = Path(path).with_suffix(f".csv.{os.getpid()}.tmp")
    tmp.write_text(text.getvalue())
    os.replace(tmp, path)


def store_row(path, row):
    """Add ``row`` to the file at ``path``, under a lock, so that two runners on one file
    both keep their rows (each re-reads the file before writing it).

    Returns:
        Every stored row, ``row`` included.
    """
    with open(Path(path).with_suffix(".csv.lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        rows = [
            r for r in read_rows(path) if (r["name"], r["seed"]) != (row["name"], str(row["seed"]))
        ]
        rows.append({key: str(value) for key, value in row.items()})
        write_rows(path, rows)
        return rows


def pending(runs, rows):
    """The ``(name, seed, fields)`` of ``runs`` that ``rows`` does not hold yet."""
    done = {(r["name"], int(r["seed"])) for r in rows}
    return [run for run in runs if run[:2] not in done]


def sweep(runs, path, client, num_steps=None, log=print):
    """Run every pending run of ``runs`` on ``client``, storing each row as it finishes.

    Args:
        runs: ``(name, seed, fields)`` triples.
        path: the CSV file.
        client: a ``dask.distributed.Client``.
        num_steps: overrides every run's step count (a quick test), or ``None``.
        log: called with a line per finished run.

    Returns:
        Every stored row.
    """
    from dask.distributed import as_completed

    rows = read_rows(path)
    todo = pending(runs, rows)
    log(f"{len(rows)} runs stored, {len(todo)} to go")
    futures = [
        client.submit(train_one, *run, num_steps, key=f"{run[0]}-seed{run[1]}", pure=False)
        for run in todo
    ]
    for future in as_completed(futures):
        row = future.result()
        rows = store_row(path, row)
        log(f"{row['name']} seed {row['seed']}: test MSE {row['test_mse']} ({row['seconds']} s)")
    return rows


def parse_seeds(text):
    """``"1-5"`` -> [1, 2, 3, 4, 5]; ``"1,3"`` -> [1, 3]; anything else, or a seed named
    twice, is refused with a message naming it (``argparse.ArgumentTypeError``)."""
    try:
        if "-" in text:
            first, last = (int(t) for t in text.split("-"))
            seeds = list(range(first, last + 1))
        else:
            seeds = [int(t) for t in text.split(",")]
    except ValueError:
        seeds = []
    if not seeds or min(seeds) < 0:
        raise argparse.ArgumentTypeError(f"{text!r}: give seeds >= 0 as FIRST-LAST or A,B,C")
    if len(set(seeds)) != len(seeds):
        raise argparse.ArgumentTypeError(f"{text!r}: a seed is named twice")
    return seeds


def positive_workers(text):
    """``--workers``: an integer >= 1 (0 workers would wait for ever)."""
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r}: --workers must be an integer >= 1")
    return int(text)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("name", choices=sorted(SWEEPS))
    parser.add_argument("--seeds", type=parse_seeds, default=[1, 2, 3, 4, 5])
    parser.add_argument("--scheduler", help="address of an existing Dask scheduler")
    parser.add_argument(
        "--workers", type=positive_workers, default=1, help="LocalCluster worker processes"
    )
    parser.add_argument("--out", type=Path, help="default: book/data/sweep_<name>.csv")
    args = parser.parse_args(argv)
    from dask.distributed import Client, LocalCluster

    runs = [
        (name, seed, fields) for seed in args.seeds for name, fields in SWEEPS[args.name].items()
    ]
    path = args.out or DATA / f"sweep_{args.name}.csv"
    if args.scheduler:
        client = Client(args.scheduler)
    else:
        cluster = LocalCluster(n_workers=args.workers, threads_per_worker=1, dashboard_address=None)
        client = Client(cluster)
    with client:
        start = time.perf_counter()
        rows = sweep(runs, path, client)
        print(f"{len(rows)} runs in {path} ({time.perf_counter() - start:.0f} s this time)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
