"""scripts/sweep.py: runs as Dask tasks, stores each finished row atomically, resumes."""

import argparse
import csv
import importlib.util
import multiprocessing
import re
from pathlib import Path

import pytest
from dask.distributed import Client, LocalCluster  # the sweep extra, in requirements.txt

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("sweep", ROOT / "scripts" / "sweep.py")
sweep = importlib.util.module_from_spec(spec)
spec.loader.exec_module(sweep)

RUNS = [("original", 1, {}), ("glorot", 1, {"initializer": "glorot"})]


@pytest.fixture(scope="module")
def client():
    with (
        LocalCluster(
            processes=False, n_workers=1, threads_per_worker=1, dashboard_address=None
        ) as cluster,
        Client(cluster) as c,
    ):
        yield c


@pytest.mark.slow
def test_a_tiny_sweep_stores_a_row_per_run_and_resumes(tmp_path, client):
    path = tmp_path / "sweep.csv"
    lines = []
    rows = sweep.sweep(RUNS, path, client, num_steps=3, log=lines.append)
    stored = sweep.read_rows(path)
    assert rows
    assert sorted((r["name"], r["seed"]) for r in stored) == [
        ("glorot", "1"),
        ("original", "1"),
    ]
    for row in stored:
        assert list(row) == list(sweep.COLUMNS)
        assert row["num_steps"] == "3"
        assert 0 < float(row["test_mse"]) < 1
    assert lines[0] == "0 runs stored, 2 to go"
    assert not list(tmp_path.glob("*.tmp"))  # the temporary file was renamed into place
    # Again: both runs are stored, so nothing is submitted and the file is unchanged.
    before, again = path.read_text(), []
    sweep.sweep(RUNS, path, client, num_steps=3, log=again.append)
    assert again == ["2 runs stored, 0 to go"]
    assert path.read_text() == before


def test_pending_skips_stored_runs():
    rows = [{"name": "original", "seed": "1"}]
    assert sweep.pending(RUNS, rows) == [RUNS[1]]


def test_seed_ranges():
    assert sweep.parse_seeds("1-5") == [1, 2, 3, 4, 5]
    assert sweep.parse_seeds("1,3") == [1, 3]


def test_every_sweep_configuration_is_valid():
    import ae_tutorial as ae

    for runs in sweep.SWEEPS.values():
        for fields in runs.values():
            ae.OriginalConfig(**fields)  # raises ValueError naming the field otherwise


@pytest.mark.slow
def test_a_linear_autoencoder_is_scored_by_its_unclipped_mse():
    fields = sweep.SWEEPS["code_size"]["linear_2"]
    row = sweep.train_one("linear_2", 1, fields, num_steps=2)
    assert row["num_steps"] == 2
    assert 0 < float(row["test_mse"]) < 1


@pytest.mark.parametrize("text", ["1,1", "2-1", "x", "1-", "-1", "", "1,,2"])
def test_bad_seed_lists_are_refused_by_name(text):
    with pytest.raises(argparse.ArgumentTypeError, match=re.escape(repr(text))):
        sweep.parse_seeds(text)


@pytest.mark.parametrize("text", ["0", "-2", "two"])
def test_workers_must_be_positive(text):
    with pytest.raises(argparse.ArgumentTypeError, match="--workers must be an integer >= 1"):
        sweep.positive_workers(text)
    assert sweep.positive_workers("3") == 3


GOOD_ROW = 'adam,1,"{""optimizer"": ""adam""}",0.045394,0.045662,0.045214,30000,332.4,2.21.0'
HEADER = ",".join(sweep.COLUMNS)


def test_stored_rows_are_read_with_or_without_a_bom(tmp_path):
    path = tmp_path / "sweep.csv"
    for prefix in ("", "\ufeff"):
        path.write_text(f"{prefix}{HEADER}\n{GOOD_ROW}\n", encoding="utf-8")
        [row] = sweep.read_rows(path)
        assert row["test_mse"] == "0.045394"
        assert row["seed"] == "1"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (f"{GOOD_ROW}\n", "line 1: the header must be"),  # no header
        (f"{HEADER}\n{GOOD_ROW},extra\n", "line 2: 10 fields, expected 9"),
        (f"{HEADER}\n{GOOD_ROW[:-20]}\n", "line 2: 6 fields, expected 9"),  # cut short
        (f"{HEADER}\n{GOOD_ROW.replace('0.045214', '0.04')}\n", "line 2: final_loss '0.04'"),
        (f"{HEADER}\n{GOOD_ROW.replace('adam,1,', 'adam,2.0,')}\n", "line 2: seed '2.0'"),
        (f"{HEADER}\n{GOOD_ROW}\n{GOOD_ROW}\n", "line 3: adam seed 1 is stored twice"),
    ],
)
def test_a_damaged_sweep_file_is_refused_naming_file_and_line(tmp_path, text, message):
    path = tmp_path / "sweep.csv"
    path.write_text(text)
    with pytest.raises(sweep.SweepFileError, match=re.escape(f"{path}, {message}")):
        sweep.read_rows(path)
    assert path.read_text() == text  # nothing repaired or dropped


def _store_many(path, name, count):
    for seed in range(count):
        row = dict(zip(sweep.COLUMNS, next(csv.reader([GOOD_ROW])), strict=True))
        sweep.store_row(path, {**row, "name": name, "seed": seed})


def test_two_runners_on_one_file_keep_every_row(tmp_path):
    path = tmp_path / "sweep.csv"
    workers = [
        multiprocessing.get_context("fork").Process(target=_store_many, args=(path, name, 15))
        for name in ("a", "b")
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    assert all(worker.exitcode == 0 for worker in workers)
    rows = sweep.read_rows(path)
    assert sorted((r["name"], int(r["seed"])) for r in rows) == [
        (name, seed) for name in ("a", "b") for seed in range(15)
    ]
