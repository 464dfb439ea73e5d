"""Shared fixtures (the MNIST folder is set up by the root conftest.py)."""

import os
from pathlib import Path

import pytest

import ae_tutorial as ae


@pytest.fixture(scope="session")
def mnist():
    """The canonical MNIST, TF1's split, batch order seeded with 0."""
    return ae.read_data_sets(seed=0)


@pytest.fixture(scope="session")
def mnist_dir():
    return Path(os.environ.get("AE_TUTORIAL_MNIST_DIR", ae.mnist.default_data_dir()))
