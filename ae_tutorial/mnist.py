"""The four canonical MNIST files: where they live, their digests, and the IDX parser.

Chapter "The data" introduces this module. Each file is looked up in ``data_dir``,
else in the folder named by ``$AE_TUTORIAL_MNIST_DIR``, else in a user cache folder;
a missing file is downloaded from the mirror the TF1 example used. Every file is
checked against its SHA-256 before a byte of it is parsed.
"""

import gzip
import hashlib
import http.client
import math
import os
import shutil
import tempfile
import urllib.request
import zlib
from pathlib import Path

import numpy as np

MIRROR = "https://storage.googleapis.com/cvdf-datasets/mnist/"
#: The environment variable naming the folder of the four files.
MNIST_DIR_VAR = "AE_TUTORIAL_MNIST_DIR"
SHA256 = {  # the published digests; a line each, however long
    "train-images-idx3-ubyte.gz": "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",  # noqa: E501
    "train-labels-idx1-ubyte.gz": "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",  # noqa: E501
    "t10k-images-idx3-ubyte.gz": "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
    "t10k-labels-idx1-ubyte.gz": "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
}
IDX_MAGIC = {2049: 1, 2051: 3}  # labels: 1 dimension; images: 3 dimensions


def default_data_dir() -> Path:
    """The folder MNIST is read from when ``data_dir`` is not given.

    Returns:
        ``$AE_TUTORIAL_MNIST_DIR`` if set, else ``$KERAS_HOME/datasets/mnist-canonical``
        (``KERAS_HOME`` defaulting to ``~/.keras``), ``~`` expanded.
    """
    if os.environ.get(MNIST_DIR_VAR):
        return Path(os.environ[MNIST_DIR_VAR]).expanduser()
    keras_home = os.environ.get("KERAS_HOME", os.path.join("~", ".keras"))
    return Path(keras_home, "datasets", "mnist-canonical").expanduser()


def sha256_of(path: str | os.PathLike) -> str:
    """Hex SHA-256 digest of the file at ``path``.

    Args:
        path: the file.

    Returns:
        64 lowercase hexadecimal digits.
    """
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def verify(path: str | os.PathLike) -> Path:
    """Raise ``ValueError`` unless ``path`` has the canonical digest of its name.

    Args:
        path: one of the four MNIST files, under its canonical name.

    Returns:
        ``path``, as a ``Path``.

    Raises:
        ValueError: if the digest differs, with how to get a fresh copy.
        KeyError: if the file's name is not one of the four.
    """
    path = Path(path)
    expected, actual = SHA256[path.name], sha256_of(path)
    if actual != expected:
        raise ValueError(
            f"{path}: SHA-256 is {actual}, expected {expected}. The file is damaged or "
            f"not the canonical MNIST file; delete it (rm '{path}') and load again to "
            f"download a fresh copy from {MIRROR}."
        )
    return path


def _get(url, path, timeout=60):
    """Stream ``url`` into ``path``; ``OSError`` if the server fails or the body is cut off."""
    with urllib.request.urlopen(url, timeout=timeout) as response, open(path, "wb") as f:
        expected = response.headers.get("Content-Length")
        try:
            shutil.copyfileobj(response, f, 1 << 20)
        except http.client.IncompleteRead as error:
            raise OSError(f"connection closed after {f.tell()} of {expected} bytes") from error
        if expected is not None and f.tell() != int(expected):
            raise OSError(f"connection closed after {f.tell()} of {expected} bytes")


