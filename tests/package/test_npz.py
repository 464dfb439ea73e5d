"""Verified atomic .npz files: a round trip gives NumPy's arrays back, damage is a ValueError
naming the file, and only the temporary files of dead writers are removed."""

import os
import subprocess
import sys

import numpy as np
import pytest

from ae_tutorial.npz import load_npz, remove_abandoned_temporaries, save_npz


def test_round_trip_gives_the_arrays_back_and_leaves_no_temporary_file(tmp_path):
    arrays = {
        "a": np.arange(6, dtype=np.float32).reshape(2, 3),
        "meta": np.array("{}"),
        "b": np.array([[1, 2]], np.int64),
    }
    save_npz(tmp_path / "x.npz", arrays)
    got = load_npz(tmp_path / "x.npz")
    assert got.keys() == arrays.keys()
    for key, array in arrays.items():
        assert got[key].dtype == array.dtype
        np.testing.assert_array_equal(got[key], array)
    with np.load(tmp_path / "x.npz") as plain:  # an ordinary .npz that NumPy reads
        np.testing.assert_array_equal(plain["a"], arrays["a"])
    assert [p.name for p in tmp_path.iterdir()] == ["x.npz"]


@pytest.mark.parametrize("damage", ["truncate", "flip a bit", "empty"])
def test_damaged_file_is_a_value_error_naming_it(tmp_path, damage):
    path = tmp_path / "x.npz"
    save_npz(path, {"a": np.random.default_rng(0).random(1000)})
    data = bytearray(path.read_bytes())
    if damage == "flip a bit":
        data[len(data) // 2] ^= 0x04  # inside the array's bytes
    path.write_bytes(
        bytes(
            data[: len(data) // 2] if damage == "truncate" else b"" if damage == "empty" else data
        )
    )
    with pytest.raises(ValueError, match=rf"^{path}: (unreadable|contents do not match)"):
        load_npz(path)


def test_an_altered_but_readable_file_is_refused(tmp_path):
    """Rewritten with NumPy, other values and the old digest: readable, but not ours."""
    path = tmp_path / "x.npz"
    save_npz(path, {"a": np.zeros(3)})
    digest = load_npz_digest(path)
    np.savez(path, a=np.ones(3), sha256=digest)
    with pytest.raises(ValueError, match=rf"^{path}: contents do not match their SHA-256"):
        load_npz(path)


def load_npz_digest(path):
    with np.load(path) as f:
        return f["sha256"]


def dead_pid():
    """The id of a process that has exited and been reaped."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait(timeout=60)
    return child.pid


def test_only_temporary_files_of_dead_writers_are_removed(tmp_path):
    dead, alive = dead_pid(), os.getpid()
    names = {
        f".x.npz.{dead}.abcd.tmp": "removed",
        f".y.npz.{alive}.0123.tmp": "kept",
        ".z.npz.notapid.0123.tmp": "kept",
        "x.npz": "kept",
    }
    for name in names:
        (tmp_path / name).write_bytes(b"")
    removed = remove_abandoned_temporaries(tmp_path)
    assert [p.name for p in removed] == [f".x.npz.{dead}.abcd.tmp"]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        name for name, fate in names.items() if fate == "kept"
    )
