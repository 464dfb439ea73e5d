"""A masked autoencoder for MNIST: chapter "Masked autoencoders".

A 28 x 28 digit becomes 49 patches of 4 x 4 pixels (``patchify``). Each image hides a random
share of them (``random_masking``); a small transformer encodes the visible patches only, a
lighter one sees the encoder's outputs and a shared learned mask token at the hidden
positions, and predicts every patch's 16 pixels. The loss, ``masked_mse``, counts the hidden
patches only (He et al. 2022). Any Keras backend (``keras.ops``).
"""

import keras
import numpy as np
from keras import ops

#: Patches per side, pixels per patch side, patches per image, pixels per patch.
GRID, PATCH = 7, 4
NUM_PATCHES, PATCH_PIXELS = GRID * GRID, PATCH * PATCH


def patchify(images):
    """(n, 784) pixels -> (n, 49, 16) patches, row by row, each patch row by row."""
    x = ops.reshape(images, (-1, GRID, PATCH, GRID, PATCH))
    return ops.reshape(ops.transpose(x, (0, 1, 3, 2, 4)), (-1, NUM_PATCHES, PATCH_PIXELS))


def unpatchify(patches):
    """(n, 49, 16) patches -> (n, 784) pixels: ``patchify``'s inverse."""
    x = ops.reshape(patches, (-1, GRID, GRID, PATCH, PATCH))
    return ops.reshape(ops.transpose(x, (0, 1, 3, 2, 4)), (-1, GRID * PATCH * GRID * PATCH))


def num_visible(mask_ratio: float) -> int:
    """Patches an image keeps at ``mask_ratio``: round(49 (1 - ratio)), at least 1."""
    if not 0 <= mask_ratio < 1:
        raise ValueError(f"mask_ratio must be in [0, 1), got {mask_ratio!r}")
    return max(1, round(NUM_PATCHES * (1 - mask_ratio)))


def random_masking(noise, mask_ratio: float):
    """Which patches each image keeps: the ``num_visible`` with the smallest ``noise``.

    Args:
        noise: float (n, 49), e.g. uniform; one random order of the patches per image.
        mask_ratio: the share hidden.

    Returns:
        ``(keep, restore, mask)``: the kept patches' indices (n, k), int; the permutation
        that puts [kept, hidden] back in patch order (n, 49); and float (n, 49), 1 where hidden.
    """
    order = ops.argsort(noise, axis=-1)
    restore = ops.argsort(order, axis=-1)
    k = num_visible(mask_ratio)
    mask = ops.cast(restore >= k, "float32")
    return order[:, :k], restore, mask


def masked_mse(patches, prediction, mask):
    """Squared error per pixel, averaged over the hidden patches (``mask`` 1) only."""
    per_patch = ops.mean(ops.square(prediction - patches), axis=-1)
    return ops.sum(per_patch * mask) / ops.maximum(ops.sum(mask), 1.0)


def _gather(x, indices):
    """``x[i, indices[i]]`` for each i: (n, p, d), (n, k) -> (n, k, d), as a product with
    one-hot rows (exact; TensorFlow's ``take_along_axis`` logs an int64 notice on CPUs)."""
    return ops.einsum("nkp,npd->nkd", ops.one_hot(indices, ops.shape(x)[1]), x)


