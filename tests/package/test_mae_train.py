"""Tests of training and measuring a masked autoencoder (ae_tutorial/mae_train.py)."""

import re
from types import SimpleNamespace

import numpy as np

import ae_tutorial as ae
from ae_tutorial import data, mae, mae_train, sweeps


def tiny(**changes):
    """A config small enough for a unit test."""
    fields = dict(embed_dim=16, depth=1, num_heads=2, decoder_dim=8, num_steps=2, batch_size=8)
    return ae.preset("mae_75", **{**fields, **changes})


def images(n=40, seed=0):
    return np.random.default_rng(seed).random((n, 784), dtype=np.float32)


def test_a_seeded_run_repeats():
    x = images()
    (one, loss_one), (two, loss_two) = (mae_train.train_mae(tiny(), x) for _ in range(2))
    assert loss_one.shape == (2,)
    np.testing.assert_array_equal(loss_one, loss_two)
    for a, b in zip(one.get_weights(), two.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)


def test_encode_pooled_batches_the_encoders_mean_over_all_patches():
    model, _ = mae_train.train_mae(tiny(num_steps=1), images())
    x = images(7, seed=3)
    pooled = mae_train.encode_pooled(model, x, batch_size=3)
    reference = np.asarray(model.encode_patches(mae.patchify(x))).mean(axis=1)
    assert pooled.shape == (7, 16)
    assert pooled.dtype == np.float32
    np.testing.assert_allclose(pooled, reference, rtol=1e-5, atol=1e-6)


def test_masked_test_mse_pools_hidden_patches_over_batches():
    model, _ = mae_train.train_mae(tiny(num_steps=1), images())
    x = images(7, seed=4)
    out = model.reconstruct(x, mae_train.fixed_masks(7))
    reference = float(mae.masked_mse(out["patches"], out["prediction"], out["mask"]))
    np.testing.assert_allclose(mae_train.masked_test_mse(model, x, batch_size=3), reference,
                               rtol=1e-5)  # fmt: skip
    np.testing.assert_array_equal(mae_train.fixed_masks(7), mae_train.fixed_masks(7))


def test_mae_measures_gives_the_sweeps_columns_formatted(monkeypatch):
    def split(n, seed):
        return SimpleNamespace(images=images(n, seed), labels=np.arange(n) % 10)

    fake = SimpleNamespace(train=split(1_200, 0), test=split(50, 1))
    monkeypatch.setattr(data, "read_data_sets", lambda seed=0: fake)
    seconds, row = mae_train.mae_measures(tiny())
    assert seconds > 0
    assert tuple(row) == sweeps.MAE_MEASURES
    for column, text in row.items():
        key = "probe_COUNT" if column.startswith("probe_") else column
        assert re.fullmatch(sweeps.FORMATS[key], text), (column, text)


def test_build_mae_gives_the_seeds_initial_weights_untrained():
    one, two, other = (mae_train.build_mae(tiny(seed=s)) for s in (0, 0, 1))
    assert one.embed.kernel.shape == (16, 16)  # tiny's embed_dim, 16 pixels a patch
    for a, b in zip(one.get_weights(), two.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)
    assert any(
        not np.array_equal(a, b)
        for a, b in zip(one.get_weights(), other.get_weights(), strict=True)
    )
    trained, _ = mae_train.train_mae(tiny(seed=0), images())  # starts from the same weights
    assert any(
        not np.array_equal(a, b)
        for a, b in zip(one.get_weights(), trained.get_weights(), strict=True)
    )
