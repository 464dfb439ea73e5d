"""Another draw of every trained network: the seed shift (chapter "An autoencoder in Keras").

Training is seeded, but a trained network's bits also depend on the CPU: another machine
trains another network from the same seed. To see the book's claims hold for another
draw, set ``AE_TUTORIAL_SEED_SHIFT`` to an integer: every network the book trains
(``trained``, ``trained_vae`` and the chapters that call ``training_seed``) then starts
from its seed plus that shift. Unset or ``0``, the seeds are the book's own.
"""

import os

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
