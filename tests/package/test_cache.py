"""The weight cache: a miss trains and stores, a hit loads the same weights and history;
a damaged entry is reported and rebuilt; concurrent writers never leave a damaged one; the
entries say whether this installation would use them; a change to the training code without
a new ``TRAINING_VERSION`` fails here. (``python -m ae_tutorial cache``: test_cli.py.)"""

import json
import shutil
import subprocess
import sys
import textwrap
import time

import numpy as np
import pytest

import ae_tutorial as ae
from ae_tutorial import cache
from ae_tutorial.npz import load_npz
from tools.digest import code_digest

#: ``TRAINING_VERSION`` -> digest of the training code it stands for (see ``code_digest``).
#: When the test below fails: if the change alters what a training computes, bump
#: ``cache.TRAINING_VERSION`` and add its digest here; if not (a rename, a refactoring that
#: keeps every number), put the new digest under the current version.
# one layer class, checked configs, checkpoint options, multiply_adds by flops, the SAE and score
# configs' fields, the masked autoencoder's and VQ-VAE's fields in ALLOWED: the same numbers
# (noisy dense runs moved to NOISE_VERSION 2)
TRAINING_CODE = {1: "2298dbbb5d469ffd"}

TINY = ae.OriginalConfig(num_steps=20, display_step=20, seed=4)


