"""The command line, in real subprocesses: its files, its one-line errors, and a run killed
with SIGKILL, or interrupted with Ctrl-C, then resumed in another process ending with the same
bits (and the same loss history) as a run never interrupted."""

import os
import re
import signal
import subprocess
import sys
import time

import numpy as np
import pytest
from matplotlib.image import imread

import ae_tutorial as ae
from ae_tutorial import checkpoint
from ae_tutorial.cli import build_parser, main

# 150 steps in chunks ending at 1, 50, 100 and 150, with a checkpoint at 50, 100 and 150
RUN = ["train", "--steps", "150", "--display-step", "50", "--checkpoint-every", "50",
       "--seed", "2"]


def start(*args):
    return subprocess.Popen([sys.executable, "-m", "ae_tutorial", *args], text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def finish(process):
    out, err = process.communicate(timeout=300)
    assert process.returncode == 0, err
    return out, err


def weights(folder):
    model = ae.Autoencoder(ae.OriginalConfig(seed=2))
    model.load_weights(folder / "autoencoder.weights.h5")
    return model.get_weights()


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """An uninterrupted run of RUN: its folder and its (stdout, stderr)."""
    folder = tmp_path_factory.mktemp("reference")
    return folder, finish(start(*RUN, "--out", str(folder)))


def test_train_writes_weights_history_and_canvases(reference):
    folder, (out, err) = reference
    history = np.loadtxt(folder / "history.csv", delimiter=",", skiprows=1)
    np.testing.assert_array_equal(history[:, 0], np.arange(1, 151))
    assert out.splitlines()[:4] == [f"Step {s:.0f}: Minibatch Loss: {loss:f}"
                                    for s, loss in history[[0, 49, 99, 149]]]
    assert err == ""  # no warnings, no progress bar (stderr is not a terminal)
    assert history[-10:, 1].mean() < history[:10, 1].mean()
    for name in ("originals", "reconstructions"):
        image = imread(folder / f"{name}.png")
        assert image.shape[:2] == (400, 400) and image.std() > 0.05  # a 4 x 4 canvas of digits
    assert [w.shape for w in weights(folder)][0] == (784, 256)


def test_run_killed_with_sigkill_then_resumed_ends_bit_identical(reference, tmp_path):
    process = start(*RUN, "--out", str(tmp_path), "--quiet")
    saved = tmp_path / "checkpoint" / checkpoint.FILE_NAME
    while not saved.exists() and process.poll() is None:
        time.sleep(0.005)
    os.kill(process.pid, signal.SIGKILL)
    process.communicate(timeout=60)
    assert process.returncode == -signal.SIGKILL
    step = len(checkpoint.load_npz(saved)["history"])
    assert step < 150 and not (tmp_path / "history.csv").exists()  # killed midway
    out, _ = finish(start(*RUN, "--out", str(tmp_path), "--resume"))
    assert out.splitlines()[0].startswith(f"Step {step + 50}:")  # continued, not from step 1
    assert (tmp_path / "history.csv").read_text() == (reference[0] / "history.csv").read_text()
    for a, b in zip(weights(tmp_path), weights(reference[0])):
        np.testing.assert_array_equal(a, b)


def test_run_interrupted_with_ctrl_c_says_resume_then_resumes_bit_identical(reference,
                                                                           tmp_path):
    """Ctrl-C (SIGINT) after a checkpoint: exit 130 with one line naming --resume, no
    traceback; the resumed run ends with the uninterrupted run's bits."""
    process = start(*RUN, "--out", str(tmp_path), "--quiet")
    saved = tmp_path / "checkpoint" / checkpoint.FILE_NAME
    while not saved.exists() and process.poll() is None:
        time.sleep(0.005)
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=60)
    if process.returncode == 0:
        pytest.skip("the run finished before the interrupt arrived")  # a very fast machine
    assert process.returncode == 130, err
    assert err == ("python -m ae_tutorial train: interrupted; run the same command with "
                   "--resume to continue\n")
    assert not (tmp_path / "history.csv").exists()
    assert not list((tmp_path / "checkpoint").glob("*.tmp"))  # no half-written checkpoint
    finish(start(*RUN, "--out", str(tmp_path), "--resume", "--quiet"))
    assert (tmp_path / "history.csv").read_text() == (reference[0] / "history.csv").read_text()
    for a, b in zip(weights(tmp_path), weights(reference[0])):
        np.testing.assert_array_equal(a, b)


def test_help_explains_every_option(capsys):
    with pytest.raises(SystemExit) as exit:
        build_parser().parse_args(["train", "--help"])
    options = " ".join(capsys.readouterr().out.split()).partition("options:")[2]
    assert exit.value.code == 0
    for option in ("--out DIR", "--steps", "--seed", "--learning-rate", "--batch-size",
                   "--display-step", "--checkpoint-every N", "--resume", "--data-dir DIR",
                   "--quiet"):
        assert re.search(rf"{option}(\s+[A-Z_]+)?\s+[A-Za-z]", options), option  # and its help


@pytest.mark.parametrize("args, message", [
    (["train", "--steps", "0"], "argument --steps: must be positive, got 0"),
    (["train", "--learning-rate", "fast"], "--learning-rate: expected a float, got 'fast'"),
    (["train", "--bogus"], "unrecognized arguments: --bogus"),
    ([], "the following arguments are required: COMMAND"),
])
def test_bad_option_is_one_line_and_exit_2(args, message, capsys):
    with pytest.raises(SystemExit) as exit:
        build_parser().parse_args(args)
    err = capsys.readouterr().err
    assert exit.value.code == 2 and err.count("\n") == 1 and message in err


def test_errors_exit_1_with_one_line_and_no_traceback(tmp_path, capsys):
    assert main(["train", "--batch-size", "99999", "--out", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith(
        "python -m ae_tutorial train: error: batch_size must be an integer in 1..55000"), err
