"""Tests of ae_tutorial/score_train.py and sample_quality.py: the chapter "From denoising to
diffusion"'s trainings, sampler, yardsticks and sweep rows, with tiny step counts."""

import re

import numpy as np
import pytest

import ae_tutorial as ae
from ae_tutorial import sample_quality, score_train, sweep_runner, sweeps


def _matches(sweep, row):
    header = sweeps.columns(sweep)
    assert tuple(row) == header
    for column in header[len(sweeps.LEADING) :]:
        key = next((k for p, k in sweeps._GENERIC.items() if re.fullmatch(p, column)), column)
        assert re.fullmatch(sweeps.FORMATS[key], row[column]), (column, row[column])


def test_frechet_distance_matches_the_closed_form_for_diagonal_covariances():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((500, 3))
    x = (x - x.mean(0)) @ np.linalg.inv(np.linalg.cholesky(np.cov(x, rowvar=False))).T
    np.testing.assert_allclose(np.cov(x, rowvar=False), np.eye(3), atol=1e-12)  # whitened
    var_a, var_b = np.array([1.0, 4.0, 0.25]), np.array([9.0, 1.0, 0.25])
    mean_a, mean_b = np.array([0.0, 1.0, 2.0]), np.array([1.0, 1.0, 0.0])
    a, b = mean_a + x * np.sqrt(var_a), mean_b + x * np.sqrt(var_b)
    exact = ((mean_a - mean_b) ** 2).sum() + ((np.sqrt(var_a) - np.sqrt(var_b)) ** 2).sum()
    assert ae.frechet_distance(a, b) == pytest.approx(exact, rel=1e-9)  # 5 + 4 + 1 = 10
    assert ae.frechet_distance(a, a) == pytest.approx(0, abs=1e-9)
    with pytest.raises(ValueError, match="must be"):
        ae.frechet_distance(a, b[:, :2])


def test_score_data_is_the_mixture_or_the_training_digits():
    mixture = ae.score_data(ae.preset("score_mixture"))
    assert mixture.shape == (score_train.MIXTURE_POINTS, 2)
    np.testing.assert_array_equal(mixture, ae.GaussianMixture().sample(len(mixture), 0)[0])
    digits = ae.score_data(ae.preset("score_mnist_short"))
    assert digits.shape == (55_000, 784)


def test_train_score_follows_the_config():
    config = ae.preset("score_mixture", num_steps=3)
    denoiser, losses = ae.train_score(config)
    assert losses.shape == (3,)
    np.testing.assert_allclose(denoiser.sigmas, config.sigmas.astype(np.float32))
    assert denoiser.data_std is None
    assert denoiser.network.name == "mlp_network"


def test_draw_samples_runs_the_sampler_and_denoises_once(monkeypatch):
    monkeypatch.setattr(score_train, "STEPS_PER_SIGMA", 2)
    denoiser, _ = ae.train_score(ae.preset("score_mixture", num_steps=2))
    final, path = ae.draw_samples(denoiser, (1.0, 0.1), 5, seed=3, trajectory=True)
    assert final.shape == (5, 2)
    assert path.shape == (3, 5, 2)
    start = np.random.default_rng(3).uniform(size=(5, 2))
    np.testing.assert_array_equal(path[0], start)  # uniform noise, seeded

    def score(x, sigma):
        return (np.asarray(denoiser.denoise(x.astype(np.float32), sigma)) - x) / sigma**2

    expected = ae.annealed_langevin(score, start, (1.0, 0.1), 2, score_train.STEP_SIZE, seed=3)
    np.testing.assert_allclose(path[-1], expected, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(final, denoiser.denoise(path[-1].astype(np.float32), 0.1),
                               atol=1e-5)  # fmt: skip


def test_yardsticks_tell_digits_from_noise(monkeypatch):
    rng = np.random.default_rng(0)
    digits = np.clip(rng.normal(0.5, 0.2, (300, 784)), 0, 1).astype(np.float32)
    labels = rng.integers(0, 10, 300)
    yardsticks = ae.SampleYardsticks.fit(digits, labels, digits[:100])
    assert yardsticks.reference.shape == (100, sample_quality.CLASSIFIER_HIDDEN)
    same, noise = yardsticks(digits[:100]), yardsticks(rng.uniform(size=(100, 784)))
    assert same["frechet"] == pytest.approx(0, abs=1e-6)
    assert same["nn_distance"] == pytest.approx(0, abs=1e-5)  # each its own nearest
    assert noise["frechet"] > 1
    assert noise["nn_distance"] > 1
    assert 0.1 <= noise["confidence"] <= 1


def test_a_mixture_sweep_row_matches_the_formats():
    row = sweep_runner.run_one("score_mixture", "score_mixture", 0, {"num_steps": 20})
    _matches("score_mixture", row)
    assert all(0 < float(row[f"score_error_{i}"]) < 2 for i in range(3))


@pytest.mark.slow
def test_an_mnist_sweep_row_matches_the_formats(monkeypatch):
    monkeypatch.setattr(score_train, "STEPS_PER_SIGMA", 1)
    monkeypatch.setattr(score_train, "SWEEP_SAMPLES", 20)
    row = sweep_runner.run_one("score_mnist", "score_mnist_short", 0, {"num_steps": 2})
    _matches("score_mnist", row)


def test_denoising_mse_gives_every_denoiser_the_same_noise():
    test = np.random.default_rng(1).uniform(size=(30, 4))
    sigmas = (1.0, 0.1)
    noise = np.random.default_rng(score_train.MSE_NOISE_SEED).standard_normal(test.shape)
    expected = [np.mean(((test + s * noise).astype(np.float32) - test.astype(np.float32)) ** 2)
                for s in sigmas]  # fmt: skip
    np.testing.assert_allclose(ae.denoising_mse(lambda x, s: x, sigmas, test), expected)
    zero = ae.denoising_mse(lambda x, s: np.zeros_like(x), sigmas, test)
    np.testing.assert_allclose(zero, np.mean(test.astype(np.float32) ** 2), rtol=1e-6)
