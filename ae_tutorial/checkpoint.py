"""Checkpoints that survive a crash: atomic, verified files (chapter "The training loop").

A checkpoint holds everything the next step depends on: the model's weights, the
optimiser's variables (RMSProp's ``ms``, ``mom`` and iteration count), any extra state
variables (a noise generator's), the step, the data set's batch position and the loss
history, and the options that decide how the steps are grouped into compiled chunks
(``num_steps``, ``display_step``, ``checkpoint_every``: a chunk ends at each print, each
checkpoint and the last step, and a step can round differently in a chunk of another length).
A run resumed from it with those options ends with the same bits as a run never interrupted;
one with other options is refused (``OptionsChanged``).
"""

import json
import os
from collections.abc import Iterable
from pathlib import Path

import keras
import numpy as np

from .config import OriginalConfig
from .data import DataSet
from .npz import load_npz, save_npz

FILE_NAME = "checkpoint.npz"
#: Config fields not compared on resume: the steps and the print interval are compared as
#: ``OPTIONS`` (``train`` may override the config's), and ``examples_to_show`` trains nothing.
_FREE_FIELDS = ("num_steps", "display_step", "examples_to_show")
#: ``train``'s options that decide the bits beside the configuration, recorded in a checkpoint.
OPTIONS = ("num_steps", "display_step", "checkpoint_every")


class OptionsChanged(ValueError):
    """A resume asked with other ``OPTIONS`` than its checkpoint was written with.

    Args:
        path: the checkpoint's file.
        changes: each differing option: ``{name: (the checkpoint's value, this run's)}``;
            the checkpoint's is ``None`` if it does not record its options (an older
            ``ae_tutorial`` wrote it).
    """

    def __init__(self, path: Path, changes: dict[str, tuple[int | None, int]]) -> None:
        self.path, self.changes = path, changes
        if any(saved is None for saved, _ in changes.values()):
            message = (
                f"{path} does not record the options it was written with (an older "
                "ae_tutorial wrote it); delete it and start again"
            )
        else:
            written = ", ".join(
                f"{name}={saved} (this run: {now})" for name, (saved, now) in changes.items()
            )
            message = (
                f"{path} was written with {written}; a resumed run ends on the same bits "
                "only with the options it was written with: resume with those, or start "
                "again without resuming"
            )
        super().__init__(message)


class Checkpointer:
    """Saves and restores one training run in ``folder/checkpoint.npz``.

    ``variables`` are every Keras variable the run changes (model weights, optimiser
    variables, generator states), ``dataset`` a ``DataSet`` (its batch position is
    saved), ``config`` the run's ``OriginalConfig`` (a checkpoint of another config is refused),
    and the three ``OPTIONS`` how ``train`` groups the steps (a checkpoint written with other
    ones is refused). Used by ``train`` (chapter "The training loop").

    Args:
        folder: where ``checkpoint.npz`` is written (created when first saved).
        variables: the variables to save and restore, in a fixed order.
        dataset: the data set the batches come from.
        config: the run's hyperparameters; ``examples_to_show`` may differ on resume.
        num_steps: the run's steps (default ``config.num_steps``).
        display_step: its print interval (default ``config.display_step``).
        checkpoint_every: its checkpoint interval (default ``display_step``, as in
            ``train``).

    Raises:
        ValueError: if ``dataset`` has no batch position to save (not a ``DataSet``).
    """

    def __init__(
        self,
        folder: str | os.PathLike,
        variables: Iterable[keras.Variable],
        dataset: DataSet,
        config: OriginalConfig,
        *,
        num_steps: int | None = None,
        display_step: int | None = None,
        checkpoint_every: int | None = None,
    ) -> None:
        if not hasattr(dataset, "get_state"):
            raise ValueError(
                "checkpoints need a DataSet (its batch position is saved); "
                f"got {type(dataset).__name__}"
            )
        self.path, self.variables = Path(folder) / FILE_NAME, list(variables)
        self.dataset, self.config = dataset, json.loads(json.dumps(config.to_dict()))
        num_steps = config.num_steps if num_steps is None else num_steps
        display_step = config.display_step if display_step is None else display_step
        every = display_step if checkpoint_every is None else checkpoint_every
        self.options = dict(
            num_steps=int(num_steps), display_step=int(display_step), checkpoint_every=int(every)
        )

    def save(self, step: int, history: list[tuple[int, float]]) -> None:
        """Write the state after ``step`` and its ``(step, loss)`` history, atomically.

        Args:
            step: the last step done.
            history: ``(step, loss)`` for every step so far.

        Raises:
            FloatingPointError: if a float variable is NaN or infinite; nothing is written,
                so the last good checkpoint stays.
        """
        arrays = {f"var_{i}": np.asarray(v.numpy()) for i, v in enumerate(self.variables)}
        for variable, value in zip(self.variables, arrays.values(), strict=True):
            if value.dtype.kind == "f" and not np.isfinite(value).all():
                raise FloatingPointError(
                    f"{variable.path} became NaN or infinite at step {step}; lower the learning "
                    f"rate (an earlier checkpoint in {self.path} is kept)"
                )
        state = self.dataset.get_state()
        meta = dict(
            step=step,
            config=self.config,
            options=self.options,
            index_in_epoch=state["index_in_epoch"],
            epochs_completed=state["epochs_completed"],
            rng=state["rng"],
        )
        save_npz(
            self.path,
            dict(
                arrays,
                meta=np.array(json.dumps(meta)),
                order=np.asarray(state["order"], np.int64),
                history=np.array(history, np.float64).reshape(-1, 2),
            ),
        )

    def restore(self) -> tuple[int, list[tuple[int, float]]]:
        """Load the checkpoint into the variables and data set; return ``(step, history)``.

        Returns:
            The step the checkpoint was saved after and the ``(step, loss)`` history up to
            it; ``(0, [])`` when there is no checkpoint yet.

        Raises:
            ValueError: if the file is damaged, or belongs to another configuration, model,
                optimiser or data set.
            OptionsChanged: a ``ValueError``, if it was written with other ``OPTIONS``
                (naming each, with both values).
        """
        if not self.path.exists():
            return 0, []
        arrays = load_npz(self.path)
        meta = json.loads(str(arrays["meta"]))
        self._check_config(meta["config"])
        recorded = meta.get("options", {})
        changes = {
            name: (recorded.get(name), now)
            for name, now in self.options.items()
            if recorded.get(name) != now
        }
        if changes:
            raise OptionsChanged(self.path, changes)
        saved = [arrays[f"var_{i}"] for i in range(sum(k.startswith("var_") for k in arrays))]
        if [(a.shape, a.dtype) for a in saved] != [
            (tuple(v.shape), np.dtype(getattr(v.dtype, "as_numpy_dtype", v.dtype)))
            for v in self.variables
        ]:  # Keras variables name their dtype, tf ones hold it
            raise ValueError(f"{self.path}: its variables do not fit this model and optimiser")
        for variable, value in zip(self.variables, saved, strict=True):
            variable.assign(value)
        self.dataset.set_state(dict(meta, order=arrays["order"]))
        return meta["step"], [(int(s), float(loss)) for s, loss in arrays["history"]]

    def _check_config(self, saved):
        differ = sorted(
            k
            for k in set(saved) | set(self.config)
            if k not in _FREE_FIELDS and saved.get(k) != self.config.get(k)
        )
        if differ:
            raise ValueError(
                f"{self.path} belongs to another configuration (differs in "
                f"{', '.join(differ)}); delete it or train with its settings"
            )
