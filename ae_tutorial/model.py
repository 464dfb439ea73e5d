"""The original's encoder, decoder and autoencoder as Keras 3 objects (chapters 2 and 3)."""

import keras

from .config import OriginalConfig
from .data import check_pixel_values


def check_images(x, width=None, what="input"):
    """Raise ``ValueError`` unless ``x`` is a float tensor of shape (batch, ``width``).

    ``width=None`` accepts any width.
    """
    dtype = str(getattr(x, "dtype", type(x).__name__))
    if "float" not in dtype:
        raise ValueError(f"{what} must be a float tensor of pixels in [0, 1], got dtype {dtype}"
                         " (scale uint8 images with x.astype('float32') / 255)")
    shape = tuple(x.shape)
    if len(shape) != 2 or None not in (width, shape[1]) and shape[1] != width:
        raise ValueError(f"{what} must have shape (batch, {width or 'width'}), got {shape}")


def _sigmoid_dense(units, config, seed, name):
    """``sigmoid(x W + b)``; W and b drawn from N(mean, stddev) as ``tf.random_normal`` does,
    or, for ``config.initializer == "glorot"``, Keras' defaults (Glorot-uniform W, zero b)."""
    if config.initializer == "glorot":
        kernel, bias = keras.initializers.GlorotUniform(seed=seed), "zeros"
    else:
        kernel = bias = keras.initializers.RandomNormal(
            mean=config.init_mean, stddev=config.init_stddev, seed=seed)
    return keras.layers.Dense(units, activation="sigmoid", name=name,
                              kernel_initializer=kernel, bias_initializer=bias)


class _TwoLayers(keras.layers.Layer):
    """Two sigmoid dense layers, ``widths[0] -> widths[1] -> widths[2]``."""

    def __init__(self, widths, config, seed, **kwargs):
        super().__init__(**kwargs)
        self.widths = widths
        self.layer_1 = _sigmoid_dense(widths[1], config, seed, "layer_1")
        self.layer_2 = _sigmoid_dense(widths[2], config, seed, "layer_2")

    def build(self, input_shape):
        self.layer_1.build(input_shape)
        self.layer_2.build((input_shape[0], self.widths[1]))

    def call(self, x):
        check_images(x, self.widths[0], f"{self.name} input")
        return self.layer_2(self.layer_1(x))

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.widths[2])


class Encoder(_TwoLayers):
    """784 -> 256 -> 128, sigmoid units: x of shape (batch, 784) to z of shape (batch, 128).

    Introduced in chapter "The encoder". ``layer_1`` and ``layer_2`` are Keras ``Dense``
    layers whose ``kernel`` and ``bias`` are the original's ``encoder_h1/b1`` and ``encoder_h2/b2``.
    Pixels that are NaN or outside [0, 1] raise ``ValueError`` (checked on eager calls).
    """

    def __init__(self, config=OriginalConfig(), seed=None, name="encoder", **kwargs):
        widths = (config.num_input, config.num_hidden_1, config.num_hidden_2)
        super().__init__(widths, config, seed, name=name, **kwargs)

    def call(self, x):
        check_pixel_values(x, f"{self.name} input")
        return super().call(x)


class Decoder(_TwoLayers):
    """128 -> 256 -> 784, sigmoid units: z of shape (batch, 128) to x_hat of shape (batch, 784).

    Introduced in chapter "The decoder"; the mirror image of ``Encoder``
    (the original's ``decoder_h1/b1`` and ``decoder_h2/b2``).
    """

    def __init__(self, config=OriginalConfig(), seed=None, name="decoder", **kwargs):
        widths = (config.num_hidden_2, config.num_hidden_1, config.num_input)
        super().__init__(widths, config, seed, name=name, **kwargs)


class Autoencoder(keras.Model):
    """``decoder(encoder(x))``: the original's 784 -> 256 -> 128 -> 256 -> 784 network.

    Built on construction (468,368 parameters for ``OriginalConfig()``). The initial weights
    are drawn from N(0, 1) by a ``keras.random.SeedGenerator`` seeded with
    ``config.seed``, so the same config gives the same network. Introduced in chapter
    "The decoder"; float32 input of shape (batch, 784), output of the same shape.
    """

    def __init__(self, config=OriginalConfig(), name="autoencoder", **kwargs):
        super().__init__(name=name, **kwargs)
        self.config = config
        seed = keras.random.SeedGenerator(config.seed)
        self.encoder = Encoder(config, seed=seed)
        self.decoder = Decoder(config, seed=seed)
        self.build((None, config.num_input))

    def build(self, input_shape):
        self.encoder.build(input_shape)
        self.decoder.build((input_shape[0], self.config.num_hidden_2))

    def call(self, x):
        return self.decoder(self.encoder(x))

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.config.num_input)
