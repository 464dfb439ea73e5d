"""Denoisers that estimate a score, and the sampler that uses it: chapter "From denoising to
diffusion".

A ``Denoiser`` wraps a network f(x~, log sigma) and denoises as D(x~) = x~ + sigma f, so that
its score (D - x~) / sigma^2 = f / sigma is Song and Ermon's s(x, sigma) = s(x) / sigma scaling;
with ``data_std`` it uses Karras et al.'s (2022) preconditioning instead, which lets f predict
the clean data where sigma is large. Training draws a noise level per example from ``sigmas``
and minimises ||D(x~) - x||^2 / c_out^2 (c_out = sigma without ``data_std``: Song and Ermon's
weighting lambda(sigma) = sigma^2 of the score loss).
``annealed_langevin`` samples with any score function. Any Keras backend (``keras.ops``).
"""

import keras
import numpy as np
from keras import ops

from .score_reference import score_from_denoiser


def mlp_network(dim: int = 2, hidden: int = 128, layers: int = 3, seed: int = 0) -> keras.Model:
    """An MLP f: [x~ (dim), log sigma (1)] -> (dim), ``layers`` hidden layers of ``hidden``
    SiLU units; Glorot-uniform weights seeded by ``seed``, ``seed + 1``, ...

    Returns:
        A functional ``keras.Model`` with inputs ``(noisy, log_sigma)``.
    """
    noisy, log_sigma = keras.Input((dim,)), keras.Input((1,))
    h = ops.concatenate([noisy, log_sigma], axis=-1)
    for i in range(layers):
        h = keras.layers.Dense(hidden, "silu", kernel_initializer=_glorot(seed + i))(h)
    out = keras.layers.Dense(dim, kernel_initializer=_glorot(seed + layers))(h)
    return keras.Model([noisy, log_sigma], out, name="mlp_network")


def conv_network(filters: tuple[int, int] = (32, 64), seed: int = 0) -> keras.Model:
    """A small U-shaped convolutional f for MNIST: [x~ (784), log sigma (1)] -> (784).

    The image and a constant channel holding log sigma (28 x 28 x 2) go through two strided
    3 x 3 convolutions (``filters``, as the book's ``ConvEncoder``: 14 x 14, 7 x 7), a 3 x 3
    convolution at 7 x 7, and two transposed convolutions back to 28 x 28, each adding the
    encoder's map of its size (skip connections); a 1 x 1 convolution gives one channel.
    """
    noisy, log_sigma = keras.Input((784,)), keras.Input((1,))
    image = keras.layers.Reshape((28, 28, 1))(noisy)
    level = ops.ones_like(image) * ops.reshape(log_sigma, (-1, 1, 1, 1))

    def conv(width, i, strides=1, layer=keras.layers.Conv2D):
        return layer(width, 3, strides, "same", activation="silu", kernel_initializer=_glorot(i))

    h1 = conv(filters[0], seed, 2)(ops.concatenate([image, level], axis=-1))
    h2 = conv(filters[1], seed + 1, 2)(h1)
    h = conv(filters[1], seed + 2)(h2) + h2
    h = conv(filters[0], seed + 3, 2, keras.layers.Conv2DTranspose)(h) + h1
    h = conv(filters[0], seed + 4, 2, keras.layers.Conv2DTranspose)(h)
    h = keras.layers.Conv2D(1, 1, kernel_initializer=_glorot(seed + 5))(h)
    return keras.Model([noisy, log_sigma], keras.layers.Reshape((784,))(h), name="conv_network")


def _glorot(seed):
    return keras.initializers.GlorotUniform(seed=seed)


