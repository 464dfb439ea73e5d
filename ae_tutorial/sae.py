"""Sparse autoencoders and their toy ground truth (chapter "Sparse autoencoders").

The toy data follow Elhage et al. 2022, "Toy Models of Superposition": many sparse,
non-negative features stored along fixed unit directions in fewer dimensions. The model
follows Gao et al. 2024, "Scaling and evaluating sparse autoencoders"::

    z = sparsify(W_enc (x - b_dec) + b_enc),    x_hat = W_dec z + b_dec

where ``sparsify`` is top-k (keep the k largest pre-activations, ReLU on those, zero
elsewhere) or a plain ReLU trained with an L1 penalty (Bricken et al. 2023, "Towards
Monosemanticity"). Each decoder direction (a row of ``W_dec``, shape (num_latents, dim)) is
renormalised to unit length after every optimiser step, as Gao et al. and Bricken et al. do
(by a Keras ``UnitNorm`` constraint; without their projection of the gradient). Written
with ``keras.ops`` only, so it trains under TensorFlow and JAX alike.
"""

from typing import NamedTuple

import keras
import numpy as np
from keras import ops

from .checks import positive_int

#: The sparsity mechanisms a ``SparseAutoencoder`` offers.
SAE_ACTIVATIONS = ("topk", "relu")


class ToyData(NamedTuple):
    """Vectors made of sparse features (``superposition_data``)."""

    x: np.ndarray  #: the vectors, float32 (num_samples, dim): activations @ directions
    directions: np.ndarray  #: the true unit feature directions, (num_features, dim)
    activations: np.ndarray  #: each sample's feature activations, (num_samples, num_features)


def superposition_data(
    num_samples: int, num_features: int = 256, dim: int = 64, density: float = 0.02, seed: int = 0
) -> ToyData:
    """Sparse non-negative features stored in superposition, with their ground truth.

    The directions are Gaussian vectors scaled to unit length, fixed by ``seed``. Each
    feature of each sample is active with probability ``density``, with a magnitude drawn
    uniformly from [0, 1]; inactive features are 0. A sample holds ``num_features *
    density`` active features on average (5.12 by default).

    Args:
        num_samples: vectors to draw.
        num_features: true features (more than ``dim``: superposition).
        dim: the vectors' length.
        density: the probability that a feature is active, in (0, 1].
        seed: seeds NumPy's generator (directions, then activations).

    Returns:
        A ``ToyData(x, directions, activations)``, float32 arrays.

    Raises:
        ValueError: naming the argument, if a count is not a positive integer or
            ``density`` is not in (0, 1].
    """
    for name, value in {
        "num_samples": num_samples,
        "num_features": num_features,
        "dim": dim,
    }.items():
        positive_int(name, value)
    if not 0 < density <= 1:
        raise ValueError(f"density must be in (0, 1], got {density!r}")
    rng = np.random.default_rng(seed)
    directions = rng.standard_normal((num_features, dim))
    directions /= np.linalg.norm(directions, axis=1, keepdims=True)
    active = rng.random((num_samples, num_features)) < density
    activations = (active * rng.random((num_samples, num_features))).astype(np.float32)
    directions = directions.astype(np.float32)
    return ToyData(activations @ directions, directions, activations)


def top_k(pre, k: int):
    """Keep the ``k`` largest entries of each row, ReLU'd; zero the rest.

    Args:
        pre: pre-activations, shape (N, num_latents).
        k: entries kept per row.

    Returns:
        An array of ``pre``'s shape with at most ``k`` non-zeros per row (fewer where a
        kept entry is <= 0; more only where entries tie exactly with the k-th largest).
    """
    kth = ops.top_k(pre, k)[0][:, -1:]
    return ops.where(pre >= kth, ops.relu(pre), ops.zeros_like(pre))


