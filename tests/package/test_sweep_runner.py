"""The sweep runner (``ae_tutorial.sweeps``, ``scripts/sweep.py``): runs as Dask tasks, each
finished row stored atomically under a lock, a damaged file refused, resumed after Ctrl-C."""

import argparse
import csv
import multiprocessing
import os
import re
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from dask.distributed import Client, LocalCluster  # the sweep extra, in requirements.txt

import ae_tutorial as ae
from ae_tutorial import sweep_runner, sweeps

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "book" / "data"
HEADER = sweeps.columns("variants")
GOOD_ROW = 'adam,1,"{""optimizer"": ""adam""}",332.4,2.21.0,,,0.045394,0.045662,0.045214'


def _stored_seed_1(sweep):
    """The row of seed 1 in ``sweep``'s stored file in book/data."""
    rows = sweeps.read_rows(DATA / sweeps.file_name(sweep), sweeps.columns(sweep))
    [row] = [r for r in rows if r["seed"] == "1"]
    return row


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
    quick = {"num_steps": 3}
    rows = sweep_runner.run_sweep("vae_baseline", [1, 2], path, client, quick, log=lines.append)
    stored = sweeps.read_rows(path, sweeps.columns("vae_baseline"))
    assert rows == stored
    assert [(r["name"], r["seed"]) for r in stored] == [
        ("dense_bce_16", "1"),
        ("dense_bce_16", "2"),
    ]
    for row in stored:
        assert tuple(row) == sweeps.columns("vae_baseline")
        config = ae.preset("dense_bce_16", seed=int(row["seed"]), **quick)
        assert row["config"] == sweeps.config_json(config)  # num_steps 3 is recorded
        assert 0 < float(row["test_mse"]) < 1
        assert row["tensorflow"] == ae.tf.__version__
        assert row["backend"] == "tensorflow"
    assert lines[0] == "0 runs stored, 2 to go"
    assert not list(tmp_path.glob("*.tmp"))  # the temporary file was renamed into place
    # Again: both runs are stored, so nothing is submitted and the file is unchanged.
    before, again = path.read_text(), []
    sweep_runner.run_sweep("vae_baseline", [1, 2], path, client, quick, log=again.append)
    assert again == ["2 runs stored, 0 to go"]
    assert path.read_text() == before


def test_a_sweep_refuses_a_seed_shift(tmp_path, client, monkeypatch):
    monkeypatch.setenv("AE_TUTORIAL_SEED_SHIFT", "7")
    with pytest.raises(ValueError, match="unset AE_TUTORIAL_SEED_SHIFT"):
        sweep_runner.run_sweep("variants", [1], tmp_path / "s.csv", client, log=lambda _: None)
    assert not (tmp_path / "s.csv").exists()


def test_pending_skips_stored_runs():
    rows = [{"name": "original", "seed": "1"}]
    assert sweeps.pending([("original", 1), ("glorot", 1)], rows) == [("glorot", 1)]


def test_every_sweep_has_presets_and_a_file_name():
    for sweep in [*sweeps.SWEEPS, *sweeps.SEED_BANDS]:
        for name in sweeps.sweep_presets(sweep):
            ae.preset(name)  # raises ValueError naming an unknown preset
        assert sweeps.file_name(sweep).endswith(".csv")
    with pytest.raises(ValueError, match="no sweep 'nope'; the sweeps are: variants"):
        sweeps.sweep_presets("nope")


def test_config_json_holds_the_fields_that_differ_from_the_defaults():
    assert sweeps.config_json(ae.preset("original", seed=3)) == "{}"
    assert sweeps.config_json(ae.preset("adam_1e-3", seed=3)) == (
        '{"learning_rate": 0.001, "optimizer": "adam"}'
    )
    assert sweeps.config_json(ae.preset("vae_16")) == (
        '{"batch_size": 256, "epochs": 23, "latent_dim": 16}'
    )


def test_a_seed_band_measures_the_loss_at_each_printed_step():
    steps = ["loss_1", *(f"loss_{s}" for s in range(1000, 30_001, 1000))]
    assert sweeps.columns("seed_band_tf1") == (*sweeps.LEADING, *steps)
    quick = sweeps.columns("seed_band_port", num_steps=5, display_step=2)
    assert quick[len(sweeps.LEADING) :] == ("loss_1", "loss_2", "loss_4")


