"""Trained weights computed once and shared by the chapters (chapter "The training loop").

An entry is keyed by the configuration, the TensorFlow and Keras versions and
``TRAINING_VERSION``, a number bumped whenever the training code changes what it computes
(``tests/test_cache.py`` fails when that code changes and the number does not), so a changed
hyperparameter, a new TensorFlow or a change to the training never reuses stale weights, and
an edit to a comment or a docstring retrains nothing. An entry is one file holding the weights,
the history and their SHA-256; it is written to a temporary name and renamed into place, so a reader
never sees half a file, and a damaged one is detected and rebuilt. Each entry records its
configuration and versions, so ``python -m ae_tutorial cache`` lists the entries and
``--prune`` removes those today's code would not use (and files a killed writer left).
Delete the folder to reproduce everything from scratch.
"""

import hashlib
import json
import os
import warnings
from dataclasses import replace
from pathlib import Path
from typing import NamedTuple

import keras
import numpy as np

from ._tf import tf
from .checks import all_finite
from .config import OriginalConfig
from .data import read_data_sets
from .model import Autoencoder
from .npz import ENV_VAR, cache_dir, load_npz, remove_abandoned_temporaries, save_npz  # noqa: F401
from .seeds import training_seed
from .training import train


class Trained(NamedTuple):
    """A trained ``Autoencoder``, its ``(step, loss)`` history, and whether it came from disk.

    What ``trained`` returns (chapter "The training loop").

    Args:
        model: the trained network.
        history: ``(step, loss)`` for every step, as ``train`` returns it.
        from_cache: ``True`` if the weights were loaded from the cache, ``False`` if trained.
    """

    model: Autoencoder
    history: list[tuple[int, float]]
    from_cache: bool


#: The modules whose code decides what a training computes (``tests/test_cache.py`` watches them).
TRAINING_MODULES = (
    "config.py",
    "data.py",
    "model.py",
    "conv.py",
    "losses.py",
    "noise.py",
    "optim.py",
    "training.py",
)
#: Bump when a change to ``TRAINING_MODULES`` changes the weights or losses a training gives.
TRAINING_VERSION = 1


def _versions():
    """What, beside the configuration, decides an entry's contents."""
    return {
        "tensorflow": tf.__version__,
        "keras": keras.__version__,
        "training_version": TRAINING_VERSION,
    }


def cache_key(config: OriginalConfig) -> str:
    """A short digest of ``config``, the TensorFlow and Keras versions and ``TRAINING_VERSION``.

    Args:
        config: the configuration of the training.

    Returns:
        16 hexadecimal digits of a SHA-256, the entry's file name without ``.npz``.
    """
    blob = json.dumps(
        [config.to_dict(), tf.__version__, keras.__version__, TRAINING_VERSION], sort_keys=True
    )
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


class Entry(NamedTuple):
    """One cache file: its path, what it says of itself and whether today's code would use it.

    Args:
        path: the ``.npz`` file.
        meta: its configuration and versions; ``{}`` if the file is damaged.
        current: whether ``trained`` would load it today.
    """

    path: Path
    meta: dict[str, object]  # {"config": {...}, "tensorflow": ..., "keras": ..., ...}
    current: bool


def entries(folder: str | os.PathLike | None = None) -> list[Entry]:
    """Every entry in ``folder`` (default ``cache_dir()``), sorted by name.

    An entry is current when its versions are this installation's and its name is the key of
    its configuration; a damaged entry, or one from an older version, is not.

    Args:
        folder: the cache folder; ``None`` for ``cache_dir()``.

    Returns:
        One ``Entry`` per ``.npz`` file in ``folder``.
    """
    found = []
    for path in sorted(Path(folder or cache_dir()).glob("*.npz")):
        try:
            meta = json.loads(str(load_npz(path).get("meta", "{}")))
        except ValueError:
            meta = {}
        if not isinstance(meta, dict):
            meta = {}  # metadata that is not a JSON object: damaged
        found.append(Entry(path, meta, _is_current(path, meta)))
    return found


