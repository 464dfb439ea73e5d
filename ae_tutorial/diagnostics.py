"""What a sigmoid network is doing inside: saturation and gradient norms (chapter
"Why the original plateaus")."""

import numpy as np

from ._tf import tf
from .losses import mse

#: The original's names for the eight arrays, in ``Autoencoder.get_weights()`` order.
ORIGINAL_NAMES = ("encoder_h1", "encoder_b1", "encoder_h2", "encoder_b2",
                  "decoder_h1", "decoder_b1", "decoder_h2", "decoder_b2")
#: The four sigmoid layers' outputs, as the original names them inside ``encoder()`` and
#: ``decoder()`` (the Keras attributes ``model.encoder.layer_1`` and so on). Layer ``i`` has
#: the weights ``ORIGINAL_NAMES[2 * i]`` and bias ``ORIGINAL_NAMES[2 * i + 1]``.
LAYER_NAMES = ("encoder.layer_1", "encoder.layer_2", "decoder.layer_1", "decoder.layer_2")
#: A sigmoid output within this of 0 or 1 counts as *saturated*: its slope ``s (1 - s)`` is
#: then below 0.01 (4 % of its peak, 0.25), and the pre-activation beyond ``ln 99``, about 4.6.
SATURATION_MARGIN = 0.01


def layer_outputs(model, x):
    """The four sigmoid layers' outputs for ``x`` (float32, (batch, 784)), as NumPy arrays
    of shapes (batch, 256), (batch, 128), (batch, 256), (batch, 784)."""
    outputs = []
    for layer in (model.encoder.layer_1, model.encoder.layer_2,
                  model.decoder.layer_1, model.decoder.layer_2):
        x = layer(x)
        outputs.append(np.asarray(x))
    return outputs


def saturation(model, x, margin=SATURATION_MARGIN):
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

    The loss is the original's ``mse(x, model(x))``. Returns ``{weight name: norm}`` keyed by
    ``ORIGINAL_NAMES`` (``encoder_h1``, ``encoder_b1``, ...).
    """
    variables = model.trainable_variables
    with tf.GradientTape() as tape:
        loss = mse(x, model(x))
    return {name: float(tf.norm(g))
            for name, g in zip(ORIGINAL_NAMES, tape.gradient(loss, variables))}
