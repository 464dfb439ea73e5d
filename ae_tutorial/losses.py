"""The seed's loss: ``tf.reduce_mean(tf.pow(y_true - y_pred, 2))`` (chapter "The loss")."""

from keras import ops

from .model import check_images


def mse(y_true, y_pred):
    """Mean squared error over every pixel of every image: a float32 scalar.

    ``y_true`` and ``y_pred`` are float tensors of the same shape (batch, 784).
    Squaring with ``square`` gives the same bits as the seed's ``pow(., 2)``.
    """
    check_images(y_true, what="y_true")
    check_images(y_pred, what="y_pred")
    if tuple(y_true.shape) != tuple(y_pred.shape):
        raise ValueError(f"y_true and y_pred must have the same shape, got "
                         f"{tuple(y_true.shape)} and {tuple(y_pred.shape)}")
    return ops.mean(ops.square(ops.subtract(y_true, y_pred)))
