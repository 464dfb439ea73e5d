"""A latent-variable model's log-likelihood in nats, by the importance-weighted bound
(chapter "A variational autoencoder", section "Measure the likelihood in nats").

For a model with prior p(z) = N(0, I), a decoder density p(x | z) and an encoder's
Gaussian q(z | x) (Burda et al. 2016, "Importance Weighted Autoencoders")::

    log p(x) >= E over z_1..z_k ~ q(z | x) of  log (1/k) sum_i p(x, z_i) / q(z_i | x)

The bound is the ELBO at k = 1, rises with k and reaches log p(x) as k grows; it equals
log p(x) for every k when q is the exact posterior. Written with ``keras.ops`` and
``keras.random`` only, so it runs on any Keras backend. ``binarized`` draws the fixed 0/1
test images of the protocol the literature reports its nats on.
"""

import math

import keras
import numpy as np
from keras import ops

from .checks import check_images, check_pixel_values, positive_int

#: Log-weights computed per call at most (images times samples): 20,000 rows of 784
#: pixels are 63 MB of float32 per tensor.
ROWS_PER_CALL = 20_000


def binarized(images: np.ndarray, seed: int = 0) -> np.ndarray:
    """``images`` with each pixel drawn once as 0 or 1: 1 with probability its grey value.

    The fixed binarisation of a test set: the same ``seed`` gives the same draws. A
    ``VAEConfig(binarize="dynamic")`` training draws its images anew every batch instead.

    Args:
        images: pixels in [0, 1], shape (N, pixels).
        seed: seeds NumPy's generator for the draws.

    Returns:
        float32 zeros and ones, the same shape.

    Raises:
        ValueError: if ``images`` are not float pixels in [0, 1] of shape (N, pixels).
    """
    array = np.asarray(images)
    check_images(array, None, "images")
    check_pixel_values(array, "images")
    draws = np.random.default_rng(seed).random(array.shape, dtype=np.float32)
    return (draws < array).astype(np.float32)


def _gaussian_log_density(z, mean, log_var):
    """log N(z; mean, exp(log_var)) of each row, summed over the last axis."""
    per_unit = log_var + ops.square(z - mean) * ops.exp(-log_var) + math.log(2 * math.pi)
    return -0.5 * ops.sum(per_unit, axis=-1)


def log_weights(model, x, k: int, seed):
    """log p(x, z_i) - log q(z_i | x) for ``k`` codes z_i drawn from q(z | x) per image.

    Args:
        model: has ``encode(x) -> (mean, log_var)`` (q, a diagonal Gaussian) and
            ``decoder_log_prob(x, z) -> (N,)`` (log p(x | z)); the prior is N(0, I). A
            ``VAE`` has both; so can a model with a known likelihood (the tests').
        x: images, shape (N, pixels).
        k: codes per image.
        seed: a ``keras.random.SeedGenerator``.

    Returns:
        Shape (N, k) (a backend tensor).
    """
    mean, log_var = model.encode(x)
    n, latent = ops.shape(mean)
    mean, log_var = ops.expand_dims(mean, 1), ops.expand_dims(log_var, 1)
    z = mean + ops.exp(0.5 * log_var) * keras.random.normal((n, k, latent), seed=seed)
    log_q = _gaussian_log_density(z, mean, log_var)
    log_prior = _gaussian_log_density(z, ops.zeros_like(z), ops.zeros_like(z))
    flat = ops.reshape(z, (n * k, latent))
    x_repeated = ops.repeat(ops.convert_to_tensor(x), k, axis=0)
    log_decoder = model.decoder_log_prob(x_repeated, flat)
    return ops.reshape(log_decoder, (n, k)) + log_prior - log_q


def importance_weighted_bound(
    model, images: np.ndarray, k: int = 5000, seed: int = 0, batch_size: int | None = None
) -> np.ndarray:
    """Each image's importance-weighted bound on log p(x), in nats (Burda et al. 2016).

    ``log (1/k) sum_i exp(log_weights_i)``, a ``logsumexp`` over the ``k`` codes drawn per
    image; the codes come in chunks of at most ``ROWS_PER_CALL`` images times codes, whose
    sums are combined, so memory stays bounded for any ``k``. The codes are drawn from
    ``seed``, not from the model's own noise: the same model and images give the same
    numbers. ``k=1`` is a one-sample estimate of the ELBO. Average the result over images
    for the test log-likelihood, and take ``standard_error`` of it.

    Args:
        model: a ``VAE`` trained on binary images, or any model with ``encode`` and
            ``decoder_log_prob`` (see ``log_weights``).
        images: float32 of shape (N, pixels), binary for a Bernoulli decoder (``binarized``).
        k: codes per image, at least 1.
        seed: seeds the codes.
        batch_size: images per call; ``None``: as many as ``ROWS_PER_CALL // k`` (at least 1).

    Returns:
        The bounds, float64 of shape (N,).

    Raises:
        ValueError: if ``images`` are not a float array of shape (N, pixels) with N >= 1 and
            finite values, or ``k`` or ``batch_size`` is not a positive integer.
    """
    k = positive_int("k", k)
    if batch_size is None:
        batch_size = max(1, ROWS_PER_CALL // k)
    batch_size = positive_int("batch_size", batch_size)
    images = np.asarray(images)
    check_images(images, None, "images")
    if len(images) == 0 or not np.all(np.isfinite(images)):
        raise ValueError(f"images must hold at least one image, all finite: {images.shape}")
    images = images.astype(np.float32, copy=False)
    chunk = max(1, min(k, ROWS_PER_CALL // batch_size))
    noise = keras.random.SeedGenerator(seed)
    bounds = []
    for i in range(0, len(images), batch_size):
        x = images[i : i + batch_size]
        total = None
        for done in range(0, k, chunk):
            part = ops.logsumexp(log_weights(model, x, min(chunk, k - done), noise), axis=1)
            total = part if total is None else ops.logaddexp(total, part)
        bounds.append(ops.convert_to_numpy(total).astype(np.float64) - math.log(k))
    return np.concatenate(bounds)


def standard_error(values: np.ndarray) -> float:
    """The standard error of the mean of ``values``: their standard deviation (n - 1) over
    sqrt(n). Of the per-image bounds, it says how far the test set's mean is from the mean
    over all images drawn like them.

    Args:
        values: one number per image, at least two.

    Returns:
        The standard error.

    Raises:
        ValueError: if there are fewer than two finite values.
    """
    values = np.asarray(values, dtype=np.float64).ravel()
    if len(values) < 2 or not np.all(np.isfinite(values)):
        raise ValueError(f"need at least two finite values, got {len(values)}")
    return float(values.std(ddof=1) / math.sqrt(len(values)))
