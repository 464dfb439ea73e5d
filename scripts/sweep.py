"""Train a sweep's presets over several seeds as Dask tasks, into book/data.

Run from the repository root (needs the ``sweep`` extra: pip install -e ".[sweep]"):

    python scripts/sweep.py variants                 # every run of the sweep not stored yet
    python scripts/sweep.py variants --seeds 1-5 --workers 2
    python scripts/sweep.py code_size --seeds 1-3
    python scripts/sweep.py vae --seeds 1-3          # the VAE chapter's 16-unit VAE
    python scripts/sweep.py seed_band_tf1 --seeds 1-12   # the original's TF1 graph, full runs
    python scripts/sweep.py variants --scheduler tcp://host:8786   # an existing Dask cluster

A sweep is a tuple of preset names (``ae.SWEEPS``, and the seed bands
``ae_tutorial.sweeps.SEED_BANDS``); each run, one preset at one seed, is a task
(``ae_tutorial.sweep_runner.run_one``) whose row goes to ``book/data/sweep_<name>.csv`` (a seed
band's to ``book/data/<name>.csv``) as soon as it finishes. Runs already stored are skipped,
so an interrupted sweep (Ctrl-C) resumes where it stopped when run again. Seed 0 is left out
on purpose: it is the run the chapters train themselves, which they check against the spread
of the stored seeds. By default the tasks go to a ``LocalCluster`` on this machine (one worker
process per ``--workers``, one thread each); with ``--scheduler`` they go to an existing
cluster, whose workers need this package and MNIST (``AE_TUTORIAL_MNIST_DIR``).
"""

import argparse
import sys
import time
from pathlib import Path

from ae_tutorial import sweep_runner, sweeps

DATA = Path(__file__).resolve().parent.parent / "book" / "data"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("name", choices=[*sweeps.SWEEPS, *sweeps.SEED_BANDS])
    parser.add_argument(
        "--seeds",
        type=sweep_runner.parse_seeds,
        default=[1, 2, 3, 4, 5],
        help="FIRST-LAST or A,B,C",
    )
    parser.add_argument("--scheduler", help="address of an existing Dask scheduler")
    parser.add_argument(
        "--workers",
        type=sweep_runner.positive_workers,
        default=1,
        help="LocalCluster worker processes",
    )
    parser.add_argument("--out", type=Path, help="default: the sweep's file in book/data")
    args = parser.parse_args(argv)
    path = args.out or DATA / sweeps.file_name(args.name)
    start = time.perf_counter()
    try:
        with sweep_runner.connect(args.scheduler, args.workers) as client:
            rows = sweep_runner.run_sweep(args.name, args.seeds, path, client)
    except KeyboardInterrupt:  # every finished run is stored: say so in one line
        stored = len(sweeps.read_rows(path, sweeps.columns(args.name)))
        print(f"interrupted: {stored} runs stored in {path}; run the same command again to "
              "resume", file=sys.stderr)  # fmt: skip
        return 130
    except (sweep_runner.SchedulerError, sweeps.SweepFileError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"{len(rows)} runs in {path} ({time.perf_counter() - start:.0f} s this time)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