class SparseAutoencoder(keras.Model):
    """An overcomplete autoencoder with sparse latents: top-k or ReLU with an L1 penalty.

    Calling the model returns ``{"reconstruction": x_hat, "latents": z}``. ``fit(x)`` trains
    it on the loss::

        mean over samples of ||x - x_hat||^2  +  l1 * mean over samples of sum_i |z_i|

    The decoder directions have unit norm, so the L1 term equals the variant scaled by the
    decoder norms. The decoder starts as ``num_latents`` random unit directions (NumPy's
    generator seeded with ``(seed, 1)``, never ``superposition_data``'s directions of the
    same seed) and the encoder as their transpose (Gao et al.); both biases start at 0.

    Args:
        dim: the inputs' length.
        num_latents: latents (the dictionary's size; more than ``dim`` for an overcomplete one).
        activation: ``"topk"`` or ``"relu"``.
        k: latents kept per sample, required for ``"topk"`` (1 to ``num_latents``).
        l1: the L1 penalty's weight, >= 0 (only with ``"relu"``).
        seed: seeds the initial decoder.
        **kwargs: passed to ``keras.Model`` (e.g. ``name``).

    Raises:
        ValueError: naming the argument, if ``dim``, ``num_latents`` or ``k`` is not a
            positive integer, ``k`` is missing, set with ``"relu"`` or above ``num_latents``,
            ``l1`` is negative or set with ``"topk"``, or ``activation`` is unknown.
    """

    def __init__(self, dim, num_latents, activation="topk", k=None, l1=0.0, seed=0, **kwargs):
        super().__init__(**kwargs)
        positive_int("dim", dim)
        positive_int("num_latents", num_latents)
        _check_sparsity(num_latents, activation, k, l1)
        self.dim, self.num_latents, self.activation = dim, num_latents, activation
        self.k, self.l1, self.seed = k, float(l1), seed
        decoder = np.random.default_rng((seed, 1)).standard_normal((num_latents, dim))
        decoder /= np.linalg.norm(decoder, axis=1, keepdims=True)
        self.w_dec = self._weight("w_dec", decoder, keras.constraints.UnitNorm(axis=1))
        self.w_enc = self._weight("w_enc", decoder.T)
        self.b_enc = self._weight("b_enc", np.zeros(num_latents))
        self.b_dec = self._weight("b_dec", np.zeros(dim))
        self.error_tracker = keras.metrics.Mean(name="squared_error")
        self.l0_tracker = keras.metrics.Mean(name="l0")

    def _weight(self, name, value, constraint=None):
        value = np.asarray(value, np.float32)
        return self.add_weight(
            shape=value.shape,
            initializer=keras.initializers.Constant(value),
            constraint=constraint,
            name=name,
        )

    def encode(self, x):
        """The sparse latents ``z`` of inputs ``x`` (N, ``dim``): shape (N, ``num_latents``), >= 0.

        Raises:
            ValueError: if ``x`` is not of shape (N, ``dim``).
        """
        if len(x.shape) != 2 or x.shape[1] != self.dim:
            raise ValueError(f"x must have shape (N, {self.dim}), got {tuple(x.shape)}")
        pre = ops.matmul(x - self.b_dec, self.w_enc) + self.b_enc
        return top_k(pre, self.k) if self.activation == "topk" else ops.relu(pre)

    def decode(self, z):
        """The reconstruction ``z @ w_dec + b_dec`` of latents ``z``, shape (N, ``dim``)."""
        return ops.matmul(z, self.w_dec) + self.b_dec

    def call(self, x):
        """Encode and decode ``x``: ``{"reconstruction", "latents"}``."""
        z = self.encode(x)
        return {"reconstruction": self.decode(z), "latents": z}

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        """Keras' hook: squared error (+ L1 of the latents); tracks ``squared_error``, ``l0``."""
        z = y_pred["latents"]
        error = ops.mean(ops.sum(ops.square(x - y_pred["reconstruction"]), axis=-1))
        self.error_tracker.update_state(error)
        self.l0_tracker.update_state(ops.mean(ops.sum(ops.cast(z > 0, "float32"), axis=-1)))
        return error + self.l1 * ops.mean(ops.sum(ops.abs(z), axis=-1))

    def get_config(self) -> dict[str, object]:
        """The constructor's arguments (Keras saving)."""
        names = ("dim", "num_latents", "activation", "k", "l1", "seed")
        return {**super().get_config(), **{name: getattr(self, name) for name in names}}


def _check_sparsity(num_latents, activation, k, l1):
    """Raise ``ValueError`` unless ``activation``, ``k`` and ``l1`` fit together."""
    if activation not in SAE_ACTIVATIONS:
        raise ValueError(f"activation must be one of {SAE_ACTIVATIONS}, got {activation!r}")
    if activation == "topk":
        if positive_int("k", k) > num_latents:
            raise ValueError(f"k must be at most num_latents = {num_latents}, got {k}")
        if l1:
            raise ValueError(f"l1 applies to activation='relu' only, got l1={l1!r} with top-k")
    elif k is not None:
        raise ValueError(f"k applies to activation='topk' only, got k={k!r} with 'relu'")
    if not l1 >= 0:
        raise ValueError(f"l1 must be >= 0, got {l1!r}")
