"""Corrupted inputs for the denoising autoencoder (chapter "What the code learned")."""

import keras

from ._tf import tf
from .config import OriginalConfig


class Corruption:
    """Corrupt a batch of pixels as ``config.noise`` says, from a seeded random stream.

    ``"gaussian"`` adds N(0, ``noise_level``) noise and clips to [0, 1]; ``"mask"`` zeroes
    each pixel with probability ``noise_level`` (the masking noise of Vincent et al.).
    Calling it maps float32 (batch, 784) to the same shape; each call draws new noise from
    ``seed_generator``, so a run is repeatable for a given ``seed``. Works inside
    ``tf.function`` and XLA, but XLA's Philox numbers are not TensorFlow's (and cost about
    as much as a step of the original's network on a CPU): ``train`` draws them outside its
    XLA-compiled update, so its fast and plain paths draw the same noise.

    Args:
        kind: ``"gaussian"`` or ``"mask"``.
        level: the Gaussian noise's standard deviation (0 or more), or the probability that
            a pixel is zeroed (0 to below 1).
        seed: seeds ``seed_generator``, the stream each call draws its noise from.

    Raises:
        ValueError: if ``kind`` is unknown or ``level`` out of range for it.
    """

    def __init__(self, kind: str, level: float, seed: int = 0) -> None:
        if kind not in ("gaussian", "mask"):
            raise ValueError(f"unknown noise {kind!r}; choose 'gaussian' or 'mask'")
        if not 0 <= level < (1 if kind == "mask" else float("inf")):
            raise ValueError(f"noise level {level!r} is out of range for {kind!r} noise")
        self.kind, self.level = kind, float(level)
        self.seed_generator = keras.random.SeedGenerator(seed)

    def __call__(self, x: tf.Tensor) -> tf.Tensor:
        """A corrupted copy of ``x``, with fresh noise.

        Args:
            x: float32 pixels in [0, 1], shape (batch, 784) (any shape works).

        Returns:
            float32 of ``x``'s shape, in [0, 1].
        """
        seed = tf.cast(self.seed_generator.next(), tf.int32)
        shape = tf.shape(x)  # Philox on every device; XLA draws its own Philox numbers
        if self.kind == "gaussian":
            noise = tf.random.stateless_normal(shape, seed, stddev=self.level, alg="philox")
            return tf.clip_by_value(x + noise, 0.0, 1.0)
        keep = tf.random.stateless_uniform(shape, seed, alg="philox") >= self.level
        return tf.where(keep, x, tf.zeros_like(x))


def make_corruption(config: OriginalConfig) -> Corruption | None:
    """``Corruption`` for ``config.noise`` (seeded from ``config.seed``), or ``None``.

    Args:
        config: its ``noise``, ``noise_level`` and ``seed`` are used.

    Returns:
        ``Corruption(config.noise, config.noise_level, seed=config.seed + 1)``, or ``None``
        when ``config.noise`` is ``"none"``.
    """
    if config.noise == "none":
        return None
    return Corruption(config.noise, config.noise_level, seed=config.seed + 1)
