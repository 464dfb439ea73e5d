"""Run a sweep: its presets over seeds, each run a Dask task, each row stored as it finishes.

``run_sweep`` trains the runs of a sweep (``ae_tutorial.sweeps``) that its CSV does not hold
yet, on a Dask client (``connect``: an existing scheduler, or a ``LocalCluster`` here), and
stores each finished run's row with ``sweeps.store_row``; ``run_one`` trains and measures one
run. ``scripts/sweep.py`` is the command line. Nothing heavy loads at import: TensorFlow,
Keras and Dask load when a run needs them.
"""

import logging
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager

import numpy as np
from tqdm import tqdm

from .runs import preset
from .seeds import SEED_SHIFT_VAR, seed_shift
from .sweeps import (
    LEADING,
    LIKELIHOOD_BOUNDS,
    SEED_BANDS,
    columns,
    config_json,
    pending,
    printed_steps,
    read_rows,
    run_kind,
    store_row,
    sweep_presets,
)

#: The seed of the noise that a denoiser's test and validation inputs get (the chapter's).
NOISE_SEED = 2008


#: The digit a held-out sweep leaves out of the training digits, and the share of the other
#: digits' validation images above its threshold (chapter "Anomaly detection").
HELD_OUT_DIGIT = 2
HELD_OUT_FALSE_ALARMS = 0.05

#: Seconds to wait for a Dask scheduler named by address before giving up.
CONNECT_TIMEOUT = 10


class SchedulerError(ConnectionError):
    """No Dask scheduler answered at the address given; the message names it."""


def _versions():
    """The ``tensorflow``, ``keras`` and ``backend`` columns of a run trained in this process
    (``tensorflow`` empty if TensorFlow was not loaded: a VAE on another Keras backend)."""
    import keras

    tensorflow = sys.modules.get("tensorflow")
    return {
        "tensorflow": tensorflow.__version__ if tensorflow else "",
        "keras": keras.__version__,
        "backend": keras.backend.backend(),
    }


def _autoencoder(config):
    """Train ``config``'s ``Autoencoder``: seconds, its test and validation MSE, final loss."""
    import ae_tutorial as ae

    data = ae.read_data_sets(seed=config.seed)
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

    return seconds, {
        "test_mse": f"{mse(data.test):.6f}",
        "validation_mse": f"{mse(data.validation):.6f}",
        "final_loss": f"{np.mean([loss for _, loss in history[-1000:]]):.6f}",
    }


def _vae(config):
    """Train ``config``'s ``VAE``: seconds, its test MSE, mean KL and reconstruction term."""
    import keras

    import ae_tutorial as ae

    start = time.perf_counter()
    model = ae.trained(config, verbose=False, cache=False).model
    seconds = time.perf_counter() - start
    x = ae.read_data_sets(seed=0).test.images
    out = ae.vae_predict(model, x)
    kl = keras.ops.convert_to_numpy(ae.kl_divergence(out["mean"], out["log_var"])).sum(axis=1)
    rec = ae.negative_elbo(model, x) - kl  # the negative ELBO's reconstruction part, sampled
    return seconds, {
        "test_mse": f"{np.mean((out['reconstruction'] - x) ** 2):.6f}",
        "test_kl": f"{kl.mean():.3f}",
        "test_reconstruction": f"{rec.mean():.3f}",
    }


def _band(config, losses):
    """A seed band's measurements: the loss at each of ``config``'s printed steps."""
    return {f"loss_{s}": f"{losses[s - 1]:.6f}" for s in printed_steps(config)}


def _port(config):
    """Train the original's network with the package's port (``ae.train``): its losses."""
    import ae_tutorial as ae

    data = ae.read_data_sets(seed=config.seed)
    start = time.perf_counter()
    history = ae.train(ae.Autoencoder(config), data.train, config, verbose=False, progress=False)
    seconds = time.perf_counter() - start
    return seconds, _band(config, [loss for _, loss in history])


