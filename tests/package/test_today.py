"""The configurations of the part "Autoencoders today": ``SAEConfig``, ``ScoreConfig``,
``MAEConfig`` and ``VQVAEConfig``."""

import numpy as np
import pytest

import ae_tutorial as ae


def test_a_top_k_config_needs_k_and_no_l1():
    assert ae.SAEConfig(k=4).k == 4
    with pytest.raises(ValueError, match=r"SAEConfig\.k must be an integer from 1 to num_latents"):
        ae.SAEConfig(k=None)
    with pytest.raises(ValueError, match=r"SAEConfig\.k must be .* = 16 for top-k, got 17"):
        ae.SAEConfig(k=17, num_latents=16)
    with pytest.raises(ValueError, match=r"SAEConfig\.l1 applies to 'relu' only, got 0\.5"):
        ae.SAEConfig(l1=0.5)


def test_a_relu_config_takes_l1_and_refuses_k():
    assert ae.SAEConfig(sae_activation="relu", k=None, l1=0.7).l1 == 0.7
    with pytest.raises(ValueError, match=r"SAEConfig\.k applies to top-k only, got 8"):
        ae.SAEConfig(sae_activation="relu", l1=0.7)
    with pytest.raises(ValueError, match=r"SAEConfig\.l1 must be a finite number >= 0"):
        ae.SAEConfig(sae_activation="relu", k=None, l1=-1.0)


def test_the_fields_are_checked_against_allowed():
    with pytest.raises(ValueError, match=r"SAEConfig\.activations must be one of"):
        ae.SAEConfig(activations="pixels")
    with pytest.raises(ValueError, match=r"ScoreConfig\.data must be one of"):
        ae.ScoreConfig(data="cifar")
    with pytest.raises(ValueError, match=r"ScoreConfig\.sigma_max must be a finite number > 0"):
        ae.ScoreConfig(sigma_max=0.0)
    with pytest.raises(ValueError, match=r"ScoreConfig\.data_std must be None or a finite"):
        ae.ScoreConfig(data_std=-0.3)


def test_the_noise_levels_fall_evenly_on_a_log_scale():
    sigmas = ae.ScoreConfig(sigma_max=1.0, sigma_min=0.01, num_sigmas=3).sigmas
    np.testing.assert_allclose(sigmas, [1.0, 0.1, 0.01])
    assert ae.ScoreConfig(data_std=None).data_std is None
    with pytest.raises(ValueError, match=r"ScoreConfig\.sigma_min must be at most sigma_max"):
        ae.ScoreConfig(sigma_max=0.1, sigma_min=0.2)


def test_the_presets_are_the_chapters_runs():
    assert ae.preset("sae_toy_topk_8") == ae.SAEConfig(k=8)
    assert ae.preset("sae_toy_l1_0.7").l1 == 0.7
    assert ae.preset("sae_dense_16").activations == "dense_16"
    assert ae.preset("score_mnist").num_steps == 3_500
    assert len(ae.preset("score_mixture").sigmas) == 3


def test_a_masked_autoencoder_config_checks_its_ratio_and_widths():
    assert ae.MAEConfig(mask_ratio=0.9).mask_ratio == 0.9
    with pytest.raises(ValueError, match=r"MAEConfig\.mask_ratio must be a finite number > 0"):
        ae.MAEConfig(mask_ratio=1.0)
    with pytest.raises(ValueError, match=r"MAEConfig\.embed_dim must be a multiple of num_heads"):
        ae.MAEConfig(embed_dim=30, num_heads=4)
    with pytest.raises(ValueError, match=r"MAEConfig\.decoder_dim must be a multiple of num_heads"):
        ae.MAEConfig(decoder_dim=30, num_heads=4)
    assert [ae.preset(f"mae_{r}").mask_ratio for r in (25, 50, 75, 90)] == [0.25, 0.5, 0.75, 0.9]


def test_a_vqvae_config_checks_its_fields():
    with pytest.raises(ValueError, match=r"VQVAEConfig\.num_codes must be an integer in 2"):
        ae.VQVAEConfig(num_codes=1)
    with pytest.raises(ValueError, match=r"VQVAEConfig\.beta must be a finite number >= 0"):
        ae.VQVAEConfig(beta=-0.25)
    assert ae.preset("vqvae_prior").prior_steps > 0
