"""Train a ``VQVAEConfig``'s VQ-VAE and its priors, and measure them (chapter "Discrete
codes"; ``scripts/sweep.py`` stores ``vqvae_measures``' columns).

A digit becomes 49 code indices (``vqvae_codes``). Codebook usage is measured by the
perplexity and the dead codes; the codes' cost in bits by their cross-entropy under two
priors: each position on its own, from the training codes' frequencies at that position
(``independent_prior``), and a small causal transformer (``CodePrior``, ``train_prior``).
"""

import time

import keras
import numpy as np

from .vqvae import GRID, VQVAE, CodePrior

#: Every ``config.restart_every`` steps in the first half of training, codes unused on this
#: many random training digits are moved onto encoder outputs of those digits (``restart_dead``).
RESTART_IMAGES = 1_024
#: The prior's batch size and Adam's learning rate.
PRIOR_BATCH, PRIOR_RATE = 128, 1e-3


def train_vqvae(config, images, variance=None):
    """Train ``config``'s ``VQVAE`` on ``images`` (N, 784) with Adam.

    ``config.num_steps`` steps, each on ``config.batch_size`` images drawn with replacement
    (NumPy's generator seeded with ``config.seed``, which seeds the weights too). The codebook
    starts on encoder outputs; every ``config.restart_every`` steps (0: never) in the first
    half, the dead codes restart (``restart_dead``).

    Args:
        config: a ``VQVAEConfig``.
        images: the training digits, float32 (N, 784) in [0, 1].
        variance: what the squared error is divided by; ``None``: the images' pixel variance.

    Returns:
        ``(model, losses)``: the trained ``VQVAE`` and each step's loss, shape (num_steps,).
    """
    images = np.asarray(images, np.float32)
    variance = float(images.var()) if variance is None else variance
    model = VQVAE(config.num_codes, config.code_dim, config.beta, data_variance=variance,
                  seed=config.seed)  # fmt: skip
    model.compile(optimizer=keras.optimizers.Adam(config.learning_rate))
    rng = np.random.default_rng(config.seed)
    restart_dead(model, images[rng.integers(0, len(images), RESTART_IMAGES)], rng, every=True)
    losses, every = [], config.restart_every
    for step in range(1, config.num_steps + 1):
        losses.append(model.train_on_batch(images[rng.integers(0, len(images), config.batch_size)]))
        if every and step % every == 0 and 2 * step <= config.num_steps:
            restart_dead(model, images[rng.integers(0, len(images), RESTART_IMAGES)], rng)
    return model, np.asarray(losses, float)


def restart_dead(model, images, rng, every: bool = False) -> int:
    """Move the codes that no vector of ``images`` picks (all codes, with ``every``) onto
    encoder outputs of ``images`` drawn at random without replacement (``rng``): the codebook
    starts on the data, and a dead code gets another chance. Returns how many moved."""
    z = np.asarray(model.encode(np.asarray(images, np.float32)))
    z = z.reshape(-1, z.shape[-1])
    quantizer = model.quantizer
    used = np.bincount(np.asarray(quantizer.nearest(z)).ravel(), minlength=quantizer.num_codes)
    dead = np.arange(quantizer.num_codes) if every else np.flatnonzero(used == 0)
    if len(dead):
        codebook = np.asarray(quantizer.codebook).copy()
        codebook[dead] = z[rng.choice(len(z), len(dead), replace=False)]
        quantizer.codebook.assign(codebook)
    return len(dead)


def vqvae_codes(model, images, batch_size: int = 5_000) -> np.ndarray:
    """The code indices of ``images`` (N, 784), encoded only: int32 (N, 7, 7)."""
    parts = [np.asarray(model.codes(np.asarray(images[i : i + batch_size], np.float32)))
             for i in range(0, len(images), batch_size)]  # fmt: skip
    return np.concatenate(parts).astype(np.int32)


def vqvae_predict(model, images, batch_size: int = 2_000):
    """The code indices, int32 (N, 7, 7), and reconstructions, float32 (N, 784), of ``images``."""
    codes, reconstructions = [], []
    for i in range(0, len(images), batch_size):
        out = model(np.asarray(images[i : i + batch_size], np.float32))
        codes.append(np.asarray(out["indices"]).astype(np.int32))
        reconstructions.append(np.asarray(out["reconstruction"]))
    return np.concatenate(codes), np.concatenate(reconstructions)


def code_usage(codes, num_codes: int) -> tuple[float, int]:
    """The perplexity exp(H) of the codes' frequencies (H in nats; K if all K codes are used
    equally, 1 if one is) and the number of dead codes, never used, in ``codes`` (any shape)."""
    counts = np.bincount(np.ravel(codes), minlength=num_codes)
    p = counts[counts > 0] / counts.sum()
    return float(np.exp(-(p * np.log(p)).sum())), int((counts == 0).sum())


