"""Shared fixtures: MNIST-shaped data for every test, the real MNIST for the few that need it.

A test runs on synthetic MNIST unless it asks for the real files. The synthetic files have the
four canonical names, the IDX format and the canonical sizes (60,000 training and 10,000 test
images of 28 x 28 bytes, and their labels), so ``read_data_sets`` loads them as it loads the
real ones: soft blobs of ink on black, about as many lit pixels as MNIST's. They are written
once a session into a temporary folder. The loader checks every file against the published
SHA-256; in this test process (and nowhere else: nothing a user runs is changed), a file of
that folder is checked against its own digest instead, every other file as before. While the
tests of a module run (its fixtures included), ``$AE_TUTORIAL_MNIST_DIR`` names that folder,
so the package's own loading (``ae.trained``, the command line) finds it too, and the fast
subset needs no download. The variable is restored after each module: the notebooks that
``pytest --nbval`` runs next read the real files.

- ``mnist`` (shared: read its arrays, never draw batches), ``fresh_mnist`` (at the start of
  ``read_data_sets(seed=0)``'s batch order) and ``mnist_dir`` (the folder) are the synthetic
  data, loaded through ``read_data_sets``.
- ``real_mnist`` and ``real_mnist_dir`` are the canonical files, from ``$AE_TUTORIAL_MNIST_DIR``
  as the session started (the root conftest.py points it at ../shared/mnist where that
  exists), else the package's cache folder; ``real_mnist_env`` is a context manager in which
  the variable names that folder (for a module's fixture that starts a process which reads
  MNIST). A test that uses one of them is marked ``real_mnist``; so is a test that starts such
  a process (by hand). A ``real_mnist`` test runs with the variable naming the real folder, and
  is skipped, saying why, when the four files are not there: they are never downloaded here.
- A test marked ``cpu_bits`` asserts bits that hold on a CPU (two trainings, or TF1's graph and
  the port, equal bit for bit): it is skipped where TensorFlow sees a GPU.
"""

import contextlib
import functools
import gzip
import hashlib
import json
import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

# ``ae_tutorial`` is imported inside the fixtures, not here: while it collects, pytest looks
# up attributes (``_mock_name``) of this module's globals, and a lookup on the package would
# load TensorFlow even for a run that needs none (tests/package/test_config.py alone, say).

#: The canonical files: name -> (IDX magic, shape), the shapes ``read_data_sets`` requires.
MNIST_FILES = {
    "train-images-idx3-ubyte.gz": (2051, (60_000, 28, 28)),
    "train-labels-idx1-ubyte.gz": (2049, (60_000,)),
    "t10k-images-idx3-ubyte.gz": (2051, (10_000, 28, 28)),
    "t10k-labels-idx1-ubyte.gz": (2049, (10_000,)),
}


def _mnist_lookup():
    from ae_tutorial import mnist  # light: NumPy only

    return mnist.MNIST_DIR_VAR, mnist.default_data_dir()


#: The variable naming the MNIST folder, and the real folder as the session found it (before
#: any test points the variable elsewhere).
MNIST_DIR_VAR, REAL_MNIST_DIR = _mnist_lookup()
REAL_FIXTURES = {"real_mnist", "real_mnist_dir", "real_mnist_env"}


def pytest_collection_modifyitems(items):
    """A test that uses the real files is marked ``real_mnist``, so ``-m`` can select it."""
    for item in items:
        if REAL_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker("real_mnist")


def missing_real_mnist(folder=REAL_MNIST_DIR):
    """The canonical files that ``folder`` lacks."""
    return [name for name in MNIST_FILES if not (folder / name).is_file()]


@functools.cache
def gpu_visible():
    """Whether TensorFlow sees a GPU (asked once, when a ``cpu_bits`` test first runs)."""
    from ae_tutorial import tf

    return bool(tf.config.list_physical_devices("GPU"))


def pytest_runtest_setup(item):
    if item.get_closest_marker("real_mnist") and missing_real_mnist():
        pytest.skip(
            f"needs the real MNIST files, and {REAL_MNIST_DIR} lacks "
            f"{', '.join(missing_real_mnist())}: set AE_TUTORIAL_MNIST_DIR to a folder "
            "holding the four .gz files, or download them once with "
            "python -c 'import ae_tutorial as ae; ae.read_data_sets()'"
        )
    if item.get_closest_marker("cpu_bits") and gpu_visible():
        pytest.skip(
            "asserts bits that hold on a CPU, and TensorFlow sees a GPU here "
            "(CUDA_VISIBLE_DEVICES= runs it on the CPU)"
        )


