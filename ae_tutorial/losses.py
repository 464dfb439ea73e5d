"""The original's loss: ``tf.reduce_mean(tf.pow(y_true - y_pred, 2))`` (chapter "The loss")."""

from keras import ops

from .data import check_pixel_values
from .model import check_images


def mse(y_true, y_pred):
    """Mean squared error over every pixel of every image: a float32 scalar.

    ``y_true`` and ``y_pred`` are float tensors of the same shape (batch, 784), pixels
    in [0, 1]; a wrong shape or dtype, NaN or a value outside [0, 1] raises ``ValueError``
    (values are checked when they are known, i.e. outside compiled functions).
    Squaring with ``square`` gives the same bits as the original's ``pow(., 2)``.
    """
    for x, what in ((y_true, "y_true"), (y_pred, "y_pred")):
        check_images(x, what=what)
        check_pixel_values(x, what)
    if tuple(y_true.shape) != tuple(y_pred.shape):
        raise ValueError(f"y_true and y_pred must have the same shape, got "
                         f"{tuple(y_true.shape)} and {tuple(y_pred.shape)}")
    return ops.mean(ops.square(ops.subtract(y_true, y_pred)))
