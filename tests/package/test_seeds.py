"""The seed shift: ``$AE_TUTORIAL_SEED_SHIFT`` moves every training seed at once."""

import pytest

from ae_tutorial import seeds


@pytest.mark.parametrize(("text", "shift"), [(None, 0), ("", 0), ("0", 0), ("7", 7), (" 12 ", 12)])
def test_the_shift_is_read_from_the_environment(monkeypatch, text, shift):
    if text is None:
        monkeypatch.delenv(seeds.SEED_SHIFT_VAR, raising=False)
    else:
        monkeypatch.setenv(seeds.SEED_SHIFT_VAR, text)
    assert seeds.seed_shift() == shift
    assert seeds.training_seed(3) == 3 + shift


@pytest.mark.parametrize("text", ["-1", "1.5", "one", "2e3"])
def test_a_shift_that_is_not_a_whole_number_is_refused_by_name(monkeypatch, text):
    monkeypatch.setenv(seeds.SEED_SHIFT_VAR, text)
    with pytest.raises(
        ValueError, match=f"AE_TUTORIAL_SEED_SHIFT must be an integer >= 0, got '{text}'"
    ):
        seeds.training_seed(0)


def test_trained_draws_its_network_from_the_shifted_seed(monkeypatch, tmp_path):
    import ae_tutorial as ae

    monkeypatch.setenv("AE_TUTORIAL_CACHE", str(tmp_path))
    config = ae.OriginalConfig(num_steps=2, display_step=1, batch_size=8, num_hidden_1=8,
                               num_hidden_2=4)  # fmt: skip
    monkeypatch.setenv(seeds.SEED_SHIFT_VAR, "5")
    shifted = ae.trained(config, verbose=False)
    assert shifted.model.config.seed == 5
    assert ae.cache.entry_path(config).exists() is False  # the seed-0 entry is not written
    assert ae.cache.entry_path(ae.OriginalConfig(**{**config.to_dict(), "seed": 5})).exists()
    monkeypatch.setenv(seeds.SEED_SHIFT_VAR, "0")
    own = ae.trained(config, verbose=False)
    assert own.model.config.seed == 0
    assert not own.from_cache
    first = [w.copy() for w in own.model.get_weights()]
    assert any((a != b).any() for a, b in zip(first, shifted.model.get_weights(), strict=True))
