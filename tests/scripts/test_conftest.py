"""tests/conftest.py: synthetic MNIST for every test, the real files for ``real_mnist`` tests
(skipped where they are missing), and ``cpu_bits`` tests skipped where a GPU is visible."""

import gzip
from pathlib import Path

import numpy as np
import pytest

import ae_tutorial as ae

CONFTEST = (Path(__file__).resolve().parents[1] / "conftest.py").read_text()

TESTS = """
import os
import pytest

def test_plain():
    pass

@pytest.mark.real_mnist
def test_marked():
    pass

def test_uses_the_real_files(real_mnist_dir):
    pass

@pytest.mark.cpu_bits
def test_bits():
    pass
"""


#: No synthetic files: these tests read no MNIST (and pytest starts quicker).
STUBS = """
@pytest.fixture(scope="session")
def synthetic_mnist(tmp_path_factory):
    return tmp_path_factory.mktemp("unused"), {}
"""


@pytest.mark.parametrize("gpu", [False, True])
def test_real_mnist_and_cpu_bits_tests_are_skipped_saying_why(pytester, monkeypatch, gpu):
    empty = pytester.mkdir("no-mnist")
    monkeypatch.setenv("AE_TUTORIAL_MNIST_DIR", str(empty))
    pytester.makeconftest(f"{CONFTEST}\n{STUBS}\n\ndef gpu_visible():\n    return {gpu}\n")
    pytester.makepyfile(TESTS)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-rs", timeout=300)
    result.assert_outcomes(passed=2 - gpu, skipped=2 + gpu)
    result.stdout.fnmatch_lines(
        [f"SKIPPED [[]2[]] *: needs the real MNIST files, and {empty} lacks train-images-*"]
    )
    if gpu:
        result.stdout.fnmatch_lines(["SKIPPED [[]1[]] *: asserts bits that hold on a CPU, *"])
    if not gpu:
        selected = pytester.runpytest_subprocess(
            "-p", "no:cacheprovider", "-m", "not real_mnist", timeout=300
        )
        selected.assert_outcomes(passed=2, deselected=2)


def test_the_synthetic_files_are_mnist_shaped(mnist_dir, mnist):
    """What ``read_data_sets`` checks holds, and the digits look like MNIST's: ink on black,
    a fifth of the pixels lit, every label."""
    for name, (magic, shape) in {
        "train-images-idx3-ubyte.gz": (2051, (60_000, 28, 28)),
        "t10k-labels-idx1-ubyte.gz": (2049, (10_000,)),
    }.items():
        with gzip.open(mnist_dir / name) as f:
            assert int.from_bytes(f.read(4), "big") == magic
        assert ae.mnist.load_idx(mnist_dir / name).shape == shape
    images = mnist.train.images
    assert 0.15 < (images > 0).mean() < 0.3
    assert images.min() == 0.0
    assert images.max() == 1.0
    assert set(np.unique(mnist.test.labels)) == set(range(10))


def test_a_test_reads_the_synthetic_files_through_the_packages_own_lookup(mnist_dir):
    assert ae.mnist.default_data_dir() == mnist_dir
    assert ae.mnist.fetch("t10k-labels-idx1-ubyte.gz") == mnist_dir / "t10k-labels-idx1-ubyte.gz"


def test_a_real_mnist_test_reads_the_real_folder(real_mnist_dir, mnist_dir):
    assert ae.mnist.default_data_dir() == real_mnist_dir != mnist_dir
    assert (
        ae.mnist.fetch("t10k-labels-idx1-ubyte.gz") == real_mnist_dir / "t10k-labels-idx1-ubyte.gz"
    )


def test_a_copy_of_a_synthetic_file_elsewhere_is_not_canonical(mnist_dir, tmp_path):
    name = "t10k-labels-idx1-ubyte.gz"
    (tmp_path / name).write_bytes((mnist_dir / name).read_bytes())
    with pytest.raises(ValueError, match=f"expected {ae.mnist.SHA256[name]}"):
        ae.mnist.fetch(name, tmp_path)
