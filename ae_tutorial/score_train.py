"""Train a ``ScoreConfig``'s denoiser, sample digits with it, and measure it (chapter "From
denoising to diffusion"; ``scripts/sweep.py`` stores ``score_measures``' columns).

The mixture's denoiser is an MLP (``mlp_network``) and is judged by its relative score error
at each noise level; the MNIST one is convolutional (``conv_network``) and is judged by its
denoising MSE beside the Wiener denoiser's and by the yardsticks of the digits that annealed
Langevin dynamics draws with it (``sample_quality``).
"""

import time

import keras
import numpy as np

from .score import annealed_langevin, conv_network, mlp_network, train_denoiser
from .score_reference import GaussianMixture, WienerDenoiser, relative_score_error

#: The mixture's training points (``GaussianMixture().sample``, seed 0) and test points (seed 99).
MIXTURE_POINTS, MIXTURE_TEST_POINTS = 20_000, 4_000
#: The MNIST denoisers are compared on the first 1,000 test digits with the same noise (seed).
MSE_DIGITS, MSE_NOISE_SEED = 1_000, 12_345
#: Steps T of annealed Langevin dynamics at each noise level (``draw_samples``), which starts
#: from uniform noise in [0, 1] and ends with one denoising step at the last level.
STEPS_PER_SIGMA = 100
#: Its step size epsilon; at level sigma_i a step is alpha_i = epsilon sigma_i^2 / sigma_L^2.
STEP_SIZE = 1e-5
#: Samples a sweep run draws, and the test digits its Frechet distance compares them with.
SWEEP_SAMPLES, REFERENCE_DIGITS = 200, 2_000


def score_data(config) -> np.ndarray:
    """The clean training points of ``config`` (a ``ScoreConfig``), float32 (n, d).

    The mixture's ``MIXTURE_POINTS`` draws (seed 0), or MNIST's 55,000 training digits
    flattened to 784 pixels.
    """
    if config.data == "mixture":
        return GaussianMixture().sample(MIXTURE_POINTS, seed=0)[0]
    from .data import read_data_sets

    return read_data_sets(seed=0).train.images


def train_score(config, data=None):
    """Train ``config``'s ``Denoiser`` with ``train_denoiser``.

    Args:
        config: a ``ScoreConfig``: the data, noise levels, data_std, steps, batch, rate, seed.
        data: the clean points, or ``None`` for ``score_data(config)``.

    Returns:
        ``(denoiser, losses)``, as ``train_denoiser`` returns them.
    """
    data = score_data(config) if data is None else data
    if config.data == "mixture":
        network = mlp_network(data.shape[1], seed=config.seed)
    else:
        network = conv_network(seed=config.seed)
    return train_denoiser(
        data, config.sigmas, config.num_steps, seed=config.seed, network=network,
        batch_size=config.batch_size, learning_rate=config.learning_rate,
        data_std=config.data_std,
    )  # fmt: skip


class _Denoise(keras.Model):
    """``denoiser.denoise`` as a model's call, so that ``predict_on_batch`` compiles it once
    on any backend (a ``tf.function`` on TensorFlow, ``jax.jit`` on JAX)."""

    def __init__(self, denoiser):
        super().__init__(name="denoise")
        self.denoiser = denoiser

    def call(self, inputs):
        return self.denoiser.denoise(inputs[0], inputs[1])


def draw_samples(denoiser, sigmas, n: int, seed: int = 0, trajectory: bool = False):
    """Draw ``n`` samples by annealed Langevin dynamics with ``denoiser``'s score.

    Starts from uniform noise (seed ``seed``), runs ``STEPS_PER_SIGMA`` steps of size
    ``STEP_SIZE`` at each of ``sigmas`` (``annealed_langevin``), then denoises once at the
    last level.

    Returns:
        The denoised samples, float32 (n, d); with ``trajectory``, also the path (L + 1, n, d)
        before that last step.
    """
    sigmas = np.asarray(sigmas, np.float32)
    dim = denoiser.network.inputs[0].shape[-1]
    compiled = _Denoise(denoiser)

    def denoise(x, sigma):
        level = np.full((len(x), 1), sigma, np.float32)
        return np.asarray(compiled.predict_on_batch([np.asarray(x, np.float32), level]))

    def score(x, sigma):
        return (denoise(x, sigma) - x) / sigma**2

    start = np.random.default_rng(seed).uniform(size=(n, dim))
    x, path = annealed_langevin(score, start, sigmas, STEPS_PER_SIGMA, STEP_SIZE, seed, True)
    final = denoise(x, sigmas[-1])
    return (final, path) if trajectory else final


