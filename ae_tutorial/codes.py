"""What the code learned: codes in batches, their neighbours, the PCA baseline, and the
linear probe that reads digits from codes.

Introduced in chapters "What the code learned" and "How small can the code be?";
scikit-learn does the linear algebra.
"""

import numpy as np
from sklearn.decomposition import PCA
from sklearn.neighbors import NearestNeighbors

from .model import Autoencoder


def encode(model: Autoencoder, images: np.ndarray, batch_size: int = 1000) -> np.ndarray:
    """The codes ``model.encoder(x)`` of ``images``, computed in batches.

    Runs in batches of ``batch_size`` images, so the whole training set fits in memory.

    Args:
        model: a trained (or untrained) ``Autoencoder``.
        images: pixels in [0, 1], shape (N, 784); converted to float32.
        batch_size: images per call of the encoder.

    Returns:
        The codes, float32 of shape (N, code size), that is (N, 128) for the original.
    """
    images = np.asarray(images, dtype=np.float32)
    batches = [
        np.asarray(model.encoder(images[i : i + batch_size]))
        for i in range(0, len(images), batch_size)
    ]
    return np.concatenate(batches)


def nearest_neighbours(codes: np.ndarray, queries: np.ndarray, k: int = 5) -> np.ndarray:
    """The ``k`` rows of ``codes`` closest to each query, in Euclidean distance.

    Args:
        codes: the points searched, shape (N, D).
        queries: the points whose neighbours are wanted, shape (Q, D).
        k: neighbours per query.

    Returns:
        Row indices into ``codes``, int of shape (Q, k), nearest first.
    """
    index = NearestNeighbors(n_neighbors=k).fit(codes)
    return index.kneighbors(queries, return_distance=False)


class PCABaseline:
    """PCA fitted once on ``train_images``: the best linear code of every size.

    Introduced in chapter "What the code learned"; chapter "How small can the code be?"
    reads every code size from one fit. scikit-learn's ``covariance_eigh`` solver computes
    every component and keeps the first n, so a fit with n components is this one cut to
    n. A reconstruction's pixels are not clipped to [0, 1].

    Args:
        train_images: the images the components are fitted on, shape (M, 784).

    Attributes:
        mean: the mean training image, float64 of shape (784,).
        components: every principal direction, float64 of shape (min(M, 784), 784), one
            unit vector a row, the direction of most variance first.
    """

    def __init__(self, train_images: np.ndarray) -> None:
        pca = PCA(svd_solver="covariance_eigh")  # exact, and fast for 784 pixels
        pca.fit(np.asarray(train_images, dtype=np.float64))
        self.mean, self.components = pca.mean_, pca.components_

    def encode(self, images: np.ndarray, n_components: int) -> np.ndarray:
        """The linear code: ``images`` less the mean, on the first ``n_components``.

        Args:
            images: shape (N, 784).
            n_components: the size of the linear code.

        Returns:
            float64 of shape (N, ``n_components``), as a fit with that many gives.

        Raises:
            ValueError: if ``images`` is not (N, 784) or ``n_components`` is not an int
                from 1 to the number of components.
        """
        first = self._first(n_components)
        images = np.asarray(images, dtype=np.float64)
        if images.ndim != 2 or images.shape[1] != self.mean.size:
            raise ValueError(f"images must have shape (N, {self.mean.size}), got {images.shape}")
        return images @ first.T - self.mean[None, :] @ first.T  # as scikit-learn's

    def reconstruct(self, images: np.ndarray, n_components: int) -> np.ndarray:
        """``images`` projected onto the first ``n_components`` components, and back.

        Args:
            images: shape (N, 784).
            n_components: the size of the linear code.

        Returns:
            The reconstructions, float64 of shape (N, 784).

        Raises:
            ValueError: as ``encode`` does.
        """
        return self.encode(images, n_components) @ self._first(n_components) + self.mean

    def _first(self, n_components):
        """The first ``n_components`` rows of ``components``, checked."""
        most = len(self.components)
        whole = isinstance(n_components, int | np.integer) and not isinstance(n_components, bool)
        if not whole or not 1 <= n_components <= most:
            raise ValueError(f"n_components must be an int from 1 to {most}, got {n_components!r}")
        return self.components[:n_components]


def pca_reconstruct(
    train_images: np.ndarray, images: np.ndarray, n_components: int = 128
) -> np.ndarray:
    """``images`` projected onto the top principal components of ``train_images``, and
    back: ``PCABaseline(train_images).reconstruct(images, n_components)``.

    The best linear code of ``n_components`` numbers: the linear baseline of an
    autoencoder with a code of that size. Its pixels are not clipped to [0, 1]. To
    reconstruct at several sizes, fit one ``PCABaseline`` and call its ``reconstruct``.

    Args:
        train_images: the images the components are fitted on, shape (M, 784).
        images: the images to reconstruct, shape (N, 784).
        n_components: the size of the linear code.

    Returns:
        The reconstructions, float64 of shape (N, 784).

    Raises:
        ValueError: as ``PCABaseline.reconstruct`` does.
    """
    return PCABaseline(train_images).reconstruct(images, n_components)


def probe_order(num_train: int) -> np.ndarray:
    """The training digits' order for the linear probes: ``default_rng(0).permutation``.

    Args:
        num_train: how many training examples there are.

    Returns:
        A permutation of ``range(num_train)``; a probe with ``n`` labels takes its first ``n``.
    """
    return np.random.default_rng(0).permutation(num_train)


def linear_probe(train_features, train_labels, test_features, test_labels, n=None) -> float:
    """How well a linear classifier reads the digit from features (chapter "How small can
    the code be?"; chapter "Masked autoencoders" probes its encoder the same way).

    ``StandardScaler`` then ``LogisticRegression(max_iter=1_000)``, fitted to the first ``n``
    training examples of ``probe_order``, on one BLAS thread: beside TensorFlow's threads,
    two of OpenBLAS' made the fit on 55,000 x 784 pixels several times slower.

    Args:
        train_features: float (num_train, d).
        train_labels: int (num_train,).
        test_features: float (num_test, d).
        test_labels: int (num_test,).
        n: how many labelled examples the classifier sees; ``None`` for all.

    Returns:
        The share of test examples classified right.
    """
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    from threadpoolctl import threadpool_limits

    chosen = probe_order(len(train_features))[:n]
    classifier = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1_000))
    with threadpool_limits(1):  # one thread: many, beside TensorFlow's, are far slower
        classifier.fit(train_features[chosen], np.asarray(train_labels)[chosen])
    return float(classifier.score(test_features, test_labels))