def _tf1(config):
    """Train the original's own TF1 graph (``ae.tf1_losses``) from N(0, 1) weights drawn by
    ``tf.random.normal`` with the seed, as the original drew them: its losses."""
    import ae_tutorial as ae

    data = ae.read_data_sets(seed=config.seed)
    start = time.perf_counter()
    ae.tf.random.set_seed(config.seed)
    shapes = [w.shape for w in ae.Autoencoder(config).get_weights()]
    initial = [ae.tf.random.normal(s).numpy() for s in shapes]  # tf.random_normal(shape)
    batches = (data.train.next_batch(config.batch_size)[0] for _ in range(config.num_steps))
    losses = ae.tf1_losses(initial, batches, config.learning_rate, config.num_steps)[0]
    seconds = time.perf_counter() - start
    return seconds, _band(config, list(losses))


def _one_class(config):
    """Train ``config`` once per normal digit (``ae.fit_scorer``): the ten one-class AUCs."""
    import ae_tutorial as ae

    data = ae.read_data_sets(seed=0)
    start, aucs = time.perf_counter(), {}
    for digit in range(10):
        split = ae.one_class_split(data, digit)
        scores = ae.fit_scorer(config, split.train)(split.test)
        aucs[f"auc_{digit}"] = f"{ae.one_class_auc(scores, data.test.labels, digit):.6f}"
    return time.perf_counter() - start, aucs


def _held_out(config):
    """Train ``config`` on the nine digits other than ``HELD_OUT_DIGIT``, as chapter "Anomaly
    detection" does, and measure how it finds the held-out digit and the outliers."""
    from sklearn.metrics import roc_auc_score

    import ae_tutorial as ae

    if getattr(config, "held_out_digit", HELD_OUT_DIGIT) != HELD_OUT_DIGIT:
        raise ValueError(
            f"a held-out sweep holds out {HELD_OUT_DIGIT}, not {config.held_out_digit}"
        )
    data = ae.read_data_sets(seed=0)
    start = time.perf_counter()
    nine = data.train.images[data.train.labels != HELD_OUT_DIGIT]
    score = ae.fit_scorer(config, nine, fast=True)  # as the chapter trains it
    seconds = time.perf_counter() - start
    test, labels = data.test.images, data.test.labels
    normal = score(test[labels != HELD_OUT_DIGIT])
    sets = {"held": test[labels == HELD_OUT_DIGIT]}
    sets |= {
        k: ae.make_outliers(test[labels != HELD_OUT_DIGIT], k, seed=0) for k in ae.OUTLIER_KINDS
    }
    measured = {}
    for kind, images in sets.items():
        anomalous = score(images)
        truth = np.r_[np.zeros(len(normal)), np.ones(len(anomalous))]
        measured[f"auc_{kind}"] = roc_auc_score(truth, np.r_[normal, anomalous])
        if kind == "held":
            valid = data.validation.images[data.validation.labels != HELD_OUT_DIGIT]
            threshold = ae.threshold_at(score(valid), HELD_OUT_FALSE_ALARMS)
            rates = ae.detection_rates(normal, anomalous, threshold)
            measured |= {"recall_held": rates.recall, "precision_held": rates.precision}
    return seconds, {k: f"{v:.6f}" for k, v in measured.items()}


def _likelihood(config):
    """Train ``config``'s ``VAE`` (binary pixels): minus its importance-weighted bounds on the
    binarised test images, in nats, as ``LIKELIHOOD_BOUNDS`` says, and the standard error."""
    import ae_tutorial as ae

    start = time.perf_counter()
    model = ae.trained(config, verbose=False, cache=False).model
    seconds = time.perf_counter() - start
    x = ae.binarized(ae.read_data_sets(seed=0).test.images, seed=0)
    measured = {}
    for column, (k, n) in LIKELIHOOD_BOUNDS.items():
        bound = ae.importance_weighted_bound(model, x[:n], k=k, seed=0)
        measured[column] = f"{-bound.mean():.3f}"
    measured["test_nll_k1000_se"] = f"{ae.standard_error(bound):.3f}"
    return seconds, measured


