"""Corrupted inputs for the denoising autoencoder (chapter "What the code learned")."""

import keras

from ._tf import tf


class Corruption:
    """Corrupt a batch of pixels as ``config.noise`` says, from a seeded random stream.

    ``"gaussian"`` adds N(0, ``noise_level``) noise and clips to [0, 1]; ``"mask"`` zeroes
    each pixel with probability ``noise_level`` (the masking noise of Vincent et al.).
    Calling it maps float32 (batch, 784) to the same shape; each call draws new noise from
    ``seed_generator``, so a run is repeatable for a given ``seed``. Works inside
    ``tf.function`` and XLA, but XLA's Philox numbers are not TensorFlow's: ``train``'s fast
    and plain paths draw different (equally valid) noise for the same seed.
    """

    def __init__(self, kind, level, seed=0):
        if kind not in ("gaussian", "mask"):
            raise ValueError(f"unknown noise {kind!r}; choose 'gaussian' or 'mask'")
        if not 0 <= level < (1 if kind == "mask" else float("inf")):
            raise ValueError(f"noise level {level!r} is out of range for {kind!r} noise")
        self.kind, self.level = kind, float(level)
        self.seed_generator = keras.random.SeedGenerator(seed)

    def __call__(self, x):
        seed = tf.cast(self.seed_generator.next(), tf.int32)
        shape = tf.shape(x)  # Philox on every device; XLA draws its own Philox numbers
        if self.kind == "gaussian":
            noise = tf.random.stateless_normal(shape, seed, stddev=self.level, alg="philox")
            return tf.clip_by_value(x + noise, 0.0, 1.0)
        keep = tf.random.stateless_uniform(shape, seed, alg="philox") >= self.level
        return tf.where(keep, x, tf.zeros_like(x))

def make_corruption(config):
    """``Corruption`` for ``config.noise`` (seeded from ``config.seed``), or ``None``."""
    if config.noise == "none":
        return None
    return Corruption(config.noise, config.noise_level, seed=config.seed + 1)
