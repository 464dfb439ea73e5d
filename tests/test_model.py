"""The network against a NumPy transcription of the original's encoder and decoder."""

import numpy as np
import pytest

import ae_tutorial as ae


def sigmoid(a):
    return 1.0 / (1.0 + np.exp(-a))


def seed_network(x, weights):
    """The original's encoder(x) then decoder(.), in float64 NumPy."""
    for w, b in zip(weights[::2], weights[1::2], strict=True):
        x = sigmoid(x @ w.astype(np.float64) + b)
    return x


@pytest.fixture(scope="module")
def model():
    return ae.Autoencoder(ae.OriginalConfig())


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
    assert model.encoder.count_params() == 233_856 and model.decoder.count_params() == 234_512


def test_forward_matches_numpy(model, mnist):
    x = mnist.test.images[:32]
    z = np.asarray(model.encoder(x))
    assert z.shape == (32, 128)
    np.testing.assert_allclose(z, seed_network(x, model.get_weights()[:4]), atol=1e-5)
    np.testing.assert_allclose(
        np.asarray(model(x)), seed_network(x, model.get_weights()), atol=1e-5
    )


def test_initial_weights_are_standard_normal(model):
    flat = np.concatenate([w.ravel() for w in model.get_weights()])
    assert abs(flat.mean()) < 0.01 and abs(flat.std() - 1.0) < 0.01
    biases = np.concatenate(model.get_weights()[1::2])
    assert abs(biases.std() - 1.0) < 0.1  # biases are N(0, 1) too, not zeros


def test_seed_decides_the_weights(model):
    same = ae.Autoencoder(ae.OriginalConfig()).get_weights()
    other = ae.Autoencoder(ae.OriginalConfig(seed=1)).get_weights()
    assert all(np.array_equal(a, b) for a, b in zip(model.get_weights(), same, strict=True))
    assert not np.array_equal(model.get_weights()[0], other[0])


@pytest.mark.parametrize(
    "x, message",
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
        assert np.abs(w).max() <= limit and np.abs(w).max() > 0.9 * limit
        assert abs(w.std() - limit / np.sqrt(3)) < 0.02 * limit  # uniform's std
        assert not b.any()
    again = ae.Autoencoder(ae.OriginalConfig(initializer="glorot")).get_weights()
    assert all(np.array_equal(a, b) for a, b in zip(weights, again, strict=True))
