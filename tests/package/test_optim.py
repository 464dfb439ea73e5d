"""ae_tutorial.RMSProp against TF1's own RMSPropOptimizer, run through tf.compat.v1
(``ae_tutorial.reference.tf1_losses``: the original's graph in a Session)."""

import keras
import numpy as np
import pytest

import ae_tutorial as ae
from ae_tutorial import tf

STEPS = 25


def keras_run(model, optimizer, batches):
    step = tf.function(ae.make_train_step(model, optimizer))
    return np.array([float(step(b)) for b in batches]), model.get_weights()


@pytest.fixture(scope="module")
def runs(mnist):
    batches = [mnist.test.images[i * 256 : (i + 1) * 256] for i in range(STEPS)]
    config = ae.OriginalConfig(seed=7)
    initial = ae.Autoencoder(config).get_weights()
    return {
        "tf1": ae.reference.tf1_losses(initial, batches),
        "ours": keras_run(ae.Autoencoder(config), ae.RMSProp(0.01), batches),
        "keras": keras_run(ae.Autoencoder(config), keras.optimizers.RMSprop(0.01), batches),
    }


def test_matches_tf1_rmsprop_optimizer(runs):
    (ref_losses, ref_weights), (losses, weights) = runs["tf1"], runs["ours"]
    np.testing.assert_allclose(losses, ref_losses, rtol=0, atol=1e-6)
    for w, ref in zip(weights, ref_weights, strict=True):
        np.testing.assert_allclose(w, ref, rtol=0, atol=1e-6)


def test_keras_rmsprop_is_a_different_optimiser(runs):
    (ref_losses, ref_weights), (losses, weights) = runs["tf1"], runs["keras"]
    assert losses[0] == pytest.approx(ref_losses[0])  # same forward pass before any update
    assert np.max(np.abs(losses[1:] - ref_losses[1:])) > 1e-3
    assert np.max(np.abs(weights[0] - ref_weights[0])) > 1e-2


def test_one_step_is_the_tf1_formula():
    var = keras.Variable(np.array([1.0, -2.0, 3.0], np.float32))
    g = np.array([0.5, -1.0, 2e-3], np.float32)
    opt = ae.RMSProp(learning_rate=0.1)
    opt.apply_gradients([(g, var)])
    ms = 1.0 + (g * g - 1.0) * (1 - 0.9)  # the accumulator starts at ones
    expected = np.array([1.0, -2.0, 3.0], np.float32) - 0.1 * g / np.sqrt(ms + 1e-10)
    np.testing.assert_allclose(np.asarray(var), expected, rtol=1e-6)


def test_config_round_trip_and_validation():
    opt = ae.RMSProp(0.02, rho=0.8)
    clone = ae.RMSProp.from_config(opt.get_config())
    assert (clone.rho, clone.epsilon) == (0.8, 1e-10)
    assert float(clone.learning_rate) == pytest.approx(0.02)
    with pytest.raises(ValueError, match=r"rho=1\.5"):
        ae.RMSProp(rho=1.5)


@pytest.mark.parametrize(
    ("name", "cls"),
    [
        ("rmsprop", ae.RMSProp),
        ("keras_rmsprop", keras.optimizers.RMSprop),
        ("adam", keras.optimizers.Adam),
    ],
)
def test_make_optimizer_follows_the_config(name, cls):
    optimizer = ae.make_optimizer(ae.OriginalConfig(optimizer=name, learning_rate=0.003))
    assert type(optimizer) is cls
    assert float(optimizer.learning_rate) == pytest.approx(0.003)