def synthetic_digits(count, seed=0, bank=1_000):
    """``(images, labels)``: ``count`` MNIST-shaped images, uint8 (count, 28, 28), and labels,
    uint8 (count,) in 0..9.

    Each image is three soft round blots of ink (255 at their centres) on black (0), about a
    fifth of its pixels lit, as in MNIST; ``bank`` different images are drawn from ``seed`` and
    repeated in turn.
    """
    rng = np.random.default_rng(seed)
    rows, cols = np.mgrid[0:28, 0:28]
    centres = rng.uniform(6, 22, size=(bank, 3, 2, 1, 1))
    widths = rng.uniform(1.5, 3.0, size=(bank, 3, 1, 1))
    squared = (rows - centres[:, :, 0]) ** 2 + (cols - centres[:, :, 1]) ** 2
    ink = np.exp(-squared / (2 * widths**2)).max(axis=1)
    images = np.clip(ink * 300 - 40, 0, 255).astype(np.uint8)
    labels = rng.integers(0, 10, size=bank, dtype=np.uint8)
    return np.resize(images, (count, 28, 28)), np.resize(labels, count)


def idx_file(magic, array):
    """The bytes of a gzipped IDX file holding the uint8 ``array`` (stored, not compressed:
    written fast, and a valid gzip file)."""
    header = magic.to_bytes(4, "big") + b"".join(n.to_bytes(4, "big") for n in array.shape)
    return gzip.compress(header + array.tobytes(), compresslevel=0, mtime=0)


def write_synthetic_mnist(folder):
    """Write the four synthetic files into ``folder``; returns their SHA-256 by name."""
    folder.mkdir(parents=True, exist_ok=True)
    train, test = synthetic_digits(60_000, seed=0), synthetic_digits(10_000, seed=1)
    arrays = {
        "train-images-idx3-ubyte.gz": train[0],
        "train-labels-idx1-ubyte.gz": train[1],
        "t10k-images-idx3-ubyte.gz": test[0],
        "t10k-labels-idx1-ubyte.gz": test[1],
    }
    digests = {}
    for name, (magic, shape) in MNIST_FILES.items():
        assert arrays[name].shape == shape, name
        data = idx_file(magic, arrays[name])
        (folder / name).write_bytes(data)
        digests[name] = hashlib.sha256(data).hexdigest()
    return digests


@pytest.fixture(scope="session")
def synthetic_mnist(tmp_path_factory):
    """``(folder, digests)``: the synthetic files, written once a session, and their SHA-256."""
    folder = tmp_path_factory.mktemp("synthetic-mnist")
    return folder, write_synthetic_mnist(folder)


@pytest.fixture(scope="session", autouse=True)
def _synthetic_files_verify(synthetic_mnist):
    """In this process, a file of the synthetic folder verifies against its own SHA-256."""
    from ae_tutorial import mnist

    folder, digests = synthetic_mnist
    published = mnist.verify

    def verify(path):
        path = Path(path)
        if path.parent.resolve() != folder.resolve():
            return published(path)
        actual = mnist.sha256_of(path)
        if actual != digests[path.name]:
            raise ValueError(f"{path}: SHA-256 is {actual}, expected {digests[path.name]}")
        return path

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(mnist, "verify", verify)
        yield


@pytest.fixture(scope="module", autouse=True)
def _synthetic_mnist_dir(synthetic_mnist):
    """``$AE_TUTORIAL_MNIST_DIR`` names the synthetic folder while a module's tests run."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(MNIST_DIR_VAR, str(synthetic_mnist[0]))
        yield


@pytest.fixture(autouse=True)
def _real_mnist_dir_for_real_mnist_tests(request, monkeypatch):
    """A ``real_mnist`` test reads MNIST where the session found it."""
    if request.node.get_closest_marker("real_mnist"):
        monkeypatch.setenv(MNIST_DIR_VAR, str(REAL_MNIST_DIR))


def _shared_data_set():
    """A ``DataSet`` class that many tests share: reading it is fine, drawing a batch is not.

    (Made on first use: ``ae_tutorial.DataSet`` loads TensorFlow, which a test of the
    configuration, say, does not need.)
    """
    import ae_tutorial

    class SharedDataSet(ae_tutorial.DataSet):
        def next_batch_indices(self, batch_size):
            raise RuntimeError(
                "the session-scoped `mnist` fixture is shared by every test; "
                "draw batches from the `fresh_mnist` fixture instead"
            )

    return SharedDataSet


def _copy(datasets, cls):
    """``datasets`` as ``cls`` instances sharing the arrays, each at the same batch position."""
    from ae_tutorial import Datasets

    def one(ds):
        if ds is None:
            return None
        new = cls(ds.images, ds.labels, pixels=ds.pixels)
        new.set_state(ds.get_state())  # the batch order of ``read_data_sets(seed=0)``
        return new

    return Datasets(*(one(ds) for ds in datasets))


def _read_only(datasets):
    """``datasets`` with every array read-only: a test that writes into shared data fails."""
    for ds in datasets:
        for array in (ds.images, ds.labels, ds.pixels):
            array.flags.writeable = False
    return datasets


@pytest.fixture(scope="session")
def _pristine_mnist(synthetic_mnist, _synthetic_files_verify):
    """The synthetic MNIST, TF1's split, batch order seeded with 0; never drawn from."""
    from ae_tutorial import read_data_sets

    return _read_only(read_data_sets(synthetic_mnist[0], seed=0))


