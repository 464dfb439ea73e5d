"""The command line: its files, its one-line errors, `--help` without TensorFlow, `--data-dir`,
the `cache` command, and a run killed with SIGKILL, or interrupted with Ctrl-C, then resumed
in another process ending with the same bits (and the same loss history) as a run never
interrupted. The kill and the interrupt land at a chosen checkpoint, never by timing."""

import dataclasses
import json
import os
import re
import signal
import subprocess
import sys
import textwrap
import time

import numpy as np
import pytest
from matplotlib.image import imread

import ae_tutorial as ae
from ae_tutorial import cache, checkpoint, cli, mnist
from ae_tutorial import runs as ae_runs
from ae_tutorial.cli import build_parser, main
from ae_tutorial.config import ALLOWED, NEEDS
from ae_tutorial.npz import load_npz, save_npz

# 150 steps in chunks ending at 1, 50, 100 and 150, with a checkpoint at 50, 100 and 150
RUN = ["train", "--steps", "150", "--display-step", "50", "--checkpoint-every", "50", "--seed", "2"]

#: The command line with its N-th checkpoint write held: just before the file is renamed
#: into place ("before") or just after ("after"), it creates MARKER and sleeps until a
#: signal ends it. Run as: python -c PAUSED N before|after MARKER ARGS...
PAUSED = textwrap.dedent("""
    import os, signal, sys, time
    from pathlib import Path
    from ae_tutorial.cli import main
    # Ctrl-C raises KeyboardInterrupt, as in a terminal, even when pytest runs as a background
    # job, whose children start with SIGINT ignored (then Python installs no handler for it).
    signal.signal(signal.SIGINT, signal.default_int_handler)
    n, when, marker = int(sys.argv[1]), sys.argv[2], Path(sys.argv[3])
    rename, writes = os.replace, []

    def replace(src, dst):
        if Path(dst).name == "checkpoint.npz":
            writes.append(dst)
            if len(writes) == n:
                if when == "after":
                    rename(src, dst)
                marker.touch()
                while True:
                    time.sleep(60)
        rename(src, dst)

    os.replace = replace
    sys.exit(main(sys.argv[4:]))
""")