def _is_current(path, meta):
    """Whether ``trained`` would load the entry at ``path`` today, judged by its ``meta``."""
    if not isinstance(meta.get("config"), dict):
        return False
    if {k: meta.get(k) for k in _versions()} != _versions():
        return False
    try:
        config = OriginalConfig(**meta["config"])
    except (TypeError, ValueError):  # a field this version lacks, or a value it refuses
        return False
    return path.stem == cache_key(config)


def prune(folder: str | os.PathLike | None = None) -> list[Path]:
    """Delete the entries that are not current, and temporary files of killed writers.

    Args:
        folder: the cache folder; ``None`` for ``cache_dir()``.

    Returns:
        The paths removed.
    """
    folder = Path(folder or cache_dir())
    stale = [entry.path for entry in entries(folder) if not entry.current]
    for path in stale:
        path.unlink(missing_ok=True)
    return stale + remove_abandoned_temporaries(folder)


def entry_path(config: OriginalConfig) -> Path:
    """The cache file of ``config``: ``cache_dir() / f"{cache_key(config)}.npz"``.

    Args:
        config: the configuration of the training.

    Returns:
        The path, whether or not the file exists.
    """
    return cache_dir() / f"{cache_key(config)}.npz"


def _load(path, model):
    """``(step, loss)`` history of the entry at ``path``, its weights set into ``model``.

    Raises ``ValueError`` if the entry records another configuration than ``model``'s (a
    misnamed file) or holds a weight that is not finite, ``KeyError`` if an array is missing.
    """
    arrays = load_npz(path)
    recorded = json.loads(str(arrays["meta"])).get("config") if "meta" in arrays else None
    if recorded != model.config.to_dict():
        raise ValueError("it records another configuration")
    weights = [arrays[f"weight_{i}"] for i in range(len(model.weights))]
    if not all_finite(weights):
        raise ValueError("a weight is not finite")
    model.set_weights(weights)
    return [(int(s), float(loss)) for s, loss in arrays["history"]]


def trained(config: OriginalConfig = OriginalConfig(), verbose: bool = True) -> Trained:
    """The original's network trained on its schedule for ``config``, from the cache if there.

    The network is drawn from ``training_seed(config.seed)``: ``config.seed`` itself unless
    ``$AE_TUTORIAL_SEED_SHIFT`` asks for another draw (the returned model's ``config`` holds
    the seed used). On a miss it loads MNIST with that seed, trains
    ``Autoencoder(config)`` with ``train`` (printing the original's lines when ``verbose``)
    and stores the result. An entry that is damaged (truncated or altered: each holds its
    SHA-256) is reported with a warning naming the file and rebuilt. Entries are written
    atomically, so processes sharing the cache never see half an entry.

    Args:
        config: the hyperparameters; ``OriginalConfig()`` is the original's run.
        verbose: print the original's loss lines while training, or a line saying the
            weights came from the cache.

    Returns:
        ``Trained(model, history, from_cache)``.
    """
    config = replace(config, seed=training_seed(config.seed))
    path, model = entry_path(config), Autoencoder(config)
    if path.exists():
        try:
            history = _load(path, model)
            if verbose:
                print(f"Loaded trained weights from the cache (entry {path.stem}).")
            return Trained(model, history, True)
        except (KeyError, ValueError) as error:
            warnings.warn(f"cache entry {path} is damaged ({error}); retraining it", stacklevel=2)
            model = Autoencoder(config)
    history = train(model, read_data_sets(seed=config.seed).train, config, verbose=verbose)
    if not all_finite(model.get_weights()):
        raise FloatingPointError(f"the last update left a weight that is not finite ({config})")
    _store(path, model, history)
    return Trained(model, history, False)


def _store(path, model, history):
    """Write ``model``'s weights and ``history`` as one verified entry at ``path``, atomically."""
    arrays = {f"weight_{i}": w for i, w in enumerate(model.get_weights())}
    meta = dict(_versions(), config=model.config.to_dict())
    save_npz(
        path,
        dict(arrays, history=np.array(history, dtype=np.float64), meta=np.array(json.dumps(meta))),
    )