def _sae(config):
    """Train ``config``'s sparse autoencoder: seconds and ``sae_measures``' columns."""
    from .sae_train import sae_measures

    return sae_measures(config)


def _score(config):
    """Train ``config``'s denoiser: seconds and ``score_measures``' columns."""
    from .score_train import score_measures

    return score_measures(config)


def _mae(config):
    """Train ``config``'s masked autoencoder: seconds and ``mae_measures``' columns."""
    from .mae_train import mae_measures

    return mae_measures(config)


def _vqvae(config):
    """Train ``config``'s VQ-VAE (and its prior): seconds and ``vqvae_measures``' columns."""
    from .vqvae_train import vqvae_measures

    return vqvae_measures(config)


_MEASURES = {
    "autoencoder": _autoencoder,
    "vae": _vae,
    "port": _port,
    "tf1": _tf1,
    "one_class": _one_class,
    "held_out": _held_out,
    "likelihood": _likelihood,
    "sae_toy": _sae,
    "sae_dense_16": _sae,
    "score_mixture": _score,
    "score_mnist": _score,
    "mae": _mae,
    "vqvae": _vqvae,
}


def run_one(
    sweep: str, name: str, seed: int, changes: dict[str, object] | None = None
) -> dict[str, str]:
    """Train one run of ``sweep`` and measure it (a Dask task: returns a plain dict).

    Args:
        sweep: a key of ``SWEEPS`` or ``SEED_BANDS``.
        name: the preset, one of the sweep's.
        seed: the random seed (initial weights and batch order).
        changes: fields changed from the preset (a quick test's ``num_steps``), or ``None``.

    Returns:
        The row: each of ``columns(sweep, **changes)`` as the text stored.
    """
    # A thread lock for the progress bar, not tqdm's default multiprocessing one: a worker
    # stopped by Ctrl-C would leave that behind, and Python warn of a "leaked semaphore".
    tqdm.set_lock(threading.RLock())
    config = preset(name, seed=seed, **(changes or {}))
    seconds, measured = _MEASURES[run_kind(sweep)](config)
    leading = {"name": name, "seed": str(seed), "config": config_json(config)}
    return {**leading, "seconds": f"{seconds:.1f}", **_versions(), **measured}


def run_sweep(
    sweep: str,
    seeds: Iterable[int],
    path: str | os.PathLike,
    client: object,
    changes: dict[str, object] | None = None,
    log: Callable[[str], object] = print,
) -> list[dict[str, str]]:
    """Train every run of ``sweep`` over ``seeds`` not stored in ``path`` yet, on ``client``.

    Each run is a Dask task (``run_one``); as each finishes, its row is added to ``path``
    (``store_row``), so an interrupted sweep loses no finished run and resumes where it
    stopped when run again.

    Args:
        sweep: a key of ``SWEEPS`` or ``SEED_BANDS``.
        seeds: the seeds to train each preset from.
        path: the CSV file.
        client: a ``dask.distributed.Client``.
        changes: fields changed in every run (a quick test's ``num_steps``), or ``None``.
        log: called with a line per finished run.

    Returns:
        Every stored row.

    Raises:
        SweepFileError: if the stored file cannot be trusted (``read_rows``).
        ValueError: if ``$AE_TUTORIAL_SEED_SHIFT`` is set: a row's seed would not be the
            seed its run was trained from.
    """
    from dask.distributed import as_completed

    if seed_shift():
        raise ValueError(f"unset {SEED_SHIFT_VAR} to run a sweep: its rows record their seeds")
    header = columns(sweep, **(changes or {}))
    rows = read_rows(path, header)
    runs = [(name, seed) for seed in seeds for name in sweep_presets(sweep)]
    todo = pending(runs, rows)
    log(f"{len(rows)} runs stored, {len(todo)} to go")
    futures = [
        client.submit(run_one, sweep, name, seed, changes, key=f"{sweep}-{name}-{seed}", pure=False)
        for name, seed in todo
    ]
    headline = header[len(LEADING)] if sweep not in SEED_BANDS else header[-1]
    for future in as_completed(futures):
        row = future.result()
        rows = store_row(path, header, row)
        log(f"{row['name']} seed {row['seed']}: {headline} {row[headline]} ({row['seconds']} s)")
    return rows


