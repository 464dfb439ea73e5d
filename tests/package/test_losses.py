import keras
import numpy as np
import pytest

import ae_tutorial as ae
from ae_tutorial import tf


@pytest.fixture
def pair():
    rng = np.random.default_rng(0)
    return rng.random((256, 784), dtype=np.float32), rng.random((256, 784), dtype=np.float32)


def test_mse_is_the_originals_loss(pair):
    y_true, y_pred = pair
    original = tf.reduce_mean(tf.pow(y_true - y_pred, 2))  # the original's line
    assert float(ae.mse(y_true, y_pred)) == float(original)
    np.testing.assert_allclose(
        float(ae.mse(y_true, y_pred)), np.mean((y_true.astype(np.float64) - y_pred) ** 2), rtol=1e-6
    )
    np.testing.assert_allclose(
        float(ae.mse(y_true, y_pred)),
        float(keras.losses.MeanSquaredError()(y_true, y_pred)),
        rtol=1e-6,
    )


def test_mse_of_identical_images_is_zero(pair):
    assert float(ae.mse(pair[0], pair[0])) == 0.0


@pytest.mark.parametrize(
    ("y_pred", "message"),
    [
        (np.zeros((256, 783), np.float32), r"same shape, got \(256, 784\) and \(256, 783\)"),
        (np.zeros((256, 784), np.int32), "y_pred must be a float tensor"),
        (np.zeros((784,), np.float32), r"y_pred must have shape"),
    ],
)
def test_bad_input(pair, y_pred, message):
    with pytest.raises(ValueError, match=message):
        ae.mse(pair[0], y_pred)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (np.nan, "y_pred: NaN or infinite"),
        (-np.inf, "y_pred: NaN or infinite"),
        (2.0, r"y_pred: values from .* to 2.0; pixels must be in \[0, 1\]"),
    ],
)
def test_bad_values_are_a_value_error(pair, value, message):
    y_pred = pair[1].copy()
    y_pred[7, 100] = value
    for bad in (y_pred, tf.constant(y_pred)):  # NumPy arrays and eager tensors alike
        with pytest.raises(ValueError, match=message):
            ae.mse(pair[0], bad)
    with pytest.raises(ValueError, match=message.replace("y_pred", "y_true")):
        ae.mse(y_pred, pair[0])


def numpy_bce(y_true, y_pred, epsilon):
    """Binary cross-entropy in float64 NumPy, float32 predictions clipped to [epsilon,
    1 - epsilon] in float32 (where 1 - 1e-7 rounds to 1 - 2 ** -23)."""
    bounds = np.float32(epsilon), np.float32(1 - epsilon)
    p = np.clip(y_pred, *bounds).astype(np.float64)
    return -np.mean(y_true * np.log(p) + (1 - y_true) * np.log(1 - p))


def test_bce_matches_keras_and_numpy(pair):
    y_true, y_pred = pair
    ours = float(ae.bce(y_true, y_pred))
    keras_mean = float(np.mean(keras.losses.binary_crossentropy(y_true, y_pred)))
    np.testing.assert_allclose(ours, keras_mean, rtol=1e-6)
    np.testing.assert_allclose(ours, numpy_bce(y_true, y_pred, keras.config.epsilon()), rtol=1e-6)


def test_bce_clips_as_keras_does(pair):
    """Predictions of exactly 0 and 1 (a saturated σ) give a finite loss, Keras' number."""
    y_true = (pair[0] > 0.5).astype(np.float32)
    y_pred = np.where(pair[1] > 0.5, 1.0, 0.0).astype(np.float32)
    ours = float(ae.bce(y_true, y_pred))
    assert np.isfinite(ours)
    assert ours > 1
    np.testing.assert_allclose(
        ours, float(np.mean(keras.losses.binary_crossentropy(y_true, y_pred))), rtol=1e-5
    )
    np.testing.assert_allclose(ours, numpy_bce(y_true, y_pred, keras.config.epsilon()), rtol=1e-5)


def test_bce_is_smallest_at_the_target():
    y_true = np.array([[0.0, 0.3, 1.0]], np.float32)
    at_target = float(ae.bce(y_true, y_true))
    for shift in (-0.05, 0.05):
        nearby = np.clip(y_true + shift, 0, 1).astype(np.float32)
        assert float(ae.bce(y_true, nearby)) > at_target


def test_bce_checks_its_inputs_as_mse_does(pair):
    with pytest.raises(ValueError, match=r"same shape, got \(256, 784\) and \(256, 783\)"):
        ae.bce(pair[0], pair[1][:, :783])
    with pytest.raises(ValueError, match=r"y_pred: values from .* pixels must be in \[0, 1\]"):
        ae.bce(pair[0], pair[1] + 1)


def test_unbounded_mse_takes_a_linear_output_as_it_is(pair):
    """A linear autoencoder's outputs may leave [0, 1]; ``bounded=False`` neither refuses nor
    clips them, and the targets are still checked."""
    y_true, y_pred = pair
    outside = 3 * y_pred - 1
    expected = np.mean((y_true.astype(np.float64) - outside) ** 2)
    np.testing.assert_allclose(float(ae.mse(y_true, outside, bounded=False)), expected, rtol=1e-6)
    with pytest.raises(ValueError, match="y_pred: values from"):
        ae.mse(y_true, outside)
    with pytest.raises(ValueError, match="y_true: values from"):
        ae.mse(outside, y_true, bounded=False)


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({}, "mse"),
        (dict(activation="relu"), "mse"),
        (dict(loss="bce"), "bce"),
        (dict(activation="linear"), "unbounded mse"),
        (dict(architecture="conv", initializer="glorot", activation="linear"), "mse"),
    ],
)
def test_make_loss_follows_the_config(pair, fields, expected):
    loss = ae.make_loss(ae.OriginalConfig(**fields))
    if expected == "unbounded mse":
        assert loss.func is ae.mse
        assert loss.keywords == {"bounded": False}
        assert float(loss(pair[0], pair[1] + 1)) == float(
            ae.mse(pair[0], pair[1] + 1, bounded=False)
        )
    else:
        assert loss is getattr(ae, expected)  # the original's own function for OriginalConfig()
