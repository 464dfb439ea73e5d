"""Tests of ae_tutorial/score.py and score_reference.py against closed forms and NumPy/SciPy."""

import textwrap

import numpy as np
import pytest
from scipy.stats import multivariate_normal

import ae_tutorial as ae

MIXTURE = ae.GaussianMixture(stds=(0.3, 0.5, 0.4))


@pytest.mark.parametrize("sigma", [0.0, 0.2, 1.0])
def test_log_density_matches_scipy(sigma):
    x = np.random.default_rng(0).normal(size=(50, 2)) * 2
    expected = sum(
        w * multivariate_normal(m, (s**2 + sigma**2) * np.eye(2)).pdf(x)
        for w, m, s in zip(MIXTURE.weights, MIXTURE.means, MIXTURE.stds, strict=True)
    )
    np.testing.assert_allclose(MIXTURE.log_density(x, sigma), np.log(expected), rtol=1e-10)


@pytest.mark.parametrize("sigma", [0.0, 0.3, 1.0])
def test_score_is_the_gradient_of_log_density(sigma):
    x, h = np.random.default_rng(1).normal(size=(40, 2)) * 2, 1e-5
    steps = h * np.eye(2)
    numeric = np.stack(
        [(MIXTURE.log_density(x + e, sigma) - MIXTURE.log_density(x - e, sigma)) / (2 * h)
         for e in steps], axis=1)  # fmt: skip
    np.testing.assert_allclose(MIXTURE.score(x, sigma), numeric, rtol=1e-5, atol=1e-6)


def test_sample_draws_the_weights_and_means():
    points, labels = MIXTURE.sample(20000, seed=0)
    assert points.shape == (20000, 2)
    assert points.dtype == np.float32
    np.testing.assert_allclose(np.bincount(labels) / 20000, MIXTURE.weights, atol=0.02)
    for k, mean in enumerate(MIXTURE.means):
        np.testing.assert_allclose(points[labels == k].mean(0), mean, atol=0.05)
    np.testing.assert_array_equal(MIXTURE.sample(10, seed=3)[0], MIXTURE.sample(10, seed=3)[0])


def test_mixture_rejects_bad_parameters():
    with pytest.raises(ValueError, match="weights"):
        ae.GaussianMixture(weights=(0.5, 0.6, -0.1))
    with pytest.raises(ValueError, match="means"):
        ae.GaussianMixture(means=((0.0, 0.0),))
    with pytest.raises(ValueError, match="stds"):
        ae.GaussianMixture(stds=(0.3, 0.0, 0.1))


