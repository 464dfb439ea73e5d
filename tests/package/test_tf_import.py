"""Importing the package leaves stderr clean but lets real warnings through, and changes
nothing else in the process: not an environment variable already set, not TensorFlow's
logger."""

import json
import os
import subprocess
import sys

import pytest

from ae_tutorial._tf import filter_import_noise

ABSL = "WARNING: All log messages before absl::InitializeLog() is called are written to STDERR\n"
ONEDNN = "I0000 port.cc:153] oneDNN custom operations are on. You may see ...\n"
NO_CUDA = (
    "I0000 cudart_stub.cc:31] Could not find cuda drivers on your machine, GPU will not be used.\n"
)
CUINIT = (
    "E0000 cuda_platform.cc:52] failed call to cuInit: INTERNAL: CUDA error: Failed call "
    "to cuInit: UNKNOWN ERROR (303)\n"
)
REAL = "W0000 some_op.cc:1] a real warning\n"


@pytest.mark.parametrize("gpu_machine", [None, True, False])
def test_known_info_lines_dropped_others_kept(gpu_machine):
    text = ABSL + ONEDNN + NO_CUDA + REAL
    assert filter_import_noise(text, gpu_machine) == REAL


def test_failed_cuinit_is_kept_on_a_machine_with_a_gpu_only():
    """Without a GPU the failed cuInit is noise; with one, it is a driver error to show."""
    text = ABSL + CUINIT + REAL
    assert filter_import_noise(text, gpu_machine=True) == CUINIT + REAL
    assert filter_import_noise(text, gpu_machine=False) == REAL


def run_python(code, **env):
    """Run ``code`` in a fresh interpreter; the environment without TF_CPP_MIN_LOG_LEVEL,
    plus ``env``."""
    environ = {k: v for k, v in os.environ.items() if k != "TF_CPP_MIN_LOG_LEVEL"} | env
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=environ, timeout=300
    )
    assert done.returncode == 0, done.stderr
    return done


def test_tensorflow_loads_only_for_a_name_that_needs_it():
    """The configuration and the light modules come without TensorFlow, and so does the
    answer to a name that the package lacks (pytest asks for ``_mock_name`` while it
    collects; ``hasattr`` asks too)."""
    done = run_python(
        "import sys, ae_tutorial as ae\n"
        "assert getattr(ae, '_mock_name', None) is None\n"
        "assert not hasattr(ae, 'no_such_name')\n"
        "ae.OriginalConfig(seed=1)\n"
        "from ae_tutorial import checks, cli, mnist, npz\n"
        "print('tensorflow' in sys.modules)"
    )
    assert done.stdout == "False\n"


@pytest.mark.slow
def test_import_and_first_op_add_nothing_to_stderr(foreign_stderr):
    """Only lines that TensorFlow itself prints here, after the package's filter, may
    appear (none with the wheel this project pins); and the log level defaults to 1."""
    done = run_python(
        "import os, ae_tutorial as ae, numpy as np; "
        "print(float(ae.mse(np.ones((1, 2), 'f'), np.zeros((1, 2), 'f')))); "
        "print(os.environ['TF_CPP_MIN_LOG_LEVEL'])"
    )
    assert done.stdout == "1.0\n1\n"
    assert foreign_stderr(done.stderr) == []


IMPORT_EVERYTHING = """
import json, logging, os
logger = logging.getLogger("tensorflow")  # tf.get_logger() is this logger
before = [repr(f) for f in logger.filters]
import ae_tutorial as ae
for name in ae.__all__:
    getattr(ae, name)  # every module of the package, TensorFlow included
assert ae.tf.get_logger() is logger
print(json.dumps({"before": before, "after": [repr(f) for f in logger.filters],
                  "level": os.environ["TF_CPP_MIN_LOG_LEVEL"]}))
"""


@pytest.mark.slow
def test_import_leaves_the_log_level_and_tensorflows_logger_alone():
    done = run_python(IMPORT_EVERYTHING, TF_CPP_MIN_LOG_LEVEL="0")
    seen = json.loads(done.stdout)
    assert seen["level"] == "0"  # the user's setting, not the package's default of 1
    assert seen["after"] == seen["before"]  # no logging filter left by any import