def start(*args, paused=None):
    """``python -m ae_tutorial ARGS`` in a subprocess; ``paused=(n, when, marker)`` holds it.

    Without ``TF_CPP_MIN_LOG_LEVEL``, as the ``foreign_stderr`` fixture runs TensorFlow.
    """
    command = ["-m", "ae_tutorial"] if paused is None else ["-c", PAUSED, *map(str, paused)]
    env = {k: v for k, v in os.environ.items() if k != "TF_CPP_MIN_LOG_LEVEL"}
    return subprocess.Popen(
        [sys.executable, *command, *args],
        text=True,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def finish(process):
    out, err = process.communicate(timeout=600)
    assert process.returncode == 0, err
    return out, err


def wait_for(marker, process, timeout=600):
    """Wait until the held ``process`` has created ``marker``; fail if it ends first."""
    deadline = time.monotonic() + timeout
    while not marker.exists():
        if process.poll() is not None:
            pytest.fail(
                f"the run ended (status {process.returncode}) before its checkpoint: "
                f"{process.communicate(timeout=60)[1]}"
            )
        assert time.monotonic() < deadline, "no checkpoint within the time limit"
        time.sleep(0.05)


def weights(folder):
    model = ae.Autoencoder(ae.OriginalConfig(seed=2))
    model.load_weights(folder / "autoencoder.weights.h5")
    return model.get_weights()


def assert_same_run(folder, reference):
    assert (folder / "history.csv").read_text() == (reference / "history.csv").read_text()
    for a, b in zip(weights(folder), weights(reference), strict=True):
        np.testing.assert_array_equal(a, b)


@pytest.fixture(scope="module")
def reference(tmp_path_factory, real_mnist_env):
    """An uninterrupted run of RUN: its folder and its (stdout, stderr). Its process reads the
    real MNIST files (``real_mnist_env`` marks the tests that use it ``real_mnist``)."""
    folder = tmp_path_factory.mktemp("reference")
    with real_mnist_env():
        return folder, finish(start(*RUN, "--out", str(folder)))


@pytest.mark.slow
def test_train_writes_weights_history_and_canvases(reference, foreign_stderr):
    folder, (out, err) = reference
    history = np.loadtxt(folder / "history.csv", delimiter=",", skiprows=1)
    np.testing.assert_array_equal(history[:, 0], np.arange(1, 151))
    assert out.splitlines()[:4] == [
        f"Step {s:.0f}: Minibatch Loss: {loss:f}" for s, loss in history[[0, 49, 99, 149]]
    ]
    assert foreign_stderr(err) == []  # no warnings, no progress bar (stderr is not a terminal)
    assert history[-10:, 1].mean() < history[:10, 1].mean()
    for name in ("originals", "reconstructions"):
        image = imread(folder / f"{name}.png")
        assert image.shape[:2] == (400, 400)
        assert image.std() > 0.05
    assert weights(folder)[0].shape == (784, 256)


@pytest.mark.slow
@pytest.mark.cpu_bits
def test_run_killed_with_sigkill_while_writing_a_checkpoint_resumes_bit_identical(
    reference, tmp_path
):
    """SIGKILL while the checkpoint of step 100 is written, before its rename: the one of
    step 50 stays intact, and a new process resumes from it to the uninterrupted run's bits."""
    marker = tmp_path / "held"
    process = start(*RUN, "--out", str(tmp_path / "run"), "--quiet", paused=(2, "before", marker))
    wait_for(marker, process)
    os.kill(process.pid, signal.SIGKILL)
    process.communicate(timeout=60)
    assert process.returncode == -signal.SIGKILL
    folder = tmp_path / "run" / "checkpoint"
    assert len(list(folder.glob(".checkpoint.npz.*.tmp"))) == 1  # killed mid-write
    assert len(load_npz(folder / checkpoint.FILE_NAME)["history"]) == 50
    assert not (tmp_path / "run" / "history.csv").exists()
    out, _ = finish(start(*RUN, "--out", str(tmp_path / "run"), "--resume"))
    assert out.splitlines()[0].startswith("Step 100:")  # continued from step 50, not step 1
    assert_same_run(tmp_path / "run", reference[0])


@pytest.mark.slow
@pytest.mark.cpu_bits
def test_run_interrupted_with_ctrl_c_says_resume_then_resumes_bit_identical(
    reference, tmp_path, foreign_stderr
):
    """Ctrl-C (SIGINT) just after the checkpoint of step 50: exit 130 with one line naming
    --resume, no traceback, no half-written file; the resumed run ends with the
    uninterrupted run's bits."""
    marker = tmp_path / "held"
    process = start(*RUN, "--out", str(tmp_path / "run"), "--quiet", paused=(1, "after", marker))
    wait_for(marker, process)
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    assert foreign_stderr(err) == [
        "python -m ae_tutorial train: interrupted; run the same command with --resume to continue"
    ]
    folder = tmp_path / "run" / "checkpoint"
    assert [p.name for p in folder.iterdir()] == [checkpoint.FILE_NAME]  # no temporary file
    assert len(load_npz(folder / checkpoint.FILE_NAME)["history"]) == 50
    assert not (tmp_path / "run" / "history.csv").exists()
    finish(start(*RUN, "--out", str(tmp_path / "run"), "--resume", "--quiet"))
    assert_same_run(tmp_path / "run", reference[0])


def test_help_explains_every_option(capsys):
    with pytest.raises(SystemExit) as exit:
        build_parser().parse_args(["train", "--help"])
    options = " ".join(capsys.readouterr().out.split()).partition("options:")[2]
    assert exit.value.code == 0
    for option in (
        "--out DIR",
        "--steps",
        "--seed",
        "--learning-rate",
        "--batch-size",
        "--display-step",
        "--checkpoint-every N",
        "--resume",
        "--data-dir DIR",
        "--quiet",
        "--architecture {dense,conv,conv_wide,deep}",
        "--code-size N",
        "--loss {mse,bce}",
        "--activation {sigmoid,relu,linear,tanh}",
        "--initializer {normal,glorot}",
        "--optimizer {rmsprop,keras_rmsprop,adam,adam_cosine}",
        "--preset NAME",
        "--hidden N",
        "--init-mean X",
        "--init-stddev X",
        "--noise {none,gaussian,mask}",
        "--noise-level X",
    ):
        assert re.search(rf"{option}(\s+[A-Z_]+)?\s+[A-Za-z]", options), option  # and its help


@pytest.mark.parametrize(
    ("args", "code", "expected"),
    [
        (["train", "--help"], 0, "--data-dir DIR"),
        (["train", "--steps", "0"], 2, "argument --steps: must be an integer in 1..10_000_000"),
        (
            ["train", "--code-size", "1000000000000"],
            2,
            "argument --code-size: must be an integer in 1..10_000, got 1000000000000",
        ),
        (["train", "--preset", "vae_16"], 2, "argument --preset: 'vae_16' is a variational"),
    ],
)
def test_help_and_bad_options_answer_without_tensorflow(args, code, expected):
    """``-X importtime`` lists every module the process imported, on stderr."""
    began = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "ae_tutorial", *args],
        capture_output=True,
        text=True,
        timeout=60,
    )
    elapsed = time.monotonic() - began
    imported = {
        line.rpartition("|")[2].strip()
        for line in done.stderr.splitlines()
        if line.startswith("import time:")
    }
    messages = [line for line in done.stderr.splitlines() if not line.startswith("import time:")]
    assert done.returncode == code
    assert expected in done.stdout + "\n".join(messages)
    assert len(messages) == (0 if code == 0 else 1)  # an error is one line
    assert "ae_tutorial.cli" in imported  # the listing is there to read
    assert not {m for m in imported if m.split(".")[0] in ("tensorflow", "keras")}
    assert elapsed < 2, f"{elapsed:.1f} s"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["train", "--steps", "0"], "argument --steps: must be an integer in 1..10_000_000, got 0"),
        (["train", "--learning-rate", "fast"], "--learning-rate: expected a float, got 'fast'"),
        (["train", "--bogus"], "unrecognized arguments: --bogus"),
        (["train", "--steps", "0", "--bogus"], "unrecognized arguments: --bogus"),
        (["train", "--architecture", "rnn"], "--architecture: invalid choice: 'rnn'"),
        (["train", "--code-size", "0"], "argument --code-size: must be an integer in 1..10_000"),
        # sizes no machine could allocate, or whose history would take its memory
        (["train", "--code-size", str(10**12)], "--code-size: must be an integer in 1..10_000,"),
        (["train", "--hidden", "100000"], "--hidden: must be an integer in 1..10_000, got 100000"),
        (["train", "--steps", str(10**12)], "--steps: must be an integer in 1..10_000_000, got"),
        (["train", "--display-step", str(10**9)], "--display-step: must be an integer in 1.."),
        (["train", "--seed", str(2**32)], "--seed: must be an integer in 0..4_294_967_295, got"),
        (["train", "--seed", "-1"], "argument --seed: must be an integer in 0..4_294_967_295"),
        (["train", "--steps", "1e12"], "argument --steps: expected an integer, got '1e12'"),
        (["train", "--learning-rate", "inf"], "--learning-rate: must be a finite number > 0"),
        (["train", "--init-stddev", "-1"], "--init-stddev: must be a finite number >= 0, got -1.0"),
        (["train", "--checkpoint-every", "0"], "--checkpoint-every: must be a positive integer"),
        # the configuration's own checks of fields that do not go together, by option
        (
            ["train", "--architecture", "conv", "--initializer", "normal"],
            "argument --initializer: must be 'glorot' for architecture 'conv', got 'normal'",
        ),
        (
            ["train", "--activation", "linear", "--loss", "bce"],
            "argument --loss: 'bce' needs outputs in (0, 1)",
        ),
        (
            ["train", "--preset", "masker", "--noise-level", "1"],
            "argument --noise-level: 1.0 is out of range for noise 'mask'",
        ),
        (["train", "--preset", "nope"], "argument --preset: no preset 'nope'; the presets are: "),
        (
            ["train", "--preset", "vae_16"],
            "argument --preset: 'vae_16' is a variational autoencoder's preset (a VAEConfig), "
            "and train trains the original's network: train it with "
            "ae.trained(ae.preset('vae_16'))",
        ),
        (["cache", "--steps", "3"], "unrecognized arguments: --steps 3"),
        ([], "the following arguments are required: COMMAND"),
    ],
)
def test_bad_option_is_one_line_and_exit_2(args, message, capsys):
    with pytest.raises(SystemExit) as exit:
        build_parser().parse_args(args)
    err = capsys.readouterr().err
    assert exit.value.code == 2
    assert err.count("\n") == 1
    assert message in err


