"""Importing the package leaves stderr clean but lets real warnings through."""

import os
import subprocess
import sys

from ae_tutorial._tf import filter_import_noise


def test_known_info_lines_dropped_others_kept():
    text = ("WARNING: All log messages before absl::InitializeLog() is called are written to STDERR\n"
            "I0000 port.cc:153] oneDNN custom operations are on. You may see ...\n"
            "I0000 cudart_stub.cc:31] Could not find cuda drivers on your machine, GPU will not be used.\n"
            "W0000 some_op.cc:1] a real warning\n")
    assert filter_import_noise(text) == "W0000 some_op.cc:1] a real warning\n"


def test_import_and_first_op_write_nothing_to_stderr():
    code = "import ae_tutorial as ae; import numpy as np; print(float(ae.mse(np.ones((1, 2), 'f'), np.zeros((1, 2), 'f'))))"
    env = {k: v for k, v in os.environ.items() if k != "TF_CPP_MIN_LOG_LEVEL"}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "1.0\n" and done.stderr == ""
