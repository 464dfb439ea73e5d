"""Root conftest, loaded for every test and every notebook that pytest collects here.

MNIST comes from $AE_TUTORIAL_MNIST_DIR. In a checkout beside shared/ (the development
machines and CI), it defaults to ../shared/mnist, so plain ``pytest --nbval`` needs no
download there. The notebook kernels that nbval starts inherit this environment. (The tests
in tests/ read synthetic MNIST-shaped files instead: tests/conftest.py.)

At the end of a run that executed notebooks (``pytest --nbval``), a table gives each
notebook's execution time, slowest first (tools/notebook_times.py).
"""

import os
from pathlib import Path

from tools.notebook_times import summary

pytest_plugins = ["pytester"]  # tests/scripts/test_conftest.py runs pytest on small test files

SHARED_MNIST = Path(__file__).resolve().parent.parent / "shared" / "mnist"
if SHARED_MNIST.is_dir():
    os.environ.setdefault("AE_TUTORIAL_MNIST_DIR", str(SHARED_MNIST))


def pytest_terminal_summary(terminalreporter):
    summary(terminalreporter)