@pytest.mark.slow
def test_a_linear_autoencoder_is_scored_by_its_unclipped_mse():
    row = sweep_runner.run_one("code_size", "linear_2", 1, {"num_steps": 2})
    assert tuple(row) == sweeps.columns("code_size")
    assert '"num_steps": 2' in row["config"]
    assert 0 < float(row["test_mse"]) < 1


@pytest.mark.slow
@pytest.mark.cpu_bits
@pytest.mark.parametrize("band", ["seed_band_port", "seed_band_tf1"])
def test_a_seed_band_run_repeats_the_stored_first_loss(band, real_mnist_dir):
    """Step 1's loss is the untrained network's on the first batch: the run draws the same
    weights and batch as the stored seed 1 did (measured by the script the runner replaced)."""
    row = sweep_runner.run_one(band, "original", 1, {"num_steps": 1})
    assert tuple(row) == sweeps.columns(band, num_steps=1)
    stored = _stored_seed_1(band)
    assert row["loss_1"] == stored["loss_1"]


@pytest.mark.slow
def test_a_vae_run_measures_its_test_mse_kl_and_reconstruction():
    row = sweep_runner.run_one("vae", "vae_16", 1, {"epochs": 1})
    assert tuple(row) == sweeps.columns("vae")
    assert '"epochs": 1' in row["config"]
    assert 0 < float(row["test_mse"]) < 0.1
    assert 0 < float(row["test_kl"]) < float(row["test_reconstruction"])


def test_seed_ranges():
    assert sweep_runner.parse_seeds("1-5") == [1, 2, 3, 4, 5]
    assert sweep_runner.parse_seeds("1,3") == [1, 3]


@pytest.mark.parametrize("text", ["1,1", "2-1", "x", "1-", "-1", "", "1,,2"])
def test_bad_seed_lists_are_refused_by_name(text):
    with pytest.raises(argparse.ArgumentTypeError, match=re.escape(repr(text))):
        sweep_runner.parse_seeds(text)


@pytest.mark.parametrize("text", ["0", "-2", "two"])
def test_workers_must_be_positive(text):
    with pytest.raises(argparse.ArgumentTypeError, match="--workers must be an integer >= 1"):
        sweep_runner.positive_workers(text)
    assert sweep_runner.positive_workers("3") == 3


def test_stored_rows_are_read_with_or_without_a_bom(tmp_path):
    path = tmp_path / "sweep.csv"
    for prefix in ("", "\ufeff"):
        path.write_text(f"{prefix}{','.join(HEADER)}\n{GOOD_ROW}\n", encoding="utf-8")
        [row] = sweeps.read_rows(path, HEADER)
        assert row["test_mse"] == "0.045394"
        assert row["seed"] == "1"
        assert row["keras"] == ""  # not recorded: a row stored before the runner did


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (f"{GOOD_ROW}\n", "line 1: the header must be"),  # no header
        ("{header}\n" + f"{GOOD_ROW},extra\n", "line 2: 11 fields, expected 10"),
        ("{header}\n" + f"{GOOD_ROW[:-20]}\n", "line 2: 8 fields, expected 10"),  # cut short
        ("{header}\n" + f"{GOOD_ROW.replace('0.045214', '0.04')}\n", "line 2: final_loss '0.04'"),
        ("{header}\n" + f"{GOOD_ROW.replace('adam,1,', 'adam,2.0,')}\n", "line 2: seed '2.0'"),
        ("{header}\n" + f"{GOOD_ROW.replace('332.4', '33')}\n", "line 2: seconds '33'"),
        (
            "{header}\n" + GOOD_ROW.replace('"{""optimizer"": ""adam""}"', "[]") + "\n",
            "line 2: config '[]' is not a JSON object",
        ),
        ("{header}\n" + f"{GOOD_ROW}\n{GOOD_ROW}\n", "line 3: adam seed 1 is stored twice"),
    ],
)
def test_a_damaged_sweep_file_is_refused_naming_file_and_line(tmp_path, text, message):
    path = tmp_path / "sweep.csv"
    text = text.replace("{header}", ",".join(HEADER))
    path.write_text(text)
    with pytest.raises(sweeps.SweepFileError, match=re.escape(f"{path}, {message}")):
        sweeps.read_rows(path, HEADER)
    assert path.read_text() == text  # nothing repaired or dropped


