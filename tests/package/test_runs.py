"""The presets (ae_tutorial/runs.py): every training the book names, by name."""

import dataclasses

import pytest

import ae_tutorial as ae
from ae_tutorial import runs


def test_a_preset_is_its_configuration_with_the_changes_asked_for():
    assert ae.preset("original") == ae.OriginalConfig()
    dense = ae.preset("dense_16", seed=3)
    assert dense == dataclasses.replace(runs.PRESETS["dense_16"], seed=3)
    assert (dense.initializer, dense.optimizer, dense.learning_rate) == ("glorot", "adam", 0.001)
    assert (dense.activation, dense.num_hidden_2, dense.num_steps) == ("relu", 16, 5_000)
    assert ae.preset("vae_16_without_2").held_out_digit == 2


def test_every_preset_starts_from_seed_0():
    assert {config.seed for config in runs.PRESETS.values()} == {0}


@pytest.mark.parametrize(
    ("name", "changes", "message"),
    [
        ("dense", {}, "no preset 'dense'; the presets are: original, glorot"),
        ("dense_16", {"latent_dim": 2}, "preset 'dense_16': .*latent_dim"),
        ("vae_16", {"epochs": 0}, "VAEConfig.epochs must be a positive integer"),
    ],
)
def test_a_bad_name_or_change_is_refused_by_name(name, changes, message):
    with pytest.raises(ValueError, match=message):
        ae.preset(name, **changes)


def test_sweeps_and_the_books_cache_name_presets():
    for sweep, names in runs.SWEEPS.items():
        assert names, sweep
        assert set(names) <= set(runs.PRESETS), sweep
    assert set(runs.BOOK_PRESETS) <= set(runs.PRESETS)
    assert set(runs.TRACED_PRESETS) <= set(runs.BOOK_PRESETS)
    assert len(set(runs.BOOK_PRESETS)) == len(runs.BOOK_PRESETS)


def test_the_code_size_sweep_trains_each_model_at_each_size_for_the_same_steps():
    names = runs.SWEEPS["code_size"]
    assert len(names) == 3 * len(runs.CODE_SIZES)
    for name in names:
        config = ae.preset(name)
        assert config.num_hidden_2 == int(name.rsplit("_", 1)[1])
        assert config.num_steps == runs.CODE_SIZE_STEPS
