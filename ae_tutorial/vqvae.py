"""A VQ-VAE and an autoregressive prior over its codes (chapter "Discrete codes").

Van den Oord et al. 2017, "Neural Discrete Representation Learning": a convolutional encoder
maps a digit to a 7 x 7 grid of vectors z; ``VectorQuantizer`` replaces each by its nearest
codebook vector q; a decoder maps the grid back to 28 x 28 pixels. The lookup has no
gradient, so the decoder's gradient is copied to the encoder (straight through:
``z + stop_gradient(q - z)``), and two losses train the codebook and keep the encoder near it::

    codebook loss   = mean (sg(z) - q)^2        commitment loss = beta * mean (z - sg(q))^2

``CodePrior`` is a tiny causal transformer over the 49 code indices, read row by row. Written
with ``keras.ops`` and Keras layers only, so both train under TensorFlow and JAX.
"""

import keras
import numpy as np
from keras import ops

#: The grid of codes an image becomes: 7 x 7 positions.
GRID = 7


def vq_losses(z, q, beta: float):
    """The codebook and commitment losses of a VQ-VAE (chapter "Discrete codes").

    Codebook loss: mean((sg(z) - q)^2). Commitment loss: beta mean((z - sg(q))^2).
    Here sg is the stop-gradient.

    Args:
        z: the encoder's outputs, any shape.
        q: their nearest codebook vectors, the same shape.
        beta: the commitment loss's weight.

    Returns:
        ``(codebook_loss, commitment_loss)``, two scalars: only the first has a gradient
        with respect to ``q``, only the second with respect to ``z``.
    """
    codebook = ops.mean(ops.square(ops.stop_gradient(z) - q))
    return codebook, beta * ops.mean(ops.square(z - ops.stop_gradient(q)))


class VectorQuantizer(keras.layers.Layer):
    """Replace each vector by its nearest of ``num_codes`` codebook vectors (chapter
    "Discrete codes").

    Calling it on z (..., ``code_dim``) returns ``{"quantized", "indices", "codebook_loss",
    "commitment_loss"}``: ``z + stop_gradient(q - z)`` (the value of q, the gradient of the
    identity), the int indices (...), and ``vq_losses(z, q, beta)``.

    Args:
        num_codes: the codebook's size K.
        code_dim: numbers per code vector.
        beta: the commitment loss's weight.
        seed: seeds the codebook, uniform in [-1/K, 1/K] as in van den Oord et al.'s code.
    """

    def __init__(self, num_codes, code_dim, beta=0.25, seed=0, **kwargs):
        super().__init__(**kwargs)
        self.num_codes, self.code_dim, self.beta, self.seed = num_codes, code_dim, beta, seed
        limit = 1.0 / num_codes
        self.codebook = self.add_weight(
            shape=(num_codes, code_dim),
            initializer=keras.initializers.RandomUniform(-limit, limit, seed=seed),
            name="codebook",
        )

    def nearest(self, z):
        """The index of the codebook vector nearest to each vector of z (..., ``code_dim``),
        by squared distance ||z||^2 - 2 z.e + ||e||^2: int (...)."""
        flat = ops.reshape(z, (-1, self.code_dim))
        distances = (
            ops.sum(ops.square(flat), axis=1, keepdims=True)
            - 2 * ops.matmul(flat, ops.transpose(self.codebook))
            + ops.sum(ops.square(self.codebook), axis=1)
        )
        return ops.reshape(ops.argmin(distances, axis=1), ops.shape(z)[:-1])

    def lookup(self, indices):
        """The codebook vectors of ``indices`` (...): shape (..., ``code_dim``)."""
        return ops.take(self.codebook, ops.cast(indices, "int32"), axis=0)

    def call(self, z):
        indices = self.nearest(z)
        q = self.lookup(indices)
        codebook, commitment = vq_losses(z, q, self.beta)
        quantized = z + ops.stop_gradient(q - z)
        return {"quantized": quantized, "indices": indices, "codebook_loss": codebook,
                "commitment_loss": commitment}  # fmt: skip


def _conv(kind, filters, kernel, seed, strides=1, activation="relu"):
    layer = keras.layers.Conv2D if kind == "conv" else keras.layers.Conv2DTranspose
    return layer(filters, kernel, strides=strides, padding="same", activation=activation,
                 kernel_initializer=keras.initializers.GlorotUniform(seed=seed))  # fmt: skip