def _store_many(path, name, count):
    for seed in range(count):
        row = dict(zip(HEADER, next(csv.reader([GOOD_ROW])), strict=True))
        sweeps.store_row(path, HEADER, {**row, "name": name, "seed": seed})


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
    rows = sweeps.read_rows(path, HEADER)
    assert sorted((r["name"], int(r["seed"])) for r in rows) == [
        (name, seed) for name in ("a", "b") for seed in range(15)
    ]


def test_an_interrupted_write_leaves_the_stored_file(tmp_path, monkeypatch):
    path = tmp_path / "sweep.csv"
    _store_many(path, "a", 1)
    before = path.read_text()

    def interrupt(*args):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupt)
    with pytest.raises(KeyboardInterrupt):
        _store_many(path, "b", 1)
    assert path.read_text() == before
    assert not list(tmp_path.glob("*.tmp"))


@pytest.fixture
def refused_address(refused_url):
    """A Dask address where connections are refused (see ``refused_url``)."""
    return refused_url.replace("http://", "tcp://").rstrip("/")


def test_an_unreachable_scheduler_is_named(refused_address):
    message = f"no Dask scheduler answered at {refused_address!r} within 1 s"
    with pytest.raises(sweep_runner.SchedulerError, match=re.escape(message)):
        with sweep_runner.connect(refused_address, timeout=1):
            pass  # pragma: no cover


def test_a_malformed_scheduler_address_is_named():
    with pytest.raises(
        sweep_runner.SchedulerError, match=re.escape("answered at 'tcp://127.0.0.1:port'")
    ):
        with sweep_runner.connect("tcp://127.0.0.1:port", timeout=1):
            pass  # pragma: no cover


def _script(*args, mnist_dir=None):
    """``scripts/sweep.py`` with ``args``, started in its own session (a terminal's Ctrl-C
    goes to the whole process group), reading MNIST from ``mnist_dir`` if given."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    if mnist_dir:
        env["AE_TUTORIAL_MNIST_DIR"] = str(mnist_dir)
    return subprocess.Popen(
        [sys.executable, str(ROOT / "scripts" / "sweep.py"), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        start_new_session=True,
        preexec_fn=_as_from_a_terminal,
    )


def _as_from_a_terminal():
    """In the child: Ctrl-C raises ``KeyboardInterrupt``, as for a command typed in a terminal.
    A job started in the background (``cmd &`` in a script, as CI may run the tests) inherits
    SIGINT ignored, and Python then keeps ignoring it: the Ctrl-C test would test nothing."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.mark.slow
def test_the_script_names_an_unreachable_scheduler_in_one_line(tmp_path, refused_address):
    process = _script("vae", "--scheduler", refused_address, "--out", str(tmp_path / "s.csv"))
    out, err = process.communicate(timeout=120)
    assert process.returncode == 1
    assert err.splitlines() == [
        f"error: no Dask scheduler answered at {refused_address!r} within 10 s "
        f"(Timed out trying to connect to {refused_address} after 10 s)"
    ]
    assert out == ""
    assert not (tmp_path / "s.csv").exists()


@pytest.mark.slow
def test_ctrl_c_ends_a_sweep_in_one_line_and_keeps_every_stored_run(tmp_path, real_mnist_dir):
    path = tmp_path / "sweep.csv"
    header = sweeps.columns("vae_baseline")
    stored = _stored_seed_1("vae_baseline")
    sweeps.write_rows(path, header, [stored])
    before = path.read_text()
    process = _script(
        "vae_baseline", "--seeds", "1,2", "--out", str(path), mnist_dir=real_mnist_dir
    )
    try:
        assert select.select([process.stdout], [], [], 120)[0], "no line in 120 s"
        assert process.stdout.readline() == "1 runs stored, 1 to go\n"
        time.sleep(10)  # seed 2 starts training (a worker's multiprocessing lock once leaked)
        os.killpg(process.pid, signal.SIGINT)  # Ctrl-C
        out, err = process.communicate(timeout=120)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    assert process.returncode == 130
    assert err.splitlines() == [
        f"interrupted: 1 runs stored in {path}; run the same command again to resume"
    ]
    assert out == ""
    assert path.read_text() == before
    assert not list(tmp_path.glob("*.tmp"))
