"""The original's loss, ``tf.reduce_mean(tf.pow(y_true - y_pred, 2))`` (chapter "The loss"),
binary cross-entropy, and the choice between them that ``OriginalConfig.loss`` makes."""

import functools
from collections.abc import Callable

import keras
import numpy as np
from keras import ops

from ._tf import tf
from .checks import check_images, check_pixel_values
from .config import OriginalConfig


def _check_pair(y_true, y_pred, bounded):
    """Raise ``ValueError`` unless both are float (batch, width) of one shape, in [0, 1]."""
    for x, what in ((y_true, "y_true"), (y_pred, "y_pred")):
        check_images(x, what=what)
        if bounded or what == "y_true":
            check_pixel_values(x, what)
    if tuple(y_true.shape) != tuple(y_pred.shape):
        raise ValueError(
            f"y_true and y_pred must have the same shape, got "
            f"{tuple(y_true.shape)} and {tuple(y_pred.shape)}"
        )


def mse(
    y_true: tf.Tensor | np.ndarray,
    y_pred: tf.Tensor | np.ndarray,
    *,
    bounded: bool = True,
) -> tf.Tensor:
    """Mean squared error over every pixel of every image: a float32 scalar.

    Squaring with ``square`` gives the same bits as the original's ``pow(., 2)``. The
    predictions of a sigmoid output lie in [0, 1], and one outside says that something
    else was passed (raw bytes, say); a linear autoencoder's outputs may leave [0, 1]
    and are its honest reconstructions, so ``bounded=False`` checks their shape and
    dtype only and never clips them (``make_loss`` chooses it for that model).

    Args:
        y_true: the target images, float of shape (batch, 784), pixels in [0, 1].
        y_pred: the reconstructions, float of the same shape, in [0, 1] if ``bounded``.
        bounded: check that ``y_pred`` lies in [0, 1]: ``False`` for a linear output.

    Returns:
        The mean of ``(y_true - y_pred) ** 2``, a scalar tensor (float32 for float32
        inputs).

    Raises:
        ValueError: if either is not a float 2-D array or tensor, the shapes differ, or
            a value is NaN or outside [0, 1] (``y_pred``'s only when ``bounded``; values
            are checked when they are known, i.e. outside compiled functions).
    """
    _check_pair(y_true, y_pred, bounded)
    return ops.mean(ops.square(ops.subtract(y_true, y_pred)))


def bce(y_true: tf.Tensor | np.ndarray, y_pred: tf.Tensor | np.ndarray) -> tf.Tensor:
    """Binary cross-entropy, the mean over every pixel of every image: a float32 scalar.

    ``-(y log p + (1 - y) log(1 - p))`` with ``p`` the prediction clipped to
    [ε, 1 - ε], ε = ``keras.config.epsilon()``, as ``keras.losses.binary_crossentropy``
    computes from probabilities. (Keras itself switches to the sigmoid's logits when it can find
    them; this function never does, so eager and compiled calls compute the same.)

    Args:
        y_true: the target images, float of shape (batch, 784), pixels in [0, 1].
        y_pred: the reconstructions, float of the same shape, in [0, 1].

    Returns:
        The mean cross-entropy, a scalar tensor (float32 for float32 inputs).

    Raises:
        ValueError: as ``mse`` does.
    """
    _check_pair(y_true, y_pred, bounded=True)
    epsilon = keras.config.epsilon()
    p = ops.clip(y_pred, epsilon, 1.0 - epsilon)
    return -ops.mean(y_true * ops.log(p) + (1.0 - y_true) * ops.log(1.0 - p))


def make_loss(config: OriginalConfig) -> Callable[[tf.Tensor, tf.Tensor], tf.Tensor]:
    """The loss that ``train`` minimises for ``config``: ``loss(y_true, y_pred)``.

    Args:
        config: its ``loss`` (``"mse"`` or ``"bce"``) and, through ``output_activation``,
            whether the outputs are bounded.

    Returns:
        ``mse`` (the original's), ``mse`` with ``bounded=False`` for the linear
        autoencoder, or ``bce``.
    """
    if config.loss == "bce":
        return bce
    if config.output_activation == "linear":
        return functools.partial(mse, bounded=False)
    return mse
