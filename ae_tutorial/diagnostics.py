"""What a sigmoid network is doing inside: saturation and gradient norms (chapter
"Why the seed plateaus")."""

import numpy as np

from ._tf import tf
from .losses import mse

#: The seed's names for the eight arrays, in ``Autoencoder.get_weights()`` order.
SEED_NAMES = ("encoder_h1", "encoder_b1", "encoder_h2", "encoder_b2",
              "decoder_h1", "decoder_b1", "decoder_h2", "decoder_b2")
#: The four sigmoid layers, named by the seed's weight of each.
LAYER_NAMES = SEED_NAMES[::2]


def layer_outputs(model, x):
    """The four sigmoid layers' outputs for ``x`` (float32, (batch, 784)), as NumPy arrays
    of shapes (batch, 256), (batch, 128), (batch, 256), (batch, 784)."""
    outputs = []
    for layer in (model.encoder.layer_1, model.encoder.layer_2,
                  model.decoder.layer_1, model.decoder.layer_2):
        x = layer(x)
        outputs.append(np.asarray(x))
    return outputs


def saturation(model, x, margin=0.01):
    """Fraction of each layer's sigmoid outputs within ``margin`` of 0 or 1, for ``x``.

    There the sigmoid's slope ``s (1 - s)`` is below ``margin`` (at most 4 % of its peak
    0.25), so almost no gradient flows back through the unit. Returns
    ``{layer name: fraction}`` keyed by ``LAYER_NAMES``.
    """
    if not 0 < margin < 0.5:
        raise ValueError(f"margin must be in (0, 0.5), got {margin!r}")
    return {name: float(np.mean((s < margin) | (s > 1 - margin)))
            for name, s in zip(LAYER_NAMES, layer_outputs(model, x))}


def gradient_norms(model, x):
    """The L2 norm of the loss's gradient for each of the eight arrays, on the batch ``x``.

    The loss is the seed's ``mse(x, model(x))``. Returns ``{seed name: norm}`` keyed by
    ``SEED_NAMES`` (``encoder_h1``, ``encoder_b1``, ...).
    """
    variables = model.trainable_variables
    with tf.GradientTape() as tape:
        loss = mse(x, model(x))
    return {name: float(tf.norm(g))
            for name, g in zip(SEED_NAMES, tape.gradient(loss, variables))}
