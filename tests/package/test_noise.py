"""ae_tutorial.Corruption: the denoising autoencoder's input noise."""

import numpy as np
import pytest

import ae_tutorial as ae
from ae_tutorial import tf

X = np.random.default_rng(0).uniform(size=(256, 784)).astype(np.float32)


def test_mask_zeroes_the_requested_fraction():
    noisy = ae.Corruption("mask", 0.3, seed=1)(X).numpy()
    zeroed = noisy == 0
    assert abs(zeroed.mean() - 0.3) < 0.005
    np.testing.assert_array_equal(noisy[~zeroed], X[~zeroed])  # the rest untouched


def test_gaussian_adds_noise_of_that_stddev_and_clips():
    x = np.full((256, 784), 0.5, np.float32)
    noisy = ae.Corruption("gaussian", 0.1, seed=1)(x).numpy()
    assert abs((noisy - x).std() - 0.1) < 0.002
    assert abs((noisy - x).mean()) < 0.002
    clipped = ae.Corruption("gaussian", 2.0, seed=1)(x).numpy()
    assert clipped.min() == 0.0
    assert clipped.max() == 1.0


def test_each_call_draws_new_noise_and_a_seed_repeats_it():
    a, b = ae.Corruption("mask", 0.5, seed=3), ae.Corruption("mask", 0.5, seed=3)
    first = a(X).numpy()
    assert not np.array_equal(first, a(X).numpy())
    np.testing.assert_array_equal(first, b(X).numpy())
    graph = tf.function(ae.Corruption("mask", 0.5, seed=3).__call__)
    np.testing.assert_array_equal(first, graph(X).numpy())  # eager == tf.function


@pytest.mark.parametrize(("kind", "level"), [("salt", 0.1), ("mask", 1.0), ("gaussian", -1.0)])
def test_bad_noise_is_refused(kind, level):
    with pytest.raises(ValueError, match="noise"):
        ae.Corruption(kind, level)


def test_make_corruption_follows_the_config():
    assert ae.make_corruption(ae.OriginalConfig()) is None
    c = ae.make_corruption(ae.OriginalConfig(noise="mask", noise_level=0.25))
    assert (c.kind, c.level) == ("mask", 0.25)
