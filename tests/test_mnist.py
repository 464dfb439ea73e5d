"""The files, their digests, the IDX parser, and the download path (on 127.0.0.1)."""

import functools
import gzip
import http.server
import shutil
import threading

import numpy as np
import pytest

from ae_tutorial import mnist

NAMES = sorted(mnist.SHA256)


def test_digests_match_the_published_list(mnist_dir):
    sums = mnist_dir / "SHA256SUMS"
    if not sums.exists():
        pytest.skip("no SHA256SUMS beside the data")
    published = dict(line.split()[::-1] for line in sums.read_text().splitlines() if line)
    assert published == mnist.SHA256


@pytest.mark.parametrize("name", NAMES)
def test_each_file_verifies(mnist_dir, name):
    assert mnist.fetch(name, mnist_dir) == mnist_dir / name


def test_altered_file_is_refused_naming_file_and_digest(tmp_path, mnist_dir):
    name = "t10k-labels-idx1-ubyte.gz"
    data = bytearray((mnist_dir / name).read_bytes())
    data[100] ^= 1
    (tmp_path / name).write_bytes(data)
    with pytest.raises(ValueError, match=rf"{name}.*expected {mnist.SHA256[name]}"):
        mnist.fetch(name, tmp_path)


def test_truncated_gzip_names_the_file(tmp_path, mnist_dir):
    path = tmp_path / "t10k-labels-idx1-ubyte.gz"
    path.write_bytes((mnist_dir / path.name).read_bytes()[:2000])
    with pytest.raises(ValueError, match="t10k-labels-idx1-ubyte.gz: not a complete gzip"):
        mnist.load_idx(path)


def idx(magic, shape, payload=None):
    body = bytes(int(np.prod(shape))) if payload is None else payload
    return magic.to_bytes(4, "big") + b"".join(d.to_bytes(4, "big") for d in shape) + body


def test_parse_idx_reads_labels_and_images():
    assert mnist.parse_idx(idx(2049, (3,), b"\x01\x02\x03")).tolist() == [1, 2, 3]
    assert mnist.parse_idx(idx(2051, (2, 3, 4))).shape == (2, 3, 4)


@pytest.mark.parametrize("data, message", [
    (idx(2050, (3,)), "magic 2050"),
    (idx(2049, (5,))[:-1], "4 data bytes, expected 5"),
    (idx(2049, (5,)) + b"\0", "6 data bytes, expected 5"),
    (idx(2051, (2, 3, 4))[:10], "header truncated"),
    (b"\x1f\x8b\x08\x00", "not an unsigned-byte IDX"),
])
def test_parse_idx_rejects_bad_bytes(data, message):
    with pytest.raises(ValueError, match=message):
        mnist.parse_idx(data, name="x.idx")


def test_real_files_parse_to_expected_shapes(mnist_dir):
    assert mnist.load_idx(mnist_dir / "t10k-images-idx3-ubyte.gz").shape == (10_000, 28, 28)
    assert mnist.load_idx(mnist_dir / "train-labels-idx1-ubyte.gz").shape == (60_000,)


@pytest.fixture
def server(tmp_path, mnist_dir):
    """An HTTP server on 127.0.0.1 serving a copy of the four files (and a bad one)."""
    root = tmp_path / "served"
    root.mkdir()
    for name in NAMES:
        shutil.copyfile(mnist_dir / name, root / name)
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
    handler.log_message = lambda *args: None
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield root, f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()


def test_missing_file_is_downloaded_and_verified(tmp_path, server, monkeypatch):
    _, url = server
    monkeypatch.setattr(mnist, "MIRROR", url)
    name = "t10k-labels-idx1-ubyte.gz"
    got = mnist.fetch(name, tmp_path / "cache")
    assert got == tmp_path / "cache" / name and mnist.sha256_of(got) == mnist.SHA256[name]
    assert sorted(p.name for p in (tmp_path / "cache").iterdir()) == [name]


def test_bad_download_leaves_nothing(tmp_path, server, monkeypatch):
    root, url = server
    name = "t10k-labels-idx1-ubyte.gz"
    (root / name).write_bytes(gzip.compress(b"not mnist"))
    monkeypatch.setattr(mnist, "MIRROR", url)
    with pytest.raises(OSError, match=rf"{name}: missing, and downloading it .* failed"):
        mnist.fetch(name, tmp_path / "cache")
    assert list((tmp_path / "cache").iterdir()) == []


def test_no_network_names_the_file_and_the_fix(tmp_path, monkeypatch):
    monkeypatch.setattr(mnist, "MIRROR", "http://127.0.0.1:9/")  # nothing listens there
    with pytest.raises(OSError, match="train-labels-idx1-ubyte.gz: missing.*AE_TUTORIAL_MNIST_DIR"):
        mnist.fetch("train-labels-idx1-ubyte.gz", tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_unknown_name_is_refused():
    with pytest.raises(ValueError, match="not an MNIST file"):
        mnist.fetch("mnist.npz")
