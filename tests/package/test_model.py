"""The network against a NumPy transcription of the original's encoder and decoder."""

import keras
import numpy as np
import pytest

import ae_tutorial as ae
from ae_tutorial.conv import _Stack


def sigmoid(a):
    return 1.0 / (1.0 + np.exp(-a))


ACTIVATIONS = {"sigmoid": sigmoid, "relu": lambda a: np.maximum(a, 0), "linear": lambda a: a}


def original_network(x, weights, hidden="sigmoid", output="sigmoid"):
    """The original's encoder(x) then decoder(.), in float64 NumPy; ``hidden`` and ``output``
    name the activations of the hidden layers and of the last layer."""
    pairs = list(zip(weights[::2], weights[1::2], strict=True))
    for i, (w, b) in enumerate(pairs):
        x = ACTIVATIONS[output if i == len(pairs) - 1 else hidden](x @ w.astype(np.float64) + b)
    return x


@pytest.fixture(scope="module")
def model():
    return ae.Autoencoder(ae.OriginalConfig())


def test_initial_weights_are_kerass_own_normal_draws(model):
    """Pins the default network's weights to Keras' generator, not to a stored copy: each
    array, in the original's order, is the next N(0, 1) draw of ``SeedGenerator(seed)``."""
    draws = keras.random.SeedGenerator(0)
    for weight in model.get_weights():
        expected = keras.random.normal(weight.shape, mean=0.0, stddev=1.0, seed=draws)
        np.testing.assert_array_equal(weight, np.asarray(expected))


def test_parameter_count_and_shapes(model):
    assert model.count_params() == 468_368
    shapes = [tuple(w.shape) for w in model.get_weights()]
    assert shapes == [
        (784, 256),
        (256,),
        (256, 128),
        (128,),
        (128, 256),
        (256,),
        (256, 784),
        (784,),
    ]
    assert model.encoder.count_params() == 233_856
    assert model.decoder.count_params() == 234_512


def test_forward_matches_numpy(model, mnist):
    x = mnist.test.images[:32]
    z = np.asarray(model.encoder(x))
    assert z.shape == (32, 128)
    np.testing.assert_allclose(z, original_network(x, model.get_weights()[:4]), atol=1e-5)
    np.testing.assert_allclose(
        np.asarray(model(x)), original_network(x, model.get_weights()), atol=1e-5
    )


def test_initial_weights_are_standard_normal(model):
    flat = np.concatenate([w.ravel() for w in model.get_weights()])
    assert abs(flat.mean()) < 0.01
    assert abs(flat.std() - 1.0) < 0.01
    biases = np.concatenate(model.get_weights()[1::2])
    assert abs(biases.std() - 1.0) < 0.1  # biases are N(0, 1) too, not zeros


def test_seed_decides_the_weights(model):
    same = ae.Autoencoder(ae.OriginalConfig()).get_weights()
    other = ae.Autoencoder(ae.OriginalConfig(seed=1)).get_weights()
    assert all(np.array_equal(a, b) for a, b in zip(model.get_weights(), same, strict=True))
    assert not np.array_equal(model.get_weights()[0], other[0])


@pytest.mark.parametrize(
    ("x", "message"),
    [
        (np.zeros((2, 783), np.float32), r"shape \(batch, 784\), got \(2, 783\)"),
        (np.zeros((784,), np.float32), r"shape \(batch, 784\), got \(784,\)"),
        (np.zeros((2, 784), np.uint8), "float tensor.*uint8"),
        (np.full((2, 784), np.nan, np.float32), "encoder input: NaN or infinite values"),
        (np.full((2, 784), 255.0, np.float32), r"values from 255.0 to 255.0; pixels must be in"),
    ],
)
def test_bad_input_is_a_value_error(model, x, message):
    with pytest.raises(ValueError, match=message):
        model(x)


def test_glorot_variant_uses_keras_defaults():
    weights = ae.Autoencoder(ae.OriginalConfig(initializer="glorot")).get_weights()
    for w, b in zip(weights[::2], weights[1::2], strict=True):
        limit = np.sqrt(6.0 / sum(w.shape))  # GlorotUniform's bound
        assert np.abs(w).max() <= limit
        assert np.abs(w).max() > 0.9 * limit
        assert abs(w.std() - limit / np.sqrt(3)) < 0.02 * limit  # uniform's std
        assert not b.any()
    again = ae.Autoencoder(ae.OriginalConfig(initializer="glorot")).get_weights()
    assert all(np.array_equal(a, b) for a, b in zip(weights, again, strict=True))


