"""Saturation and gradient norms against NumPy and TensorFlow's own gradient of the loss."""

import numpy as np
import pytest

import ae_tutorial as ae
from ae_tutorial import tf

X = np.random.default_rng(1).uniform(size=(64, 784)).astype(np.float32)


def sigmoid(a):
    return 1.0 / (1.0 + np.exp(-a))


@pytest.fixture(scope="module")
def model():
    return ae.Autoencoder(ae.OriginalConfig(seed=4))


def test_layer_outputs_are_the_originals_network(model):
    x, weights = X.astype(np.float64), model.get_weights()
    outputs = ae.layer_outputs(model, X)
    assert [o.shape for o in outputs] == [(64, 256), (64, 128), (64, 256), (64, 784)]
    for out, w, b in zip(outputs, weights[::2], weights[1::2], strict=True):
        x = sigmoid(x @ w + b)
        np.testing.assert_allclose(out, x, atol=1e-5)


def test_saturation_counts_outputs_near_0_or_1(model):
    fractions = ae.saturation(model, X, margin=0.01)
    assert list(fractions) == list(ae.LAYER_NAMES)
    for fraction, s in zip(fractions.values(), ae.layer_outputs(model, X), strict=True):
        assert fraction == pytest.approx(np.mean(np.minimum(s, 1 - s) < 0.01))
    # N(0, 1) weights on 784 inputs: pre-activations of size ~sqrt(784 * 0.33) saturate most units
    assert fractions["encoder.layer_1"] > 0.7
    glorot = ae.saturation(ae.Autoencoder(ae.OriginalConfig(initializer="glorot")), X)
    assert glorot["encoder.layer_1"] < 0.05


def test_gradient_norms_match_the_tape(model):
    norms = ae.gradient_norms(model, X)
    assert list(norms) == list(ae.ORIGINAL_NAMES)
    variables = model.trainable_variables
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(tf.pow(X - model(X), 2))  # the original's loss, spelled its way
    for norm, g in zip(norms.values(), tape.gradient(loss, variables), strict=True):
        assert norm == pytest.approx(
            np.sqrt(np.sum(np.square(g.numpy(), dtype=np.float64))), rel=1e-5
        )
        assert norm > 0


def test_bad_margin_is_refused(model):
    with pytest.raises(ValueError, match="margin"):
        ae.saturation(model, X, margin=0.6)


def test_dead_units_are_saturated_at_one_end_for_nearly_every_digit():
    rng = np.random.default_rng(7)
    codes = rng.uniform(0.2, 0.8, size=(200, 5))  # unit 0: alive
    codes[:, 1] = 0.001  # near 0 for every digit: dead
    codes[:, 2] = 0.999  # near 1 for every digit: dead
    codes[:, 3] = np.where(np.arange(200) < 100, 0.001, 0.999)  # saturated, but at both ends
    codes[:, 4] = 0.001
    codes[:3, 4] = 0.5  # near 0 for 197 of 200 digits (98.5 %): alive at share 0.99
    brute = [
        max(np.mean(codes[:, u] < 0.01), np.mean(codes[:, u] > 0.99)) >= 0.99 for u in range(5)
    ]
    np.testing.assert_array_equal(ae.dead_units(codes), brute)
    np.testing.assert_array_equal(ae.dead_units(codes), [False, True, True, False, False])
    assert ae.dead_units(codes, share=0.98)[4]
