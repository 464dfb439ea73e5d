"""How sparse, how faithful and how interpretable a sparse autoencoder is (chapter "Sparse
autoencoders").

NumPy in, NumPy out: pass latents and reconstructions as arrays (``np.asarray`` of what
``SparseAutoencoder`` returns). ``match_features`` pairs learned decoder directions with
known true ones (the toy data); ``label_selectivity`` asks how well a latent's firing
predicts a label (MNIST digits).
"""

from typing import NamedTuple

import numpy as np
from scipy.optimize import linear_sum_assignment


def l0(latents: np.ndarray) -> float:
    """The mean number of non-zero latents per sample.

    Args:
        latents: shape (N, num_latents).

    Returns:
        The mean over samples of the count of non-zero entries.
    """
    return float(np.mean(np.count_nonzero(np.asarray(latents), axis=1)))


def normalized_mse(x: np.ndarray, x_hat: np.ndarray) -> float:
    """The squared error relative to that of predicting the mean input (Gao et al. 2024).

    ``sum (x - x_hat)^2 / sum (x - mean(x))^2``, sums over samples and dimensions, the mean
    over samples: 0 is perfect, 1 is no better than reconstructing every input as the mean.

    Args:
        x: inputs, shape (N, dim).
        x_hat: their reconstructions, the same shape.

    Returns:
        The ratio, a float.

    Raises:
        ValueError: if the shapes differ, or every input is the same (the ratio is undefined).
    """
    x, x_hat = _pair(x, x_hat)
    baseline = np.sum(np.square(x - x.mean(axis=0)))
    if baseline == 0:
        raise ValueError("normalized_mse needs inputs that vary: every row of x is the same")
    return float(np.sum(np.square(x - x_hat)) / baseline)


def dead_latents(latents: np.ndarray) -> np.ndarray:
    """Which latents are dead: zero for every sample of ``latents`` (a held-out set).

    Args:
        latents: shape (N, num_latents).

    Returns:
        A bool array of shape (num_latents,); ``.sum()`` counts the dead latents.
    """
    return ~np.any(np.asarray(latents) != 0, axis=0)


def shrinkage(x: np.ndarray, x_hat: np.ndarray) -> float:
    """How much shorter reconstructions are than inputs: mean ||x_hat|| / mean ||x||.

    A ratio of mean norms (so an all-zero input divides nothing by zero): 1 means no
    shrinkage; an L1 penalty pulls it below 1.

    Args:
        x: inputs, shape (N, dim), not all zero.
        x_hat: their reconstructions, the same shape.

    Returns:
        The ratio, a float.

    Raises:
        ValueError: if the shapes differ or every input is zero.
    """
    x, x_hat = _pair(x, x_hat)
    norm = np.linalg.norm(x, axis=1).mean()
    if norm == 0:
        raise ValueError("shrinkage needs a non-zero input: every row of x is zero")
    return float(np.linalg.norm(x_hat, axis=1).mean() / norm)


class FeatureMatch(NamedTuple):
    """Each true feature's matched latent (``match_features``)."""

    latent: np.ndarray  #: the latent matched to each true feature, -1 if none, (num_true,)
    cosine: np.ndarray  #: the cosine of that pair, 0 if none, (num_true,)


def match_features(
    decoder_directions: np.ndarray, true_directions: np.ndarray, absolute: bool = False
) -> FeatureMatch:
    """Pair true features with learned directions one to one, maximising the total cosine.

    Hungarian matching (``scipy.optimize.linear_sum_assignment``) on the cosine similarity
    of every (true, learned) pair. ``cosine.mean()`` is the mean matched cosine (MCC);
    ``(cosine > 0.9).sum()`` counts the features recovered.

    Args:
        decoder_directions: the learned directions, shape (num_latents, dim).
        true_directions: the true ones, shape (num_true, dim).
        absolute: match on the absolute cosine (a direction's sign does not count). The default,
            signed, suits non-negative latents and features.

    Returns:
        A ``FeatureMatch(latent, cosine)``, one entry per true feature.

    Raises:
        ValueError: if the arrays are not 2-D with the same ``dim``, or a row is zero.
    """
    learned, true = (
        _unit_rows(a, n) for a, n in ((decoder_directions, "decoder"), (true_directions, "true"))
    )
    if learned.shape[1] != true.shape[1]:
        raise ValueError(f"directions differ in dim: decoder {learned.shape}, true {true.shape}")
    cosines = true @ learned.T
    rows, cols = linear_sum_assignment(np.abs(cosines) if absolute else cosines, maximize=True)
    latent = np.full(len(true), -1)
    latent[rows] = cols
    cosine = np.zeros(len(true))
    cosine[rows] = cosines[rows, cols]
    return FeatureMatch(latent, np.abs(cosine) if absolute else cosine)


class Selectivity(NamedTuple):
    """How well each latent's firing predicts each label (``label_selectivity``)."""

    precision: np.ndarray  #: P(label | latent active), (num_latents, num_labels); 0 if never active
    recall: np.ndarray  #: P(latent active | label), (num_latents, num_labels)


def label_selectivity(active: np.ndarray, labels: np.ndarray, num_labels: int = 10) -> Selectivity:
    """Precision and recall of "latent active" as a detector of each label.

    Args:
        active: whether each latent fires on each sample, bool shape (N, num_latents)
            (e.g. ``latents > 0``).
        labels: each sample's integer label in [0, ``num_labels``), shape (N,).
        num_labels: the number of labels (10 digits).

    Returns:
        A ``Selectivity(precision, recall)``.

    Raises:
        ValueError: if the shapes disagree or a label is out of range.
    """
    active, labels = np.asarray(active, bool), np.asarray(labels)
    if active.ndim != 2 or labels.shape != active.shape[:1]:
        raise ValueError(
            f"need active (N, num_latents), labels (N,); got {active.shape}, {labels.shape}"
        )
    if labels.size and (labels.min() < 0 or labels.max() >= num_labels):
        raise ValueError(
            f"labels must be in [0, {num_labels}), got {labels.min()} to {labels.max()}"
        )
    one_hot = np.eye(num_labels)[labels]
    both = active.T.astype(float) @ one_hot  # (num_latents, num_labels) co-occurrence counts
    fires, per_label = active.sum(axis=0)[:, None], one_hot.sum(axis=0)[None, :]
    return Selectivity(both / np.maximum(fires, 1), both / np.maximum(per_label, 1))


def _pair(x, x_hat):
    """``x`` and ``x_hat`` as float64 arrays of one shape (N, dim); else ``ValueError``."""
    x, x_hat = np.asarray(x, np.float64), np.asarray(x_hat, np.float64)
    if x.shape != x_hat.shape or x.ndim != 2:
        raise ValueError(
            f"x and x_hat must share a shape (N, dim), got {x.shape} and {x_hat.shape}"
        )
    return x, x_hat


def _unit_rows(array, what):
    """The rows of 2-D ``array`` scaled to unit length; ``ValueError`` naming ``what``."""
    array = np.asarray(array, np.float64)
    if array.ndim != 2:
        raise ValueError(f"{what} directions must be 2-D (count, dim), got shape {array.shape}")
    norms = np.linalg.norm(array, axis=1, keepdims=True)
    if np.any(norms == 0):
        raise ValueError(f"{what} directions hold a zero row (no direction)")
    return array / norms
