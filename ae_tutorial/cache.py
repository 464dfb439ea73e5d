"""Trained weights computed once and shared by the chapters (chapter "The training loop").

An entry is keyed by the configuration, the library versions and the source of the modules
that train, so a changed hyperparameter, a new TensorFlow or a change to the training code
never reuses stale weights. Entries are written
to a temporary name and renamed into place, so a reader never sees half a file.
Delete the folder to reproduce everything from scratch.
"""

import hashlib
import json
import os
import tempfile
import warnings
from pathlib import Path
from typing import NamedTuple

import keras
import numpy as np

from ._tf import tf
from .config import SeedConfig
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


TRAINING_MODULES = ("data.py", "model.py", "losses.py", "optim.py", "train.py")


def cache_key(config):
    """A short digest of ``config``, the TensorFlow and Keras versions and the training code."""
    sources = [(Path(__file__).parent / name).read_text() for name in TRAINING_MODULES]
    blob = json.dumps([config.to_dict(), tf.__version__, keras.__version__, sources],
                      sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def _save(model, history, weights_path, history_path):
    folder = weights_path.parent
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=folder, prefix=".tmp-") as tmp:
        tmp_weights, tmp_history = Path(tmp, "w.weights.h5"), Path(tmp, "h.npy")
        model.save_weights(tmp_weights)
        np.save(tmp_history, np.array(history, dtype=np.float64))
        os.replace(tmp_weights, weights_path)
        os.replace(tmp_history, history_path)  # written last: its presence marks a full entry


def trained(config=SeedConfig(), verbose=True):
    """The seed's network trained on the seed's schedule for ``config``, from cache if there.

    On a miss it loads MNIST with ``seed=config.seed``, trains
    ``Autoencoder(config)`` with ``train`` (printing the seed's lines when ``verbose``)
    and stores the result. Returns ``Trained(model, history, from_cache)``.
    """
    key = cache_key(config)
    weights_path, history_path = cache_dir() / f"{key}.weights.h5", cache_dir() / f"{key}.history.npy"
    model = Autoencoder(config)
    if history_path.exists() and weights_path.exists():
        try:
            model.load_weights(weights_path)
            history = [(int(s), float(l)) for s, l in np.load(history_path)]
            if verbose:
                print(f"Loaded trained weights from the cache (entry {key}).")
            return Trained(model, history, True)
        except (OSError, ValueError) as error:
            warnings.warn(f"cache entry {weights_path} is unreadable ({error}); retraining")
            model = Autoencoder(config)
    history = train(model, read_data_sets(seed=config.seed).train, config, verbose=verbose)
    _save(model, history, weights_path, history_path)
    return Trained(model, history, False)
