"""The files, their digests, the IDX parser (also under fuzzing), and downloads with
faults (from a server on 127.0.0.1).

The real files' digests and shapes are checked on the real files (``real_mnist_dir``); the
checks, the downloads and the faults on copies of the synthetic files of tests/conftest.py
(a copy elsewhere is checked against the published digests; the downloads' tests put the
synthetic files' digests in ``mnist.SHA256``).
"""

import functools
import gzip
import http.server
import re
import shutil
import threading
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ae_tutorial as ae
from ae_tutorial import mnist

NAMES = sorted(mnist.SHA256)


def test_digests_match_the_published_list(real_mnist_dir):
    sums = real_mnist_dir / "SHA256SUMS"
    if not sums.exists():
        pytest.skip("no SHA256SUMS beside the data")
    published = dict(line.split()[::-1] for line in sums.read_text().splitlines() if line)
    assert published == mnist.SHA256


@pytest.mark.parametrize("name", NAMES)
def test_each_file_verifies(real_mnist_dir, name):
    assert mnist.fetch(name, real_mnist_dir) == real_mnist_dir / name


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
    with pytest.raises(ValueError, match=r"t10k-labels-idx1-ubyte\.gz: not a complete gzip"):
        mnist.load_idx(path)


def idx(magic, shape, payload=None):
    body = bytes(int(np.prod(shape))) if payload is None else payload
    return magic.to_bytes(4, "big") + b"".join(d.to_bytes(4, "big") for d in shape) + body


def test_parse_idx_reads_labels_and_images():
    assert mnist.parse_idx(idx(2049, (3,), b"\x01\x02\x03")).tolist() == [1, 2, 3]
    assert mnist.parse_idx(idx(2051, (2, 3, 4))).shape == (2, 3, 4)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (idx(2050, (3,)), "magic 2050"),
        (idx(2049, (5,))[:-1], "4 data bytes, expected 5"),
        (idx(2049, (5,)) + b"\0", "6 data bytes, expected 5"),
        (idx(2051, (2, 3, 4))[:10], "header truncated"),
        (b"\x1f\x8b\x08\x00", "not an unsigned-byte IDX"),
    ],
)
def test_parse_idx_rejects_bad_bytes(data, message):
    with pytest.raises(ValueError, match=message):
        mnist.parse_idx(data, name="x.idx")


def test_real_files_parse_to_expected_shapes(real_mnist_dir):
    assert mnist.load_idx(real_mnist_dir / "t10k-images-idx3-ubyte.gz").shape == (10_000, 28, 28)
    assert mnist.load_idx(real_mnist_dir / "train-labels-idx1-ubyte.gz").shape == (60_000,)


class FaultyHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the folder, but plays the faults queued for a file first (one per request)."""

    def do_GET(self):
        name = self.path.lstrip("/")
        self.server.requests.append(name)
        fault = self.server.faults.get(name, []).pop(0) if self.server.faults.get(name) else None
        if fault == "500":
            self.send_error(500, "Internal Server Error")
        elif fault == "cut":  # announce the whole file, send half, hang up
            body = Path(self.directory, name).read_bytes()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body[: len(body) // 2])
            self.close_connection = True
        elif fault == "wrong":
            body = gzip.compress(b"not mnist")
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        else:
            super().do_GET()

    def log_message(self, *args):
        pass


@pytest.fixture
def server(tmp_path, synthetic_mnist, monkeypatch):
    """An HTTP server on 127.0.0.1 serving a copy of the four (synthetic) files, with faults
    on demand; ``mnist.SHA256`` holds their digests, so that what it serves is canonical.

    Yields ``httpd``: queue faults in ``httpd.faults[name]``; ``httpd.requests`` logs names.
    """
    mnist_dir, digests = synthetic_mnist
    monkeypatch.setattr(mnist, "SHA256", digests)
    root = tmp_path / "served"
    root.mkdir()
    for name in NAMES:
        shutil.copyfile(mnist_dir / name, root / name)
    handler = functools.partial(FaultyHandler, directory=str(root))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.faults, httpd.requests = {}, []
    threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True).start()  # quick stop
    monkeypatch.setattr(mnist, "MIRROR", f"http://127.0.0.1:{httpd.server_address[1]}/")
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def test_missing_file_is_downloaded_and_verified(tmp_path, server):
    name = "t10k-labels-idx1-ubyte.gz"
    got = mnist.fetch(name, tmp_path / "cache")
    assert got == tmp_path / "cache" / name
    assert mnist.sha256_of(got) == mnist.SHA256[name]
    assert sorted(p.name for p in (tmp_path / "cache").iterdir()) == [name]
    assert server.requests == [name]
    assert mnist.fetch(name, tmp_path / "cache") == got
    assert server.requests == [name]


@pytest.mark.parametrize(
    ("fault", "message"),
    [
        ("cut", r"connection closed after \d+ of \d+ bytes"),
        ("500", "HTTP Error 500"),
        ("wrong", "the server sent a file whose SHA-256 is [0-9a-f]{64}, expected"),
    ],
)
def test_failed_download_names_the_file_leaves_nothing_and_a_retry_works(
    tmp_path, server, fault, message
):
    name = "t10k-images-idx3-ubyte.gz"
    server.faults[name] = [fault]
    with pytest.raises(OSError, match=rf"cache/{name}: missing, and downloading it .*{message}"):
        mnist.fetch(name, tmp_path / "cache")
    assert list((tmp_path / "cache").iterdir()) == []  # no partial file, no staging folder
    got = mnist.fetch(name, tmp_path / "cache")  # the fault is over: the retry succeeds
    assert mnist.sha256_of(got) == mnist.SHA256[name]
    assert server.requests == [name, name]


def corrupt(kind, name, mnist_dir):
    """The bytes of ``name`` truncated, with one bit flipped, or those of another IDX type."""
    data = (mnist_dir / name).read_bytes()
    if kind == "truncated":
        return data[: len(data) // 3]
    if kind == "altered":
        return data[:500] + bytes([data[500] ^ 0x10]) + data[501:]
    return (mnist_dir / name.replace("images-idx3", "labels-idx1")).read_bytes()  # wrong type


@pytest.mark.parametrize("kind", ["truncated", "altered", "wrong IDX type"])
def test_corrupt_cached_file_is_refused_with_the_fix_and_never_refetched(
    tmp_path, mnist_dir, server, kind
):
    for name in NAMES:
        shutil.copyfile(mnist_dir / name, tmp_path / name)
    name = "train-images-idx3-ubyte.gz"
    bad = corrupt(kind, name, mnist_dir)
    (tmp_path / name).write_bytes(bad)
    fix = f"rm '{tmp_path / name}'"
    with pytest.raises(
        ValueError,
        match=rf"^{tmp_path / name}: SHA-256 is [0-9a-f]{{64}}, "
        rf"expected {mnist.SHA256[name]}.*{re.escape(fix)}",
    ):
        ae.read_data_sets(tmp_path)
    assert server.requests == []
    assert (tmp_path / name).read_bytes() == bad


def test_no_network_names_the_file_and_the_fix(tmp_path, monkeypatch, refused_url):
    monkeypatch.setattr(mnist, "MIRROR", refused_url)
    with pytest.raises(
        OSError, match=r"train-labels-idx1-ubyte\.gz: missing.*refused.*AE_TUTORIAL_MNIST_DIR"
    ):
        mnist.fetch("train-labels-idx1-ubyte.gz", tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_unknown_name_is_refused():
    with pytest.raises(ValueError, match="not an MNIST file"):
        mnist.fetch("mnist.npz")


# The IDX parser under fuzzing: any bytes give the array their header declares, or
# the package's own ValueError naming the file; never another exception, a hang or
# an array of another shape.


def check_parse(data):
    """parse_idx(data) is a uint8 array of the declared shape, or our ValueError."""
    try:
        array = mnist.parse_idx(data, name="fuzz.idx")
    except ValueError as error:  # bad bytes may raise or not: no pytest.raises here
        assert str(error).startswith("fuzz.idx: ")  # noqa: PT017
        return None
    ndim = mnist.IDX_MAGIC[int.from_bytes(data[:4], "big")]
    declared = tuple(int.from_bytes(data[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim))
    assert array.dtype == np.uint8
    assert array.shape == declared
    assert array.tobytes() == bytes(data[4 + 4 * ndim :])
    return array


@st.composite
def idx_files(draw):
    """Well-formed small IDX files (labels or images), any dimension sizes up to 6."""
    magic = draw(st.sampled_from([2049, 2051]))
    dims = tuple(
        draw(
            st.lists(
                st.integers(0, 6), min_size=mnist.IDX_MAGIC[magic], max_size=mnist.IDX_MAGIC[magic]
            )
        )
    )
    return idx(
        magic, dims, draw(st.binary(min_size=int(np.prod(dims)), max_size=int(np.prod(dims))))
    )


@pytest.mark.slow
@settings(max_examples=300, deadline=5000)  # a hang fails; load spikes do not
@given(st.binary(max_size=64))
def test_fuzz_random_bytes(data):
    check_parse(data)


@pytest.mark.slow
@settings(max_examples=300, deadline=5000)  # a hang fails; load spikes do not
@given(
    st.sampled_from([2049, 2051]),
    st.lists(st.integers(0, 2**32 - 1), max_size=3),
    st.binary(max_size=64),
)
def test_fuzz_headers_of_any_size(magic, dims, payload):
    """Headers that declare up to 2**96 bytes must fail fast, not overflow or allocate."""
    check_parse(magic.to_bytes(4, "big") + b"".join(d.to_bytes(4, "big") for d in dims) + payload)


@pytest.mark.slow
@settings(max_examples=300, deadline=5000)  # a hang fails; load spikes do not
@given(idx_files(), st.data())
def test_fuzz_truncated_and_mutated_files(data, draw):
    assert check_parse(data) is not None  # the well-formed file parses
    cut = draw.draw(st.integers(0, len(data) - 1))
    assert check_parse(data[:cut]) is None  # every truncation is refused
    mutated = bytearray(data)
    for position, value in draw.draw(
        st.lists(st.tuples(st.integers(0, len(data) - 1), st.integers(0, 255)), max_size=4)
    ):
        mutated[position] = value
    check_parse(bytes(mutated))


@pytest.mark.slow
@settings(
    max_examples=100, deadline=5000, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(idx_files(), st.data())
def test_fuzz_damaged_gzip_files(tmp_path, data, draw):
    packed = bytearray(gzip.compress(data, mtime=0))
    cut = draw.draw(st.integers(1, len(packed)))
    for position in draw.draw(st.lists(st.integers(0, cut - 1), max_size=3)):
        packed[position] ^= draw.draw(st.integers(1, 255))
    path = tmp_path / "damaged.gz"
    path.write_bytes(bytes(packed[:cut]))
    try:
        array = mnist.load_idx(path)
    except ValueError as error:  # the damage may be seen or not: no pytest.raises here
        assert str(error).startswith(f"{path}: ")  # noqa: PT017
    else:  # damage that gzip's CRC cannot see still goes through the checked parser
        np.testing.assert_array_equal(array, check_parse(gzip.decompress(bytes(packed[:cut]))))
