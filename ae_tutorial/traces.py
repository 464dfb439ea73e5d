"""A training followed from the inside, cached beside its weights (chapter "Why the original
learns so slowly").

``traced(config)`` trains the original's network exactly as ``trained`` does, and after step 1
and every ``TRACE_EVERY`` steps measures it on the probe digits: the saturated share of each
layer's outputs, the gradient norm of each weight matrix and the dead code units. The trace
is stored in the weight cache's ``traces`` folder, keyed by the training's cache key and
``TRACE_VERSION``; the weights go to the training's own entry, so ``trained(config)`` loads
them afterwards (the callback changes no bit of the training: it only reads the network).
``scripts/warm_cache.py`` traces the original's run this way, so the chapter only reads it.
"""

import hashlib
import json
import warnings
from dataclasses import replace
from typing import NamedTuple

import numpy as np

from .cache import Trained, cache_key, entry_path, trained
from .config import OriginalConfig
from .data import read_data_sets
from .npz import cache_dir, load_npz, save_npz
from .seeds import training_seed

#: Bump when a change to ``traces.py`` or ``diagnostics.py`` changes what a trace records
#: (``tests/package/test_traces.py`` fails when that code changes and this number does not).
TRACE_VERSION = 1
#: Steps between two measurements (and after step 1 and the last step).
TRACE_EVERY = 100
#: The probe: the first this many test digits.
PROBE_SIZE = 1_000


class Trace(NamedTuple):
    """What ``traced`` measured, one value per measured step.

    Args:
        steps: the steps measured, 0 (before training), 1, then every ``TRACE_EVERY``.
        saturation: the saturated share of each layer's outputs, by ``LAYER_NAMES``.
        gradient_norms: the L2 norm of each weight matrix's gradient, by its name
            (``ORIGINAL_NAMES[::2]``).
        dead: dead code units among the probe digits' codes.
    """

    steps: np.ndarray
    saturation: dict[str, np.ndarray]
    gradient_norms: dict[str, np.ndarray]
    dead: np.ndarray


def probe_digits() -> np.ndarray:
    """The probe: the first ``PROBE_SIZE`` test digits, float32 (1000, 784)."""
    return read_data_sets(seed=0).test.images[:PROBE_SIZE]


def trace_path(config: OriginalConfig):
    """The file of ``config``'s trace: ``cache_dir() / "traces" / f"{key}.npz"``, its key
    made of ``cache_key(config)``, ``TRACE_VERSION``, ``TRACE_EVERY`` and ``PROBE_SIZE``."""
    blob = json.dumps([cache_key(config), TRACE_VERSION, TRACE_EVERY, PROBE_SIZE])
    return cache_dir() / "traces" / f"{hashlib.sha256(blob.encode()).hexdigest()[:16]}.npz"


def _measure(model, probe):
    """One row of the trace: saturation, gradient norms and dead units of ``model``."""
    from .codes import encode
    from .diagnostics import dead_units, gradient_norms, saturation

    return saturation(model, probe), gradient_norms(model, probe), dead_units(encode(model, probe))


def _columns(rows):
    """The rows ``(step, saturation, norms, dead)`` as a ``Trace`` of arrays."""
    from .model import ORIGINAL_NAMES

    steps, saturated, norms, dead = zip(*rows, strict=True)
    return Trace(
        np.array(steps),
        {name: np.array([s[name] for s in saturated]) for name in saturated[0]},
        {name: np.array([n[name] for n in norms]) for name in ORIGINAL_NAMES[::2]},
        np.array([int(d.sum()) for d in dead]),
    )


def traced(config: OriginalConfig = OriginalConfig()) -> tuple[Trained, Trace]:
    """The network of ``config``, trained as ``trained(config)`` trains it, and its ``Trace``.

    From the cache when both the trace and the weights are there; otherwise it trains with
    a callback, stores both, and returns ``Trained(..., from_cache=False)``. A damaged trace
    is reported with a warning naming the file and traced again.

    Args:
        config: an ``OriginalConfig`` (its seed drawn by ``training_seed``, as ``trained``).

    Returns:
        ``(Trained(model, history, from_cache), Trace)``.
    """
    run = replace(config, seed=training_seed(config.seed))  # the seed ``trained`` uses
    path = trace_path(run)
    if path.exists() and entry_path(run).exists():
        try:
            return trained(config, verbose=False), _load(path)
        except (KeyError, ValueError) as error:
            warnings.warn(f"trace {path} is damaged ({error}); tracing again", stacklevel=2)
    from .cache import _store
    from .model import Autoencoder
    from .training import train

    model, probe, rows = Autoencoder(run), probe_digits(), []
    rows.append((0, *_measure(model, probe)))
    batches = read_data_sets(seed=run.seed).train
    history = train(
        model,
        batches,
        run,
        display_step=TRACE_EVERY,
        verbose=False,
        callback=lambda step, m: rows.append((step, *_measure(m, probe))),
    )
    _store(entry_path(run), model, history)
    trace = _columns(rows)
    arrays = {"steps": trace.steps, "dead": trace.dead}
    arrays |= {f"saturation_{i}": v for i, v in enumerate(trace.saturation.values())}
    arrays |= {f"norm_{i}": v for i, v in enumerate(trace.gradient_norms.values())}
    names = {"saturation": list(trace.saturation), "norms": list(trace.gradient_norms)}
    save_npz(path, {**arrays, "names": np.array(json.dumps(names))})
    return Trained(model, history, False), trace


def _load(path):
    """The ``Trace`` stored at ``path`` (``ValueError`` or ``KeyError`` if damaged)."""
    arrays = load_npz(path)
    names = json.loads(str(arrays["names"]))
    return Trace(
        arrays["steps"],
        {n: arrays[f"saturation_{i}"] for i, n in enumerate(names["saturation"])},
        {n: arrays[f"norm_{i}"] for i, n in enumerate(names["norms"])},
        arrays["dead"],
    )
