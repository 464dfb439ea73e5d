"""Trained weights computed once and shared by the chapters (chapter "The training loop").

An entry is keyed by the configuration, the TensorFlow and Keras versions and
``TRAINING_VERSION``, a number bumped whenever the training code changes what it computes
(``tests/test_cache.py`` fails when that code changes and the number does not), so a changed
hyperparameter, a new TensorFlow or a change to the training never reuses stale weights, and
an edit to a comment or a docstring retrains nothing. An entry is one file holding the weights, the history and
their SHA-256; it is written to a temporary name and renamed into place, so a reader
never sees half a file, and a damaged one is detected and rebuilt. Delete the folder
to reproduce everything from scratch.
"""

import hashlib
import json
import os
import warnings
from pathlib import Path
from typing import NamedTuple

import keras
import numpy as np

from ._tf import tf
from .checkpoint import load_npz, save_npz
from .config import OriginalConfig
from .data import read_data_sets
from .model import Autoencoder
from .train import train

ENV_VAR = "AE_TUTORIAL_CACHE"


class Trained(NamedTuple):
    """A trained ``Autoencoder``, its ``(step, loss)`` history, and whether it came from disk."""

    model: Autoencoder
    history: list
    from_cache: bool


def cache_dir():
    """``$AE_TUTORIAL_CACHE``, else ``~/.cache/ae_tutorial``."""
    return Path(os.environ.get(ENV_VAR) or Path("~", ".cache", "ae_tutorial")).expanduser()


#: The modules whose code decides what a training computes (``tests/test_cache.py`` watches them).
TRAINING_MODULES = ("data.py", "model.py", "losses.py", "noise.py", "optim.py", "train.py")
#: Bump when a change to ``TRAINING_MODULES`` changes the weights or losses a training gives.
TRAINING_VERSION = 1


def cache_key(config):
    """A short digest of ``config``, the TensorFlow and Keras versions and ``TRAINING_VERSION``."""
    blob = json.dumps([config.to_dict(), tf.__version__, keras.__version__, TRAINING_VERSION],
                      sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def entry_path(config):
    """The cache file of ``config``: ``cache_dir() / f"{cache_key(config)}.npz"``."""
    return cache_dir() / f"{cache_key(config)}.npz"


def _load(path, model):
    """``(step, loss)`` history of the entry at ``path``, its weights set into ``model``."""
    arrays = load_npz(path)
    model.set_weights([arrays[f"weight_{i}"] for i in range(len(model.weights))])
    return [(int(s), float(l)) for s, l in arrays["history"]]


def trained(config=OriginalConfig(), verbose=True):
    """The original's network trained on its schedule for ``config``, from the cache if there.

    On a miss it loads MNIST with ``seed=config.seed``, trains
    ``Autoencoder(config)`` with ``train`` (printing the original's lines when ``verbose``)
    and stores the result. An entry that is damaged (truncated or altered: each holds its
    SHA-256) is reported with a warning naming the file and rebuilt. Entries are written
    atomically, so processes sharing the cache never see half an entry.
    Returns ``Trained(model, history, from_cache)``.
    """
    path, model = entry_path(config), Autoencoder(config)
    if path.exists():
        try:
            history = _load(path, model)
            if verbose:
                print(f"Loaded trained weights from the cache (entry {path.stem}).")
            return Trained(model, history, True)
        except (KeyError, ValueError) as error:
            warnings.warn(f"cache entry {path} is damaged ({error}); retraining it")
            model = Autoencoder(config)
    history = train(model, read_data_sets(seed=config.seed).train, config, verbose=verbose)
    _store(path, model, history)
    return Trained(model, history, False)


def _store(path, model, history):
    """Write ``model``'s weights and ``history`` as one verified entry at ``path``, atomically."""
    arrays = {f"weight_{i}": w for i, w in enumerate(model.get_weights())}
    save_npz(path, dict(arrays, history=np.array(history, dtype=np.float64)))
