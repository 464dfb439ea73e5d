"""Anomaly scores, made-up outliers and a detector's threshold (chapter "Anomaly detection").

Nothing here imports TensorFlow: a scorer is any function from images to reconstructions (an
``Autoencoder``, a fitted PCA's round trip), and the rest is NumPy.
"""

from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from .checks import positive_int

#: The kinds of out-of-distribution images ``make_outliers`` makes.
OUTLIER_KINDS = ("noise", "inverted", "shuffled")


def _images(images: object, what: str = "images") -> np.ndarray:
    """``images`` as a float array of shape (N, D), or ``ValueError`` naming ``what``."""
    images = np.asarray(images)
    if images.ndim != 2 or images.dtype.kind != "f":
        raise ValueError(
            f"{what} must be a float array of shape (N, D), got {images.dtype} {images.shape}"
        )
    return images


def reconstruction_errors(
    reconstruct: Callable[[np.ndarray], object], images: np.ndarray, batch_size: int = 1000
) -> np.ndarray:
    """Each image's mean squared error to its reconstruction: the anomaly score of an autoencoder.

    Args:
        reconstruct: maps a batch of images, shape (n, D), to reconstructions of the same
            shape (an ``Autoencoder``, or ``lambda x: pca.inverse_transform(pca.transform(x))``);
            any array-like result (a tensor) is converted with ``np.asarray``.
        images: float pixels, shape (N, D).
        batch_size: images per call of ``reconstruct``.

    Returns:
        Each image's mean over its D pixels of ``(x - x_hat) ** 2``, float64 of shape (N,).

    Raises:
        ValueError: if ``images`` is not a float array of shape (N, D), ``batch_size`` is not
            a positive integer, or a reconstruction's shape differs from its batch's.
    """
    images = _images(images)
    positive_int("batch_size", batch_size)
    errors = []
    for i in range(0, len(images), batch_size):
        x = images[i : i + batch_size]
        x_hat = np.asarray(reconstruct(x), dtype=np.float64)
        if x_hat.shape != x.shape:
            raise ValueError(f"reconstruct returned shape {x_hat.shape} for images {x.shape}")
        errors.append(np.mean((x - x_hat) ** 2, axis=1))
    return np.concatenate(errors) if errors else np.zeros(0)


def make_outliers(images: np.ndarray, kind: str, seed: int = 0) -> np.ndarray:
    """Out-of-distribution images made from ``images``, one per image.

    ``"noise"``: every pixel drawn uniformly from [0, 1), whatever the image; ``"inverted"``:
    ``1 - x``, dark strokes on white; ``"shuffled"``: the pixels of every image reordered by one
    and the same random permutation, drawn from ``seed`` (the ink of each image, scattered).

    Args:
        images: float pixels in [0, 1], shape (N, D).
        kind: one of ``OUTLIER_KINDS``.
        seed: seeds the noise or the permutation (``"inverted"`` draws nothing).

    Returns:
        The outliers, float32 of shape (N, D), pixels in [0, 1].

    Raises:
        ValueError: if ``kind`` is not one of ``OUTLIER_KINDS`` or ``images`` is not a float
            array of shape (N, D).
    """
    if kind not in OUTLIER_KINDS:
        raise ValueError(f"kind must be one of {OUTLIER_KINDS}, got {kind!r}")
    images = _images(images).astype(np.float32, copy=False)
    rng = np.random.default_rng(seed)
    if kind == "noise":
        return rng.random(images.shape, dtype=np.float32)
    if kind == "inverted":
        return 1.0 - images
    return images[:, rng.permutation(images.shape[1])]


def threshold_at(scores: np.ndarray, false_alarm_rate: float) -> float:
    """The score above which a share ``false_alarm_rate`` of normal ``scores`` lies.

    The ``1 - false_alarm_rate`` quantile of ``scores``: flagging every image that scores
    above it flags that share of the normal images it was picked on, and so, on other normal
    images of the same kind, about as many false alarms.

    Args:
        scores: anomaly scores of normal images (a validation set), shape (N,).
        false_alarm_rate: the share of them to flag, strictly between 0 and 1 (0.05 for 5 %).

    Returns:
        The threshold, a float.

    Raises:
        ValueError: if ``false_alarm_rate`` is not in (0, 1), or ``scores`` is empty, not
            one-dimensional or not finite.
    """
    if not 0 < false_alarm_rate < 1:
        raise ValueError(f"false_alarm_rate must be in (0, 1), got {false_alarm_rate!r}")
    scores = np.asarray(scores, dtype=np.float64)
    if scores.ndim != 1 or scores.size == 0 or not np.all(np.isfinite(scores)):
        raise ValueError(
            f"scores must be a non-empty 1-D array of finite numbers, got shape {scores.shape}"
        )
    return float(np.quantile(scores, 1 - false_alarm_rate))


class DetectionRates(NamedTuple):
    """What ``detection_rates`` returns, each a share in [0, 1].

    Args:
        precision: of the images flagged, the share that are anomalies (NaN if none is).
        recall: of the anomalies, the share flagged.
        false_alarm_rate: of the normal images, the share flagged.
    """

    precision: float
    recall: float
    false_alarm_rate: float


def detection_rates(
    normal_scores: np.ndarray, anomaly_scores: np.ndarray, threshold: float
) -> DetectionRates:
    """Precision, recall and false-alarm rate of flagging every score above ``threshold``.

    Args:
        normal_scores: scores of normal images, shape (N,).
        anomaly_scores: scores of anomalies, shape (M,).
        threshold: an image is flagged when its score is strictly above it.

    Returns:
        ``DetectionRates(precision, recall, false_alarm_rate)``.

    Raises:
        ValueError: if either set of scores is empty, or a score or the threshold is NaN
            (a NaN would silently count as "not flagged").
    """
    normal, anomalous = np.asarray(normal_scores), np.asarray(anomaly_scores)
    if normal.size == 0 or anomalous.size == 0:
        raise ValueError("normal_scores and anomaly_scores must each hold at least one score")
    for name, values in (("normal_scores", normal), ("anomaly_scores", anomalous)):
        if np.isnan(values).any():
            raise ValueError(f"{name}: {int(np.isnan(values).sum())} NaN scores")
    if np.isnan(threshold):
        raise ValueError("threshold is NaN")
    hits, false_alarms = int(np.sum(anomalous > threshold)), int(np.sum(normal > threshold))
    flagged = hits + false_alarms
    return DetectionRates(
        precision=hits / flagged if flagged else float("nan"),
        recall=hits / anomalous.size,
        false_alarm_rate=false_alarms / normal.size,
    )
