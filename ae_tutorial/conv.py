"""A convolutional encoder and decoder: ``OriginalConfig(architecture="conv")``.

The two halves of ``Autoencoder`` for that architecture, small enough to train on two CPU cores:
two strided 3 x 3 convolutions (16 and 32 filters, ReLU) take the 28 x 28 image to 7 x 7 x 32,
a dense layer to the code; the decoder mirrors them with transposed convolutions.
``"conv_wide"`` has twice the filters (32 and 64, maps of 7 x 7 x 64). Weights are
Glorot-uniform and biases zero (Keras' defaults), drawn from the seed the model passes.
Both halves, and the dense ``Encoder`` and ``Decoder`` of ``model.py``, are a ``_Stack``:
Keras layers applied in turn.
"""

import keras

from ._tf import tf
from .checks import check_images, check_pixel_values
from .config import OriginalConfig

#: The filters of the two convolutions, for each convolutional architecture.
FILTERS = {"conv": (16, 32), "conv_wide": (32, 64)}


#: Every convolution's settings: 3 x 3 kernels, stride 2 (halving or doubling the image).
_CONV = dict(kernel_size=3, strides=2, padding="same")


def _glorot(seed):
    """Keras' default initialisers, Glorot-uniform kernel and zero bias, drawn from ``seed``."""
    return dict(kernel_initializer=keras.initializers.GlorotUniform(seed=seed))


def _encoder_layers(config, seed):
    """784 pixels -> 28 x 28 x 1 -> 14 x 14 x 16 -> 7 x 7 x 32 -> 1568 -> the code
    (for ``"conv"``; ``FILTERS`` gives the maps' depths)."""
    first, second = FILTERS[config.architecture]
    return [
        keras.layers.Reshape((28, 28, 1), name="image"),
        keras.layers.Conv2D(first, activation="relu", name="conv_1", **_CONV, **_glorot(seed)),
        keras.layers.Conv2D(second, activation="relu", name="conv_2", **_CONV, **_glorot(seed)),
        keras.layers.Flatten(name="flatten"),
        keras.layers.Dense(config.num_hidden_2, config.activation, name="code", **_glorot(seed)),
    ]


def _decoder_layers(config, seed):
    """The code -> 1568 -> 7 x 7 x 32 -> 14 x 14 x 16 -> 28 x 28 x 1 -> 784 pixels
    (for ``"conv"``; ``FILTERS`` gives the maps' depths)."""
    first, second = FILTERS[config.architecture]
    return [
        keras.layers.Dense(7 * 7 * second, "relu", name="dense", **_glorot(seed)),
        keras.layers.Reshape((7, 7, second), name="features"),
        keras.layers.Conv2DTranspose(
            first, activation="relu", name="deconv_1", **_CONV, **_glorot(seed)
        ),
        keras.layers.Conv2DTranspose(
            1, activation="sigmoid", name="deconv_2", **_CONV, **_glorot(seed)
        ),
        keras.layers.Reshape((784,), name="pixels"),
    ]


