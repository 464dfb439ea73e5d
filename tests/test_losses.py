import keras
import numpy as np
import pytest

import ae_tutorial as ae
from ae_tutorial import tf


@pytest.fixture
def pair():
    rng = np.random.default_rng(0)
    return rng.random((256, 784), dtype=np.float32), rng.random((256, 784), dtype=np.float32)


def test_mse_is_the_seed_loss(pair):
    y_true, y_pred = pair
    seed = tf.reduce_mean(tf.pow(y_true - y_pred, 2))  # the original's line
    assert float(ae.mse(y_true, y_pred)) == float(seed)
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
    "y_pred, message",
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
    "value, message",
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
