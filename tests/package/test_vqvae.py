"""The VQ-VAE and its code prior (ae_tutorial/vqvae.py), against NumPy, on both backends."""

import textwrap

import numpy as np
import pytest

from ae_tutorial import tf  # TensorFlow first, quietly
from ae_tutorial.vqvae import VQVAE, CodePrior, VectorQuantizer, sample_prior, vq_losses


def _quantizer(num_codes=10, code_dim=4, seed=0):
    quantizer = VectorQuantizer(num_codes, code_dim, beta=0.25)
    codebook = np.random.default_rng(seed).normal(size=(num_codes, code_dim))
    quantizer.codebook.assign(codebook.astype(np.float32))
    return quantizer, codebook


def test_the_lookup_is_numpys_brute_force_argmin():
    quantizer, codebook = _quantizer()
    z = np.random.default_rng(1).normal(size=(3, 5, 5, 4)).astype(np.float32)
    distances = ((z[..., None, :] - codebook) ** 2).sum(axis=-1)  # (3, 5, 5, 10)
    expected = distances.argmin(axis=-1)
    np.testing.assert_array_equal(np.asarray(quantizer.nearest(z)), expected)
    out = quantizer(z)
    np.testing.assert_array_equal(np.asarray(out["indices"]), expected)
    np.testing.assert_allclose(np.asarray(out["quantized"]), codebook[expected], atol=1e-5)


def test_the_losses_are_numpys_and_only_the_codebook_loss_moves_the_codebook():
    quantizer, codebook = _quantizer()
    z = tf.constant(np.random.default_rng(2).normal(size=(6, 4)), tf.float32)
    q = codebook[np.asarray(quantizer.nearest(z))].astype(np.float32)
    codebook_loss, commitment = (float(t) for t in vq_losses(z, tf.constant(q), 0.25))
    np.testing.assert_allclose(codebook_loss, np.mean((np.asarray(z) - q) ** 2), rtol=1e-5)
    np.testing.assert_allclose(commitment, 0.25 * np.mean((np.asarray(z) - q) ** 2), rtol=1e-5)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(z)
        out = quantizer(z)
    book = quantizer.codebook
    assert tape.gradient(out["commitment_loss"], book) is None  # no path to the codebook
    assert tape.gradient(out["codebook_loss"], z) is None  # nor from this one to z
    grad = tf.convert_to_tensor(tape.gradient(out["codebook_loss"], book)).numpy()
    expected = np.zeros_like(codebook)  # d/dq mean (z - q)^2 = 2 (q - z) / (N d), summed
    np.add.at(expected, np.asarray(out["indices"]), 2 * (q - np.asarray(z)) / 24)  # 6 x 4
    np.testing.assert_allclose(grad, expected, atol=1e-6)
    grad_z = tape.gradient(out["commitment_loss"], z).numpy()
    np.testing.assert_allclose(grad_z, 0.25 * 2 * (np.asarray(z) - q) / 24, atol=1e-6)


def test_the_straight_through_gradient_is_the_identity():
    quantizer, _ = _quantizer()
    z = tf.constant(np.random.default_rng(3).normal(size=(5, 4)), tf.float32)
    weights = tf.constant(np.random.default_rng(4).normal(size=(5, 4)), tf.float32)
    with tf.GradientTape() as tape:
        tape.watch(z)
        total = tf.reduce_sum(weights * quantizer(z)["quantized"])
    np.testing.assert_allclose(tape.gradient(total, z).numpy(), weights.numpy(), rtol=1e-6)


def test_the_model_maps_digits_to_a_7_by_7_grid_and_back():
    model = VQVAE(num_codes=8, code_dim=3, width=4, seed=1)
    x = np.random.default_rng(0).random((2, 784)).astype(np.float32)
    out = model(x)
    assert tuple(out["reconstruction"].shape) == (2, 784)
    assert tuple(out["indices"].shape) == (2, 7, 7)
    np.testing.assert_array_equal(np.asarray(model.codes(x)), np.asarray(out["indices"]))
    np.testing.assert_allclose(np.asarray(model.decode_indices(out["indices"])),
                               np.asarray(out["reconstruction"]), atol=1e-5)  # fmt: skip


def test_the_prior_sees_only_earlier_codes():
    prior = CodePrior(num_codes=6, width=8, num_heads=2, seed=0)
    codes = np.random.default_rng(0).integers(0, 6, (1, 49)).astype(np.int32)
    before = np.asarray(prior(codes))
    for j in (0, 20, 48):
        changed = codes.copy()
        changed[0, j] = (changed[0, j] + 1) % 6
        after = np.asarray(prior(changed))
        np.testing.assert_allclose(after[0, : j + 1], before[0, : j + 1], atol=1e-6)
        if j < 48:  # a later position sees the change
            assert not np.allclose(after[0, j + 1 :], before[0, j + 1 :])


def test_sampling_the_prior_is_seeded_and_in_range():
    prior = CodePrior(num_codes=5, width=8, num_heads=2)
    first = sample_prior(prior, 3, seed=1)
    assert first.shape == (3, 7, 7)
    assert len({tuple(grid.ravel()) for grid in first}) == 3  # three different draws
    assert first.min() >= 0
    assert first.max() < 5
    np.testing.assert_array_equal(first, sample_prior(prior, 3, seed=1))


BACKEND_SCRIPT = textwrap.dedent(
    """
    import json
    import keras
    import numpy as np
    from ae_tutorial.vqvae import VQVAE, CodePrior

    x = np.random.default_rng(0).random((16, 784)).astype("float32")
    model = VQVAE(num_codes=8, code_dim=4, width=4, data_variance=0.1)
    model.compile(optimizer=keras.optimizers.Adam(1e-2))
    losses = [float(model.train_on_batch(x)[0]) for _ in range(5)]
    prior = CodePrior(num_codes=8, width=8, num_heads=2)
    prior.compile(optimizer=keras.optimizers.Adam(1e-2))
    codes = np.asarray(model.codes(x)).reshape(16, 49)
    prior_losses = [float(prior.train_on_batch(codes)) for _ in range(5)]
    print(json.dumps({"backend": keras.backend.backend(), "losses": losses,
                      "prior_losses": prior_losses}))
    """
)


@pytest.mark.slow  # starts a process: about 10 s (TensorFlow: the tests above, in this one)
def test_trains_under_jax(run_on_backend):
    result = run_on_backend(BACKEND_SCRIPT, "jax", timeout=120)
    for key in ("losses", "prior_losses"):
        losses = np.array(result[key])
        assert np.all(np.isfinite(losses)), (key, losses)
        assert losses[-1] < losses[0], (key, losses)
