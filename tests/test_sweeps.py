"""ae.read_sweep: a stored sweep's runs, grouped by name in seed order; clear errors."""

import re
from pathlib import Path

import pytest

import ae_tutorial as ae

ROOT = Path(__file__).resolve().parent.parent


def test_read_sweep_groups_by_name_in_seed_order(tmp_path):
    path = tmp_path / "s.csv"
    path.write_text("name,seed,test_mse\nb,2,0.5\nb,1,0.25\na,1,0.125\n")
    runs = ae.read_sweep(path)
    assert list(runs) == ["b", "a"]
    assert runs["b"].tolist() == [0.25, 0.5] and runs["a"].tolist() == [0.125]


def test_read_sweep_reads_the_stored_variants():
    runs = ae.read_sweep(ROOT / "book" / "data" / "sweep_variants.csv")
    assert "original" in runs and all(0 < v.min() and v.max() < 1 for v in runs.values())


@pytest.mark.parametrize(
    "text, message",
    [
        ("name,seed\nb,1\n", "no column test_mse"),
        ("name,seed,test_mse\nb,1,x\n", "line 2: seed '1' or test_mse 'x' is not a number"),
        ("name,seed,test_mse\nb,1,0.1\nb,1,0.2\n", "line 3: b seed 1 appears twice"),
    ],
)
def test_read_sweep_names_what_is_wrong(tmp_path, text, message):
    path = tmp_path / "s.csv"
    path.write_text(text)
    with pytest.raises(ValueError, match=re.escape(message)):
        ae.read_sweep(path)
