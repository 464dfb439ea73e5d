"""Root conftest, loaded for every test and every notebook that pytest collects here.

MNIST comes from $AE_TUTORIAL_MNIST_DIR. In a checkout beside shared/ (the development
machines and CI), it defaults to ../shared/mnist, so plain ``pytest --nbval`` needs no
download there. The notebook kernels that nbval starts inherit this environment.
"""

import os
from pathlib import Path

SHARED_MNIST = Path(__file__).resolve().parent.parent / "shared" / "mnist"
if SHARED_MNIST.is_dir():
    os.environ.setdefault("AE_TUTORIAL_MNIST_DIR", str(SHARED_MNIST))
