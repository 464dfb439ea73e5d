"""Hinton and Salakhutdinov's 784-1000-500-250-30 autoencoder (``architecture="deep"``),
against the arithmetic of its layers and a NumPy transcription of its forward pass."""

from itertools import pairwise

import numpy as np
import pytest

import ae_tutorial as ae
from ae_tutorial.config import FieldError

#: The paper's widths, image to code to image.
WIDTHS = (784, 1000, 500, 250, 30, 250, 500, 1000, 784)
ACTIVATIONS = {"relu": lambda a: np.maximum(a, 0), "sigmoid": lambda a: 1 / (1 + np.exp(-a))}


def deep_config(**fields):
    return ae.OriginalConfig(
        **{"architecture": "deep", "initializer": "glorot", "num_hidden_2": 30, **fields}
    )


@pytest.fixture(scope="module")
def model():
    return ae.Autoencoder(deep_config(activation="relu"))


def test_parameter_count_is_the_layers_arithmetic(model):
    """(inputs + 1) x outputs for each of the eight layers: 2,837,314 parameters."""
    expected = sum((a + 1) * b for a, b in pairwise(WIDTHS))
    assert expected == 2_837_314
    assert model.count_params() == expected
    assert model.encoder.count_params() == sum((a + 1) * b for a, b in pairwise(WIDTHS[:5]))
    assert ae.multiply_adds(model) == sum(a * b for a, b in pairwise(WIDTHS))


def test_shapes_follow_the_paper(model, mnist):
    shapes = [tuple(w.shape) for w in model.get_weights()]
    assert shapes[::2] == list(pairwise(WIDTHS))
    assert shapes[1::2] == [(b,) for b in WIDTHS[1:]]
    x = mnist.test.images[:8]
    assert tuple(model.encoder(x).shape) == (8, 30)
    assert tuple(model(x).shape) == (8, 784)
    assert ae.DEEP_WIDTHS == WIDTHS[1:4]


@pytest.mark.parametrize("activation", ["relu", "sigmoid"])
def test_forward_matches_numpy(mnist, activation):
    """Hidden units with ``activation``, a linear code, a sigmoid output, in float64 NumPy."""
    model = ae.Autoencoder(deep_config(activation=activation))
    x = mnist.test.images[:16]
    weights = model.get_weights()
    h, outputs = x.astype(np.float64), []
    for i, (w, b) in enumerate(zip(weights[::2], weights[1::2], strict=True)):
        a = h @ w + b
        h = a if i == 3 else ACTIVATIONS["sigmoid" if i == 7 else activation](a)
        outputs.append(h)
    np.testing.assert_allclose(np.asarray(model.encoder(x)), outputs[3], atol=1e-5)
    np.testing.assert_allclose(np.asarray(model(x)), outputs[7], atol=1e-5)
    names = [layer.activation.__name__ for layer in (*model.encoder.stack, *model.decoder.stack)]
    assert names == [activation] * 3 + ["linear"] + [activation] * 3 + ["sigmoid"]


def test_weights_are_glorot_and_seeded(model):
    weights = model.get_weights()
    for w, b in zip(weights[::2], weights[1::2], strict=True):
        limit = np.sqrt(6.0 / sum(w.shape))  # GlorotUniform's bound
        assert 0.9 * limit < np.abs(w).max() <= limit
        assert not b.any()
    again = ae.Autoencoder(deep_config(activation="relu")).get_weights()
    other = ae.Autoencoder(deep_config(activation="relu", seed=1)).get_weights()
    assert all(np.array_equal(a, b) for a, b in zip(weights, again, strict=True))
    assert not np.array_equal(weights[0], other[0])


def test_code_size_is_num_hidden_2_and_num_hidden_1_is_unused():
    small = ae.Autoencoder(deep_config(num_hidden_2=2, num_hidden_1=7))
    assert small.encoder.stack[-1].units == 2
    assert small.count_params() == 2_837_314 - (251 + 250) * 28  # 28 fewer code units
    same = ae.Autoencoder(deep_config(num_hidden_2=2))
    assert all(
        np.array_equal(a, b) for a, b in zip(small.get_weights(), same.get_weights(), strict=True)
    )


def test_the_architecture_needs_glorot_and_784_pixels():
    with pytest.raises(FieldError, match="initializer must be 'glorot' for architecture 'deep'"):
        ae.OriginalConfig(architecture="deep")
    with pytest.raises(FieldError, match="num_input must be 784 for architecture 'deep'"):
        ae.OriginalConfig(architecture="deep", initializer="glorot", num_input=900)
    assert deep_config(activation="linear").output_activation == "sigmoid"


def test_it_trains(fresh_mnist):
    """A few Adam steps on BCE lower the loss, and the weights stay finite."""
    config = deep_config(
        activation="relu", optimizer="adam", learning_rate=1e-3, loss="bce", num_steps=40
    )
    model = ae.Autoencoder(config)
    history = ae.train(model, fresh_mnist.train, config, verbose=False, progress=False)
    losses = np.array([loss for _, loss in history])
    assert len(losses) == 40
    assert np.isfinite(losses).all()
    assert losses[-5:].mean() < 0.8 * losses[:5].mean()
    assert all(np.isfinite(w).all() for w in model.get_weights())


def test_squared_error_per_image_is_784_times_the_mse(mnist):
    """Summed over pixels, averaged over images: 784 x the per-pixel MSE, and a loop's sum."""
    x = mnist.test.images[:50]
    x_hat = np.clip(x + np.random.default_rng(0).normal(0, 0.1, x.shape), 0, 1).astype(np.float32)
    per_image = ae.squared_error_per_image(x, x_hat)
    rows = zip(x.tolist(), x_hat.tolist(), strict=True)
    by_hand = sum(sum((p - q) ** 2 for p, q in zip(a, b, strict=True)) for a, b in rows)
    assert per_image == pytest.approx(by_hand / len(x), rel=1e-9)
    assert per_image == pytest.approx(784 * float(ae.mse(x, x_hat)), rel=1e-5)
    with pytest.raises(ValueError, match="x and x_hat must both be"):
        ae.squared_error_per_image(x, x_hat[:, :10])


def test_adam_cosine_rate_falls_along_half_a_cosine():
    """``optimizer="adam_cosine"``: Adam at rate(t) = rate * (1 + cos(pi t / T)) / 2, T steps."""
    config = deep_config(optimizer="adam_cosine", learning_rate=0.002, num_steps=1_000)
    optimizer = ae.make_optimizer(config)
    assert type(optimizer).__name__ == "Adam"
    optimizer.build(ae.Autoencoder(config).trainable_variables[:2])
    for step in (0, 250, 500, 999, 1_000, 1_500):
        optimizer.iterations.assign(step)
        expected = 0.002 * (1 + np.cos(np.pi * min(step, 1_000) / 1_000)) / 2
        assert float(optimizer.learning_rate) == pytest.approx(expected, abs=1e-9)
