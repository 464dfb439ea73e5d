import numpy as np

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