def independent_prior(codes, num_codes: int) -> np.ndarray:
    """Each position's code frequencies in ``codes`` (N, 7, 7), with one added to every count
    (Laplace's rule, so that no code has probability 0): float (49, ``num_codes``)."""
    flat = np.asarray(codes).reshape(len(codes), GRID * GRID)
    counts = np.stack([np.bincount(flat[:, i], minlength=num_codes) for i in range(GRID**2)])
    return (counts + 1) / (counts + 1).sum(axis=1, keepdims=True)


def independent_bits(probabilities, codes) -> float:
    """The mean bits per image of ``codes`` (N, 7, 7) under ``independent_prior``'s
    ``probabilities`` (49, K): the sum over positions of -log2 p(code)."""
    flat = np.asarray(codes).reshape(len(codes), GRID * GRID)
    return float(-np.log2(probabilities[np.arange(GRID * GRID), flat]).sum(axis=1).mean())


def sample_independent(probabilities, n: int, seed: int = 0) -> np.ndarray:
    """``n`` grids of codes, each position drawn on its own from ``probabilities`` (49, K):
    int (n, 7, 7)."""
    u = np.random.default_rng(seed).random((n, GRID * GRID, 1))
    return (probabilities.cumsum(axis=1)[None] > u).argmax(axis=2).reshape(n, GRID, GRID)


def train_prior(config, codes):
    """Train a ``CodePrior`` on ``codes`` (N, 7, 7) for ``config.prior_steps`` Adam steps of
    ``PRIOR_BATCH`` grids drawn with replacement (seeded by ``config.seed``).

    Returns:
        ``(prior, losses)``: the trained prior and each step's loss (nats per code).
    """
    flat = np.asarray(codes, np.int32).reshape(len(codes), GRID * GRID)
    prior = CodePrior(config.num_codes, seed=config.seed)
    prior.compile(optimizer=keras.optimizers.Adam(PRIOR_RATE))
    rng = np.random.default_rng((config.seed, 1))
    losses = [prior.train_on_batch(flat[rng.integers(0, len(flat), PRIOR_BATCH)])
              for _ in range(config.prior_steps)]  # fmt: skip
    return prior, np.asarray(losses, float)


def prior_bits(prior, codes, batch_size: int = 2_000) -> float:
    """The mean bits per image of ``codes`` (N, 7, 7) under ``prior``: the sum over the 49
    positions of -log2 p(code | earlier codes)."""
    flat = np.asarray(codes, np.int32).reshape(len(codes), GRID * GRID)
    total = 0.0
    for i in range(0, len(flat), batch_size):
        logits = np.asarray(prior(flat[i : i + batch_size]), np.float64)
        top = logits.max(axis=2, keepdims=True)
        log_z = np.log(np.exp(logits - top).sum(axis=2)) + top[..., 0]
        chosen = np.take_along_axis(logits, flat[i : i + batch_size, :, None], 2)[..., 0]
        total += ((log_z - chosen).sum(axis=1) / np.log(2)).sum()
    return float(total / len(flat))


def vqvae_measures(config):
    """Train ``config`` (and its prior, if ``prior_steps``) and measure it on the test digits,
    as a sweep stores it (``sweeps.VQVAE_MEASURES``).

    Returns:
        ``(seconds, {column: text})``: the trainings' seconds; ``test_mse``,
        ``normalized_mse`` (over the training pixels' variance), ``perplexity``,
        ``dead_codes``, ``bits_independent`` and ``bits_prior`` ("" without a prior).
    """
    from .data import read_data_sets

    mnist = read_data_sets(seed=0)
    train, test = mnist.train.images, mnist.test.images
    start = time.perf_counter()
    model, _ = train_vqvae(config, train)
    train_codes = vqvae_codes(model, train)
    prior = train_prior(config, train_codes)[0] if config.prior_steps else None
    seconds = time.perf_counter() - start
    test_codes, reconstructions = vqvae_predict(model, test)
    mse = float(np.mean((reconstructions - test) ** 2))
    perplexity, dead = code_usage(test_codes, config.num_codes)
    bits = independent_bits(independent_prior(train_codes, config.num_codes), test_codes)
    return seconds, {
        "test_mse": f"{mse:.6f}", "normalized_mse": f"{mse / train.var():.6f}",
        "perplexity": f"{perplexity:.3f}", "dead_codes": str(dead),
        "bits_independent": f"{bits:.3f}",
        "bits_prior": f"{prior_bits(prior, test_codes):.3f}" if prior else "",
    }  # fmt: skip
