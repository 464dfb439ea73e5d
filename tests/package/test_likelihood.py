"""The importance-weighted bound (ae_tutorial/likelihood.py) against a model whose likelihood
is known in closed form, on TensorFlow and on JAX, and the fixed binarisation."""

import math
import os
import textwrap

import numpy as np
import pytest
from keras import ops
from scipy import special, stats

import ae_tutorial as ae
from ae_tutorial import likelihood


# A linear-Gaussian model, z ~ N(0, I), x | z ~ N(W z + b, s^2 I), with W's columns
# orthogonal, so that the exact posterior q(z | x) is a diagonal Gaussian:
#   cov = diag(1 / (1 + d^2 / s^2)),  mean = cov W^T (x - b) / s^2,  d_j = |W's column j|.
# log p(x) = log N(x; b, W W^T + s^2 I), by SciPy. Written with keras.ops, for any backend.
class LinearGaussian:
    def __init__(self, pixels=6, latent=3, s=0.5, shift=0.0, widen=0.0, seed=0):
        rng = np.random.default_rng(seed)
        basis = np.linalg.qr(rng.normal(size=(pixels, latent)))[0]
        self.W = (basis * rng.uniform(0.5, 2.0, latent)).astype(np.float32)
        self.b = rng.normal(size=pixels).astype(np.float32)
        self.s = s
        self.post_var = 1 / (1 + (self.W**2).sum(axis=0) / s**2)
        self.shift, self.widen = shift, widen  # a worse q: moved and wider than the posterior

    def log_p(self, x):
        cov = self.W @ self.W.T + self.s**2 * np.eye(len(self.b))
        return stats.multivariate_normal(self.b, cov).logpdf(x)

    def encode(self, x):
        mean = (np.asarray(x) - self.b) @ self.W * (self.post_var / self.s**2) + self.shift
        log_var = np.broadcast_to(np.log(self.post_var) + self.widen, mean.shape)
        return ops.convert_to_tensor(mean, "float32"), ops.convert_to_tensor(log_var, "float32")

    def decoder_log_prob(self, x, z):
        x_mean = ops.matmul(z, ops.convert_to_tensor(self.W.T)) + self.b
        squares = ops.sum(ops.square(ops.cast(x, "float32") - x_mean), axis=-1)
        norm = len(self.b) * (math.log(self.s) + 0.5 * math.log(2 * math.pi))
        return -0.5 * squares / self.s**2 - norm


def _data(model, n=400, seed=1):
    rng = np.random.default_rng(seed)
    z = rng.normal(size=(n, model.W.shape[1]))
    x = z @ model.W.T + model.b + model.s * rng.normal(size=(n, len(model.b)))
    return x.astype(np.float32)


def _posterior_kl(model, x):
    """KL(q || exact posterior) of each image, both diagonal Gaussians (NumPy)."""
    mean_q, log_var_q = (np.asarray(t, np.float64) for t in model.encode(x))
    exact = LinearGaussian()  # the same W, b, s (same seed), exact q
    mean_p, log_var_p = (np.asarray(t, np.float64) for t in exact.encode(x))
    var_q, var_p = np.exp(log_var_q), np.exp(log_var_p)
    terms = log_var_p - log_var_q + (var_q + (mean_q - mean_p) ** 2) / var_p - 1
    return 0.5 * terms.sum(axis=1)


@pytest.mark.parametrize("k", [1, 7, 200])
def test_with_the_exact_posterior_the_bound_is_the_likelihood_for_every_k(k):
    model = LinearGaussian()
    x = _data(model, n=50)
    bound = ae.importance_weighted_bound(model, x, k=k, seed=3)
    assert bound.shape == (50,)
    assert bound.dtype == np.float64
    np.testing.assert_allclose(bound, model.log_p(x), rtol=0, atol=2e-4)


def test_chunks_over_codes_combine_to_the_same_bound(monkeypatch):
    model = LinearGaussian()
    x = _data(model, n=9)
    monkeypatch.setattr(likelihood, "ROWS_PER_CALL", 10)  # chunks of 2 codes, 5 images a call
    bound = ae.importance_weighted_bound(model, x, k=9, seed=0, batch_size=5)
    np.testing.assert_allclose(bound, model.log_p(x), rtol=0, atol=2e-4)


def test_the_bound_is_logsumexp_of_the_log_weights_less_log_k():
    import keras

    model = LinearGaussian(shift=0.7, widen=0.5)
    x = _data(model, n=20)
    weights = likelihood.log_weights(model, x, 30, keras.random.SeedGenerator(4))
    expected = special.logsumexp(np.asarray(weights, np.float64), axis=1) - np.log(30)
    bound = ae.importance_weighted_bound(model, x, k=30, seed=4)
    np.testing.assert_allclose(bound, expected, rtol=1e-6, atol=1e-4)
    np.testing.assert_array_equal(bound, ae.importance_weighted_bound(model, x, k=30, seed=4))
    assert not np.array_equal(bound, ae.importance_weighted_bound(model, x, k=30, seed=5))


def test_with_a_worse_posterior_the_bound_rises_towards_the_likelihood_with_k():
    model = LinearGaussian(shift=0.7, widen=0.5)
    x = _data(model)
    log_p = model.log_p(x).mean()
    means = [ae.importance_weighted_bound(model, x, k=k, seed=0).mean() for k in (1, 10, 100, 2000)]
    assert np.all(np.diff(means) > 0), means
    assert means[-1] < log_p + 0.01
    assert log_p - means[-1] < 0.1 * (log_p - means[0]), (log_p, means)
    # k = 1: log p(x) - KL(q || posterior), the ELBO, within its sampling error
    elbo = ae.importance_weighted_bound(model, x, k=1, seed=1)
    expected = (model.log_p(x) - _posterior_kl(model, x)).mean()
    assert abs(elbo.mean() - expected) < 4 * ae.standard_error(elbo - model.log_p(x))


