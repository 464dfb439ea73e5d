"""Yardsticks for generated digits (chapter "From denoising to diffusion").

Chapter "A variational autoencoder" judged samples by their median distance to the nearest
training digit. Two more need a small digit classifier, the same for every run compared: its
mean confidence (blunt: it is confident on noise too), and the Frechet distance between its
hidden features of the samples and of test digits, in the style of the FID (Heusel et al.
2017) but with a classifier trained here on MNIST. ``SampleYardsticks`` holds all three.
"""

import dataclasses
import warnings

import keras
import numpy as np
from scipy import linalg
from sklearn.neighbors import NearestNeighbors

#: The classifier's recipe (``digit_classifier``): hidden ReLU units, epochs, batch, Adam's rate.
CLASSIFIER_HIDDEN, CLASSIFIER_EPOCHS, CLASSIFIER_BATCH, CLASSIFIER_RATE = 256, 1, 128, 1e-3


def digit_classifier(images, labels, seed: int = 0) -> keras.Model:
    """A small MLP digit classifier, 784 -> 256 ReLU -> 10 softmax, trained for
    ``CLASSIFIER_EPOCHS`` epoch(s) of Adam with seeded weights and a seeded batch order.

    Args:
        images: training digits, float (n, 784) in [0, 1].
        labels: their digits, int (n,).
        seed: the weights' and the batch order's seed.

    Returns:
        The trained ``keras.Sequential``; its first layer gives the hidden features.
    """
    init = [keras.initializers.GlorotUniform(seed=seed + i) for i in (0, 1)]
    model = keras.Sequential([
        keras.Input((784,)),
        keras.layers.Dense(CLASSIFIER_HIDDEN, "relu", kernel_initializer=init[0]),
        keras.layers.Dense(10, "softmax", kernel_initializer=init[1]),
    ])  # fmt: skip
    model.compile(keras.optimizers.Adam(CLASSIFIER_RATE), "sparse_categorical_crossentropy")
    rng = np.random.default_rng(seed)
    for _ in range(CLASSIFIER_EPOCHS):
        order = rng.permutation(len(images))
        model.fit(np.asarray(images, np.float32)[order], np.asarray(labels)[order],
                  batch_size=CLASSIFIER_BATCH, shuffle=False, verbose=0)  # fmt: skip
    return model


def frechet_distance(a: np.ndarray, b: np.ndarray) -> float:
    """The Frechet distance between Gaussians fitted to two sets of feature vectors:
    ||mu_a - mu_b||^2 + trace(C_a + C_b - 2 (C_a C_b)^(1/2)).

    Args:
        a: features, shape (n, d).
        b: features, shape (m, d).

    Returns:
        The distance (0 for identical sets), a float.
    """
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    if a.ndim != 2 or b.ndim != 2 or a.shape[1] != b.shape[1]:
        raise ValueError(f"a and b must be (n, d) and (m, d), got {a.shape} and {b.shape}")
    cov_a, cov_b = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    with warnings.catch_warnings():  # features that never fire make C_a C_b singular: fine
        warnings.simplefilter("ignore", linalg.LinAlgWarning)
        root = linalg.sqrtm(cov_a @ cov_b).real
    return float(((a.mean(0) - b.mean(0)) ** 2).sum() + np.trace(cov_a + cov_b - 2 * root))


@dataclasses.dataclass
class SampleYardsticks:
    """Three yardsticks for images that should look like digits (chapter "From denoising to
    diffusion"); images are clipped to [0, 1] first.

    ``nn_distance``: the median distance to the nearest training digit (chapter "A variational
    autoencoder"); ``frechet``: the Frechet distance between the classifier's hidden features of
    the images and of ``reference`` test digits; ``confidence``: its mean highest probability.
    """

    #: The digit classifier (``digit_classifier``).
    classifier: keras.Model
    #: A nearest-neighbour index of the training digits (scikit-learn's ``NearestNeighbors``).
    index: object
    #: The classifier's hidden features of the reference digits, (m, 256).
    reference: np.ndarray

    @classmethod
    def fit(cls, train_images, train_labels, reference_images, seed: int = 0):
        """Train the classifier and index the training digits."""
        classifier = digit_classifier(train_images, train_labels, seed=seed)
        index = NearestNeighbors(n_neighbors=1).fit(np.asarray(train_images, np.float32))
        yardsticks = cls(classifier, index, np.empty((0, CLASSIFIER_HIDDEN)))
        yardsticks.reference = yardsticks.features(reference_images)
        return yardsticks

    def features(self, images) -> np.ndarray:
        """The classifier's hidden ReLU features of ``images`` (n, 784), shape (n, 256)."""
        hidden = self.classifier.layers[0]
        return np.asarray(hidden(np.clip(np.asarray(images, np.float32), 0, 1)))

    def __call__(self, images) -> dict[str, float]:
        """``{"frechet", "nn_distance", "confidence"}`` of ``images`` (n, 784)."""
        images = np.clip(np.asarray(images, np.float32), 0, 1)
        probabilities = np.asarray(self.classifier(images))
        return {
            "frechet": frechet_distance(self.features(images), self.reference),
            "nn_distance": float(np.median(self.index.kneighbors(images)[0][:, 0])),
            "confidence": float(probabilities.max(1).mean()),
        }