class _Stack(keras.layers.Layer):
    """Keras ``layers`` applied in turn, (batch, ``widths[0]``) to (batch, ``widths[-1]``).

    The one layer class of both architectures: ``Encoder`` and ``Decoder`` stack two
    ``Dense`` layers, ``ConvEncoder`` and ``ConvDecoder`` their convolutions. The layers
    are ``stack``; their weights are created in that order.

    Args:
        layers: the Keras layers, first applied first.
        widths: the input's width first and the output's last; a dense stack gives every
            layer's, ``(784, 256, 128)`` for the original's encoder.
        **kwargs: passed on to ``keras.layers.Layer``.
    """

    def __init__(self, layers: list[keras.layers.Layer], widths: tuple[int, ...], **kwargs):
        super().__init__(**kwargs)
        self.stack, self.widths = layers, widths

    def build(self, input_shape: tuple[int | None, int]) -> None:
        """Create every layer's weights, in order (done when the model is built).

        Args:
            input_shape: ``(batch, widths[0])``; the batch size may be ``None``.
        """
        for layer in self.stack:
            layer.build(input_shape)
            input_shape = layer.compute_output_shape(input_shape)

    def call(self, x: tf.Tensor) -> tf.Tensor:
        """The layers applied to ``x`` in turn; called as ``layer(x)``.

        Args:
            x: float, shape (batch, ``widths[0]``).

        Returns:
            float32 of shape (batch, ``widths[-1]``).

        Raises:
            ValueError: if ``x`` is not float of shape (batch, ``widths[0]``).
        """
        check_images(x, self.widths[0], f"{self.name} input")
        for layer in self.stack:
            x = layer(x)
        return x

    def compute_output_shape(self, input_shape: tuple[int | None, int]) -> tuple[int | None, int]:
        """``(batch, widths[-1])`` for ``input_shape`` ``(batch, widths[0])``.

        Args:
            input_shape: ``(batch, widths[0])``.

        Returns:
            ``(batch, widths[-1])``.
        """
        return (input_shape[0], self.widths[-1])


class ConvEncoder(_Stack):
    """x of shape (batch, 784) to a code z of shape (batch, ``config.num_hidden_2``).

    Reshape to 28 x 28 x 1, ``Conv2D`` 16 and 32 filters (3 x 3, stride 2, ReLU; 32 and
    64 for ``"conv_wide"``), flatten the 7 x 7 x 32 maps, ``Dense`` to the code with
    ``config.activation`` (sigmoid by default: codes in (0, 1), as the original's).
    Pixels that are NaN or outside [0, 1] raise ``ValueError`` (checked on eager calls).
    The layers are ``stack``.

    Args:
        config: the code size (``num_hidden_2``), the code's activation and the
            architecture.
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
        widths = (784, config.num_hidden_2)
        super().__init__(_encoder_layers(config, seed), widths, name=name, **kwargs)

    def call(self, x: tf.Tensor) -> tf.Tensor:
        """The code ``z`` of ``x``; called as ``encoder(x)``.

        Args:
            x: float pixels in [0, 1], shape (batch, 784).

        Returns:
            The code, float32 of shape (batch, ``num_hidden_2``).

        Raises:
            ValueError: if ``x`` is not float of shape (batch, 784), or (eager calls only)
                holds NaN or a pixel outside [0, 1].
        """
        check_pixel_values(x, f"{self.name} input")
        return super().call(x)


class ConvDecoder(_Stack):
    """A code z of shape (batch, ``config.num_hidden_2``) to x_hat of shape (batch, 784).

    The mirror image of ``ConvEncoder``: ``Dense`` to 7 x 7 x 32 (ReLU),
    ``Conv2DTranspose`` 16 filters (ReLU) and 1 filter (sigmoid: pixels in (0, 1)), each 3 x 3,
    stride 2, and the 28 x 28 image flattened. The layers are ``stack``.

    Args:
        config: the code size (``num_hidden_2``) and the architecture.
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
        widths = (config.num_hidden_2, 784)
        super().__init__(_decoder_layers(config, seed), widths, name=name, **kwargs)


def multiply_adds(model) -> int:
    """Multiply-adds that one image costs on a forward pass through an ``Autoencoder``.

    Introduced in chapter "How small can the code be?", to say what a wider network costs.
    A ``Dense`` layer costs its kernel's size; a ``Conv2D`` its kernel's size at each output
    position; a ``Conv2DTranspose`` its kernel's size at each input position
    (``flops.layer_multiply_adds`` counts each). Biases, activations and reshapes are left
    out.

    Args:
        model: an ``Autoencoder`` (dense or convolutional).

    Returns:
        The count, an ``int``. A training step costs about three times this per image.
    """
    from .flops import forward_layers, layer_multiply_adds

    return sum(layer_multiply_adds(*row)[0] for row in forward_layers(model, 1))