def sincos_positions(dim: int) -> np.ndarray:
    """Fixed 2-D sine-cosine position embeddings of the 7 x 7 grid, float32 (49, dim).

    Half the numbers code the row, half the column (``dim`` a multiple of 4), as in MAE.
    """
    if dim % 4:
        raise ValueError(f"dim must be a multiple of 4, got {dim!r}")
    freq = 1.0 / 10_000 ** (np.arange(dim // 4) / (dim // 4))
    rows, cols = np.divmod(np.arange(NUM_PATCHES), GRID)
    parts = [f(np.outer(p, freq)) for p in (rows, cols) for f in (np.sin, np.cos)]
    return np.concatenate(parts, axis=1).astype(np.float32)


class Block(keras.layers.Layer):
    """A pre-norm transformer block: x + attention(LN x), then x + MLP(LN x) (MLP 2x wide)."""

    def __init__(self, dim: int, num_heads: int, **kwargs):
        super().__init__(**kwargs)
        self.norm_1 = keras.layers.LayerNormalization()
        self.norm_2 = keras.layers.LayerNormalization()
        self.attention = keras.layers.MultiHeadAttention(num_heads, dim // num_heads)
        self.hidden = keras.layers.Dense(2 * dim, activation="gelu")
        self.out = keras.layers.Dense(dim)

    def call(self, x):
        h = self.norm_1(x)
        x = x + self.attention(h, h)
        return x + self.out(self.hidden(self.norm_2(x)))


class MaskedAutoencoder(keras.Model):
    """Encoder on the visible patches, decoder over all 49 (chapter "Masked autoencoders").

    A training call draws a uniform noise per patch from ``seed``'s generator, hides
    ``mask_ratio`` of the patches and returns ``{"prediction", "patches", "mask"}``; the loss
    is ``masked_mse``. ``reconstruct`` does the same with given noise; ``encode`` runs the
    encoder on all 49 patches.

    Args:
        mask_ratio: the share of patches hidden in training.
        embed_dim, depth, num_heads: the encoder's width, blocks and attention heads.
        decoder_dim, decoder_depth: the decoder's width and blocks.
        seed: seeds the masks drawn in training.
        **kwargs: passed to ``keras.Model``.
    """

    def __init__(self, mask_ratio=0.75, embed_dim=64, depth=2, num_heads=4, decoder_dim=32,
                 decoder_depth=1, seed=0, **kwargs):  # fmt: skip
        super().__init__(**kwargs)
        self.mask_ratio, self.masks = mask_ratio, keras.random.SeedGenerator(seed)
        self.embed = keras.layers.Dense(embed_dim)
        self.encoder_positions = ops.convert_to_tensor(sincos_positions(embed_dim))
        self.encoder_blocks = [Block(embed_dim, num_heads) for _ in range(depth)]
        self.encoder_norm = keras.layers.LayerNormalization()
        self.to_decoder = keras.layers.Dense(decoder_dim)
        self.mask_token = self.add_weight((1, 1, decoder_dim), "random_normal", name="mask_token")
        self.decoder_positions = ops.convert_to_tensor(sincos_positions(decoder_dim))
        self.decoder_blocks = [Block(decoder_dim, num_heads) for _ in range(decoder_depth)]
        self.decoder_norm = keras.layers.LayerNormalization()
        self.to_pixels = keras.layers.Dense(PATCH_PIXELS)

    def encode_patches(self, patches, keep=None):
        """The encoder's outputs (n, k, embed_dim) on the patches at ``keep`` (n, k), or on
        all 49 if ``keep`` is None: the others never enter it."""
        x = self.embed(patches) + self.encoder_positions
        if keep is not None:
            x = _gather(x, keep)
        for block in self.encoder_blocks:
            x = block(x)
        return self.encoder_norm(x)

    def encode(self, images):
        """The mean over all 49 patches of the encoder's outputs: (n, 784) -> (n, embed_dim)."""
        return ops.mean(self.encode_patches(patchify(ops.cast(images, "float32"))), axis=1)

    def reconstruct(self, images, noise):
        """Hide the patches ``random_masking(noise)`` hides; predict every patch.

        Returns:
            ``{"prediction": (n, 49, 16), "patches": (n, 49, 16), "mask": (n, 49)}``.
        """
        patches = patchify(ops.cast(images, "float32"))
        keep, restore, mask = random_masking(noise, self.mask_ratio)
        x = self.to_decoder(self.encode_patches(patches, keep))
        n, hidden = ops.shape(x)[0], NUM_PATCHES - ops.shape(keep)[1]
        tokens = ops.tile(self.mask_token, (n, hidden, 1))
        x = ops.concatenate([x, tokens], axis=1)  # [kept, hidden], then in patch order
        x = _gather(x, restore)
        x = x + self.decoder_positions
        for block in self.decoder_blocks:
            x = block(x)
        prediction = self.to_pixels(self.decoder_norm(x))
        return {"prediction": prediction, "patches": patches, "mask": mask}

    def call(self, images, training=False):
        """``reconstruct`` with fresh uniform noise from the model's seed generator."""
        noise = keras.random.uniform((ops.shape(images)[0], NUM_PATCHES), seed=self.masks)
        return self.reconstruct(images, noise)

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        """Keras' hook: ``masked_mse`` of the batch."""
        return masked_mse(y_pred["patches"], y_pred["prediction"], y_pred["mask"])
