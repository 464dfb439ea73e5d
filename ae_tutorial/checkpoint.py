"""Checkpoints that survive a crash: atomic, verified files (chapter "The training loop").

A checkpoint holds everything the next step depends on: the model's weights, the
optimiser's variables (RMSProp's ``ms``, ``mom`` and iteration count), any extra state
variables (a noise generator's), the step, the data set's batch position and the loss
history. A run resumed from it ends with the same bits as a run never interrupted.
"""

import hashlib
import json
import os
import secrets
from pathlib import Path

import numpy as np

FILE_NAME = "checkpoint.npz"
_FREE_FIELDS = ("num_steps", "display_step", "examples_to_show")  # may change on resume


def _digest(arrays):
    h = hashlib.sha256()
    for key in sorted(arrays):
        a = np.ascontiguousarray(arrays[key])
        h.update(f"{key}:{a.dtype.str}:{a.shape};".encode())
        h.update(a.tobytes())
    return h.hexdigest()


def save_npz(path, arrays):
    """Write ``arrays`` (a dict of NumPy arrays) to ``path`` with their SHA-256, atomically.

    The file is written under a temporary name in the same folder and renamed into place,
    so a reader (or a second writer) never sees half a file.
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


def load_npz(path):
    """The dict of arrays that ``save_npz`` wrote; ``ValueError`` naming ``path`` if damaged."""
    try:
        with np.load(path, allow_pickle=False) as f:
            arrays = {key: f[key] for key in f.files}
        expected = str(arrays.pop("sha256"))
    except Exception as error:  # zipfile, zlib, numpy and KeyError all signal damage here
        raise ValueError(f"{path}: unreadable ({type(error).__name__}: {error})") from error
    if _digest(arrays) != expected:
        raise ValueError(f"{path}: contents do not match their SHA-256 {expected}: altered")
    return arrays


class Checkpointer:
    """Saves and restores one training run in ``folder/checkpoint.npz``.

    ``variables`` are every Keras variable the run changes (model weights, optimiser
    variables, generator states), ``dataset`` a ``DataSet`` (its batch position is
    saved), ``config`` the run's ``OriginalConfig`` (a checkpoint of another config is refused).
    """

    def __init__(self, folder, variables, dataset, config):
        if not hasattr(dataset, "get_state"):
            raise ValueError("checkpoints need a DataSet (its batch position is saved); "
                             f"got {type(dataset).__name__}")
        self.path, self.variables = Path(folder) / FILE_NAME, list(variables)
        self.dataset, self.config = dataset, json.loads(json.dumps(config.to_dict()))

    def save(self, step, history):
        """Write the state after ``step`` and its ``(step, loss)`` history.

        A NaN or infinite variable raises ``FloatingPointError`` instead, and the last
        good checkpoint stays.
        """
        arrays = {f"var_{i}": np.asarray(v.numpy()) for i, v in enumerate(self.variables)}
        for variable, value in zip(self.variables, arrays.values()):
            if value.dtype.kind == "f" and not np.isfinite(value).all():
                raise FloatingPointError(
                    f"{variable.path} became NaN or infinite at step {step}; lower the learning "
                    f"rate (an earlier checkpoint in {self.path} is kept)")
        state = self.dataset.get_state()
        meta = dict(step=step, config=self.config, index_in_epoch=state["index_in_epoch"],
                    epochs_completed=state["epochs_completed"], rng=state["rng"])
        save_npz(self.path, dict(arrays, meta=np.array(json.dumps(meta)),
                                 order=np.asarray(state["order"], np.int64),
                                 history=np.array(history, np.float64).reshape(-1, 2)))

    def restore(self):
        """Load the checkpoint into the variables and data set; return ``(step, history)``.

        Returns ``(0, [])`` when there is no checkpoint yet.
        """
        if not self.path.exists():
            return 0, []
        arrays = load_npz(self.path)
        meta = json.loads(str(arrays["meta"]))
        self._check_config(meta["config"])
        saved = [arrays[f"var_{i}"] for i in range(sum(k.startswith("var_") for k in arrays))]
        if [(a.shape, a.dtype) for a in saved] != [
                (tuple(v.shape), np.dtype(getattr(v.dtype, "as_numpy_dtype", v.dtype)))
                for v in self.variables]:  # Keras variables name their dtype, tf ones hold it
            raise ValueError(f"{self.path}: its variables do not fit this model and optimiser")
        for variable, value in zip(self.variables, saved):
            variable.assign(value)
        self.dataset.set_state(dict(meta, order=arrays["order"]))
        return meta["step"], [(int(s), float(l)) for s, l in arrays["history"]]

    def _check_config(self, saved):
        differ = sorted(k for k in set(saved) | set(self.config) if k not in _FREE_FIELDS
                        and saved.get(k) != self.config.get(k))
        if differ:
            raise ValueError(f"{self.path} belongs to another configuration (differs in "
                             f"{', '.join(differ)}); delete it or train with its settings")
