"""The original's loss: ``tf.reduce_mean(tf.pow(y_true - y_pred, 2))`` (chapter "The loss")."""

import numpy as np
from keras import ops

from ._tf import tf
from .checks import check_images, check_pixel_values


def mse(y_true: tf.Tensor | np.ndarray, y_pred: tf.Tensor | np.ndarray) -> tf.Tensor:
    """Mean squared error over every pixel of every image: a float32 scalar.

    Squaring with ``square`` gives the same bits as the original's ``pow(., 2)``.

    Args:
        y_true: the target images, float of shape (batch, 784), pixels in [0, 1].
        y_pred: the reconstructions, float of the same shape, in [0, 1].

    Returns:
        The mean of ``(y_true - y_pred) ** 2``, a scalar tensor (float32 for float32 inputs).

    Raises:
        ValueError: if either is not a float 2-D array or tensor, the shapes differ, or a
            value is NaN or outside [0, 1] (values are checked when they are known, i.e.
            outside compiled functions).
    """
    for x, what in ((y_true, "y_true"), (y_pred, "y_pred")):
        check_images(x, what=what)
        check_pixel_values(x, what)
    if tuple(y_true.shape) != tuple(y_pred.shape):
        raise ValueError(
            f"y_true and y_pred must have the same shape, got "
            f"{tuple(y_true.shape)} and {tuple(y_pred.shape)}"
        )
    return ops.mean(ops.square(ops.subtract(y_true, y_pred)))
