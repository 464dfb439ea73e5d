"""ae.read_sweep: a stored sweep's runs, grouped by name in seed order; clear errors."""

import re
from pathlib import Path

import numpy as np
import pytest

import ae_tutorial as ae

ROOT = Path(__file__).resolve().parent.parent


def test_read_sweep_groups_by_name_in_seed_order(tmp_path):
    path = tmp_path / "s.csv"
    path.write_text("name,seed,test_mse\nb,2,0.5\nb,1,0.25\na,1,0.125\n")
    runs = ae.read_sweep(path)
    assert list(runs) == ["b", "a"]
    assert runs["b"].tolist() == [0.25, 0.5]
    assert runs["a"].tolist() == [0.125]


def test_read_sweep_reads_the_stored_variants():
    runs = ae.read_sweep(ROOT / "book" / "data" / "sweep_variants.csv")
    assert "original" in runs
    assert all(0 < v.min() and v.max() < 1 for v in runs.values())


@pytest.mark.parametrize(
    ("text", "message"),
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


def test_prediction_interval_is_the_t_interval_of_one_more_run():
    values = np.array([0.0458, 0.0411, 0.0472, 0.0466, 0.0483])
    low, high = ae.prediction_interval(values)
    mean, sd = values.mean(), values.std(ddof=1)
    # t(0.995, 4) = 4.604094: from a table of Student's t
    np.testing.assert_allclose(high - mean, 4.604094 * sd * np.sqrt(1.2), rtol=1e-6)
    np.testing.assert_allclose(mean - low, high - mean)
    narrow = ae.prediction_interval(values, level=0.9)
    assert low < narrow[0] < mean < narrow[1] < high


def test_prediction_interval_covers_as_promised():
    rng = np.random.default_rng(0)
    hits = 0
    for _ in range(4000):
        runs = rng.normal(size=6)
        low, high = ae.prediction_interval(runs[:5], level=0.9)
        hits += low <= runs[5] <= high
    assert abs(hits / 4000 - 0.9) < 0.015


@pytest.mark.parametrize(
    ("values", "level"), [([1.0], 0.99), ([1.0, np.nan], 0.99), ([[1.0, 2.0]], 0.99), ([1, 2], 1.0)]
)
def test_prediction_interval_refuses_bad_input(values, level):
    with pytest.raises(ValueError, match=r"values|level"):
        ae.prediction_interval(values, level)
