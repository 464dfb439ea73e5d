"""ae.read_sweep: a stored sweep's runs, grouped by name in seed order; clear errors. Every
stored sweep is its presets: each row's recorded configuration is ``ae.preset(name, seed=seed)``."""

import json
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import ae_tutorial as ae
from ae_tutorial import sweeps

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "book" / "data"
EVERY_SWEEP = [*ae.SWEEPS, *sweeps.SEED_BANDS]


def test_the_sweeps_module_imports_light():
    """scripts/sweep.py and ``read_sweep`` start without TensorFlow, Keras, SciPy or Dask."""
    code = (
        "import sys, ae_tutorial.sweeps\n"
        "print(sorted(m for m in ('tensorflow', 'keras', 'scipy', 'dask') if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    assert done.stdout == "[]\n"


def test_every_stored_sweep_file_is_a_sweep_and_every_sweep_is_stored():
    stored = {p.name for pattern in ("sweep_*.csv", "seed_band_*.csv") for p in DATA.glob(pattern)}
    assert stored == {sweeps.file_name(sweep) for sweep in EVERY_SWEEP}


@pytest.mark.parametrize("sweep", EVERY_SWEEP)
def test_a_stored_sweep_is_its_presets(sweep):
    """The file has the sweep's columns (``read_rows`` checks every value), its run names are
    the sweep's presets, and each row's configuration is its preset's at the row's seed."""
    rows = sweeps.read_rows(DATA / sweeps.file_name(sweep), sweeps.columns(sweep))
    assert {row["name"] for row in rows} == set(sweeps.sweep_presets(sweep))
    for row in rows:
        config = ae.preset(row["name"], seed=int(row["seed"]))
        recorded = type(config)(**json.loads(row["config"]), seed=int(row["seed"]))
        assert recorded == config, row
        assert row["config"] == sweeps.config_json(config)
        assert config.seed > 0  # seed 0 is the chapters' own run, checked against these


def test_read_sweep_groups_by_name_in_seed_order(tmp_path):
    path = tmp_path / "s.csv"
    path.write_text("name,seed,test_mse\nb,2,0.5\nb,1,0.25\na,1,0.125\n")
    runs = ae.read_sweep(path)
    assert list(runs) == ["b", "a"]
    assert runs["b"].tolist() == [0.25, 0.5]
    assert runs["a"].tolist() == [0.125]


def test_read_sweep_reads_the_stored_variants():
    runs = ae.read_sweep(DATA / "sweep_variants.csv")
    assert list(runs) == sorted(ae.SWEEPS["variants"])  # stored by name, then seed
    assert all(0 < v.min() and v.max() < 1 for v in runs.values())


def test_read_sweep_reads_a_seed_band_step():
    band = ae.read_sweep(DATA / "seed_band_tf1.csv", "loss_30000")
    assert list(band) == ["original"]
    assert len(band["original"]) >= 8
    assert 0 < band["original"].min()
    assert band["original"].max() < 0.1


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
