"""The package's input checks: each accepts what it promises and names what it refuses."""

import re

import numpy as np
import pytest

from ae_tutorial import tf
from ae_tutorial.checks import check_images, check_pixel_values, positive_int


@pytest.mark.parametrize("value", [1, 7, np.int64(3), np.uint8(200)])
def test_positive_int_accepts_positive_integers(value):
    got = positive_int("n", value)
    assert got == value
    assert type(got) is int


@pytest.mark.parametrize("value", [0, -2, 2.0, 2.5, "3", None, True, np.float32(4)])
def test_positive_int_refuses_the_rest_naming_it(value):
    message = f"num_steps must be a positive integer, got {value!r}"
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        positive_int("num_steps", value)


@pytest.mark.parametrize(
    "x", [np.zeros((2, 784), np.float32), np.zeros((5, 784), np.float64), tf.zeros((3, 784))]
)
def test_check_images_accepts_float_batches(x):
    assert check_images(x, 784) is None
    assert check_images(x) is None


@pytest.mark.parametrize(
    ("x", "width", "message"),
    [
        (np.zeros((2, 784), np.uint8), 784, "x must be a float tensor .* got dtype uint8"),
        (np.zeros((2, 783), np.float32), 784, r"x must have shape \(batch, 784\), got \(2, 783\)"),
        (np.zeros((784,), np.float32), None, r"x must have shape \(batch, width\), got \(784,\)"),
    ],
)
def test_check_images_names_the_problem(x, width, message):
    with pytest.raises(ValueError, match=message):
        check_images(x, width, what="x")


def test_check_images_accepts_an_unknown_batch_size_in_a_graph():
    seen = []

    @tf.function(input_signature=[tf.TensorSpec([None, 784], tf.float32)])
    def f(x):
        check_images(x, 784)
        seen.append(tuple(x.shape))
        return x

    f(tf.zeros((2, 784)))
    assert seen == [(None, 784)]


@pytest.mark.parametrize(
    "images",
    [
        np.zeros((3, 4)),
        np.ones((3, 4), np.float32),
        np.full((2, 2), 255, np.uint8),  # integers: not checked
        np.zeros((0, 4), np.float32),
        tf.constant([[0.5, 1.0]]),
    ],
)
def test_check_pixel_values_accepts_pixels_in_0_1(images):
    assert check_pixel_values(images) is None  # no ValueError


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (np.nan, "NaN or infinite"),
        (-np.inf, "NaN or infinite"),
        (1.5, "values from 0.0 to 1.5"),
        (-0.25, "values from -0.25 to 0.0"),
    ],
)
def test_check_pixel_values_refuses_the_rest_naming_it(value, message):
    images = np.zeros((3, 4), np.float32)
    images[1, 2] = value
    for bad in (images, tf.constant(images)):  # NumPy arrays and eager tensors alike
        with pytest.raises(ValueError, match=rf"^batch: {message}"):
            check_pixel_values(bad, "batch")


def test_check_pixel_values_skips_symbolic_tensors():
    @tf.function(input_signature=[tf.TensorSpec([None, 2], tf.float32)])
    def f(x):
        check_pixel_values(x)  # values unknown while tracing: nothing to check
        return x

    np.testing.assert_array_equal(f(tf.constant([[2.0, np.nan]])), [[2.0, np.nan]])


def test_all_finite():
    import numpy as np

    from ae_tutorial.checks import all_finite

    assert all_finite([np.zeros(3), np.ones((2, 2))])
    assert all_finite([])
    assert not all_finite([np.zeros(3), np.array([1.0, np.nan])])
    assert not all_finite([np.array([np.inf])])
