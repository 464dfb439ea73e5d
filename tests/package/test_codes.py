import numpy as np
import pytest
from sklearn.decomposition import PCA

import ae_tutorial as ae


def test_encode_in_batches_is_the_encoder():
    model = ae.Autoencoder(ae.OriginalConfig())
    images = np.random.default_rng(0).random((250, 784), dtype=np.float32)
    codes = ae.encode(model, images, batch_size=100)  # 100 + 100 + 50
    assert codes.shape == (250, 128)
    assert codes.dtype == np.float32
    np.testing.assert_allclose(codes, np.asarray(model.encoder(images)), rtol=1e-5, atol=1e-6)


def test_nearest_neighbours_is_brute_force():
    rng = np.random.default_rng(1)
    codes, queries = rng.random((300, 8)), rng.random((7, 8))
    distances = np.linalg.norm(queries[:, None, :] - codes[None, :, :], axis=2)
    np.testing.assert_array_equal(
        ae.nearest_neighbours(codes, queries, k=4), np.argsort(distances, axis=1)[:, :4]
    )


def test_pca_reconstruct_is_the_svd_projection():
    rng = np.random.default_rng(2)
    train = rng.random((200, 784)) @ np.diag(np.linspace(2, 0.01, 784))  # decaying variances
    images = rng.random((20, 784))
    mean = train.mean(axis=0)
    _, _, vt = np.linalg.svd(train - mean, full_matrices=False)
    basis = vt[:16]  # the top 16 principal directions
    expected = mean + (images - mean) @ basis.T @ basis
    np.testing.assert_allclose(ae.pca_reconstruct(train, images, 16), expected, atol=1e-8)
    # as many components as pixels: the images come back exactly
    np.testing.assert_allclose(
        ae.pca_reconstruct(train[:, :50], images[:, :50], 50), images[:, :50], atol=1e-8
    )


def decaying_images(seed, n=300, width=60):
    """Random 60-pixel images whose pixel variances fall from 4 to 1e-4: distinct components."""
    rng = np.random.default_rng(seed)
    return rng.random((n, width)) @ np.diag(np.linspace(2, 0.01, width))


def test_pca_baseline_cut_to_n_components_is_a_fit_with_n():
    """One fit serves every code size: its first n components, codes and reconstructions are
    scikit-learn's fit with n components, to float64 rounding."""
    train, images = decaying_images(3), decaying_images(4, n=20)
    pca = ae.PCABaseline(train)
    assert pca.components.shape == (60, 60)
    assert pca.mean.shape == (60,)
    for n in (1, 2, 16, 60):
        fresh = PCA(n_components=n, svd_solver="covariance_eigh").fit(train)
        np.testing.assert_array_equal(pca.components[:n], fresh.components_)
        np.testing.assert_allclose(pca.encode(images, n), fresh.transform(images), atol=1e-12)
        np.testing.assert_allclose(
            pca.reconstruct(images, n),
            fresh.inverse_transform(fresh.transform(images)),
            atol=1e-12,
        )
    np.testing.assert_array_equal(
        ae.pca_reconstruct(train, images, 16), pca.reconstruct(images, 16)
    )


def test_pca_baseline_keeps_the_code_in_its_components():
    train = decaying_images(5)
    pca = ae.PCABaseline(train)
    codes = pca.encode(train, 8)
    assert codes.shape == (300, 8)
    np.testing.assert_allclose(codes.mean(axis=0), 0, atol=1e-12)  # centred by the mean
    variances = codes.var(axis=0)
    assert np.all(np.diff(variances) <= 0)  # the direction of most variance first
    np.testing.assert_allclose(pca.components @ pca.components.T, np.eye(60), atol=1e-10)


@pytest.mark.parametrize(
    ("images", "n_components", "message"),
    [
        (np.zeros((2, 60)), 0, r"n_components must be an int from 1 to 60, got 0"),
        (np.zeros((2, 60)), 61, r"from 1 to 60, got 61"),
        (np.zeros((2, 60)), 2.0, r"from 1 to 60, got 2\.0"),
        (np.zeros((2, 60)), True, r"from 1 to 60, got True"),
        (np.zeros((2, 59)), 2, r"images must have shape \(N, 60\), got \(2, 59\)"),
        (np.zeros(60), 2, r"images must have shape \(N, 60\), got \(60,\)"),
    ],
)
def test_pca_baseline_refuses_what_it_cannot_do(images, n_components, message):
    pca = ae.PCABaseline(decaying_images(6))
    with pytest.raises(ValueError, match=message):
        pca.reconstruct(images, n_components)


def test_linear_probe_uses_the_first_n_of_probe_order():
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 2, 200)
    features = labels[:, None] + 0.1 * rng.standard_normal((200, 3))
    assert ae.linear_probe(features, labels, features, labels) == 1.0
    chosen = ae.probe_order(200)[:10]
    np.testing.assert_array_equal(chosen, np.random.default_rng(0).permutation(200)[:10])
    wrong = labels.copy()
    wrong[chosen] = 1 - wrong[chosen]  # the first 10 of the order, mislabelled
    assert ae.linear_probe(features, wrong, features, labels, n=10) == 0.0
