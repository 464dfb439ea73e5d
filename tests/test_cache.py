"""The weight cache: a miss trains and stores, a hit loads the same weights and history."""

import numpy as np

import ae_tutorial as ae
from ae_tutorial import cache


def test_miss_then_hit(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv(cache.ENV_VAR, str(tmp_path))
    config = ae.SeedConfig(num_steps=30, display_step=10, seed=4)
    first = ae.trained(config)
    assert not first.from_cache and len(first.history) == 30
    assert "Step 30: Minibatch Loss" in capsys.readouterr().out
    second = ae.trained(config)
    assert second.from_cache and second.history == first.history
    for a, b in zip(first.model.get_weights(), second.model.get_weights()):
        np.testing.assert_array_equal(a, b)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        f"{cache.cache_key(config)}{suffix}" for suffix in (".weights.h5", ".history.npy"))


def test_key_follows_the_config():
    assert cache.cache_key(ae.SeedConfig()) == cache.cache_key(ae.SeedConfig())
    assert cache.cache_key(ae.SeedConfig()) != cache.cache_key(ae.SeedConfig(seed=1))
    assert cache.cache_key(ae.SeedConfig()) != cache.cache_key(ae.SeedConfig(learning_rate=0.02))