class VQVAE(keras.Model):
    """A VQ-VAE for MNIST digits (chapter "Discrete codes").

    Encoder: two 3 x 3 convolutions of stride 2 (``width`` and 2 ``width`` ReLU maps, 28 ->
    14 -> 7), then a 1 x 1 convolution to ``code_dim`` numbers. Decoder: a 3 x 3 transposed
    convolution of stride 2 to 14 x 14 (2 ``width`` ReLU maps), a 3 x 3 convolution (the same),
    and a 3 x 3 transposed convolution of stride 2 to one linear channel of 28 x 28. Calling it on
    x (N, 784) returns ``{"reconstruction"`` (N, 784), ``"indices"`` (N, 7, 7), and the two
    losses}. ``fit``/``train_on_batch`` minimise mean((x - x_hat)^2) / ``data_variance`` plus
    the codebook and commitment losses, as keras.io's example does.

    Args:
        num_codes: the codebook's size.
        code_dim: numbers per code vector.
        beta: the commitment loss's weight.
        width: the first convolution's maps.
        data_variance: what the squared error is divided by (the training pixels' variance).
        seed: seeds every initial weight.
    """

    def __init__(self, num_codes=128, code_dim=16, beta=0.25, width=16, data_variance=1.0,
                 seed=0, **kwargs):  # fmt: skip
        super().__init__(**kwargs)
        self.data_variance = float(data_variance)
        s = 10 * seed
        self.encoder = keras.Sequential([
            _conv("conv", width, 3, s, 2), _conv("conv", 2 * width, 3, s + 1, 2),
            _conv("conv", code_dim, 1, s + 2, activation=None)], name="encoder")  # fmt: skip
        self.quantizer = VectorQuantizer(num_codes, code_dim, beta, seed=s + 3, name="vq")
        self.decoder = keras.Sequential([
            _conv("transpose", 2 * width, 3, s + 4, 2), _conv("conv", 2 * width, 3, s + 5),
            _conv("transpose", 1, 3, s + 6, 2, activation=None)], name="decoder")  # fmt: skip
        self.error_tracker = keras.metrics.Mean(name="squared_error")

    def encode(self, x):
        """The encoder's outputs z of x (N, 784): (N, 7, 7, ``code_dim``)."""
        return self.encoder(ops.reshape(x, (-1, 28, 28, 1)))

    def codes(self, x):
        """The code indices of x (N, 784): int (N, 7, 7), without decoding."""
        return self.quantizer.nearest(self.encode(x))

    def decode_indices(self, indices):
        """The images (N, 784) that the decoder makes from code indices (N, 7, 7)."""
        return ops.reshape(self.decoder(self.quantizer.lookup(indices)), (-1, 784))

    def call(self, x):
        out = self.quantizer(self.encode(x))
        reconstruction = ops.reshape(self.decoder(out.pop("quantized")), (-1, 784))
        return {"reconstruction": reconstruction, **out}

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        """Keras' hook: squared error over ``data_variance`` + codebook + commitment losses."""
        error = ops.mean(ops.square(x - y_pred["reconstruction"]))
        self.error_tracker.update_state(error)
        return error / self.data_variance + y_pred["codebook_loss"] + y_pred["commitment_loss"]


class CodePrior(keras.Model):
    """A tiny causal transformer over the 49 code indices of an image, read row by row
    (chapter "Discrete codes").

    Calling it on indices (N, 49) returns logits (N, 49, ``num_codes``): those at position i
    predict code i from codes 0 to i - 1 only (the input is shifted right behind a start token,
    and attention is causal). One pre-norm transformer block of ``width`` numbers.

    Args:
        num_codes: the codebook's size.
        width: the transformer's width.
        num_heads: attention heads.
        seed: seeds every initial weight.
    """

    def __init__(self, num_codes=128, width=32, num_heads=4, seed=0, **kwargs):
        super().__init__(**kwargs)
        self.num_codes = num_codes
        init = [keras.initializers.GlorotUniform(seed=10 * seed + i) for i in range(6)]
        self.embed = keras.layers.Embedding(num_codes + 1, width, embeddings_initializer=init[0])
        self.position = keras.layers.Embedding(GRID * GRID, width, embeddings_initializer=init[1])
        self.norm_1 = keras.layers.LayerNormalization()
        self.norm_2 = keras.layers.LayerNormalization()
        self.attention = keras.layers.MultiHeadAttention(
            num_heads, width // num_heads, kernel_initializer=init[2]
        )
        self.mlp = keras.Sequential([
            keras.layers.Dense(2 * width, "relu", kernel_initializer=init[3]),
            keras.layers.Dense(width, kernel_initializer=init[4])])  # fmt: skip
        self.head = keras.layers.Dense(num_codes, kernel_initializer=init[5])

    def call(self, indices):
        indices = ops.cast(indices, "int32")
        start = ops.full_like(indices[:, :1], self.num_codes)  # the start token
        tokens = ops.concatenate([start, indices[:, :-1]], axis=1)
        h = self.embed(tokens) + self.position(ops.arange(GRID * GRID))
        a = self.norm_1(h)
        h = h + self.attention(a, a, use_causal_mask=True)
        h = h + self.mlp(self.norm_2(h))
        return self.head(h)

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        """Keras' hook: the mean cross-entropy (nats) of each code given the earlier ones."""
        loss = keras.losses.sparse_categorical_crossentropy(x, y_pred, from_logits=True)
        return ops.mean(loss)


def sample_prior(prior: CodePrior, n: int, seed: int = 0) -> np.ndarray:
    """Draw ``n`` grids of codes from ``prior``, one position after another (ancestral
    sampling, NumPy's generator seeded with ``seed``): int (n, 7, 7)."""
    rng = np.random.default_rng(seed)
    codes = np.zeros((n, GRID * GRID), np.int32)
    for i in range(GRID * GRID):  # predict_on_batch: compiled once, on any backend
        logits = np.asarray(prior.predict_on_batch(codes), np.float64)[:, i]
        p = np.exp(logits - logits.max(axis=1, keepdims=True))
        p /= p.sum(axis=1, keepdims=True)
        codes[:, i] = (p.cumsum(axis=1) > rng.random((n, 1))).argmax(axis=1)
    return codes.reshape(n, GRID, GRID)
