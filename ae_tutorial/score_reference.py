"""Closed forms for chapter "From denoising to diffusion": exact scores, the best linear denoiser.

A 2-D Gaussian mixture whose noisy density p_sigma (the mixture convolved with N(0, sigma^2 I))
and score grad log p_sigma have closed forms; Tweedie's formula, which turns a denoiser into a
score; the error measure of a score estimate; and the Wiener (PCA) denoiser, the best linear one.
NumPy only: these are the references the trained networks are measured against.
"""

import dataclasses

import numpy as np
from scipy.special import logsumexp


@dataclasses.dataclass(frozen=True)
class GaussianMixture:
    """A mixture of isotropic Gaussians in ``dim`` dimensions (chapter "From denoising to
    diffusion"): component k has weight ``weights[k]``, mean ``means[k]`` and std ``stds[k]``.

    Adding noise N(0, sigma^2 I) keeps it a mixture: component k's variance grows to
    ``stds[k]**2 + sigma**2``, so ``log_density`` and ``score`` are exact at every sigma.
    """

    #: The components' weights, shape (K,), positive, summing to 1.
    weights: tuple[float, ...] = (0.2, 0.3, 0.5)
    #: The components' means, K tuples of ``dim`` floats.
    means: tuple[tuple[float, ...], ...] = ((-2.0, -1.0), (2.0, -1.0), (0.0, 2.0))
    #: The components' stds: one float shared by all, or K floats.
    stds: float | tuple[float, ...] = 0.3

    def __post_init__(self):
        weights, means = np.asarray(self.weights, float), np.asarray(self.means, float)
        if weights.ndim != 1 or np.any(weights <= 0) or not np.isclose(weights.sum(), 1):
            raise ValueError(f"weights must be positive and sum to 1, got {self.weights}")
        if means.shape[:1] != weights.shape or means.ndim != 2:
            raise ValueError(f"means must be {len(weights)} points, got shape {means.shape}")
        if np.any(self._stds() <= 0) or self._stds().shape != weights.shape:
            raise ValueError(f"stds must be positive, one or {len(weights)}, got {self.stds}")

    def _stds(self) -> np.ndarray:
        return np.broadcast_to(np.asarray(self.stds, float), np.shape(self.weights))

    def sample(self, n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
        """``n`` draws: points, float32 (n, dim), and each one's component, int (n,)."""
        rng = np.random.default_rng(seed)
        labels = rng.choice(len(self.weights), size=n, p=self.weights)
        noise = rng.standard_normal((n, len(self.means[0])))
        points = np.asarray(self.means)[labels] + self._stds()[labels, None] * noise
        return points.astype(np.float32), labels

    def _log_terms(self, x, sigma):
        """log(w_k N(x; m_k, v_k I)) per point and component, (n, K), and v_k = std_k^2 + s^2."""
        x, variances = np.asarray(x, float), self._stds() ** 2 + sigma**2
        squared = ((x[:, None, :] - np.asarray(self.means)[None]) ** 2).sum(-1)
        normaliser = x.shape[-1] / 2 * np.log(2 * np.pi * variances)
        return np.log(self.weights) - normaliser - squared / (2 * variances), variances

    def responsibilities(self, x: np.ndarray, sigma: float = 0.0) -> np.ndarray:
        """p(component k | x) under p_sigma, shape (n, K); rows sum to 1."""
        terms, _ = self._log_terms(x, sigma)
        return np.exp(terms - logsumexp(terms, axis=1, keepdims=True))

    def log_density(self, x: np.ndarray, sigma: float = 0.0) -> np.ndarray:
        """log p_sigma(x) of points ``x`` (n, dim), shape (n,)."""
        return logsumexp(self._log_terms(x, sigma)[0], axis=1)

    def score(self, x: np.ndarray, sigma: float = 0.0) -> np.ndarray:
        """grad_x log p_sigma(x), shape (n, dim): sum_k r_k(x) (m_k - x) / v_k."""
        _, variances = self._log_terms(x, sigma)
        pulls = (np.asarray(self.means)[None] - np.asarray(x, float)[:, None]) / variances[:, None]
        return (self.responsibilities(x, sigma)[..., None] * pulls).sum(1)

    def posterior_mean(self, noisy: np.ndarray, sigma: float) -> np.ndarray:
        """E[x | x + sigma * noise = noisy], shape (n, dim): the best denoiser at ``sigma``.

        Each component's posterior mean, (s_k^2 noisy + sigma^2 m_k) / v_k, weighted by the
        responsibilities."""
        stds2, variances = self._stds() ** 2, self._stds() ** 2 + sigma**2
        means = np.asarray(self.means)[None]
        posterior = stds2[None, :, None] * np.asarray(noisy, float)[:, None] + sigma**2 * means
        posterior = posterior / variances[None, :, None]
        return (self.responsibilities(noisy, sigma)[..., None] * posterior).sum(1)


def score_from_denoiser(denoised, noisy, sigma):
    """Tweedie's formula: the score (D(x~) - x~) / sigma^2 of a denoiser's output ``denoised``
    at ``noisy`` (chapter "From denoising to diffusion"). Exact when D is E[x | x~].

    Args:
        denoised: D(x~), an array or tensor of the noisy points' shape.
        noisy: x~, the same shape.
        sigma: the noise's std, a float or an array broadcasting against them.

    Returns:
        The score estimate, the inputs' shape.
    """
    return (denoised - noisy) / sigma**2


def denoiser_from_score(score, noisy, sigma):
    """The inverse of ``score_from_denoiser``: D(x~) = x~ + sigma^2 * score."""
    return noisy + sigma**2 * score


def relative_score_error(estimated: np.ndarray, exact: np.ndarray) -> float:
    """sqrt(mean ||s_hat - s||^2 / mean ||s||^2) over the points: 0 is exact, 1 a zero score.

    A ratio of means, not a mean of ratios: near a mode the exact score is near 0 and a
    per-point ratio would blow up there.

    Args:
        estimated: s_hat, shape (n, dim).
        exact: s, shape (n, dim), not all zero.
    """
    estimated, exact = np.asarray(estimated, float), np.asarray(exact, float)
    if estimated.shape != exact.shape:
        raise ValueError(f"estimated {estimated.shape} and exact {exact.shape} differ in shape")
    return float(np.sqrt(((estimated - exact) ** 2).sum() / (exact**2).sum()))


@dataclasses.dataclass(frozen=True)
class WienerDenoiser:
    """The best linear denoiser of data with mean mu and covariance C = U diag(l) U^T
    (chapter "From denoising to diffusion"): D(x~) = mu + C (C + sigma^2 I)^-1 (x~ - mu),
    each principal component shrunk by l / (l + sigma^2). Optimal for Gaussian data.
    """

    #: The data's mean, shape (d,).
    mean: np.ndarray
    #: The covariance's eigenvalues l, shape (d,), >= 0.
    eigenvalues: np.ndarray
    #: Its eigenvectors U as columns, shape (d, d).
    eigenvectors: np.ndarray

    @classmethod
    def fit(cls, data: np.ndarray) -> "WienerDenoiser":
        """Estimate mu and C from ``data`` (n, d) (C with 1/n)."""
        data = np.asarray(data, np.float64)
        values, vectors = np.linalg.eigh(np.cov(data, rowvar=False, bias=True))
        return cls(data.mean(0), np.clip(values, 0, None), vectors)

    def __call__(self, noisy: np.ndarray, sigma: float) -> np.ndarray:
        """D(x~) for ``noisy`` (n, d) at noise std ``sigma``, shape (n, d)."""
        shrink = self.eigenvalues / (self.eigenvalues + sigma**2)
        coordinates = (np.asarray(noisy, np.float64) - self.mean) @ self.eigenvectors
        return self.mean + (coordinates * shrink) @ self.eigenvectors.T

    def expected_mse(self, sigma: float) -> float:
        """Its mean squared error per coordinate on data of that covariance:
        trace(C - C (C + sigma^2 I)^-1 C) / d = mean(l sigma^2 / (l + sigma^2))."""
        return float(np.mean(self.eigenvalues * sigma**2 / (self.eigenvalues + sigma**2)))
