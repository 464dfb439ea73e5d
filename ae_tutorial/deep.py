"""Hinton and Salakhutdinov's deep autoencoder: ``OriginalConfig(architecture="deep")``.

The two halves of ``Autoencoder`` for that architecture (chapter "How small can the code be?"):
the 784-1000-500-250-30 encoder of "Reducing the dimensionality of data with neural networks"
(Science, 2006) and its mirror image, 30-250-500-1000-784. The code's length is
``config.num_hidden_2`` (30 in the paper); ``num_hidden_1`` is not used. As in the paper, the
code units are linear and the output units sigmoid; the hidden units have
``config.activation`` (the paper's are logistic, i.e. sigmoid; the book trains ReLU). The
paper started from weights pretrained as a stack of RBMs; here they are drawn as
``config.initializer`` says (Glorot-uniform for the presets), by the layers' ``_dense``.
"""

import keras
import numpy as np

from ._tf import tf
from .checks import check_pixel_values
from .config import OriginalConfig
from .conv import _Stack

#: The hidden layers' widths from the image to the code (the decoder's in reverse order).
DEEP_WIDTHS = (1000, 500, 250)


def _dense_stack(widths, activations, config, seed):
    """``layer_1`` ... ``layer_n``: ``_dense`` layers ``widths[0] -> ... -> widths[-1]``."""
    from .model import _dense  # model.py imports this module when it builds an Autoencoder

    return [
        _dense(width, activation, config, seed, f"layer_{i}")
        for i, (width, activation) in enumerate(zip(widths[1:], activations, strict=True), 1)
    ]


class DeepEncoder(_Stack):
    """784 -> 1000 -> 500 -> 250 -> code: x (batch, 784) to z (batch, ``num_hidden_2``).

    Introduced in chapter "How small can the code be?". Four ``Dense`` layers,
    ``layer_1`` to ``layer_4`` (its ``stack``): three hidden ones with
    ``config.activation`` and a linear code layer, as in Hinton and Salakhutdinov's
    network. Pixels that are NaN or outside [0, 1] raise ``ValueError`` (checked on
    eager calls).

    Args:
        config: the code size (``num_hidden_2``), the hidden units' activation and the
            initialiser (``initializer``, ``init_mean``, ``init_stddev``).
        seed: seeds the initial weights: an ``int``, a ``keras.random.SeedGenerator``
            shared with other layers, or ``None`` for a random draw.
        name: the layer's name.
        **kwargs: passed on to ``keras.layers.Layer``.
    """

    def __init__(
        self,
        config: OriginalConfig,
        seed: int | keras.random.SeedGenerator | None = None,
        name: str = "encoder",
        **kwargs,
    ) -> None:
        widths = (config.num_input, *DEEP_WIDTHS, config.num_hidden_2)
        activations = (*(config.activation,) * len(DEEP_WIDTHS), "linear")
        layers = _dense_stack(widths, activations, config, seed)
        super().__init__(layers, widths, name=name, **kwargs)

    def call(self, x: tf.Tensor) -> tf.Tensor:
        """The code ``z`` of ``x``; called as ``encoder(x)``.

        Args:
            x: float pixels in [0, 1], shape (batch, 784).

        Returns:
            The code, float32 of shape (batch, ``num_hidden_2``).

        Raises:
            ValueError: if ``x`` is not float of shape (batch, 784), or (eager calls
                only) holds NaN or a pixel outside [0, 1].
        """
        check_pixel_values(x, f"{self.name} input")
        return super().call(x)


class DeepDecoder(_Stack):
    """code -> 250 -> 500 -> 1000 -> 784: z (batch, ``num_hidden_2``) to x_hat (batch, 784).

    Introduced in chapter "How small can the code be?"; the mirror image of
    ``DeepEncoder``: three hidden ``Dense`` layers with ``config.activation`` and a
    sigmoid output (pixels in (0, 1)), ``layer_1`` to ``layer_4``.

    Args:
        config: the code size (``num_hidden_2``), the hidden units' activation and the
            initialiser.
        seed: seeds the initial weights: an ``int``, a ``keras.random.SeedGenerator``
            shared with other layers, or ``None`` for a random draw.
        name: the layer's name.
        **kwargs: passed on to ``keras.layers.Layer``.
    """

    def __init__(
        self,
        config: OriginalConfig,
        seed: int | keras.random.SeedGenerator | None = None,
        name: str = "decoder",
        **kwargs,
    ) -> None:
        widths = (config.num_hidden_2, *DEEP_WIDTHS[::-1], config.num_input)
        activations = (*(config.activation,) * len(DEEP_WIDTHS), "sigmoid")
        layers = _dense_stack(widths, activations, config, seed)
        super().__init__(layers, widths, name=name, **kwargs)


def squared_error_per_image(x: np.ndarray, x_hat: np.ndarray) -> float:
    """The paper's reconstruction error: squared error summed over pixels, mean over images.

    Hinton and Salakhutdinov's figure 2 reports this "average squared error" per test image
    (chapter "How small can the code be?"); their fine-tuning code computes it so. It is
    ``num_input`` times the book's test MSE (a mean over pixels too): 784 times for MNIST.

    Args:
        x: the images, float of shape (images, pixels), values in [0, 1].
        x_hat: their reconstructions, the same shape.

    Returns:
        The mean over images of ``sum((x - x_hat) ** 2)`` over pixels, a float (computed in
        float64).

    Raises:
        ValueError: if the shapes differ or are not (images, pixels).
    """
    x, x_hat = np.asarray(x, np.float64), np.asarray(x_hat, np.float64)
    if x.ndim != 2 or x.shape != x_hat.shape:
        raise ValueError(f"x and x_hat must both be (images, pixels); got {x.shape}, {x_hat.shape}")
    return float(np.mean(np.sum((x - x_hat) ** 2, axis=1)))