class Denoiser(keras.Model):
    """D(x~, sigma) = c_skip x~ + c_out network(c_in x~, log sigma), trained on clean data by
    ``fit`` or ``train_on_batch`` (chapter "From denoising to diffusion").

    Without ``data_std``, c_skip = c_in = 1 and c_out = sigma (Song and Ermon). With it
    (s_d), c_skip = s_d^2 / (sigma^2 + s_d^2), c_out = sigma s_d / sqrt(sigma^2 + s_d^2) and
    c_in = 1 / sqrt(sigma^2 + s_d^2) (Karras et al. 2022). A training call draws, per example,
    sigma uniformly from ``sigmas`` and x~ = x + sigma * noise, and returns ``{"denoised",
    "x", "sigma"}``; the loss is the batch's mean of ||D(x~) - x||^2 / c_out^2.
    ``denoise`` and ``score`` are the trained model's uses.

    Args:
        network: f, a Keras model taking ``(noisy, log_sigma)`` of shapes (n, d), (n, 1).
        sigmas: the noise levels trained on, positive floats.
        seed: seeds the training noise.
        data_std: the data's std s_d for the preconditioning, or ``None``.
        **kwargs: passed to ``keras.Model``.
    """

    def __init__(self, network: keras.Model, sigmas, seed: int = 0, data_std=None, **kwargs):
        super().__init__(**kwargs)
        self.data_std = data_std
        sigmas = np.atleast_1d(np.asarray(sigmas, np.float32))
        if sigmas.ndim != 1 or np.any(~(sigmas > 0)):
            raise ValueError(f"sigmas must be positive floats, got {sigmas}")
        self.network, self.sigmas, self.noise = network, sigmas, keras.random.SeedGenerator(seed)

    def denoise(self, noisy, sigma):
        """D(x~) for ``noisy`` (n, d) at ``sigma`` (a float or shape (n, 1)), a tensor (n, d)."""
        noisy = ops.cast(noisy, "float32")
        sigma = ops.broadcast_to(ops.cast(sigma, "float32"), (ops.shape(noisy)[0], 1))
        skip, out, scale = self.coefficients(sigma)
        return skip * noisy + out * self.network([scale * noisy, ops.log(sigma)])

    def coefficients(self, sigma):
        """``(c_skip, c_out, c_in)`` at ``sigma`` (a tensor), each of its shape."""
        if self.data_std is None:
            return ops.ones_like(sigma), sigma, ops.ones_like(sigma)
        total = sigma**2 + self.data_std**2
        return self.data_std**2 / total, sigma * self.data_std / total**0.5, total**-0.5

    def score(self, noisy, sigma):
        """The score estimate (D(x~) - x~) / sigma^2 (Tweedie), a tensor (n, d)."""
        noisy, sigma = ops.cast(noisy, "float32"), ops.cast(sigma, "float32")
        return score_from_denoiser(self.denoise(noisy, sigma), noisy, sigma)

    def call(self, x, training=False):
        """Noise clean ``x`` (n, d) at a random level per example and denoise it."""
        n = ops.shape(x)[0]
        pick = keras.random.randint((n,), 0, len(self.sigmas), seed=self.noise)
        sigma = ops.expand_dims(ops.take(ops.convert_to_tensor(self.sigmas), pick), 1)
        noisy = x + sigma * keras.random.normal(ops.shape(x), seed=self.noise)
        return {"denoised": self.denoise(noisy, sigma), "x": x, "sigma": sigma}

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        """Keras' hook: mean over the batch of ||D(x~) - x||^2 / c_out^2."""
        squared = ops.sum((y_pred["denoised"] - y_pred["x"]) ** 2, axis=-1)
        return ops.mean(squared / ops.squeeze(self.coefficients(y_pred["sigma"])[1], 1) ** 2)


def train_denoiser(points, sigmas, num_steps, seed=0, network=None, batch_size=128,
                   learning_rate=1e-3, data_std=None):  # fmt: skip
    """Train a ``Denoiser`` on ``points`` for ``num_steps`` Adam steps (chapter "From
    denoising to diffusion").

    Args:
        points: clean data, float32 of shape (n, d).
        sigmas: the noise levels, positive floats; each example draws one uniformly.
        num_steps: optimiser steps, each on ``batch_size`` points drawn with replacement.
        seed: seeds the batches, the noise and (with ``network=None``) the weights.
        network: f; ``None`` gives ``mlp_network(d, seed=seed)``.
        batch_size: points per step.
        learning_rate: Adam's.
        data_std: passed to ``Denoiser``.

    Returns:
        ``(denoiser, losses)``: the trained ``Denoiser`` and each step's loss, shape
        (num_steps,).
    """
    points = np.asarray(points, np.float32)
    if points.ndim != 2 or len(points) == 0:
        raise ValueError(f"points must be a non-empty (n, d) array, got shape {points.shape}")
    network = mlp_network(points.shape[1], seed=seed) if network is None else network
    model = Denoiser(network, sigmas, seed=seed, data_std=data_std)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate))
    rng = np.random.default_rng(seed)
    losses = [
        model.train_on_batch(points[rng.integers(0, len(points), batch_size)])
        for _ in range(num_steps)
    ]
    return model, np.asarray(losses, float)


def annealed_langevin(score_fn, x0, sigmas, steps_per_sigma, step_size, seed=0,
                      trajectory=False):  # fmt: skip
    """Annealed Langevin dynamics (Song and Ermon 2019, algorithm 1), in NumPy.

    For each sigma_i in turn, ``steps_per_sigma`` steps of
    x <- x + alpha_i / 2 * score(x, sigma_i) + sqrt(alpha_i) z, z ~ N(0, I),
    with alpha_i = ``step_size`` * sigma_i^2 / sigma_L^2 (sigma_L the last, smallest level).

    Args:
        score_fn: ``score_fn(x, sigma)`` -> the score at points x (n, d), array-like (n, d).
        x0: the starting points, shape (n, d).
        sigmas: the noise levels, largest first.
        steps_per_sigma: T, steps at each level.
        step_size: epsilon.
        seed: seeds the Gaussian draws.
        trajectory: also return x after each level.

    Returns:
        The samples (n, d), float64; with ``trajectory``, also an array (L + 1, n, d): x0
        and x after each level.
    """
    rng, x = np.random.default_rng(seed), np.array(x0, np.float64)
    sigmas = np.asarray(sigmas, float)
    if np.any(np.diff(sigmas) > 0) or np.any(sigmas <= 0):
        raise ValueError(f"sigmas must be positive and decreasing, got {sigmas}")
    path = [x.copy()]
    for sigma in sigmas:
        alpha = step_size * sigma**2 / sigmas[-1] ** 2
        for _ in range(steps_per_sigma):
            score = np.asarray(keras.ops.convert_to_numpy(score_fn(x, sigma)), np.float64)
            x = x + alpha / 2 * score + np.sqrt(alpha) * rng.standard_normal(x.shape)
        path.append(x.copy())
    return (x, np.stack(path)) if trajectory else x
