"""Shared fixtures. MNIST comes from $AE_TUTORIAL_MNIST_DIR; in a checkout beside
shared/ (development machines and CI) it defaults to ../shared/mnist, so plain
``pytest --nbval`` works there. The kernels nbval starts inherit this environment."""

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED_MNIST = ROOT.parent / "shared" / "mnist"
if SHARED_MNIST.is_dir():
    os.environ.setdefault("AE_TUTORIAL_MNIST_DIR", str(SHARED_MNIST))

import ae_tutorial as ae  # noqa: E402  (after the data folder is set)


@pytest.fixture(scope="session")
def mnist():
    """The canonical MNIST, TF1's split, batch order seeded with 0."""
    return ae.read_data_sets(seed=0)


@pytest.fixture(scope="session")
def mnist_dir():
    return Path(os.environ.get("AE_TUTORIAL_MNIST_DIR", ae.mnist.default_data_dir()))
