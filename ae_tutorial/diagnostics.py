"""What a sigmoid network is doing inside: saturation and gradient norms (chapter
"Why the original learns so slowly")."""

import numpy as np

from ._tf import tf
from .losses import mse
from .model import LAYER_NAMES, ORIGINAL_NAMES, Autoencoder

#: A sigmoid output within this of 0 or 1 counts as *saturated*; its slope ``s (1 - s)`` is
#: then below 0.01 (4 % of its peak, 0.25), and the pre-activation beyond ``ln 99``, about 4.6.
SATURATION_MARGIN = 0.01
#: A code unit saturated at the same end for at least this share of the digits is *dead*.
DEAD_SHARE = 0.99


def layer_outputs(model: Autoencoder, x: np.ndarray | tf.Tensor) -> list[np.ndarray]:
    """The four sigmoid layers' outputs for ``x`` (float32, (batch, 784)), as NumPy arrays
    of shapes (batch, 256), (batch, 128), (batch, 256), (batch, 784).

    Args:
        model: the network.
        x: a batch of images, float32 of shape (batch, 784).

    Returns:
        float32 arrays, in ``LAYER_NAMES`` order.
    """
    outputs = []
    for layer in (
        model.encoder.layer_1,
        model.encoder.layer_2,
        model.decoder.layer_1,
        model.decoder.layer_2,
    ):
        x = layer(x)
        outputs.append(np.asarray(x))
    return outputs


def saturation(
    model: Autoencoder, x: np.ndarray | tf.Tensor, margin: float = SATURATION_MARGIN
) -> dict[str, float]:
    """Fraction of each layer's sigmoid outputs within ``margin`` of 0 or 1, for ``x``.

    There the sigmoid's slope ``s (1 - s)`` is below ``margin`` (4 % of its peak 0.25 for
    the default margin), so almost no gradient flows back through the unit.

    Args:
        model: the network.
        x: a batch of images, float32 of shape (batch, 784).
        margin: how close to 0 or 1 counts as saturated, in (0, 0.5).

    Returns:
        ``{layer name: fraction}`` keyed by ``LAYER_NAMES``, each fraction in [0, 1].

    Raises:
        ValueError: if ``margin`` is not in (0, 0.5).
    """
    if not 0 < margin < 0.5:
        raise ValueError(f"margin must be in (0, 0.5), got {margin!r}")
    return {
        name: float(np.mean((s < margin) | (s > 1 - margin)))
        for name, s in zip(LAYER_NAMES, layer_outputs(model, x), strict=True)
    }


def gradient_norms(model: Autoencoder, x: np.ndarray | tf.Tensor) -> dict[str, float]:
    """The L2 norm of the loss's gradient for each of the eight arrays, on the batch ``x``.

    The loss is the original's ``mse(x, model(x))``.

    Args:
        model: the network.
        x: a batch of images, float32 of shape (batch, 784), pixels in [0, 1].

    Returns:
        ``{weight name: norm}`` keyed by ``ORIGINAL_NAMES`` (``encoder_h1``,
        ``encoder_b1``, ...).
    """
    variables = model.trainable_variables
    with tf.GradientTape() as tape:
        loss = mse(x, model(x))
    return {
        name: float(tf.norm(g))
        for name, g in zip(ORIGINAL_NAMES, tape.gradient(loss, variables), strict=True)
    }


def dead_units(
    codes: np.ndarray, share: float = DEAD_SHARE, margin: float = SATURATION_MARGIN
) -> np.ndarray:
    """Which code units are *dead*: saturated at the same end for nearly every digit.

    A dead unit gives (nearly) every digit the same value, so it tells the decoder almost
    nothing about the digit (chapters "Why the original learns so slowly" and "What the code
    learned").

    Args:
        codes: sigmoid outputs in [0, 1], shape (digits, units), e.g. ``encode(model, x)``.
        share: the share of the digits for which a dead unit is saturated at one end.
        margin: within this of 0 or of 1 an output is saturated.

    Returns:
        A bool array of shape (units,), ``True`` where the unit is within ``margin`` of 0,
        or within ``margin`` of 1, for at least ``share`` of the digits.
    """
    codes = np.asarray(codes)
    near_0, near_1 = (codes < margin).mean(axis=0), (codes > 1 - margin).mean(axis=0)
    return np.maximum(near_0, near_1) >= share