@pytest.mark.parametrize("activation", ["relu", "linear"])
def test_activation_variants_match_numpy(mnist, activation):
    """ReLU hidden units under a σ output; linear: every layer linear, the output too."""
    config = ae.OriginalConfig(activation=activation, initializer="glorot")
    model, x = ae.Autoencoder(config), mnist.test.images[:32]
    output = config.output_activation
    weights = model.get_weights()
    np.testing.assert_allclose(
        np.asarray(model.encoder(x)),
        original_network(x, weights[:4], activation, activation),
        atol=1e-5,
    )
    np.testing.assert_allclose(
        np.asarray(model(x)), original_network(x, weights, activation, output), atol=1e-5
    )
    layers = [model.encoder.layer_1, model.encoder.layer_2, model.decoder.layer_1]
    assert [layer.activation.__name__ for layer in layers] == [activation] * 3
    assert model.decoder.layer_2.activation.__name__ == output


def test_linear_autoencoder_is_affine(mnist):
    """f(a x + b y) = a f(x) + b f(y) + (1 - a - b) f(0): a linear map plus a constant."""
    model = ae.Autoencoder(ae.OriginalConfig(activation="linear", initializer="glorot"))
    x, y = (mnist.test.images[i : i + 16].astype(np.float64) for i in (0, 16))
    f = lambda v: np.asarray(model(v.astype(np.float32)), np.float64)
    a, b = 0.3, 0.5
    np.testing.assert_allclose(
        f(a * x + b * y), a * f(x) + b * f(y) + (1 - a - b) * f(0 * x), atol=1e-4
    )
    assert f(x).min() < 0 or f(x).max() > 1  # not squashed into [0, 1]


def conv_config(code_size=128, **fields):
    fields = {"architecture": "conv", **fields}
    return ae.OriginalConfig(initializer="glorot", num_hidden_2=code_size, **fields)


@pytest.fixture(scope="module")
def conv_model():
    return ae.Autoencoder(conv_config())


@pytest.mark.parametrize(
    ("code_size", "encoder", "decoder"),
    [
        (128, 160 + 4_640 + 200_832, 202_272 + 4_624 + 145),
        (16, 160 + 4_640 + 25_104, 26_656 + 4_624 + 145),
    ],
)
def test_conv_parameter_count_and_shapes(code_size, encoder, decoder):
    """3 x 3 kernels: 1 -> 16 -> 32 channels, 1568 -> code; the decoder mirrors them."""
    model = ae.Autoencoder(conv_config(code_size))
    assert isinstance(model.encoder, ae.ConvEncoder)
    assert isinstance(model.decoder, ae.ConvDecoder)
    assert (model.encoder.count_params(), model.decoder.count_params()) == (encoder, decoder)
    assert model.count_params() == encoder + decoder
    assert [tuple(w.shape) for w in model.get_weights()] == [
        (3, 3, 1, 16),
        (16,),
        (3, 3, 16, 32),
        (32,),
        (1568, code_size),
        (code_size,),
        (code_size, 1568),
        (1568,),
        (3, 3, 16, 32),  # Conv2DTranspose: (height, width, out, in)
        (16,),
        (3, 3, 1, 16),
        (1,),
    ]
    x = np.zeros((3, 784), np.float32)
    assert model.encoder(x).shape == (3, code_size)
    assert model(x).shape == (3, 784)


def test_wide_conv_has_twice_the_filters():
    """``conv_wide``: 1 -> 32 -> 64 channels, 3136 -> code, and the mirror image back."""
    model = ae.Autoencoder(
        ae.OriginalConfig(architecture="conv_wide", initializer="glorot", num_hidden_2=16)
    )
    assert [tuple(w.shape) for w in model.get_weights()] == [
        (3, 3, 1, 32),
        (32,),
        (3, 3, 32, 64),
        (64,),
        (3136, 16),
        (16,),
        (16, 3136),
        (3136,),
        (3, 3, 32, 64),
        (32,),
        (3, 3, 1, 32),
        (1,),
    ]
    x = np.zeros((3, 784), np.float32)
    assert model.encoder(x).shape == (3, 16)
    assert model(x).shape == (3, 784)


def test_conv_forward_matches_tensorflows_own_ops(conv_model, mnist):
    """The convolutional autoencoder transcribed with ``tf.nn``: strided SAME convolutions,
    ReLU, a σ code, and transposed convolutions back to 28 x 28."""
    tf = ae.tf
    k1, b1, k2, b2, w3, b3, w4, b4, k5, b5, k6, b6 = conv_model.get_weights()
    x = mnist.test.images[:8]
    h = tf.nn.relu(tf.nn.conv2d(x.reshape(-1, 28, 28, 1), k1, 2, "SAME") + b1)
    h = tf.nn.relu(tf.nn.conv2d(h, k2, 2, "SAME") + b2)
    z = tf.sigmoid(tf.reshape(h, (8, 1568)) @ w3 + b3)
    h = tf.reshape(tf.nn.relu(z @ w4 + b4), (8, 7, 7, 32))
    h = tf.nn.relu(tf.nn.conv2d_transpose(h, k5, (8, 14, 14, 16), 2, "SAME") + b5)
    x_hat = tf.sigmoid(tf.nn.conv2d_transpose(h, k6, (8, 28, 28, 1), 2, "SAME") + b6)
    np.testing.assert_allclose(np.asarray(conv_model.encoder(x)), np.asarray(z), atol=1e-5)
    np.testing.assert_allclose(
        np.asarray(conv_model(x)), np.asarray(tf.reshape(x_hat, (8, 784))), atol=1e-5
    )


