"""Trained weights computed once and shared by the chapters (chapter "The training loop").

``trained(config)`` serves both kinds of network: the original's (an ``OriginalConfig``) and
the variational autoencoder (a ``VAEConfig``), from one cache with one key scheme. An entry
is keyed by the configuration and what else decides its bits: for the original's network
the TensorFlow and Keras versions and ``TRAINING_VERSION``, for a VAE the Keras version and
backend and ``VAE_VERSION``. Those numbers are bumped whenever the training code changes what
it computes (``tests/package/test_cache.py`` and ``test_vae.py`` fail when that code changes
and the number does not), so a changed hyperparameter, a new TensorFlow or a change to the
training never reuses stale weights, and an edit to a comment or a docstring retrains
nothing. An entry is one file holding the weights, the history and their SHA-256; it is written
to a temporary name and renamed into place, so a reader never sees half a file, and a damaged
one is detected and rebuilt. Each entry records its configuration and versions, so
``python -m ae_tutorial cache`` lists the entries of both kinds and ``--prune`` removes those
today's code would not use (and files a killed writer left). Delete the folder to reproduce
everything from scratch.
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

from .checks import all_finite
from .config import OriginalConfig, VAEConfig
from .data import read_data_sets
from .npz import CACHE_VAR, cache_dir, load_npz, remove_abandoned_temporaries, save_npz  # noqa: F401
from .seeds import training_seed

#: A configuration ``trained`` takes: the original's network or a VAE.
Config = OriginalConfig | VAEConfig
#: Each configuration class by the ``kind`` its entries record.
KINDS = {"original": OriginalConfig, "vae": VAEConfig}


class Trained(NamedTuple):
    """A trained network, its history, and whether it came from disk: what ``trained`` returns.

    Args:
        model: the trained network, an ``Autoencoder`` or a ``VAE``.
        history: for an ``Autoencoder``, ``(step, loss)`` for every step, as ``train``
            returns it; for a ``VAE``, ``{"loss", "reconstruction", "kl"}``, a list of one
            value per epoch each, as ``train_vae`` returns it.
        from_cache: ``True`` if the weights were loaded from the cache, ``False`` if trained.
    """

    model: keras.Model
    history: list[tuple[int, float]] | dict[str, list[float]]
    from_cache: bool


#: The modules whose code decides what a training computes (tests/package/test_cache.py
#: watches them).
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
#: Bump when a change to how a dense denoising autoencoder's noise is drawn changes its
#: training (2: by TensorFlow's kernels outside the XLA-compiled update, not inside it). Only
#: the keys of such configurations (``noise`` set, ``architecture="dense"``) carry it.
NOISE_VERSION = 2


def _kind(config):
    """``"original"`` or ``"vae"``: the ``KINDS`` key of ``config``'s class."""
    for kind, cls in KINDS.items():
        if isinstance(config, cls):
            return kind
    raise TypeError(f"config must be an OriginalConfig or a VAEConfig, got {config!r}")


def _versions(config):
    """What, beside the configuration, decides the contents of ``config``'s entry."""
    if _kind(config) == "vae":
        from .vae import VAE_VERSION

        return {
            "keras": keras.__version__,
            "backend": keras.backend.backend(),
            "vae_version": VAE_VERSION,
        }
    from ._tf import tf

    versions = {
        "tensorflow": tf.__version__,
        "keras": keras.__version__,
        "training_version": TRAINING_VERSION,
    }
    if config.noise != "none" and config.architecture == "dense":
        versions["noise_version"] = NOISE_VERSION
    return versions


def cache_key(config: Config) -> str:
    """A short digest of ``config`` and the versions that decide its training's bits.

    Args:
        config: the configuration of the training.

    Returns:
        16 hexadecimal digits of a SHA-256, the entry's file name without ``.npz``.
    """
    blob = json.dumps([config.to_dict(), *_versions(config).values()], sort_keys=True)
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
    its configuration; a damaged entry, or one from an older version, is not. Entries that
    older versions kept in a ``vae`` subfolder are listed too, never current.

    Args:
        folder: the cache folder; ``None`` for ``cache_dir()``.

    Returns:
        One ``Entry`` per ``.npz`` file in ``folder``.
    """
    folder = Path(folder or cache_dir())
    found = []
    for path in sorted([*folder.glob("*.npz"), *folder.glob("vae/*.npz")]):
        try:
            meta = json.loads(str(load_npz(path).get("meta", "{}")))
        except ValueError:
            meta = {}
        if not isinstance(meta, dict):
            meta = {}  # metadata that is not a JSON object: damaged
        found.append(Entry(path, meta, path.parent == folder and _is_current(path, meta)))
    return found


def _recorded_config(meta):
    """The configuration ``meta`` records, or ``None`` if it records none this version takes."""
    cls = KINDS.get(meta.get("kind", "original"))
    if cls is None or not isinstance(meta.get("config"), dict):
        return None
    try:
        return cls(**meta["config"])
    except (TypeError, ValueError):  # a field this version lacks, or a value it refuses
        return None


def _is_current(path, meta):
    """Whether ``trained`` would load the entry at ``path`` today, judged by its ``meta``."""
    config = _recorded_config(meta)
    if config is None:
        return False
    if {k: meta.get(k) for k in _versions(config)} != _versions(config):
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


def entry_path(config: Config) -> Path:
    """The cache file of ``config``: ``cache_dir() / f"{cache_key(config)}.npz"``.

    Args:
        config: the configuration of the training.

    Returns:
        The path, whether or not the file exists.
    """
    return cache_dir() / f"{cache_key(config)}.npz"


def _build(config):
    """The untrained network of ``config``: an ``Autoencoder`` or a compiled, built ``VAE``."""
    if _kind(config) == "vae":
        from .vae import build_vae

        return build_vae(config)
    from .model import Autoencoder

    return Autoencoder(config)


def _fit(model, config, verbose):
    """Train ``model`` as ``config`` says, on MNIST's training digits; return the history."""
    data = read_data_sets(seed=config.seed)
    if _kind(config) == "original":
        from .training import train

        return train(model, data.train, config, verbose=verbose)
    from .vae import train_vae

    images = data.train.images
    if config.held_out_digit is not None:
        images = images[data.train.labels != config.held_out_digit]
    return train_vae(model, images, config, verbose=verbose)


