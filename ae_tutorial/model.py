"""The original's encoder, decoder and autoencoder as Keras 3 objects.

Introduced in chapters "The encoder" and "The decoder".
"""

import keras

from ._tf import tf
from .checks import check_pixel_values
from .config import OriginalConfig
from .conv import ConvDecoder, ConvEncoder, _Stack

#: The original's names for the eight arrays, in ``Autoencoder.get_weights()`` order.
ORIGINAL_NAMES = (
    "encoder_h1",
    "encoder_b1",
    "encoder_h2",
    "encoder_b2",
    "decoder_h1",
    "decoder_b1",
    "decoder_h2",
    "decoder_b2",
)
#: The four sigmoid layers' outputs, as the original names them inside ``encoder()`` and
#: ``decoder()`` (the Keras attributes ``model.encoder.layer_1`` and so on). Layer ``i`` has
#: the weights ``ORIGINAL_NAMES[2 * i]`` and bias ``ORIGINAL_NAMES[2 * i + 1]``.
LAYER_NAMES = ("encoder.layer_1", "encoder.layer_2", "decoder.layer_1", "decoder.layer_2")


def _dense(units, activation, config, seed, name):
    """``activation(x W + b)``, W and b drawn from N(mean, stddev) as
    ``tf.random_normal`` does; for ``config.initializer == "glorot"``, Keras' defaults
    (Glorot-uniform W, zero b)."""
    if config.initializer == "glorot":
        kernel, bias = keras.initializers.GlorotUniform(seed=seed), "zeros"
    else:
        kernel = bias = keras.initializers.RandomNormal(
            mean=config.init_mean, stddev=config.init_stddev, seed=seed
        )
    return keras.layers.Dense(
        units,
        activation=activation,
        name=name,
        kernel_initializer=kernel,
        bias_initializer=bias,
    )


def _dense_layers(widths, activations, config, seed):
    """``layer_1`` and ``layer_2``, ``_dense`` layers ``widths[0] -> widths[1] -> widths[2]``
    with ``activations``."""
    return [
        _dense(widths[1], activations[0], config, seed, "layer_1"),
        _dense(widths[2], activations[1], config, seed, "layer_2"),
    ]


class Encoder(_Stack):
    """784 -> 256 -> 128, sigmoid units: x (batch, 784) to the code z (batch, 128).

    Introduced in chapter "The encoder". ``layer_1`` and ``layer_2``, applied in turn
    (its ``stack``), are Keras ``Dense`` layers whose ``kernel`` and ``bias`` are the
    original's ``encoder_h1/b1`` and ``encoder_h2/b2``. Pixels that are NaN or outside
    [0, 1] raise ``ValueError`` (checked on eager calls). ``config.activation`` may
    replace both sigmoids with ReLU or with nothing (linear).

    Args:
        config: the layer widths (``num_input``, ``num_hidden_1``, ``num_hidden_2``),
            the activation and the initialiser (``initializer``, ``init_mean``,
            ``init_stddev``).
        seed: seeds the initial weights: an ``int``, a ``keras.random.SeedGenerator``
            shared with other layers, or ``None`` for a random draw.
        name: the layer's name.
        **kwargs: passed on to ``keras.layers.Layer``.
    """

    def __init__(
        self,
        config: OriginalConfig = OriginalConfig(),
        seed: int | keras.random.SeedGenerator | None = None,
        name: str = "encoder",
        **kwargs,
    ) -> None:
        widths = (config.num_input, config.num_hidden_1, config.num_hidden_2)
        activations = (config.activation, config.activation)
        layers = _dense_layers(widths, activations, config, seed)
        super().__init__(layers, widths, name=name, **kwargs)
        self.layer_1, self.layer_2 = layers

    def call(self, x: tf.Tensor) -> tf.Tensor:
        """The code ``z`` of ``x``; called as ``encoder(x)``.

        Args:
            x: float pixels in [0, 1], shape (batch, 784).

        Returns:
            The code, float32 of shape (batch, 128).

        Raises:
            ValueError: if ``x`` is not float of shape (batch, 784), or (eager calls
                only) holds NaN or a pixel outside [0, 1].
        """
        check_pixel_values(x, f"{self.name} input")
        return super().call(x)