@pytest.mark.parametrize("sigma", [0.1, 0.5, 2.0])
def test_tweedie_turns_the_posterior_mean_into_the_exact_score(sigma):
    noisy = np.random.default_rng(2).normal(size=(100, 2)) * 2
    denoised = MIXTURE.posterior_mean(noisy, sigma)
    score = ae.score_from_denoiser(denoised, noisy, sigma)
    np.testing.assert_allclose(score, MIXTURE.score(noisy, sigma), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(ae.denoiser_from_score(score, noisy, sigma), denoised, atol=1e-12)


def test_relative_score_error():
    exact = np.array([[3.0, 4.0], [0.0, 0.0]])  # a point at a mode counts, without dividing by 0
    assert ae.relative_score_error(np.zeros_like(exact), exact) == 1.0
    assert ae.relative_score_error(exact, exact) == 0.0
    assert ae.relative_score_error(exact + np.array([[0, 0], [3, 4]]), exact) == pytest.approx(1.0)
    assert ae.relative_score_error(1.5 * exact, exact) == pytest.approx(0.5)
    with pytest.raises(ValueError, match="shape"):
        ae.relative_score_error(exact[:1], exact)


def test_wiener_denoiser_is_the_optimum_on_gaussian_data():
    rng = np.random.default_rng(3)
    d, sigma = 5, 0.7
    factor = rng.normal(size=(d, d))
    cov, mean = factor @ factor.T / d, rng.normal(size=d)
    x = rng.multivariate_normal(mean, cov, size=200000)
    wiener = ae.WienerDenoiser.fit(x)
    np.testing.assert_allclose(np.sort(wiener.eigenvalues), np.linalg.eigvalsh(cov), rtol=0.03)
    exact = cov - cov @ np.linalg.solve(cov + sigma**2 * np.eye(d), cov)
    assert wiener.expected_mse(sigma) == pytest.approx(np.trace(exact) / d, rel=0.02)
    noisy = x + sigma * rng.normal(size=x.shape)
    mse = ((wiener(noisy, sigma) - x) ** 2).mean()
    assert mse == pytest.approx(np.trace(exact) / d, rel=0.02)
    direct = mean + (noisy[:5] - mean) @ np.linalg.solve(cov + sigma**2 * np.eye(d), cov)
    np.testing.assert_allclose(wiener(noisy[:5], sigma), direct, atol=0.05)
    assert mse < ((noisy - x) ** 2).mean() * 0.9  # it beats doing nothing


def test_annealed_langevin_with_the_exact_score_samples_the_mixture():
    mixture = ae.GaussianMixture()
    sigmas = np.geomspace(4.0, 0.05, 8)
    x0 = np.random.default_rng(4).uniform(-6, 6, size=(4000, 2))
    samples, path = ae.annealed_langevin(
        mixture.score, x0, sigmas, 60, 0.2 * sigmas[-1] ** 2, seed=5, trajectory=True
    )
    assert path.shape == (9, 4000, 2)
    np.testing.assert_array_equal(path[0], x0)
    np.testing.assert_array_equal(path[-1], samples)
    labels = mixture.responsibilities(samples).argmax(1)
    # A proportion's standard error is below 0.008 with 4000 draws, and these few steps bias
    # it by up to about 0.025 (seeds 5 to 8); the bound is 0.04. The samples are from
    # p_sigma at the last sigma: std sqrt(0.3^2 + 0.05^2) = 0.30, plus the steps' bias.
    np.testing.assert_allclose(np.bincount(labels) / 4000, mixture.weights, atol=0.04)
    for k, mean in enumerate(mixture.means):
        np.testing.assert_allclose(samples[labels == k].mean(0), mean, atol=0.1)
        np.testing.assert_allclose(samples[labels == k].std(0), 0.30, atol=0.06)


def test_annealed_langevin_rejects_increasing_sigmas():
    with pytest.raises(ValueError, match="decreasing"):
        ae.annealed_langevin(lambda x, s: -x, np.zeros((2, 2)), [0.1, 1.0], 1, 0.01)


def test_a_trained_2d_denoiser_estimates_the_score():
    points, _ = ae.GaussianMixture().sample(5000, seed=0)
    model, losses = ae.train_denoiser(points, [0.5], 200, batch_size=256, learning_rate=3e-3)
    assert losses.shape == (200,)
    assert losses[-20:].mean() < losses[:5].mean()
    noisy = points[:2000] + 0.5 * np.random.default_rng(1).normal(size=(2000, 2))
    exact = ae.GaussianMixture().score(noisy, 0.5)
    error = ae.relative_score_error(np.asarray(model.score(noisy, 0.5)), exact)
    assert error < 0.4  # a zero score has 1; seeds 0, 1, 2 reach 0.20 to 0.27


def test_denoiser_denoises_as_x_plus_sigma_f():
    network = ae.mlp_network(dim=2, hidden=8, layers=1, seed=0)
    model = ae.Denoiser(network, sigmas=[0.5, 1.0])
    noisy = np.random.default_rng(0).normal(size=(4, 2)).astype(np.float32)
    f = np.asarray(network([noisy, np.full((4, 1), np.log(0.5), np.float32)]))
    np.testing.assert_allclose(np.asarray(model.denoise(noisy, 0.5)), noisy + 0.5 * f, rtol=1e-5)
    np.testing.assert_allclose(np.asarray(model.score(noisy, 0.5)), f / 0.5, rtol=1e-4)
    with pytest.raises(ValueError, match="sigmas"):
        ae.Denoiser(network, sigmas=[0.5, 0.0])


def test_preconditioned_denoiser_follows_karras():
    network = ae.mlp_network(dim=2, hidden=8, layers=1, seed=0)
    model = ae.Denoiser(network, sigmas=[2.0], data_std=0.5)
    noisy = np.random.default_rng(0).normal(size=(4, 2)).astype(np.float32)
    total = 2.0**2 + 0.5**2
    f = np.asarray(network([noisy / np.sqrt(total), np.full((4, 1), np.log(2.0), np.float32)]))
    expected = 0.25 / total * noisy + 2.0 * 0.5 / np.sqrt(total) * f
    np.testing.assert_allclose(np.asarray(model.denoise(noisy, 2.0)), expected, rtol=1e-5)


@pytest.mark.parametrize("data_std", [None, 0.5])
def test_denoising_loss_matches_numpy(data_std):
    model = ae.Denoiser(ae.mlp_network(hidden=8, layers=1), sigmas=[0.1, 1.0], data_std=data_std)
    x = np.random.default_rng(0).normal(size=(64, 2)).astype(np.float32)
    outputs = {k: np.asarray(v) for k, v in model(x, training=True).items()}
    assert set(np.unique(outputs["sigma"])) == {np.float32(0.1), np.float32(1.0)}
    sigma = outputs["sigma"][:, 0]
    c_out = sigma if data_std is None else sigma * data_std / np.sqrt(sigma**2 + data_std**2)
    expected = (((outputs["denoised"] - x) ** 2).sum(1) / c_out**2).mean()
    loss = float(model.compute_loss(x, None, outputs))
    np.testing.assert_allclose(loss, expected, rtol=1e-5)


def test_conv_denoiser_shapes_and_one_step():
    images = np.random.default_rng(0).uniform(size=(8, 784)).astype(np.float32)
    network = ae.conv_network(filters=(4, 8))
    model, losses = ae.train_denoiser(images, [0.1, 0.5, 1.0], 2, network=network, batch_size=8)
    assert np.all(np.isfinite(losses))
    assert losses.shape == (2,)
    denoised = np.asarray(model.denoise(images, np.full((8, 1), 0.3)))
    assert denoised.shape == (8, 784)
    assert np.all(np.isfinite(denoised))
    assert not np.allclose(denoised, images)


BACKEND_SCRIPT = textwrap.dedent(
    """
    import json
    import keras
    import numpy as np
    import ae_tutorial as ae

    points, _ = ae.GaussianMixture().sample(500, seed=0)
    model, losses = ae.train_denoiser(points, [0.3, 1.0], num_steps=20, seed=0)
    images = np.zeros((2, 784), np.float32)
    _, conv = ae.train_denoiser(images, [0.5], 1, network=ae.conv_network((4, 8)), batch_size=2)
    score = np.asarray(model.score(points[:3], 0.3)).tolist()
    print(json.dumps({"backend": keras.backend.backend(), "losses": losses.tolist(),
                      "conv": conv.tolist(), "score": score}))
    """
)


@pytest.mark.slow
def test_denoisers_train_under_jax(run_on_backend):
    result = run_on_backend(BACKEND_SCRIPT, "jax")
    assert np.all(np.isfinite(result["losses"]))
    assert np.all(np.isfinite(result["conv"]))
    assert np.array(result["score"]).shape == (3, 2)