def _load(path, model):
    """The history of the entry at ``path``, its weights set into ``model``.

    Raises ``ValueError`` if the entry records another configuration than ``model``'s (a
    misnamed file) or holds a weight that is not finite, ``KeyError`` if an array is missing.
    """
    arrays = load_npz(path)
    meta = json.loads(str(arrays["meta"])) if "meta" in arrays else {}
    if not isinstance(meta, dict) or _recorded_config(meta) != model.config:
        raise ValueError("it records another configuration")
    weights = [arrays[f"weight_{i}"] for i in range(len(model.weights))]
    if not all_finite(weights):
        raise ValueError("a weight is not finite")
    model.set_weights(weights)
    if meta.get("kind") == "vae":
        return json.loads(str(arrays["history"]))
    return [(int(s), float(loss)) for s, loss in arrays["history"]]


def trained(config: Config = OriginalConfig(), verbose: bool = True, cache: bool = True) -> Trained:
    """The network of ``config`` trained as ``config`` says, from the cache if there.

    ``config`` is an ``OriginalConfig`` (an ``Autoencoder`` trained by ``train`` on the
    original's schedule) or a ``VAEConfig`` (a ``VAE`` trained by ``train_vae``); the presets
    name the book's (``ae.preset("vae_16")``). The network is drawn from
    ``training_seed(config.seed)``: ``config.seed`` itself unless ``$AE_TUTORIAL_SEED_SHIFT``
    asks for another draw (the returned model's ``config`` holds the seed used). On a miss it
    trains on MNIST's training digits and stores the result. An entry that is damaged
    (truncated or altered: each holds its SHA-256), misnamed or not finite is reported with a
    warning naming the file and rebuilt. Entries are written atomically, so processes sharing
    the cache never see half an entry. Training leaves the caller's global random generators
    as they were.

    Args:
        config: the training; ``OriginalConfig()`` is the original's run.
        verbose: print the training's loss lines, or a line saying the weights came from the
            cache.
        cache: look the result up in the cache and store it there; ``False`` always trains
            and stores nothing (the sweeps do so).

    Returns:
        ``Trained(model, history, from_cache)``.

    Raises:
        TypeError: if ``config`` is neither an ``OriginalConfig`` nor a ``VAEConfig``.
        FloatingPointError: if the training's last update left a weight that is not finite.
    """
    _kind(config)
    config = replace(config, seed=training_seed(config.seed))
    path, model = entry_path(config), _build(config)
    if cache and path.exists():
        try:
            history = _load(path, model)
            if verbose:
                print(f"Loaded trained weights from the cache (entry {path.stem}).")
            return Trained(model, history, True)
        except (KeyError, ValueError) as error:
            warnings.warn(f"cache entry {path} is damaged ({error}); retraining it", stacklevel=2)
            model = _build(config)
    history = _fit(model, config, verbose)
    if not all_finite(model.get_weights()):
        raise FloatingPointError(f"the last update left a weight that is not finite ({config})")
    if cache:
        _store(path, model, history)
    return Trained(model, history, False)


def _store(path, model, history):
    """Write ``model``'s weights and ``history`` as one verified entry at ``path``, atomically."""
    config = model.config
    arrays = {f"weight_{i}": np.asarray(w) for i, w in enumerate(model.get_weights())}
    meta = dict(_versions(config), config=config.to_dict())
    if _kind(config) == "vae":
        meta["kind"] = "vae"
        history = np.array(json.dumps(history))
    else:
        history = np.array(history, dtype=np.float64)
    save_npz(path, dict(arrays, history=history, meta=np.array(json.dumps(meta))))
