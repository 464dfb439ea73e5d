"""The weight cache: a miss trains and stores, a hit loads the same weights and history;
a damaged entry is reported and rebuilt; concurrent writers never leave a damaged one,
and two processes training one seed compute one loss history."""

import subprocess
import sys
import textwrap
import time

import numpy as np
import pytest

import ae_tutorial as ae
from ae_tutorial import cache, checkpoint

TINY = ae.SeedConfig(num_steps=20, display_step=20, seed=4)


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
    assert [p.name for p in tmp_path.iterdir()] == [f"{cache.cache_key(config)}.npz"]


def test_key_follows_the_config():
    assert cache.cache_key(ae.SeedConfig()) == cache.cache_key(ae.SeedConfig())
    assert cache.cache_key(ae.SeedConfig()) != cache.cache_key(ae.SeedConfig(seed=1))
    assert cache.cache_key(ae.SeedConfig()) != cache.cache_key(ae.SeedConfig(learning_rate=0.02))


def test_damaged_entry_is_reported_and_rebuilt(tmp_path, monkeypatch):
    monkeypatch.setenv(cache.ENV_VAR, str(tmp_path))
    good = ae.trained(TINY, verbose=False)
    path = cache.entry_path(TINY)
    data = path.read_bytes()
    for damaged in (data[:len(data) // 2], data[:1000] + bytes([data[1000] ^ 1]) + data[1001:]):
        path.write_bytes(damaged)
        with pytest.warns(UserWarning, match=rf"cache entry {path} is damaged .*retraining"):
            rebuilt = ae.trained(TINY, verbose=False)
        assert not rebuilt.from_cache and rebuilt.history == good.history
        assert checkpoint.load_npz(path)["history"].shape == (20, 2)  # a sound entry again
    assert ae.trained(TINY, verbose=False).from_cache


WRITER = textwrap.dedent("""
    import ae_tutorial as ae
    from ae_tutorial import cache
    config = ae.SeedConfig(num_steps=20, display_step=20, seed=4)
    result = ae.trained(config, verbose=False)
    print(repr(result.history))
    for _ in range(15):  # keep rewriting the same entry while the other process does too
        cache._store(cache.entry_path(config), result.model, result.history)
""")


def test_concurrent_writers_never_leave_a_damaged_entry(tmp_path, monkeypatch):
    monkeypatch.setenv(cache.ENV_VAR, str(tmp_path))
    writers = [subprocess.Popen([sys.executable, "-c", WRITER], stdout=subprocess.PIPE,
                                text=True) for _ in range(2)]
    path, reads = cache.entry_path(TINY), 0
    while any(w.poll() is None for w in writers):
        time.sleep(0.01)
        if path.exists():
            checkpoint.load_npz(path)  # raises if a reader ever saw half an entry
            reads += 1
    histories = [w.communicate()[0] for w in writers]
    assert [w.returncode for w in writers] == [0, 0]
    assert histories[0] == histories[1] and histories[0].count("(") == 20  # same seed, same run
    assert [p.name for p in tmp_path.iterdir()] == [path.name]  # no temporary files left
    entry = ae.trained(TINY, verbose=False)
    assert entry.from_cache and len(entry.history) == 20 and reads > 0
