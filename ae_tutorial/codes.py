"""What the code learned: codes in batches, their neighbours, the PCA baseline.

Introduced in chapter "What the code learned"; scikit-learn does the linear algebra.
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


def pca_reconstruct(
    train_images: np.ndarray, images: np.ndarray, n_components: int = 128
) -> np.ndarray:
    """``images`` projected onto the top principal components of ``train_images``, and
    back.

    The best linear code of ``n_components`` numbers: the linear baseline of an
    autoencoder with a code of that size. Its pixels are not clipped to [0, 1].

    Args:
        train_images: the images the components are fitted on, shape (M, 784).
        images: the images to reconstruct, shape (N, 784).
        n_components: the size of the linear code.

    Returns:
        The reconstructions, float64 of shape (N, 784).
    """
    # exact, and fast for 784 pixels
    pca = PCA(n_components=n_components, svd_solver="covariance_eigh")
    pca.fit(np.asarray(train_images, dtype=np.float64))
    return pca.inverse_transform(pca.transform(np.asarray(images, dtype=np.float64)))
