"""Tests of the masked autoencoder (ae_tutorial/mae.py), against NumPy references."""

import textwrap

import numpy as np
import pytest

from ae_tutorial import mae
from ae_tutorial.runs import MASK_RATIOS


def images(n=6, seed=0):
    return np.random.default_rng(seed).random((n, 784), dtype=np.float32)


def noise(n=6, seed=1):
    return np.random.default_rng(seed).random((n, 49), dtype=np.float32)


def tiny_model(mask_ratio=0.75, seed=0):
    return mae.MaskedAutoencoder(mask_ratio, embed_dim=16, depth=1, num_heads=2,
                                 decoder_dim=8, seed=seed)  # fmt: skip


def test_patchify_cuts_4_by_4_patches_row_by_row_and_unpatchify_undoes_it():
    x = images()
    reference = x.reshape(6, 7, 4, 7, 4).transpose(0, 1, 3, 2, 4).reshape(6, 49, 16)
    patches = np.asarray(mae.patchify(x))
    np.testing.assert_array_equal(patches, reference)
    np.testing.assert_array_equal(patches[0, 8], x[0].reshape(28, 28)[4:8, 4:8].ravel())
    np.testing.assert_array_equal(np.asarray(mae.unpatchify(patches)), x)


@pytest.mark.parametrize("ratio", MASK_RATIOS)
def test_masking_keeps_round_49_times_one_minus_ratio_distinct_patches(ratio):
    u = noise(32)
    keep, restore, mask = (np.asarray(a) for a in mae.random_masking(u, ratio))
    k = round(49 * (1 - ratio))
    assert mae.num_visible(ratio) == k
    assert keep.shape == (32, k)
    for row in range(32):
        assert len(set(keep[row])) == k  # distinct
        np.testing.assert_array_equal(np.sort(keep[row]), np.sort(np.argsort(u[row])[:k]))
        np.testing.assert_array_equal(np.flatnonzero(mask[row] == 0), np.sort(keep[row]))
        order = np.argsort(u[row])
        np.testing.assert_array_equal(order[restore[row]], np.arange(49))  # undoes the order


def test_num_visible_refuses_a_ratio_outside_0_1():
    with pytest.raises(ValueError, match="mask_ratio must be in"):
        mae.num_visible(1.0)


def test_masked_mse_equals_numpy_over_hidden_patches_only():
    rng = np.random.default_rng(2)
    patches, prediction = rng.random((2, 5, 49, 16), dtype=np.float32)
    mask = (rng.random((5, 49)) < 0.6).astype(np.float32)
    squared = ((prediction - patches) ** 2).mean(axis=-1)
    reference = squared[mask == 1].mean()
    np.testing.assert_allclose(float(mae.masked_mse(patches, prediction, mask)), reference,
                               rtol=1e-5)  # fmt: skip


def test_sincos_positions_code_row_then_column():
    table = mae.sincos_positions(8)
    assert table.shape == (49, 8)
    assert table.dtype == np.float32
    np.testing.assert_allclose(table[9, :2], np.sin([1, 1e-2]), rtol=1e-6)  # row 1
    np.testing.assert_allclose(table[9, 6:], np.cos([2, 2e-2]), rtol=1e-6)  # column 2
    with pytest.raises(ValueError, match="multiple of 4"):
        mae.sincos_positions(6)


def test_hidden_pixels_change_nothing_the_model_computes():
    model, x, u = tiny_model(), images(), noise()
    keep, _, mask = (np.asarray(a) for a in mae.random_masking(u, 0.75))
    changed = np.asarray(mae.patchify(x)).copy()
    changed[mask == 1] = 1 - changed[mask == 1]  # every hidden pixel flipped
    changed = np.asarray(mae.unpatchify(changed))
    assert not np.allclose(changed, x)
    before, after = (model.reconstruct(i, u) for i in (x, changed))
    np.testing.assert_array_equal(np.asarray(before["prediction"]), np.asarray(after["prediction"]))
    encoded = (np.asarray(model.encode_patches(mae.patchify(i), keep)) for i in (x, changed))
    np.testing.assert_array_equal(*encoded)


def test_reconstruct_shapes_and_encode_pools_all_49_patches():
    model, x = tiny_model(), images()
    out = model.reconstruct(x, noise())
    assert tuple(out["prediction"].shape) == (6, 49, 16)
    assert float(np.sum(np.asarray(out["mask"]))) == 6 * 37
    pooled = np.asarray(model.encode(x))
    np.testing.assert_allclose(pooled, np.asarray(model.encode_patches(mae.patchify(x))).mean(1),
                               rtol=1e-5, atol=1e-6)  # fmt: skip


BACKEND_SCRIPT = textwrap.dedent(
    """
    import json
    import keras
    import numpy as np
    import ae_tutorial as ae
    from ae_tutorial.mae_train import train_mae

    x = np.random.default_rng(0).random((64, 784), dtype=np.float32) ** 4
    config = ae.MAEConfig(embed_dim=16, depth=1, num_heads=2, decoder_dim=8, num_steps=30,
                          batch_size=32, learning_rate=3e-3)
    model, losses = train_mae(config, x)
    print(json.dumps({"backend": keras.backend.backend(), "loss": losses.tolist()}))
    """
)


@pytest.mark.slow  # starts a process: about 10 s (TensorFlow: the tests above, in this one)
def test_trains_under_jax(run_on_backend):
    loss = np.array(run_on_backend(BACKEND_SCRIPT, "jax", timeout=120)["loss"])
    assert np.all(np.isfinite(loss)), loss
    assert loss[-5:].mean() < 0.5 * loss[:5].mean(), loss