@contextmanager
def connect(
    scheduler: str | None = None, workers: int = 1, timeout: float = CONNECT_TIMEOUT
) -> Iterator[object]:
    """A Dask client: of the scheduler at ``scheduler``, or of a ``LocalCluster`` here.

    Args:
        scheduler: an existing scheduler's address (``tcp://host:8786``), or ``None`` for a
            ``LocalCluster`` of ``workers`` processes, one thread each (TensorFlow inside a
            worker uses the cores it finds).
        workers: the ``LocalCluster``'s worker processes.
        timeout: seconds to wait for ``scheduler`` to answer.

    Yields:
        The ``dask.distributed.Client``; it (and the cluster) is closed on leaving.

    Raises:
        SchedulerError: naming ``scheduler``, if it is malformed or does not answer.
    """
    from dask.distributed import Client, LocalCluster

    if scheduler:
        try:
            client = Client(scheduler, timeout=timeout)
        except (OSError, ValueError) as error:
            raise SchedulerError(
                f"no Dask scheduler answered at {scheduler!r} within {timeout:g} s ({error})"
            ) from None
        with client:
            yield client
        return
    # The workers start with Ctrl-C ignored: a Ctrl-C stops the runner, which stops them.
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        cluster = LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            dashboard_address=":0",  # any free port: 8787 may be another cluster's
            silence_logs=logging.ERROR,  # a stopped task's warnings too: errors only
        )
    finally:
        signal.signal(signal.SIGINT, previous)
    with cluster, Client(cluster) as client:
        try:
            yield client
        except KeyboardInterrupt:  # stopping busy workers warns: nothing the user must know
            logging.getLogger("distributed").setLevel(logging.CRITICAL)
            raise


def parse_seeds(text: str) -> list[int]:
    """The ``--seeds`` of ``scripts/sweep.py``: ``"1-5"`` -> [1, 2, 3, 4, 5], ``"1,3"`` -> [1, 3].

    Args:
        text: ``FIRST-LAST`` or ``A,B,C``.

    Returns:
        The seeds, each once.

    Raises:
        argparse.ArgumentTypeError: naming ``text``, for anything else or a seed named twice.
    """
    from argparse import ArgumentTypeError

    try:
        if "-" in text:
            first, last = (int(t) for t in text.split("-"))
            seeds = list(range(first, last + 1))
        else:
            seeds = [int(t) for t in text.split(",")]
    except ValueError:
        seeds = []
    if not seeds or min(seeds) < 0:
        raise ArgumentTypeError(f"{text!r}: give seeds >= 0 as FIRST-LAST or A,B,C")
    if len(set(seeds)) != len(seeds):
        raise ArgumentTypeError(f"{text!r}: a seed is named twice")
    return seeds


def positive_workers(text: str) -> int:
    """The ``--workers`` of ``scripts/sweep.py``: an integer >= 1 (0 workers would wait for
    ever).

    Raises:
        argparse.ArgumentTypeError: naming ``text`` otherwise.
    """
    from argparse import ArgumentTypeError

    if not text.isdigit() or int(text) < 1:
        raise ArgumentTypeError(f"{text!r}: --workers must be an integer >= 1")
    return int(text)
