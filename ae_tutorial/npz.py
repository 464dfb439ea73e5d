"""Verified ``.npz`` files, written atomically: checkpoints and the weight cache use them.

A file holds a dict of NumPy arrays and their SHA-256. It is written under a temporary
name in the same folder (``.NAME.PID.RANDOM.tmp``) and renamed into place, so a reader, or
a second writer, never sees half a file; a damaged file is refused with a ``ValueError``
naming it.
"""

import hashlib
import os
import secrets
from pathlib import Path

import numpy as np

#: The environment variable naming the weight cache's folder.
CACHE_VAR = "AE_TUTORIAL_CACHE"


def cache_dir() -> Path:
    """``$AE_TUTORIAL_CACHE``, else ``~/.cache/ae_tutorial``: where trained weights are kept.

    Returns:
        The cache folder, ``~`` expanded (it may not exist yet).
    """
    return Path(os.environ.get(CACHE_VAR) or Path("~", ".cache", "ae_tutorial")).expanduser()


def _digest(arrays):
    h = hashlib.sha256()
    for key in sorted(arrays):
        a = np.ascontiguousarray(arrays[key])
        h.update(f"{key}:{a.dtype.str}:{a.shape};".encode())
        h.update(a.tobytes())
    return h.hexdigest()


def save_npz(path: str | os.PathLike, arrays: dict[str, np.ndarray]) -> None:
    """Write ``arrays`` to ``path`` with their SHA-256, atomically.

    Args:
        path: the file to write; its folder is created if missing.
        arrays: NumPy arrays by name (``"sha256"`` is reserved).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.parent / f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)  # the umask's permissions
    try:
        with os.fdopen(fd, "wb") as f:
            np.savez(f, **arrays, sha256=np.array(_digest(arrays)))
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def load_npz(path: str | os.PathLike) -> dict[str, np.ndarray]:
    """Read a file that ``save_npz`` wrote.

    Args:
        path: the file.

    Returns:
        The arrays by name, their digest checked.

    Raises:
        ValueError: naming ``path``, if it is unreadable or its contents were altered.
    """
    try:
        with np.load(path, allow_pickle=False) as f:
            arrays = {key: f[key] for key in f.files}
        expected = str(arrays.pop("sha256"))
    except Exception as error:  # zipfile, zlib, numpy and KeyError all signal damage here
        raise ValueError(f"{path}: unreadable ({type(error).__name__}: {error})") from error
    if _digest(arrays) != expected:
        raise ValueError(f"{path}: contents do not match their SHA-256 {expected}: altered")
    return arrays


def remove_abandoned_temporaries(folder: str | os.PathLike) -> list[Path]:
    """Delete the temporary files in ``folder`` whose writer process no longer runs.

    A writer killed between creating its temporary file and renaming it leaves the file
    behind; one still running is left alone.

    Args:
        folder: the folder whose ``.NAME.PID.RANDOM.tmp`` files are checked.

    Returns:
        The files removed.
    """
    removed = []
    for tmp in Path(folder).glob(".*.tmp"):
        try:
            pid = int(tmp.name.rsplit(".", 3)[-3])
        except (ValueError, IndexError):
            continue  # not one of ours
        if not _running(pid):
            tmp.unlink(missing_ok=True)
            removed.append(tmp)
    return removed


def _running(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process
    return True