def test_errors_exit_1_with_one_line_and_no_traceback(tmp_path, capsys):
    assert main(["train", "--batch-size", "99999", "--out", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert err.startswith(
        "python -m ae_tutorial train: error: batch_size must be an integer in 1..55000"
    ), err


@pytest.fixture
def no_default_mnist(tmp_path, monkeypatch, refused_url):
    """Nowhere to find MNIST but --data-dir: no $AE_TUTORIAL_MNIST_DIR, an empty Keras
    folder, and a mirror that refuses connections."""
    monkeypatch.delenv(mnist.MNIST_DIR_VAR, raising=False)
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    monkeypatch.setattr(mnist, "MIRROR", refused_url)


@pytest.mark.slow
def test_data_dir_and_resume_without_a_checkpoint(tmp_path, mnist_dir, no_default_mnist, capsys):
    out = tmp_path / "out"
    args = ["train", "--steps", "3", "--display-step", "1", "--out", str(out)]
    assert main([*args, "--data-dir", str(mnist_dir), "--resume"]) == 0
    stdout, stderr = capsys.readouterr()
    assert stderr == f"No checkpoint in {out / 'checkpoint'}; starting at step 1.\n"
    history = np.loadtxt(out / "history.csv", delimiter=",", skiprows=1)
    np.testing.assert_array_equal(history[:, 0], [1, 2, 3])
    assert stdout.splitlines()[:3] == [
        f"Step {s:.0f}: Minibatch Loss: {loss:f}" for s, loss in history
    ]
    assert (out / "checkpoint" / checkpoint.FILE_NAME).exists()


def test_conv_training_of_5_steps(tmp_path, capsys):
    """``--architecture conv --code-size 16`` trains the convolutional autoencoder (Glorot
    weights, which it needs, by default) and writes weights that load into one."""
    out = tmp_path / "conv"
    args = ["train", "--architecture", "conv", "--code-size", "16", "--loss", "bce"]
    assert main([*args, "--steps", "5", "--display-step", "5", "--out", str(out), "--quiet"]) == 0
    assert capsys.readouterr() == ("", "")
    history = np.loadtxt(out / "history.csv", delimiter=",", skiprows=1)
    np.testing.assert_array_equal(history[:, 0], np.arange(1, 6))
    config = ae.OriginalConfig(
        architecture="conv", initializer="glorot", num_hidden_2=16, loss="bce", num_steps=5
    )
    model = ae.Autoencoder(config)
    untrained = model.get_weights()
    model.load_weights(out / "autoencoder.weights.h5")
    assert [w.shape for w in model.get_weights()] == [w.shape for w in untrained]
    assert not np.array_equal(model.get_weights()[0], untrained[0])  # trained, then saved
    assert 0.3 < history[0, 1] < 1  # the cross-entropy of grey outputs, not an MSE
    assert (out / "reconstructions.png").exists()


def test_conv_with_normal_initial_weights_is_exit_2_naming_the_option(tmp_path, capsys):
    """The rule lives in the configuration (``config.NEEDS``); the command line reports it
    as a bad option, before it loads anything."""
    args = ["train", "--architecture", "conv", "--initializer", "normal", "--out", str(tmp_path)]
    with pytest.raises(SystemExit) as exit:
        main(args)
    assert exit.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert err.startswith(
        "python -m ae_tutorial train: error: argument --initializer: must be 'glorot' "
        "for architecture 'conv', got 'normal'"
    ), err
    assert list(tmp_path.iterdir()) == []


def test_wrong_data_dir_is_exit_1_naming_the_missing_file(tmp_path, no_default_mnist, capsys):
    empty = tmp_path / "empty"
    empty.mkdir()
    assert (
        main(["train", "--steps", "3", "--out", str(tmp_path / "out"), "--data-dir", str(empty)])
        == 1
    )
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert err.startswith(
        f"python -m ae_tutorial train: error: {empty / 'train-images-idx3-ubyte.gz'}: missing"
    ), err


def test_cache_lists_entries_and_prune_removes_only_stale_ones(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv(cache.CACHE_VAR, str(tmp_path))
    config = ae.OriginalConfig(num_steps=20, seed=4)
    model = ae.Autoencoder(config)
    cache._store(cache.entry_path(config), model, [(1, 0.5)])  # what ae.trained writes
    current = cache.entry_path(config).name
    with monkeypatch.context() as older:  # an entry that the previous training code wrote
        older.setattr(cache, "TRAINING_VERSION", cache.TRAINING_VERSION - 1)
        cache._store(cache.entry_path(ae.OriginalConfig()), ae.Autoencoder(), [(1, 0.5)])
        old = cache.entry_path(ae.OriginalConfig()).name
    save_npz(tmp_path / "0000000000000000.npz", {"weight_0": np.zeros(3)})  # no meta
    (tmp_path / "ffffffffffffffff.npz").write_bytes((tmp_path / current).read_bytes()[:5000])
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait(timeout=60)  # a writer that died: its temporary file is abandoned
    abandoned, running = f".{old}.{dead.pid}.abcd.tmp", f".{current}.{os.getpid()}.0123.tmp"
    (tmp_path / abandoned).write_bytes(b"half")
    (tmp_path / running).write_bytes(b"half")

    assert main(["cache"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == f"4 entries in {tmp_path}"
    listed = {line.split()[0]: line for line in lines[1:]}
    assert {stem: line.split()[1] for stem, line in listed.items()} == {
        current[:-4]: "current",
        old[:-4]: "stale",
        "0000000000000000": "stale",
        "ffffffffffffffff": "stale",
    }
    assert listed[current[:-4]].endswith("original: num_steps=20, seed=4")
    version = f"training version {cache.TRAINING_VERSION - 1}"
    assert listed[old[:-4]].endswith(f"{version}  original preset original, seed 0")
    assert listed["0000000000000000"].endswith("unknown configuration")

    assert main(["cache", "--prune"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == (
        "removed 4 stale entries and temporary files"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([current, running])
    assert ae.trained(config, verbose=False).from_cache  # the current entry still loads


def test_cache_lists_a_vae_entry_by_its_preset(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv(cache.CACHE_VAR, str(tmp_path))
    config = ae.preset("vae_16", seed=2)
    model = ae.vae.build_vae(config)
    cache._store(cache.entry_path(config), model, {"loss": [1.0]})  # what ae.trained writes
    assert main(["cache"]) == 0
    line = capsys.readouterr().out.splitlines()[1]
    assert line.split()[:2] == [cache.entry_path(config).stem, "current"]
    assert line.endswith("VAE version 1  vae preset vae_16, seed 2")


def test_cache_of_an_empty_folder(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv(cache.CACHE_VAR, str(tmp_path / "none"))
    assert main(["cache", "--prune"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        f"0 entries in {tmp_path / 'none'}",
        "removed 0 stale entries and temporary files",
    ]


def test_options_are_the_configs_fields_and_default_to_the_original():
    """One option per field of OriginalConfig (but the two the command line leaves alone),
    named as ``option`` says; no option given is the original; each option sets its field;
    its help is the field's description in the class docstring."""
    fields = [f for f in dataclasses.fields(ae.OriginalConfig) if f.name not in cli.NO_OPTION]
    parser = build_parser()
    assert parser.parse_args(["train"]).config == ae.OriginalConfig()
    train = parser._subparsers._group_actions[0].choices["train"]
    by_dest = {action.dest: action for action in train._actions}
    for field in fields:
        action = by_dest[field.name]
        assert action.option_strings == [cli.option(field.name)]
        allowed = ALLOWED[field.name]
        if isinstance(allowed, tuple):
            assert tuple(action.choices) == allowed
            value = allowed[-1]
        else:
            value = {int: 7, float: 0.5}[type(field.default)]
        extra = NEEDS.get(value, {}) if field.name == "architecture" else {}
        config = parser.parse_args(["train", cli.option(field.name), str(value)]).config
        assert config == ae.OriginalConfig(**{field.name: value, **extra})
        assert f"default: {field.default:{'_' if type(field.default) is int else ''}}" in (
            action.help
        )
    activation = "the hidden units' activation, sigmoid, relu, tanh or linear."
    assert activation in by_dest["activation"].help
    assert by_dest["num_hidden_2"].help.startswith(
        "width of the second hidden layer: the length of the code; an integer in 1..10_000"
    )
    assert cli.option("num_steps") == "--steps"
    assert cli.option("checkpoint_every") == "--checkpoint-every"


def test_a_conv_architecture_gets_what_it_needs_unless_told_otherwise():
    parse = build_parser().parse_args
    assert parse(["train", "--architecture", "conv_wide"]).config == ae.OriginalConfig(
        architecture="conv_wide", initializer="glorot"
    )
    explicit = parse(["train", "--architecture", "conv", "--initializer", "glorot"]).config
    assert explicit.initializer == "glorot"


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--preset", "conv_16"], ae_runs.PRESETS["conv_16"]),
        (
            ["--preset", "dense_16", "--steps", "5", "--seed", "3", "--code-size", "8"],
            ae_runs.preset("dense_16", num_steps=5, seed=3, num_hidden_2=8),
        ),
        (
            ["--preset", "original", "--architecture", "conv"],
            ae.OriginalConfig(architecture="conv", initializer="glorot"),
        ),
        (["--preset", "denoiser", "--noise", "none"], ae_runs.preset("denoiser", noise="none")),
    ],
)
def test_a_preset_is_trained_with_the_options_given_overriding_its_fields(args, expected):
    assert build_parser().parse_args(["train", *args]).config == expected


def test_help_lists_every_preset_of_the_originals_network(capsys):
    with pytest.raises(SystemExit):
        build_parser().parse_args(["train", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    listed = text.partition("options:")[2].partition("--preset NAME")[2].partition("--out DIR")[0]
    names = [n for n, c in ae_runs.PRESETS.items() if isinstance(c, ae.OriginalConfig)]
    assert listed.rstrip().endswith(", ".join(names))
    assert "vae_16" not in listed


@pytest.mark.slow
def test_a_short_preset_run_trains_the_preset(tmp_path, capsys):
    out = tmp_path / "run"
    args = ["train", "--preset", "dense_16", "--steps", "3", "--display-step", "3"]
    assert main([*args, "--out", str(out), "--quiet"]) == 0
    assert capsys.readouterr() == ("", "")
    model = ae.Autoencoder(ae_runs.preset("dense_16"))
    model.load_weights(out / "autoencoder.weights.h5")  # a code of 16 units, ReLU
    assert model.get_weights()[2].shape == (256, 16)
    meta = json.loads(str(load_npz(out / "checkpoint" / checkpoint.FILE_NAME)["meta"]))
    assert meta["config"] == ae_runs.preset("dense_16", num_steps=3, display_step=3).to_dict()


def test_a_batch_larger_than_the_data_set_is_one_line(tmp_path, capsys):
    assert main(["train", "--batch-size", str(10**12), "--out", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert "batch_size must be an integer in 1..55000" in err


@pytest.mark.parametrize(
    "error",
    [
        MemoryError("Unable to allocate 3.7 TiB for an array with shape (256, 10**12)"),
        "tensorflow",  # TensorFlow's ResourceExhaustedError
    ],
)
def test_running_out_of_memory_is_one_line(tmp_path, monkeypatch, capsys, error):
    """A size within the bounds can still be too large for the machine."""
    if error == "tensorflow":
        error = ae.tf.errors.ResourceExhaustedError(
            None, None, "{{function_node x}} OOM when allocating tensor with shape[256,99999]"
        )

    def allocate(config):
        raise error

    monkeypatch.setattr(ae, "Autoencoder", allocate)
    assert main(["train", "--steps", "3", "--out", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert err.startswith("python -m ae_tutorial train: error: out of memory (")
    assert err.endswith("); lower --batch-size, --display-step, --code-size or --hidden\n")
    assert ("shape[256,99999]" if "OOM" in str(error) else "3.7 TiB") in err


#: A run of 4 steps printed every 3: its chunks end at steps 1, 3 (a checkpoint) and 4.
SHORT = ["train", "--steps", "4", "--display-step", "3", "--quiet"]


@pytest.fixture(scope="module")
def short_run(tmp_path_factory):
    """SHORT, run to its end: the output folder and its checkpoint's bytes."""
    out = tmp_path_factory.mktemp("short")
    assert main([*SHORT, "--out", str(out)]) == 0
    return out, (out / "checkpoint" / checkpoint.FILE_NAME).read_bytes()


@pytest.mark.slow
@pytest.mark.parametrize(
    ("changed", "written"),
    [
        (["--checkpoint-every", "1"], "--checkpoint-every 3 (this run: 1)"),
        (["--checkpoint-every", "2"], "--checkpoint-every 3 (this run: 2)"),
        (["--steps", "8"], "--steps 4 (this run: 8)"),  # extended past its steps
        (["--display-step", "2"], "--display-step 3 (this run: 2), --checkpoint-every 3 (this"),
        (["--display-step", "2", "--checkpoint-every", "3"], "--display-step 3 (this run: 2);"),
    ],
)
def test_resume_with_other_options_is_refused_naming_each(short_run, changed, written, capsys):
    """Each of them moves where a compiled chunk ends, and so the last bits: the checkpoint
    knows the ones it was written with, and the resume is refused, the checkpoint kept."""
    out, saved = short_run
    args = [*SHORT, "--out", str(out), "--resume"]
    assert main([*args, *changed]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert err.startswith(
        f"python -m ae_tutorial train: error: {out / 'checkpoint' / checkpoint.FILE_NAME} was "
        f"written with {written}"
    ), err
    assert err.endswith("resume with those, or start again without --resume\n")
    assert (out / "checkpoint" / checkpoint.FILE_NAME).read_bytes() == saved
    history = (out / "history.csv").read_text()
    assert main(args) == 0  # with its own options: done already, the same results
    assert (out / "history.csv").read_text() == history