def download(name: str, data_dir: str | os.PathLike) -> Path:
    """Download ``name`` into ``data_dir`` atomically; only a verified file is kept.

    The bytes go to a private folder beside the destination and are renamed into place
    once their SHA-256 matches, so a cut-off transfer, a server error or a wrong file
    leaves nothing behind and the next attempt starts clean.

    Args:
        name: one of the four MNIST file names (``SHA256``'s keys).
        data_dir: the destination folder, created if missing.

    Returns:
        The downloaded file's path, ``data_dir / name``.

    Raises:
        OSError: if the download fails or the server sends another file, naming the file,
            the URL and what to do instead.
    """
    data_dir = Path(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".download-", dir=data_dir))
    try:
        _get(MIRROR + name, staging / name)
        actual = sha256_of(staging / name)
        if actual != SHA256[name]:
            raise ValueError(
                f"the server sent a file whose SHA-256 is {actual}, expected {SHA256[name]}"
            )
        os.replace(staging / name, data_dir / name)
    except (OSError, ValueError) as error:
        raise OSError(
            f"{data_dir / name}: missing, and downloading it from {MIRROR + name} failed "
            f"({error}). Put the canonical file there, or set ${MNIST_DIR_VAR} to a folder "
            "holding the four MNIST .gz files."
        ) from error
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return data_dir / name


def fetch(name: str, data_dir: str | os.PathLike | None = None) -> Path:
    """Path of the verified file ``name``, downloading it if it is missing.

    Args:
        name: one of the four MNIST file names (``SHA256``'s keys).
        data_dir: the folder to look in; ``None`` for ``default_data_dir()``.

    Returns:
        ``data_dir / name``, its SHA-256 checked.

    Raises:
        ValueError: if ``name`` is not an MNIST file, or the file there is damaged.
        OSError: if the file is missing and cannot be downloaded.
    """
    if name not in SHA256:
        raise ValueError(f"{name!r} is not an MNIST file; expected one of {sorted(SHA256)}")
    path = Path(data_dir if data_dir is not None else default_data_dir()) / name
    return verify(path) if path.exists() else download(name, path.parent)


def parse_idx(data: bytes, name: str = "<bytes>") -> np.ndarray:
    """Parse the bytes of an uncompressed IDX1 or IDX3 file into a ``uint8`` array.

    Args:
        data: the file's bytes, header included.
        name: how error messages name the data (a file name).

    Returns:
        Labels of shape (n,) or images of shape (n, rows, cols), exactly the shape the
        header declares: a read-only view of ``data``.

    Raises:
        ValueError: starting with ``name``, for any bytes that are not such a file.
    """
    if len(data) < 4 or data[:2] != b"\0\0" or data[2] != 0x08:
        raise ValueError(f"{name}: not an unsigned-byte IDX file (first bytes {data[:4]!r})")
    magic = int.from_bytes(data[:4], "big")
    ndim = IDX_MAGIC.get(magic)
    if ndim is None:
        raise ValueError(f"{name}: IDX magic {magic}, expected 2049 (labels) or 2051 (images)")
    header = 4 + 4 * ndim
    if len(data) < header:
        raise ValueError(f"{name}: header truncated ({len(data)} bytes, expected {header})")
    shape = tuple(int.from_bytes(data[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim))
    if max(shape) >= 2**31:  # IDX sizes are signed 32-bit (and numpy could not hold them)
        raise ValueError(f"{name}: dimension sizes {shape} exceed 2**31 - 1")
    if len(data) != header + math.prod(shape):  # Python ints: no overflow for any header
        raise ValueError(
            f"{name}: {len(data) - header} data bytes, expected "
            f"{math.prod(shape)} for shape {shape}"
        )
    return np.frombuffer(data, dtype=np.uint8, offset=header).reshape(shape)


def load_idx(path: str | os.PathLike) -> np.ndarray:
    """Read and parse a gzipped IDX file (``ValueError`` naming the file if it is bad).

    Args:
        path: the ``.gz`` file.

    Returns:
        The ``uint8`` array ``parse_idx`` gives for its contents.

    Raises:
        ValueError: naming the file, if it is not a complete gzip file or not IDX.
    """
    try:
        with gzip.open(path, "rb") as f:
            data = f.read()
    except (OSError, EOFError, zlib.error) as error:
        raise ValueError(f"{path}: not a complete gzip file ({error})") from error
    return parse_idx(data, name=str(path))