def test_conv_weights_are_glorot_and_seeded(conv_model):
    weights = conv_model.get_weights()
    for w, b in zip(weights[::2], weights[1::2], strict=True):
        receptive = np.prod(w.shape[:-2]) if w.ndim == 4 else 1
        limit = np.sqrt(6.0 / (receptive * (w.shape[-2] + w.shape[-1])))  # GlorotUniform's
        assert limit * 0.8 < np.abs(w).max() <= limit
        assert not b.any()
    again = ae.Autoencoder(conv_config()).get_weights()
    other = ae.Autoencoder(conv_config(seed=1)).get_weights()
    assert all(np.array_equal(a, b) for a, b in zip(weights, again, strict=True))
    assert not np.array_equal(weights[0], other[0])


@pytest.mark.parametrize(
    ("activation", "low", "high"),
    [("sigmoid", 0, 1), ("relu", 0, np.inf), ("linear", -np.inf, np.inf)],
)
def test_conv_code_takes_the_configured_activation(mnist, activation, low, high):
    model = ae.Autoencoder(conv_config(activation=activation))
    z = np.asarray(model.encoder(mnist.test.images[:64]))
    x_hat = np.asarray(model(mnist.test.images[:64]))
    assert low <= z.min()
    assert z.max() <= high
    assert x_hat.min() >= 0
    assert x_hat.max() <= 1
    if activation == "linear":
        assert z.min() < 0  # not a ReLU or σ in disguise
    assert model.encoder.stack[-1].activation.__name__ == activation


@pytest.mark.parametrize(
    ("x", "message"),
    [
        (np.zeros((2, 783), np.float32), r"encoder input must have shape \(batch, 784\)"),
        (np.full((2, 784), 255.0, np.float32), r"values from 255.0 to 255.0; pixels must be in"),
    ],
)
def test_conv_bad_input_is_a_value_error(conv_model, x, message):
    with pytest.raises(ValueError, match=message):
        conv_model(x)
    with pytest.raises(ValueError, match=r"decoder input must have shape \(batch, 128\)"):
        conv_model.decoder(np.zeros((2, 16), np.float32))


DENSE_LAYERS = ["encoder/layer_1", "encoder/layer_2", "decoder/layer_1", "decoder/layer_2"]
CONV_LAYERS = ["encoder/conv_1", "encoder/conv_2", "encoder/code"]
CONV_LAYERS += ["decoder/dense", "decoder/deconv_1", "decoder/deconv_2"]


@pytest.mark.parametrize(
    ("config", "layers"),
    [(ae.OriginalConfig(), DENSE_LAYERS), (conv_config(16), CONV_LAYERS)],
    ids=["dense", "conv"],
)
def test_each_half_is_its_stack_of_layers_applied_in_turn(mnist, config, layers):
    """Dense and convolutional halves are one layer class: ``stack`` applied in turn, weights
    in its order under the paths that a cache entry's arrays and a ``.weights.h5`` follow."""
    model, x = ae.Autoencoder(config), mnist.test.images[:8]
    assert isinstance(model.encoder, _Stack)
    assert isinstance(model.decoder, _Stack)
    if config.architecture == "dense":
        for half in (model.encoder, model.decoder):
            assert list(half.stack) == [half.layer_1, half.layer_2]
    z = x
    for layer in model.encoder.stack:
        z = layer(z)
    np.testing.assert_array_equal(np.asarray(model.encoder(x)), np.asarray(z))
    expected = [f"autoencoder/{layer}/{v}" for layer in layers for v in ("kernel", "bias")]
    assert [w.path for w in model.weights] == expected


def test_multiply_adds_count_each_layer_once_per_position():
    """Dense: its kernel; Conv2D: its kernel at each output position (14 x 14, then 7 x 7);
    Conv2DTranspose: its kernel at each input position (7 x 7, then 14 x 14)."""
    dense = ae.Autoencoder(ae.OriginalConfig())
    assert ae.multiply_adds(dense) == 784 * 256 + 256 * 128 + 128 * 256 + 256 * 784
    for architecture, (a, b) in (("conv", (16, 32)), ("conv_wide", (32, 64))):
        model = ae.Autoencoder(conv_config(16, architecture=architecture))
        convolutions = 14 * 14 * 9 * a + 7 * 7 * 9 * a * b
        assert ae.multiply_adds(model) == 2 * convolutions + 2 * 7 * 7 * b * 16
