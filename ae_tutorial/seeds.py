"""Another draw of every trained network: the seed shift (chapter "An autoencoder in Keras").

Training is seeded, but a trained network's bits also depend on the CPU: another machine
trains another network from the same seed. To see the book's claims hold for another
draw, set ``AE_TUTORIAL_SEED_SHIFT`` to an integer: every network the book trains
(``trained``, for both kinds, and the chapters that call ``training_seed``) then starts
from its seed plus that shift. Unset or ``0``, the seeds are the book's own.
"""

import contextlib
import os
import random
import sys
from collections.abc import Iterator

import numpy as np

#: The environment variable holding the shift added to every training seed.
SEED_SHIFT_VAR = "AE_TUTORIAL_SEED_SHIFT"


def seed_shift() -> int:
    """The integer in ``$AE_TUTORIAL_SEED_SHIFT``, or 0 when it is unset or empty.

    Returns:
        The shift, 0 or more.

    Raises:
        ValueError: naming the variable and its value, if that is not an integer >= 0.
    """
    text = os.environ.get(SEED_SHIFT_VAR, "").strip()
    if not text:
        return 0
    if not text.isdigit():
        raise ValueError(f"{SEED_SHIFT_VAR} must be an integer >= 0, got {text!r}")
    return int(text)


def training_seed(seed: int) -> int:
    """The seed a training drawn from ``seed`` uses: ``seed + seed_shift()``.

    Args:
        seed: the seed the book names (0 for most chapters' networks).

    Returns:
        ``seed`` itself unless ``$AE_TUTORIAL_SEED_SHIFT`` is set.
    """
    return seed + seed_shift()


@contextlib.contextmanager
def global_seed(seed: int) -> Iterator[None]:
    """Seed every global random generator for the block, then put back the caller's.

    ``keras.utils.set_random_seed(seed)`` seeds Python's ``random``, NumPy's global generator,
    TensorFlow's global seed (when TensorFlow is installed) and Keras' own: a ``fit`` that
    shuffles draws from them, so a training inside the block repeats bit for bit. On leaving,
    each generator is back in the state it had on entering, so the caller's next draws are
    the ones it would have had without the block (``trained`` trains a VAE in one).

    Args:
        seed: the seed for the block.

    Yields:
        Nothing; the block runs seeded.
    """
    import keras  # heavy: only when a training asks for it
    from keras.src.backend.common import global_state
    from keras.src.random import seed_generator
    from keras.src.utils import rng_utils

    keys = (rng_utils.GLOBAL_RANDOM_SEED, seed_generator.GLOBAL_SEED_GENERATOR)
    saved_keras = [global_state.get_global_attribute(key) for key in keys]
    saved_python, saved_numpy = random.getstate(), np.random.get_state()
    saved_tensorflow = _tensorflow_seed_state()
    keras.utils.set_random_seed(seed)
    try:
        yield
    finally:
        for key, value in zip(keys, saved_keras, strict=True):
            global_state.set_global_attribute(key, value)
        random.setstate(saved_python)
        np.random.set_state(saved_numpy)
        _set_tensorflow_seed_state(saved_tensorflow)


def _tensorflow_seed_state():
    """TensorFlow's eager global seed and its operation-seed generator's state, or ``None``.

    ``tf.random.set_seed`` keeps both in the eager context; TensorFlow has no public getter.
    """
    if "tensorflow" not in sys.modules:
        return None, None  # not loaded yet: no global seed (set_random_seed will load it)
    from tensorflow.python.eager import context

    ctx = context.context()
    rng = getattr(ctx, "_rng", None)
    return ctx._seed, (rng.getstate() if rng is not None else None)


def _set_tensorflow_seed_state(state):
    """Put back what ``_tensorflow_seed_state`` returned."""
    if "tensorflow" not in sys.modules:
        return
    from tensorflow.python.eager import context

    ctx = context.context()
    seed, rng_state = state
    ctx._seed = seed
    if rng_state is None:
        ctx._rng = None
    else:
        ctx._rng = random.Random()
        ctx._rng.setstate(rng_state)