def test_a_vae_gives_its_elbo_at_k_1_and_more_at_larger_k():
    vae = ae.VAE(latent_dim=3, hidden=16, hidden_layers=2, activation="tanh", seed=2)
    x = ae.binarized(np.random.default_rng(0).random((100, 784), dtype=np.float32))
    elbo = ae.importance_weighted_bound(vae, x, k=1)
    negative = ae.negative_elbo(vae, x, samples=20)
    assert abs(elbo.mean() + negative.mean()) < 4 * ae.standard_error(elbo + negative)
    assert ae.importance_weighted_bound(vae, x, k=100).mean() > elbo.mean()


def test_the_vae_decoder_log_prob_is_minus_the_summed_cross_entropy():
    vae = ae.VAE(latent_dim=2, hidden=8)
    x = ae.binarized(np.random.default_rng(1).random((5, 784), dtype=np.float32))
    z = np.random.default_rng(2).normal(size=(5, 2)).astype(np.float32)
    p = np.asarray(vae.decode(z), np.float64)
    expected = (x * np.log(p) + (1 - x) * np.log(1 - p)).sum(axis=1)
    np.testing.assert_allclose(np.asarray(vae.decoder_log_prob(x, z)), expected, rtol=1e-4)


def test_binarized_draws_each_pixel_once_from_its_grey_value():
    grey = np.random.default_rng(0).random((200, 784), dtype=np.float32)
    grey[:, :10], grey[:, 10:20] = 0.0, 1.0
    binary = ae.binarized(grey, seed=5)
    assert binary.dtype == np.float32
    assert set(np.unique(binary)) == {0.0, 1.0}
    assert np.all(binary[:, :10] == 0)
    assert np.all(binary[:, 10:20] == 1)
    assert abs(binary.mean() - grey.mean()) < 0.005
    np.testing.assert_array_equal(binary, ae.binarized(grey, seed=5))
    assert not np.array_equal(binary, ae.binarized(grey, seed=6))


@pytest.mark.parametrize(
    ("images", "message"),
    [
        (np.full((4, 784), 255, np.uint8), "float tensor of pixels in"),
        (np.full((4, 784), 1.5, np.float32), r"pixels must be in \[0, 1\]"),
    ],
)
def test_binarized_refuses_unscaled_images(images, message):
    with pytest.raises(ValueError, match=message):
        ae.binarized(images)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"k": 0}, "k must be a positive integer"),
        ({"batch_size": 0}, "batch_size must be a positive integer"),
        ({"images": np.zeros((0, 6), np.float32)}, "at least one image"),
        ({"images": np.full((2, 6), np.nan, np.float32)}, "all finite"),
    ],
)
def test_the_bound_refuses_bad_arguments_by_name(kwargs, message):
    model = LinearGaussian()
    arguments = {"images": _data(model, n=3), "k": 2, **kwargs}
    with pytest.raises(ValueError, match=message):
        ae.importance_weighted_bound(model, **arguments)


def test_standard_error_is_the_sample_deviation_over_root_n():
    values = np.random.default_rng(0).normal(size=100)
    assert ae.standard_error(values) == pytest.approx(values.std(ddof=1) / 10)
    with pytest.raises(ValueError, match="at least two finite"):
        ae.standard_error([1.0])


# The exact-posterior and worse-posterior checks, in a fresh process on JAX.
JAX_SCRIPT = textwrap.dedent(
    """
    import json
    import sys

    import keras
    import numpy as np

    sys.path.insert(0, sys.argv[1])
    import ae_tutorial as ae
    from test_likelihood import LinearGaussian, _data

    exact, worse = LinearGaussian(), LinearGaussian(shift=0.7, widen=0.5)
    x = _data(exact, n=300)
    error = np.abs(ae.importance_weighted_bound(exact, x, k=50) - exact.log_p(x)).max()
    means = [ae.importance_weighted_bound(worse, x, k=k).mean() for k in (1, 1000)]
    print(json.dumps({
        "backend": keras.backend.backend(),
        "error": float(error),
        "log_p": float(exact.log_p(x).mean()),
        "means": [float(m) for m in means],
    }))
    """
)


@pytest.mark.slow  # a fresh process that imports JAX
def test_the_bound_runs_on_jax(run_on_backend):
    result = run_on_backend(JAX_SCRIPT, "jax", os.path.dirname(__file__))
    assert result["error"] < 2e-4
    elbo, bound = result["means"]
    assert elbo < bound < result["log_p"] + 0.01
    assert result["log_p"] - bound < 0.1 * (result["log_p"] - elbo)


@pytest.mark.slow  # trains Burda et al.'s VAE for an epoch
def test_a_likelihood_run_measures_its_bounds(monkeypatch):
    from ae_tutorial import sweep_runner, sweeps

    bounds = {"test_nll_k1": (1, 40), "test_nll_k100": (10, 40), "test_nll_k1000": (100, 40)}
    monkeypatch.setattr(sweep_runner, "LIKELIHOOD_BOUNDS", bounds)  # the same 40 test digits
    row = sweep_runner.run_one("likelihood", "vae_burda_short", 1, {"epochs": 1})
    assert tuple(row) == sweeps.columns("likelihood")
    assert '"binarize": "dynamic"' in row["config"]
    nll = [float(row[column]) for column in bounds]
    assert 0 < nll[2] < nll[1] < nll[0] < 784 * np.log(2)  # tighter with k, better than chance
    assert 0 < float(row["test_nll_k1000_se"]) < 10
