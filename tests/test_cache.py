"""The weight cache: a miss trains and stores, a hit loads the same weights and history;
a damaged entry is reported and rebuilt; concurrent writers never leave a damaged one,
and two processes training one seed compute one loss history; a change to the training
code without a new ``TRAINING_VERSION`` fails here."""

import ast
import hashlib
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest

import ae_tutorial as ae
from ae_tutorial import cache, checkpoint

#: ``TRAINING_VERSION`` -> digest of the training code it stands for (see ``code_digest``).
#: When the test below fails: if the change alters what a training computes, bump
#: ``cache.TRAINING_VERSION`` and add its digest here; if not (a rename, a refactoring that
#: keeps every number), put the new digest under the current version.
TRAINING_CODE = {1: "60202d56d9f48ae2"}

TINY = ae.OriginalConfig(num_steps=20, display_step=20, seed=4)


def test_miss_then_hit(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv(cache.ENV_VAR, str(tmp_path))
    config = ae.OriginalConfig(num_steps=30, display_step=10, seed=4)
    first = ae.trained(config)
    assert not first.from_cache and len(first.history) == 30
    assert "Step 30: Minibatch Loss" in capsys.readouterr().out
    second = ae.trained(config)
    assert second.from_cache and second.history == first.history
    for a, b in zip(first.model.get_weights(), second.model.get_weights()):
        np.testing.assert_array_equal(a, b)
    assert [p.name for p in tmp_path.iterdir()] == [f"{cache.cache_key(config)}.npz"]


def test_key_follows_the_config():
    assert cache.cache_key(ae.OriginalConfig()) == cache.cache_key(ae.OriginalConfig())
    assert cache.cache_key(ae.OriginalConfig()) != cache.cache_key(ae.OriginalConfig(seed=1))
    assert cache.cache_key(ae.OriginalConfig()) != cache.cache_key(ae.OriginalConfig(learning_rate=0.02))


def code_digest():
    """SHA-256 of the training modules' code, without comments, docstrings or layout."""
    sources = []
    for name in cache.TRAINING_MODULES:
        tree = ast.parse((Path(cache.__file__).parent / name).read_text())
        for node in ast.walk(tree):
            body = getattr(node, "body", None)
            if (isinstance(body, list) and body and isinstance(body[0], ast.Expr)
                    and isinstance(body[0].value, ast.Constant)
                    and isinstance(body[0].value.value, str)):
                node.body = body[1:] or [ast.Pass()]
        sources.append(ast.unparse(tree))
    return hashlib.sha256("\n".join(sources).encode()).hexdigest()[:16]


def test_training_code_change_needs_a_new_version():
    assert TRAINING_CODE.get(cache.TRAINING_VERSION) == code_digest(), (
        f"the training code changed (digest {code_digest()}): bump cache.TRAINING_VERSION if "
        "it changes what a training computes, and record the digest in TRAINING_CODE")


def test_key_follows_the_version(monkeypatch):
    before = cache.cache_key(ae.OriginalConfig())
    monkeypatch.setattr(cache, "TRAINING_VERSION", cache.TRAINING_VERSION + 1)
    assert cache.cache_key(ae.OriginalConfig()) != before


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
    config = ae.OriginalConfig(num_steps=20, display_step=20, seed=4)
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
