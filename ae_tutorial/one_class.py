"""The one-class benchmark on MNIST (chapter "Anomaly detection").

The literature's protocol (Ruff et al. 2018, "Deep One-Class Classification", table 1): one
digit is the normal class and a scorer sees only that digit's training images; then all 10,000
test images are scored, the other nine digits being the anomalies, and the ranking is judged
by its AUC. Ten digits, ten AUCs. ``one_class_split`` makes the data of one digit,
``one_class_auc`` judges scores, ``pca_scorer`` and ``fit_scorer`` fit PCA or train a preset's
network on any images (one digit's, or nine digits') and return a scorer, and ``gcn_min_max``
is the paper's preprocessing. Nothing here imports TensorFlow until a network is trained.
"""

from collections.abc import Callable
from typing import NamedTuple

import numpy as np

#: The ten normal classes of the benchmark.
DIGITS = tuple(range(10))


class OneClassSplit(NamedTuple):
    """What ``one_class_split`` returns: the data of one run of the protocol.

    Args:
        train: the normal digit's training images, float32 of shape (N, 784).
        validation: the normal digit's validation images, float32 of shape (M, 784).
        test: all the test images, float32 of shape (10000, 784).
        is_anomaly: True for each test image of another digit, bool of shape (10000,).
    """

    train: np.ndarray
    validation: np.ndarray
    test: np.ndarray
    is_anomaly: np.ndarray


def _digit(digit: object) -> int:
    """``digit`` if it is an integer 0-9, else ``ValueError``."""
    if isinstance(digit, bool) or not isinstance(digit, int | np.integer) or digit not in DIGITS:
        raise ValueError(f"digit must be an integer from 0 to 9, got {digit!r}")
    return int(digit)


def one_class_split(data: object, digit: int) -> OneClassSplit:
    """The one-class protocol's data for the normal class ``digit``.

    Args:
        data: ``read_data_sets``'s result (``train``, ``validation`` and ``test`` splits,
            each with ``images`` and integer ``labels``).
        digit: the normal class, 0-9.

    Returns:
        ``OneClassSplit(train, validation, test, is_anomaly)``: the training and validation
        images of ``digit`` only, every test image, and which test images are anomalies.

    Raises:
        ValueError: if ``digit`` is not an integer from 0 to 9.
    """
    digit = _digit(digit)
    train, valid, test = data.train, data.validation, data.test
    return OneClassSplit(
        train=train.images[train.labels == digit],
        validation=valid.images[valid.labels == digit],
        test=test.images,
        is_anomaly=np.asarray(test.labels) != digit,
    )


def one_class_auc(scores: np.ndarray, labels: np.ndarray, digit: int) -> float:
    """The AUC of ``scores`` for finding the images whose label is not ``digit``.

    Args:
        scores: anomaly scores, the larger the less normal, shape (N,).
        labels: each image's digit, shape (N,).
        digit: the normal class.

    Returns:
        scikit-learn's ``roc_auc_score(labels != digit, scores)``: 1 when every other digit
        scores above every ``digit``, one half for a guess.

    Raises:
        ValueError: if ``digit`` is not 0-9, the shapes differ or there are no images of
            ``digit`` or none of another digit.
    """
    from sklearn.metrics import roc_auc_score

    digit = _digit(digit)
    scores, labels = np.asarray(scores, dtype=np.float64), np.asarray(labels)
    if scores.shape != labels.shape or scores.ndim != 1:
        raise ValueError(f"scores {scores.shape} and labels {labels.shape} must be one (N,)")
    anomalous = labels != digit
    if anomalous.all() or not anomalous.any():
        raise ValueError(f"need images of digit {digit} and of other digits to rank them")
    return float(roc_auc_score(anomalous, scores))


def gcn_min_max(train: np.ndarray, *others: np.ndarray) -> tuple[np.ndarray, ...]:
    """Global contrast normalisation with the L1 scale, then min-max scaling, as Ruff et al.

    Each image ``x`` becomes ``(x - mean(x)) / mean(|x - mean(x)|)`` (its own mean and scale,
    over its pixels); then every array is scaled by ``(v - low) / (high - low)``, where ``low``
    and ``high`` are the smallest and largest value of the normalised ``train`` (the normal
    class's training images), so ``train`` lies in [0, 1] and the others nearly so.

    Args:
        train: the images that set ``low`` and ``high``, float of shape (N, D).
        *others: more images to transform the same way, each of shape (M, D).

    Returns:
        ``train`` and each of ``others``, transformed, float32, in that order.

    Raises:
        ValueError: if an array is not two-dimensional or an image is constant (no scale).
    """
    out = []
    for images in (train, *others):
        images = np.asarray(images, dtype=np.float64)
        if images.ndim != 2:
            raise ValueError(f"images must have shape (N, D), got {images.shape}")
        centred = images - images.mean(axis=1, keepdims=True)
        scale = np.abs(centred).mean(axis=1, keepdims=True)
        if np.any(scale == 0):
            raise ValueError(f"{int(np.sum(scale == 0))} constant images: no contrast to scale")
        out.append(centred / scale)
    low, high = out[0].min(), out[0].max()
    return tuple(((v - low) / (high - low)).astype(np.float32) for v in out)


def pca_scorer(train: np.ndarray, components: int) -> Callable[[np.ndarray], np.ndarray]:
    """PCA with ``components`` fitted on ``train``; its score is the reconstruction error.

    Args:
        train: the normal images, float of shape (N, D).
        components: the code size.

    Returns:
        A function from images, shape (M, D), to each one's mean squared error to its round
        trip through the fitted PCA, float64 of shape (M,).
    """
    from sklearn.decomposition import PCA

    from .anomaly import reconstruction_errors

    pca = PCA(n_components=components, svd_solver="covariance_eigh").fit(train)
    return lambda x: reconstruction_errors(lambda b: pca.inverse_transform(pca.transform(b)), x)


def fit_scorer(
    config: object, train: np.ndarray, fast: bool = False
) -> Callable[[np.ndarray], np.ndarray]:
    """Train ``config``'s network on the normal images ``train``; return its anomaly scorer.

    An ``OriginalConfig`` trains an ``Autoencoder`` with ``train`` (batches drawn from
    ``config.seed``), scored by reconstruction error; a
    ``VAEConfig`` trains a ``VAE`` with ``train_vae``, scored by its negative ELBO over ten
    codes (``negative_elbo``).

    Args:
        config: an ``OriginalConfig`` or ``VAEConfig`` (a preset of ``SWEEPS["one_class"]``
            or ``SWEEPS["held_out_2"]``).
        train: the training images, float32 of shape (N, 784) in [0, 1].
        fast: an autoencoder's ``train`` takes its fast path (the same batches; compiling it
            costs more than a one-class training's 250 steps, less than 5,000 steps of nine
            digits).

    Returns:
        A function from images, shape (M, 784), to anomaly scores, float64 of shape (M,).
    """
    from .config import VAEConfig

    if isinstance(config, VAEConfig):
        from .vae import build_vae, negative_elbo, train_vae

        vae = build_vae(config)
        train_vae(vae, train, config)
        return lambda x: negative_elbo(vae, x, samples=10)
    from .anomaly import reconstruction_errors
    from .data import DataSet
    from .model import Autoencoder
    from .training import train as fit

    model = Autoencoder(config)
    labels = np.zeros(len(train), dtype=np.uint8)  # unused: one class
    dataset = DataSet(train, labels, seed=config.seed)
    fit(model, dataset, config, verbose=False, progress=False, fast=fast)
    return lambda x: reconstruction_errors(model, x)