@pytest.mark.slow
def test_miss_then_hit(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv(cache.CACHE_VAR, str(tmp_path))
    config = ae.OriginalConfig(num_steps=30, display_step=10, seed=4)
    first = ae.trained(config)
    assert not first.from_cache
    assert len(first.history) == 30
    assert "Step 30: Minibatch Loss" in capsys.readouterr().out
    second = ae.trained(config)
    assert second.from_cache
    assert second.history == first.history
    for a, b in zip(first.model.get_weights(), second.model.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)
    assert [p.name for p in tmp_path.iterdir()] == [f"{cache.cache_key(config)}.npz"]


def test_conv_model_round_trip(tmp_path, monkeypatch):
    """A convolutional autoencoder goes through the cache like the original: a miss trains
    and stores, a hit rebuilds the model from the config and loads the same weights."""
    monkeypatch.setenv(cache.CACHE_VAR, str(tmp_path))
    config = ae.OriginalConfig(
        architecture="conv", initializer="glorot", num_hidden_2=8, num_steps=3, seed=4
    )
    first = ae.trained(config, verbose=False)
    second = ae.trained(config, verbose=False)
    assert not first.from_cache
    assert second.from_cache
    assert second.history == first.history
    assert isinstance(second.model.encoder, ae.ConvEncoder)
    for a, b in zip(first.model.get_weights(), second.model.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)
    dense = ae.OriginalConfig(num_hidden_2=8, num_steps=3, seed=4, initializer="glorot")
    assert cache.cache_key(config) != cache.cache_key(dense)


def test_key_follows_the_config():
    assert cache.cache_key(ae.OriginalConfig()) == cache.cache_key(ae.OriginalConfig())
    assert cache.cache_key(ae.OriginalConfig()) != cache.cache_key(ae.OriginalConfig(seed=1))
    assert cache.cache_key(ae.OriginalConfig()) != cache.cache_key(
        ae.OriginalConfig(learning_rate=0.02)
    )


def test_training_code_change_needs_a_new_version():
    digest = code_digest(cache.TRAINING_MODULES)
    assert TRAINING_CODE.get(cache.TRAINING_VERSION) == digest, (
        f"the training code changed (digest {digest}): bump cache.TRAINING_VERSION if "
        "it changes what a training computes, and record the digest in TRAINING_CODE"
    )


def test_only_a_dense_denoisers_key_follows_the_noise_version(monkeypatch):
    noisy, conv = ae.preset("denoiser"), ae.preset("conv_denoiser_128")
    before = {c: cache.cache_key(c) for c in (noisy, conv, ae.OriginalConfig())}
    monkeypatch.setattr(cache, "NOISE_VERSION", cache.NOISE_VERSION + 1)
    assert cache.cache_key(noisy) != before[noisy]
    assert cache.cache_key(conv) == before[conv]  # its noise is drawn as before
    assert cache.cache_key(ae.OriginalConfig()) == before[ae.OriginalConfig()]


def test_key_follows_the_version(monkeypatch):
    before = cache.cache_key(ae.OriginalConfig())
    monkeypatch.setattr(cache, "TRAINING_VERSION", cache.TRAINING_VERSION + 1)
    assert cache.cache_key(ae.OriginalConfig()) != before


@pytest.mark.slow
def test_damaged_entry_is_reported_and_rebuilt(tmp_path, monkeypatch):
    monkeypatch.setenv(cache.CACHE_VAR, str(tmp_path))
    good = ae.trained(TINY, verbose=False)
    path = cache.entry_path(TINY)
    data = path.read_bytes()
    for damaged in (data[: len(data) // 2], data[:1000] + bytes([data[1000] ^ 1]) + data[1001:]):
        path.write_bytes(damaged)
        with pytest.warns(UserWarning, match=rf"cache entry {path} is damaged .*retraining"):
            rebuilt = ae.trained(TINY, verbose=False)
        assert not rebuilt.from_cache
        assert rebuilt.history == good.history
        assert load_npz(path)["history"].shape == (20, 2)  # a sound entry again
    assert ae.trained(TINY, verbose=False).from_cache


#: Rewrites the entry at argv[1] until the file argv[3] exists; creates argv[2] once it has
#: written it once. Imports NumPy and the npz module only (no TensorFlow): quick to start.
WRITER = textwrap.dedent("""
    import sys
    from pathlib import Path
    from ae_tutorial.npz import load_npz, save_npz
    path, ready, stop = map(Path, sys.argv[1:4])
    arrays, writes = load_npz(path), 0
    while not stop.exists():
        save_npz(path, arrays)
        writes += 1
        ready.touch()
    print(writes)
""")


def test_concurrent_writers_never_leave_a_damaged_entry(tmp_path, monkeypatch):
    """Two processes rewrite one entry over and over while this one reads it: a reader
    never sees half a file. The writers stop only after 50 reads made while both wrote."""
    monkeypatch.setenv(cache.CACHE_VAR, str(tmp_path / "cache"))
    path, history = cache.entry_path(TINY), [(step, 1.0 / step) for step in range(1, 21)]
    cache._store(path, ae.Autoencoder(TINY), history)
    stop = tmp_path / "stop"
    readies = [tmp_path / f"ready{i}" for i in range(2)]
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(path), str(ready), str(stop)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for ready in readies
    ]
    reads, deadline = 0, time.monotonic() + 300
    try:
        while reads < 50:
            assert all(w.poll() is None for w in writers), "a writer stopped early"
            assert time.monotonic() < deadline, f"only {reads} reads in time"
            if all(ready.exists() for ready in readies):
                load_npz(path)  # raises if a reader ever saw half an entry
                reads += 1
            else:
                time.sleep(0.01)  # the writers are starting
    finally:
        stop.touch()
        outputs = [w.communicate(timeout=60) for w in writers]
    assert [w.returncode for w in writers] == [0, 0], outputs
    assert all(int(out) >= 1 for out, _ in outputs)
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temporary files left
    entry = ae.trained(TINY, verbose=False)
    assert entry.from_cache
    assert entry.history == history


def test_entries_are_current_when_this_installation_would_use_them(tmp_path):
    config = ae.OriginalConfig(seed=5)
    path = tmp_path / f"{cache.cache_key(config)}.npz"
    cache._store(path, ae.Autoencoder(config), [(1, 0.5)])
    shutil.copy(path, tmp_path / "0123456789abcdef.npz")  # another config's name
    (tmp_path / "fedcba9876543210.npz").write_bytes(path.read_bytes()[:-10])  # damaged
    found = {e.path.name: e for e in cache.entries(tmp_path)}
    assert {name: e.current for name, e in found.items()} == {
        "0123456789abcdef.npz": False,
        path.name: True,
        "fedcba9876543210.npz": False,
    }
    assert found[path.name].meta["config"] == config.to_dict()
    assert found[path.name].meta["training_version"] == cache.TRAINING_VERSION
    assert found["fedcba9876543210.npz"].meta == {}


@pytest.mark.parametrize(
    "meta",
    [
        [1, 2],  # metadata that is not a JSON object
        {"config": "not a dict"},
        {"config": {"seed": 0, "no_such_field": 1}},  # a field this version lacks
        {"config": {"seed": -1}},  # a value this version refuses
    ],
)
def test_listing_and_pruning_survive_the_entries_they_remove(tmp_path, meta):
    from ae_tutorial.npz import save_npz

    bad = tmp_path / "0123456789abcdef.npz"
    save_npz(bad, {"meta": np.array(json.dumps(meta))})
    [entry] = cache.entries(tmp_path)
    assert entry.path == bad
    assert not entry.current
    assert cache.prune(tmp_path) == [bad]
    assert not bad.exists()


def test_entries_of_the_old_vae_folder_are_listed_and_pruned(tmp_path):
    from ae_tutorial.npz import save_npz

    old = tmp_path / "vae" / "0123456789abcdef.npz"  # where trained_vae kept its entries
    old.parent.mkdir()
    save_npz(old, {"key": np.array("[2, 256]"), "history": np.array("{}")})
    [entry] = cache.entries(tmp_path)
    assert entry.path == old
    assert not entry.current
    assert cache.prune(tmp_path) == [old]
    assert not old.exists()


def test_trained_refuses_what_is_not_a_configuration():
    with pytest.raises(TypeError, match="OriginalConfig or a VAEConfig"):
        cache.trained({"num_steps": 10})


def test_an_entry_of_another_configuration_or_with_a_nan_weight_is_not_loaded(tmp_path):
    config, other = ae.OriginalConfig(seed=5), ae.OriginalConfig(seed=6)
    path = tmp_path / f"{cache.cache_key(config)}.npz"
    cache._store(path, ae.Autoencoder(config), [(1, 0.5)])
    assert cache._load(path, ae.Autoencoder(config)) == [(1, 0.5)]
    with pytest.raises(ValueError, match="records another configuration"):
        cache._load(path, ae.Autoencoder(other))  # a misnamed file: another run's weights
    model = ae.Autoencoder(config)
    model.set_weights([np.full_like(w, np.nan) for w in model.get_weights()])
    cache._store(path, model, [(1, 0.5)])
    with pytest.raises(ValueError, match="a weight is not finite"):
        cache._load(path, ae.Autoencoder(config))
