"""Shared fixtures (the MNIST folder is set up by the root conftest.py).

``mnist`` is loaded once per session and shared, so it cannot be drawn from: its images are
read-only and ``next_batch`` raises. A test that trains or draws batches takes
``fresh_mnist``, a new set of data sets at the start of the same batch order.
"""

import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest

# ``ae_tutorial`` is imported inside the fixtures, not here: while it collects, pytest looks
# up attributes (``_mock_name``) of this module's globals, and a lookup on the package would
# load TensorFlow even for a run that needs none (tests/test_config.py alone, say).


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
        new.set_state(ds.get_state())  # the batch order of the original (seed 0)
        return new

    return Datasets(*(one(ds) for ds in datasets))


@pytest.fixture(scope="session")
def _pristine_mnist():
    """The canonical MNIST, TF1's split, batch order seeded with 0; never drawn from."""
    from ae_tutorial import read_data_sets

    datasets = read_data_sets(seed=0)
    for ds in datasets:
        for array in (ds.images, ds.labels, ds.pixels):
            array.flags.writeable = False  # a test that writes into the shared data fails
    return datasets


@pytest.fixture(scope="session")
def mnist(_pristine_mnist):
    """The canonical MNIST (TF1's split), shared: read its arrays, never draw batches."""
    return _copy(_pristine_mnist, _shared_data_set())


@pytest.fixture
def fresh_mnist(_pristine_mnist):
    """The canonical MNIST at the start of the batch order of ``read_data_sets(seed=0)``."""
    from ae_tutorial import DataSet

    return _copy(_pristine_mnist, DataSet)


@pytest.fixture(scope="session")
def mnist_dir():
    from ae_tutorial.mnist import default_data_dir

    return Path(os.environ.get("AE_TUTORIAL_MNIST_DIR", default_data_dir()))


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
