"""Training and measuring a VQ-VAE (ae_tutorial/vqvae_train.py)."""

import re

import numpy as np
import pytest

import ae_tutorial as ae
from ae_tutorial import sweeps, vqvae_train

TINY = ae.VQVAEConfig(num_codes=8, code_dim=4, num_steps=2, batch_size=16, prior_steps=2)


def test_perplexity_and_dead_codes_of_a_known_array():
    codes = np.array([[0, 0, 1, 1], [2, 2, 3, 3]])  # four codes used equally, of six
    perplexity, dead = vqvae_train.code_usage(codes, 6)
    np.testing.assert_allclose(perplexity, 4.0)
    assert dead == 2
    assert vqvae_train.code_usage(np.zeros((3, 7, 7), int), 5) == (1.0, 4)


def test_the_independent_prior_counts_each_position_with_laplaces_rule():
    train = np.zeros((3, 7, 7), int)
    train[:, 0, 0] = [1, 1, 2]  # position 0: counts (0, 2, 1, 0)
    p = vqvae_train.independent_prior(train, 4)
    np.testing.assert_allclose(p[0], np.array([1, 3, 2, 1]) / 7)
    np.testing.assert_allclose(p[1], np.array([4, 1, 1, 1]) / 7)
    test = np.zeros((2, 7, 7), int)
    test[1, 0, 0] = 1
    # position 0 gives code 0 1/7 and code 1 3/7; the other 48 positions give code 0 4/7
    expected = np.mean([-np.log2(1 / 7), -np.log2(3 / 7)]) - 48 * np.log2(4 / 7)
    np.testing.assert_allclose(vqvae_train.independent_bits(p, test), expected)


def test_independent_samples_follow_the_frequencies():
    p = np.tile([0.7, 0.2, 0.1], (49, 1))
    samples = vqvae_train.sample_independent(p, 400, seed=0)
    assert samples.shape == (400, 7, 7)
    np.testing.assert_allclose(np.bincount(samples.ravel()) / samples.size, p[0], atol=0.01)


def test_prior_bits_are_the_cross_entropy_in_bits():
    class Uniform:  # logits all equal: log2(K) bits a position
        def __call__(self, codes):
            return np.zeros((*codes.shape, 16), np.float32)

    codes = np.random.default_rng(0).integers(0, 16, (5, 7, 7))
    np.testing.assert_allclose(vqvae_train.prior_bits(Uniform(), codes), 49 * 4)


@pytest.mark.slow  # two trainings, each traced anew: several seconds
@pytest.mark.cpu_bits
def test_a_seeded_run_repeats_bit_for_bit():
    images = np.random.default_rng(0).random((64, 784)).astype(np.float32)
    first, losses = vqvae_train.train_vqvae(TINY, images)
    again, losses_again = vqvae_train.train_vqvae(TINY, images)
    np.testing.assert_array_equal(losses, losses_again)
    for a, b in zip(first.get_weights(), again.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)


def test_dead_codes_move_onto_encoder_outputs():
    model = ae.VQVAE(num_codes=8, code_dim=4, width=4)
    images = np.random.default_rng(0).random((8, 784)).astype(np.float32)
    z = np.asarray(model.encode(images)).reshape(-1, 4)
    far = np.full((7, 4), 1e6)  # every code but code 0 far from every output: seven dead
    model.quantizer.codebook.assign(np.concatenate([z[:1], far]).astype(np.float32))
    assert vqvae_train.restart_dead(model, images, np.random.default_rng(0)) == 7
    moved = np.asarray(model.quantizer.codebook)[1:]
    assert all(np.any(np.all(np.isclose(z, row), axis=1)) for row in moved)  # each is an output
    assert vqvae_train.restart_dead(model, images, np.random.default_rng(0), every=True) == 8


@pytest.mark.parametrize(("every", "expected"), [(2, [True, False, False]), (0, [True])])
def test_restarts_come_every_restart_every_steps_of_the_first_half(monkeypatch, every, expected):
    class Model:  # no network: only when the restarts come is under test
        def __init__(self, *args, **kwargs):
            pass

        def compile(self, optimizer):
            pass

        def train_on_batch(self, images):
            return 0.0

    calls = []  # each restart_dead call's ``every``: True once at the start (all codes)
    monkeypatch.setattr(vqvae_train, "VQVAE", Model)
    monkeypatch.setattr(vqvae_train, "restart_dead", lambda *a, every=False: calls.append(every))
    config = ae.VQVAEConfig(num_steps=8, restart_every=every)  # restarts after steps 2 and 4
    vqvae_train.train_vqvae(config, np.zeros((4, 784), np.float32))
    assert calls == expected


def test_the_no_restarts_preset_differs_from_the_chapters_only_in_restarts():
    assert ae.preset("vqvae_no_restarts") == ae.preset("vqvae_prior", restart_every=0)
    with pytest.raises(ValueError, match="restart_every"):
        ae.VQVAEConfig(restart_every=-1)


@pytest.mark.slow  # about 15 s: encodes 65,000 (synthetic) digits
def test_the_measures_are_the_sweeps_columns():
    seconds, row = vqvae_train.vqvae_measures(TINY)  # synthetic MNIST (tests/conftest.py)
    assert seconds > 0
    assert tuple(row) == sweeps.VQVAE_MEASURES
    for column, text in row.items():
        assert re.fullmatch(sweeps.FORMATS[column], text), (column, text)
    assert 0 <= int(row["dead_codes"]) <= 8
    assert float(row["bits_prior"]) > 0