class Decoder(_Stack):
    """128 -> 256 -> 784, sigmoid units: z (batch, 128) to x_hat (batch, 784).

    Introduced in chapter "The decoder"; the mirror image of ``Encoder`` (the original's
    ``decoder_h1/b1`` and ``decoder_h2/b2``). ``config.activation`` sets the hidden
    layer's activation; the output stays a sigmoid but for ``"linear"``, where it is
    linear too (``config.output_activation``).

    Args:
        config: the layer widths (``num_hidden_2``, ``num_hidden_1``, ``num_input``),
            the activations and the initialiser (``initializer``, ``init_mean``,
            ``init_stddev``).
        seed: seeds the initial weights: an ``int``, a ``keras.random.SeedGenerator``
            shared with other layers, or ``None`` for a random draw.
        name: the layer's name.
        **kwargs: passed on to ``keras.layers.Layer``.
    """

    def __init__(
        self,
        config: OriginalConfig = OriginalConfig(),
        seed: int | keras.random.SeedGenerator | None = None,
        name: str = "decoder",
        **kwargs,
    ) -> None:
        widths = (config.num_hidden_2, config.num_hidden_1, config.num_input)
        activations = (config.activation, config.output_activation)
        layers = _dense_layers(widths, activations, config, seed)
        super().__init__(layers, widths, name=name, **kwargs)
        self.layer_1, self.layer_2 = layers


class Autoencoder(keras.Model):
    """``decoder(encoder(x))``: the original's 784 -> 256 -> 128 -> 256 -> 784 network.

    Built on construction (468,368 parameters for ``OriginalConfig()``). The initial
    weights are drawn as ``config.initializer`` says (N(0, 1) for the original) by a
    ``keras.random.SeedGenerator`` seeded with ``config.seed``, so the same config gives
    the same network. Introduced in chapter "The decoder"; float32 input of shape
    (batch, 784), output of the same shape. ``encoder`` and ``decoder`` are its two
    halves: ``Encoder`` and ``Decoder``, or for a convolutional ``config.architecture``,
    ``ConvEncoder`` and ``ConvDecoder``, or for ``"deep"`` (Hinton and Salakhutdinov's
    784-1000-500-250-30, chapter "How small can the code be?"), ``DeepEncoder`` and
    ``DeepDecoder``.

    Args:
        config: the architecture, widths, activations, initialiser and the seed of the
            initial weights.
        name: the model's name.
        **kwargs: passed on to ``keras.Model``.
    """

    def __init__(
        self,
        config: OriginalConfig = OriginalConfig(),
        name: str = "autoencoder",
        **kwargs,
    ) -> None:
        super().__init__(name=name, **kwargs)
        self.config = config
        seed = keras.random.SeedGenerator(config.seed)
        if config.is_conv:
            self.encoder = ConvEncoder(config, seed=seed)
            self.decoder = ConvDecoder(config, seed=seed)
        elif config.architecture == "deep":
            from .deep import DeepDecoder, DeepEncoder  # it imports _dense from here

            self.encoder = DeepEncoder(config, seed=seed)
            self.decoder = DeepDecoder(config, seed=seed)
        else:
            self.encoder = Encoder(config, seed=seed)
            self.decoder = Decoder(config, seed=seed)
        self.build((None, config.num_input))

    def build(self, input_shape: tuple[int | None, int]) -> None:
        """Create the weights of both halves (done on construction).

        Args:
            input_shape: ``(batch, 784)``; the batch size may be ``None``.
        """
        self.encoder.build(input_shape)
        self.decoder.build((input_shape[0], self.config.num_hidden_2))

    def call(self, x: tf.Tensor) -> tf.Tensor:
        """The reconstruction ``decoder(encoder(x))``; called as ``model(x)``.

        Args:
            x: float pixels in [0, 1], shape (batch, 784).

        Returns:
            float32 of shape (batch, 784), each value in [0, 1] unless the output is
            linear.

        Raises:
            ValueError: as ``Encoder`` does, for a wrong dtype or shape or a bad pixel.
        """
        return self.decoder(self.encoder(x))

    def compute_output_shape(self, input_shape):
        """``(batch, 784)`` for ``input_shape`` ``(batch, 784)``."""
        return (input_shape[0], self.config.num_input)