@pytest.fixture(scope="session")
def mnist(_pristine_mnist):
    """The synthetic MNIST (TF1's split), shared: read its arrays, never draw batches."""
    return _copy(_pristine_mnist, _shared_data_set())


@pytest.fixture
def fresh_mnist(_pristine_mnist):
    """The synthetic MNIST at the start of the batch order of ``read_data_sets(seed=0)``."""
    from ae_tutorial import DataSet

    return _copy(_pristine_mnist, DataSet)


@pytest.fixture(scope="session")
def mnist_dir(synthetic_mnist):
    """The folder of the synthetic files (readable during a test: see the module's doc)."""
    return synthetic_mnist[0]


@pytest.fixture(scope="session")
def real_mnist_dir():
    """The folder of the real MNIST files (its tests are skipped when they are missing)."""
    return REAL_MNIST_DIR


@pytest.fixture(scope="session")
def real_mnist_env():
    """``with real_mnist_env():`` ``$AE_TUTORIAL_MNIST_DIR`` names the real files' folder."""

    @contextlib.contextmanager
    def real():
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv(MNIST_DIR_VAR, str(REAL_MNIST_DIR))
            yield REAL_MNIST_DIR

    return real


@pytest.fixture(scope="session")
def real_mnist(real_mnist_dir):
    """The canonical MNIST (TF1's split, batch order seeded with 0), shared: read only."""
    from ae_tutorial import read_data_sets

    return _copy(_read_only(read_data_sets(real_mnist_dir, seed=0)), _shared_data_set())


@pytest.fixture
def refused_url():
    """``http://127.0.0.1:PORT/`` where connections are refused, deterministically: the port
    is bound by this fixture, so no other process can listen there, and never listened on."""
    with socket.socket() as bound:
        bound.bind(("127.0.0.1", 0))
        yield f"http://127.0.0.1:{bound.getsockname()[1]}/"


#: TensorFlow on its own, as the package starts it: log level 1, devices, an op, an XLA call.
BARE_TENSORFLOW = """
import os
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "1")
import tensorflow as tf
tf.config.list_physical_devices()
tf.reduce_mean(tf.ones((2, 2)))
tf.function(lambda x: tf.reduce_sum(x * 2.0), jit_compile=True)(tf.ones(3))
"""


def _shape(line):
    """A stderr line without its numbers (glog time stamps, thread ids, source lines)."""
    return re.sub(r"\d+", "0", line.rstrip())


@pytest.fixture(scope="session")
def foreign_stderr():
    """``extra(stderr)``: the lines of ``stderr`` that TensorFlow itself does not print here.

    For subprocesses started without ``TF_CPP_MIN_LOG_LEVEL``. A bare TensorFlow in a
    subprocess (same environment, the log level that the package then sets) shows what
    this build writes to stderr; the package's own filter
    (``ae_tutorial._tf.filter_import_noise``) removes from it the lines the package
    promises to drop. A line of ``stderr`` that is in what remains is this TensorFlow
    build's, not ours; every other line (a warning of ours, a progress bar, a known INFO
    line that the filter missed) is returned. Numbers (time stamps, thread ids) may differ.
    """
    from ae_tutorial._tf import filter_import_noise

    env = {k: v for k, v in os.environ.items() if k != "TF_CPP_MIN_LOG_LEVEL"}
    done = subprocess.run(
        [sys.executable, "-c", BARE_TENSORFLOW],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    builds = {_shape(line) for line in filter_import_noise(done.stderr).splitlines()}
    return lambda stderr: [line for line in stderr.splitlines() if _shape(line) not in builds]


@pytest.fixture(scope="session")
def run_on_backend():
    """``run(script, backend, *args, timeout=600)``: ``script`` run by ``python -c`` in a fresh
    process under the Keras ``backend``, with ``args`` after it; the JSON object it prints on
    its last line, checked to name that backend. The process must succeed (its stderr shown if
    not)."""

    def run(script, backend, *args, timeout=600):
        env = {**os.environ, "KERAS_BACKEND": backend}
        done = subprocess.run(
            [sys.executable, "-c", script, *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        assert done.returncode == 0, done.stderr
        result = json.loads(done.stdout.strip().splitlines()[-1])
        assert result["backend"] == backend
        return result

    return run