def mixture_errors(denoiser, sigmas, seed: int = 0) -> list[float]:
    """The relative score error at each of ``sigmas`` on ``MIXTURE_TEST_POINTS`` fresh points
    (seed 99) with fresh noise (``seed``)."""
    mixture, rng = GaussianMixture(), np.random.default_rng(seed)
    test = mixture.sample(MIXTURE_TEST_POINTS, seed=99)[0]
    errors = []
    for sigma in np.asarray(sigmas, float):
        noisy = (test + sigma * rng.standard_normal(test.shape)).astype(np.float32)
        estimated = keras.ops.convert_to_numpy(denoiser.score(noisy, sigma))
        errors.append(relative_score_error(estimated, mixture.score(noisy, sigma)))
    return errors


def denoising_mse(denoise, sigmas, test) -> np.ndarray:
    """The MSE of ``denoise(noisy, sigma)`` (a ``Denoiser``'s ``denoise`` or a
    ``WienerDenoiser``) at each of ``sigmas``, on ``test``'s first ``MSE_DIGITS`` with the
    noise of seed ``MSE_NOISE_SEED``: the same noisy digits for every denoiser. Shape (L,)."""
    test = np.asarray(test[:MSE_DIGITS], np.float32)
    noise = np.random.default_rng(MSE_NOISE_SEED).standard_normal(test.shape)
    mses = []
    for sigma in np.asarray(sigmas, float):
        noisy = (test + sigma * noise).astype(np.float32)
        denoised = keras.ops.convert_to_numpy(denoise(noisy, sigma))
        mses.append(float(np.mean((denoised - test) ** 2)))
    return np.asarray(mses)


def mse_ratios(denoiser, sigmas, train, test) -> np.ndarray:
    """``denoising_mse`` of ``denoiser`` over the Wiener denoiser's (fitted to ``train``) at
    each of ``sigmas``: below 1 where the network wins. Shape (L,)."""
    wiener = WienerDenoiser.fit(train)
    return denoising_mse(denoiser.denoise, sigmas, test) / denoising_mse(wiener, sigmas, test)


def score_measures(config):
    """Train ``config`` and measure it, as a sweep stores it (``sweeps.columns``).

    Returns:
        ``(seconds, {column: text})``: the training's seconds; ``score_error_i`` (mixture) or
        ``mse_ratio_i``, then ``frechet``, ``nn_distance`` and ``confidence`` of
        ``SWEEP_SAMPLES`` samples (MNIST), formatted as ``sweeps.FORMATS`` says.
    """
    data = score_data(config)
    start = time.perf_counter()
    denoiser, _ = train_score(config, data)
    seconds = time.perf_counter() - start
    if config.data == "mixture":
        errors = mixture_errors(denoiser, config.sigmas)
        return seconds, {f"score_error_{i}": f"{e:.6f}" for i, e in enumerate(errors)}
    from .data import read_data_sets
    from .sample_quality import SampleYardsticks

    mnist = read_data_sets(seed=0)
    ratios = mse_ratios(denoiser, config.sigmas, data, mnist.test.images)
    measured = {f"mse_ratio_{i}": f"{r:.6f}" for i, r in enumerate(ratios)}
    reference = mnist.test.images[-REFERENCE_DIGITS:]
    yardsticks = SampleYardsticks.fit(data, mnist.train.labels, reference)
    found = yardsticks(draw_samples(denoiser, config.sigmas, SWEEP_SAMPLES))
    measured["frechet"] = f"{found['frechet']:.3f}"
    measured["nn_distance"] = f"{found['nn_distance']:.6f}"
    return seconds, {**measured, "confidence": f"{found['confidence']:.6f}"}
