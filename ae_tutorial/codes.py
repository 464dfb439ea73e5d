"""What the code learned: codes in batches, their neighbours, the PCA baseline.

Introduced in chapter "What the code learned"; scikit-learn does the linear algebra.
"""

import numpy as np
from sklearn.decomposition import PCA
from sklearn.neighbors import NearestNeighbors


def encode(model, images, batch_size=1000):
    """The codes ``model.encoder(x)`` of float32 ``images`` (N, 784) as a float32 (N, 128) array.

    Runs in batches of ``batch_size`` images, so the whole training set fits in memory.
    """
    images = np.asarray(images, dtype=np.float32)
    batches = [
        np.asarray(model.encoder(images[i : i + batch_size]))
        for i in range(0, len(images), batch_size)
    ]
    return np.concatenate(batches)


def nearest_neighbours(codes, queries, k=5):
    """Indices (Q, k) of the ``k`` rows of ``codes`` (N, D) closest to each of ``queries`` (Q, D).

    Closest in Euclidean distance, nearest first.
    """
    index = NearestNeighbors(n_neighbors=k).fit(codes)
    return index.kneighbors(queries, return_distance=False)


def pca_reconstruct(train_images, images, n_components=128):
    """``images`` (N, 784) projected onto the top ``n_components`` principal components of
    ``train_images`` (M, 784) and back: the best linear code of that size, as (N, 784).

    The linear baseline of an autoencoder with a code of ``n_components`` numbers; its
    pixels are not clipped to [0, 1].
    """
    pca = PCA(n_components=n_components, svd_solver="covariance_eigh")  # exact; fast for 784 pixels
    pca.fit(np.asarray(train_images, dtype=np.float64))
    return pca.inverse_transform(pca.transform(np.asarray(images, dtype=np.float64)))
