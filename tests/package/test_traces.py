"""A traced training (ae_tutorial/traces.py): the same weights as ``trained``'s, the trace
measured at the steps it says, both cached, a damaged trace traced again; a change to the
trace's code without a new ``TRACE_VERSION`` fails here."""

import dataclasses

import numpy as np
import pytest

import ae_tutorial as ae
from ae_tutorial import cache, traces
from tools.digest import code_digest

#: ``TRACE_VERSION`` -> digest of the code a trace's numbers come from (as test_cache.py's
#: ``TRAINING_CODE``: bump the version if a change alters what a trace records, else put the
#: new digest under the current version).
TRACE_CODE = {1: "ac28aebc6d2b10f3"}

CONFIG = ae.OriginalConfig(num_steps=120, seed=4)


def test_a_trace_is_measured_every_100_steps_and_cached(tmp_path, monkeypatch):
    monkeypatch.setenv(cache.CACHE_VAR, str(tmp_path))
    first, trace = ae.traced(CONFIG)
    assert not first.from_cache
    np.testing.assert_array_equal(trace.steps, [0, 1, 100, 120])
    assert list(trace.saturation) == list(ae.LAYER_NAMES)
    assert list(trace.gradient_norms) == list(ae.ORIGINAL_NAMES[::2])
    probe = traces.probe_digits()
    assert probe.shape == (traces.PROBE_SIZE, 784)
    # the last row is the trained network's own measure
    last = ae.saturation(first.model, probe)
    assert [trace.saturation[n][-1] for n in ae.LAYER_NAMES] == list(last.values())
    assert trace.dead[-1] == ae.dead_units(ae.encode(first.model, probe)).sum()
    # the weights are trained's: its entry is written, and a second call reads both
    again, stored = ae.traced(CONFIG)
    assert again.from_cache
    assert ae.trained(CONFIG, verbose=False).from_cache
    np.testing.assert_array_equal(stored.dead, trace.dead)
    for a, b in zip(first.model.get_weights(), again.model.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)
    assert again.history == first.history


@pytest.mark.slow
def test_the_callback_changes_no_bit_of_the_training(tmp_path, monkeypatch):
    monkeypatch.setenv(cache.CACHE_VAR, str(tmp_path))
    plain = ae.trained(CONFIG, verbose=False, cache=False)
    run, _ = ae.traced(CONFIG)
    for a, b in zip(plain.model.get_weights(), run.model.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)


def test_a_damaged_trace_is_reported_and_traced_again(tmp_path, monkeypatch):
    monkeypatch.setenv(cache.CACHE_VAR, str(tmp_path))
    config = dataclasses.replace(CONFIG, num_steps=20)
    _, trace = ae.traced(config)
    path = traces.trace_path(dataclasses.replace(config, seed=ae.training_seed(config.seed)))
    path.write_bytes(path.read_bytes()[:-50])
    with pytest.warns(UserWarning, match=r"trace .*\.npz is damaged"):
        run, again = ae.traced(config)
    assert not run.from_cache
    np.testing.assert_array_equal(again.dead, trace.dead)


def test_trace_code_change_needs_a_new_version():
    digest = code_digest(("diagnostics.py", "traces.py"))
    assert TRACE_CODE.get(traces.TRACE_VERSION) == digest, (
        f"the trace's code changed (digest {digest}): bump traces.TRACE_VERSION if it "
        "changes what a trace records, and record the digest in TRACE_CODE"
    )
