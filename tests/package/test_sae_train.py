"""Tests of training and measuring a sparse autoencoder from its config
(ae_tutorial/sae_train.py)."""

import re

import numpy as np
import pytest

import ae_tutorial as ae
from ae_tutorial import sae_train, sweep_runner, sweeps


def tiny(**changes):
    """A toy config small enough for a unit test (one epoch on 16,384 vectors)."""
    return ae.preset("sae_toy_topk_8", epochs=1, **changes)


def test_toy_inputs_are_the_groundwork_split_of_superposition_data():
    inputs = ae.sae_inputs(tiny(seed=3))
    data = ae.superposition_data(16_384 + 4_096, 256, 64, seed=3)
    np.testing.assert_array_equal(inputs.train, data.x[:16_384])
    np.testing.assert_array_equal(inputs.test, data.x[16_384:])
    np.testing.assert_array_equal(inputs.directions, data.directions)
    assert inputs.labels is None
    assert inputs.network is None
    assert inputs.scale == 1
    assert inputs.train.dtype == np.float32


def test_train_sae_is_seeded_starts_b_dec_at_the_mean_and_follows_the_config(monkeypatch):
    inputs = ae.sae_inputs(tiny())
    inputs = inputs._replace(train=inputs.train[:8192])  # two steps of 4,096
    config = tiny(num_latents=32, k=4, batch_size=4096)
    starts = []
    original = ae.SparseAutoencoder.compile

    def spy(model, **kwargs):  # b_dec as it is when training starts
        starts.append(np.asarray(model.b_dec))
        return original(model, **kwargs)

    monkeypatch.setattr(ae.SparseAutoencoder, "compile", spy)
    first, again = (ae.train_sae(config, inputs) for _ in range(2))
    np.testing.assert_allclose(starts[0], inputs.train.mean(axis=0), rtol=1e-6)
    assert (first.num_latents, first.k, first.activation) == (32, 4, "topk")
    assert int(first.optimizer.iterations) == 2  # 8,192 / 4,096 steps in one epoch
    np.testing.assert_allclose(float(first.optimizer.learning_rate), config.learning_rate)
    np.testing.assert_array_equal(np.asarray(first.w_dec), np.asarray(again.w_dec))
    other = ae.train_sae(tiny(num_latents=32, k=4, batch_size=4096, seed=1), inputs)
    assert not np.array_equal(np.asarray(other.w_dec), np.asarray(first.w_dec))
    relu = ae.train_sae(ae.preset("sae_toy_l1_0.5", epochs=1, num_latents=32), inputs)
    assert (relu.activation, relu.l1, relu.k) == ("relu", 0.5, None)


def test_selective_needs_enough_fires_and_precision():
    labels = np.repeat(np.arange(10), 10)  # 100 samples, 10 of each digit
    active = np.zeros((100, 4), bool)
    active[:10, 0] = True  # only 0s, but 10 < 50 fires
    active[40:, 1] = True  # 60 fires, 20 of them 7s: precision 1/3
    active[:50, 2] = active[:50, 3] = True
    labels2 = labels.copy()
    labels2[1:50] = 7  # latents 2 and 3 fire on 49 7s and a 0: precision 0.98
    got = ae.selective(active, labels2)
    np.testing.assert_array_equal(got, [False, False, True, True])
    assert ae.SELECTIVE_MIN_FIRES == 50
    assert ae.SELECTIVE_PRECISION == 0.8
    active[40:50, 3] = False
    active[60:, 3] = True  # 80 fires, 49 of them 7s: precision 0.61
    assert not ae.selective(active, labels2)[3]


def test_pixel_error_is_the_squared_error_of_the_rest_of_the_network():
    network = ae.Autoencoder(ae.preset("dense_16"))
    rng = np.random.default_rng(0)
    h = rng.random((5, 256)).astype(np.float32)
    h_hat = h + 0.1 * rng.standard_normal((5, 256)).astype(np.float32)

    def rest(a):
        return np.asarray(network.decoder(network.encoder.layer_2(a)))

    expected = np.mean(np.sum((rest(h_hat) - rest(h)) ** 2, axis=1))
    assert ae.pixel_error(network, h, h_hat) == pytest.approx(expected, rel=1e-6)
    assert ae.pixel_error(network, h, h) == 0


def test_dense_16_inputs_are_the_first_layer_scaled_to_unit_mean_squared_norm():
    network = ae.Autoencoder(ae.preset("dense_16"))  # untrained; the chapter's is cached
    inputs = ae.sae_inputs(ae.preset("sae_dense_16"), network=network)
    data = ae.read_data_sets(seed=0)  # synthetic MNIST here
    assert inputs.train.shape == (55_000, 256)
    assert inputs.test.shape == (10_000, 256)
    assert inputs.directions is None
    assert inputs.network is network
    np.testing.assert_array_equal(inputs.labels, data.test.labels)
    h = np.asarray(network.encoder.layer_1(data.test.images[:100]))
    np.testing.assert_allclose(inputs.test[:100] * inputs.scale, h, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(np.mean(np.sum(inputs.train**2, axis=1)), 1, rtol=1e-4)


def assert_formatted(row, sweep):
    assert tuple(row) == sweeps.columns(sweep)
    for column in sweeps.columns(sweep)[len(sweeps.LEADING) :]:
        assert re.fullmatch(sweeps.FORMATS[column], row[column]), (column, row[column])


def test_a_toy_sweep_row_round_trips():
    row = sweep_runner.run_one("sae_toy", "sae_toy_topk_8", 0, {"epochs": 1})
    assert_formatted(row, "sae_toy")
    assert row["config"] == '{"epochs": 1}'
    assert float(row["l0"]) == pytest.approx(8, abs=0.01)  # top-k keeps k
    assert 0 < float(row["normalized_mse"]) < 1
    assert 0 <= int(row["recovered"]) <= 256


@pytest.mark.slow  # about 10 s: one epoch of 55,000 inputs
def test_a_dense_16_row_measures_selectivity_and_pixel_error(monkeypatch):
    network = ae.Autoencoder(ae.preset("dense_16"))  # untrained: no cache, no real MNIST
    made = sae_train.sae_inputs

    monkeypatch.setattr(sae_train, "sae_inputs", lambda config: made(config, network))
    row = sweep_runner.run_one("sae_dense_16", "sae_dense_16", 0, {"epochs": 1})
    assert_formatted(row, "sae_dense_16")
    assert float(row["l0"]) <= 16
    assert 0 <= int(row["selective"]) <= 512
