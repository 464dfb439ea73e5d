"""Train the book's cached networks up front: every preset of ``ae.runs.BOOK_PRESETS``.

Run from the repository root (MNIST from ``AE_TUTORIAL_MNIST_DIR`` as everywhere):

    python scripts/warm_cache.py                  # one process, TensorFlow's own threads
    python scripts/warm_cache.py --workers 2      # two processes side by side, one thread each

The chapters load these networks with ``ae.trained``; on a cold cache the first chapter that
needs one trains it, one after another. Warming the cache first can use the cores better: a
small dense network keeps two threads of one process less busy than two processes of one
thread each. Each worker takes the longest of the remaining trainings (their step counts
estimate their cost) and prints a line per network; entries already in the cache are loaded,
not retrained; the presets of ``ae.runs.TRACED_PRESETS`` are trained by ``ae.traced``, which
stores their trace too. The entries are the ones the chapters would write: ``trained`` keys them by
configuration and versions, whoever trains them. Prints the total time at the end.
"""

import argparse
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from multiprocessing import get_context


def cost(name):
    """A training's cost in dense-step equivalents, to start the longest first."""
    import ae_tutorial as ae

    config = ae.preset(name)
    if isinstance(config, ae.VAEConfig):
        return config.epochs * 55_000 / config.batch_size
    return config.num_steps * (4 if config.is_conv else 1)


def one_thread():
    """Pin a worker to one thread before TensorFlow loads (a worker's initializer)."""
    for variable in ("TF_NUM_INTRAOP_THREADS", "TF_NUM_INTEROP_THREADS", "OMP_NUM_THREADS"):
        os.environ[variable] = "1"


def warm(name):
    """Train (or load) one preset into the cache; returns its name, seconds, and whether cached."""
    import ae_tutorial as ae

    start = time.perf_counter()
    if name in ae.runs.TRACED_PRESETS:  # its chapter's trace too, in the same training
        from_cache = ae.traced(ae.preset(name))[0].from_cache
    else:
        from_cache = ae.trained(ae.preset(name), verbose=False).from_cache
    return name, time.perf_counter() - start, from_cache


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=1, help="processes side by side (default 1)")
    args = parser.parse_args(argv)
    if args.workers < 1:
        parser.error(f"--workers must be an integer >= 1, got {args.workers}")
    import ae_tutorial as ae

    names = sorted(ae.runs.BOOK_PRESETS, key=cost, reverse=True)
    start = time.perf_counter()
    if args.workers == 1:
        done = map(warm, names)
    else:
        pool = ProcessPoolExecutor(args.workers, get_context("spawn"), initializer=one_thread)
        done = (future.result() for future in as_completed([pool.submit(warm, n) for n in names]))
    for name, seconds, from_cache in done:
        print(f"{name:20s} {'loaded' if from_cache else 'trained'} in {seconds:6.1f} s", flush=True)
    print(f"{len(names)} networks in {time.perf_counter() - start:.0f} s "
          f"with {args.workers} worker(s)")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
