"""MNIST as TF1's ``input_data.read_data_sets`` served it (chapter "The data")."""

import os
from typing import NamedTuple

import numpy as np

from .checks import check_pixel_values
from .mnist import fetch, load_idx

NUM_CLASSES = 10


class DataSet:
    """Images and labels with TF1's ``next_batch``: reshuffled every epoch, the first too.

    ``images`` is float32 of shape (N, 784) in [0, 1]; ``labels`` is uint8 of shape (N,),
    or float32 of shape (N, 10) when one-hot. ``pixels``, when known, are the uint8 bytes
    the images were scaled from (``images == pixels * float32(1/255)``): the training loop
    keeps them on the device, a quarter of the memory. The arrays keep their original
    order; the shuffling lives in a permutation, so ``next_batch`` only gathers the batch.
    Float images that are NaN or outside [0, 1] are refused here, once (``ValueError``);
    ``get_state``/``set_state`` save and restore the batch position for checkpoints.

    Args:
        images: the examples, one row each, shape (N, D); float pixels must be in [0, 1].
        labels: one label per row, shape (N,) or (N, classes).
        seed: seeds the batch order; ``None`` draws it from the operating system.
        pixels: the uint8 bytes the float ``images`` were scaled from, same shape, or ``None``.

    Raises:
        ValueError: if the shapes do not fit, there are no examples, a float pixel is NaN or
            outside [0, 1], or ``pixels`` is not uint8 of the images' shape.
    """

    def __init__(
        self,
        images: np.ndarray,
        labels: np.ndarray,
        seed: int | None = None,
        pixels: np.ndarray | None = None,
    ) -> None:
        images, labels = np.asarray(images), np.asarray(labels)
        if images.ndim != 2 or len(images) != len(labels):
            raise ValueError(
                f"DataSet needs images of shape (N, D) and N labels; got "
                f"images {images.shape} and labels {labels.shape}"
            )
        if len(images) == 0:
            raise ValueError("DataSet needs at least one example; got 0")
        check_pixel_values(images, "DataSet images")
        if pixels is not None and (pixels.shape != images.shape or pixels.dtype != np.uint8):
            raise ValueError(
                f"pixels must be uint8 of the images' shape {images.shape}; "
                f"got {pixels.dtype} {pixels.shape}"
            )
        self.images, self.labels, self.pixels = images, labels, pixels
        self.num_examples = len(images)
        self.epochs_completed = 0
        self._index_in_epoch = 0
        self._order = np.arange(self.num_examples)
        self._rng = np.random.default_rng(seed)

    def get_state(self) -> dict[str, object]:
        """The batch position as a dict of plain values: index, epochs, order, RNG state.

        Returns:
            A dict that JSON can hold, with the keys ``"index_in_epoch"`` (int),
            ``"epochs_completed"`` (int), ``"order"`` (list of int) and ``"rng"`` (dict).
        """
        return {
            "index_in_epoch": self._index_in_epoch,
            "epochs_completed": self.epochs_completed,
            "order": self._order.tolist(),
            "rng": self._rng.bit_generator.state,
        }

    def set_state(self, state: dict[str, object]) -> None:
        """Continue from ``get_state()``'s dict: the next batch is the one that came next.

        Args:
            state: what ``get_state`` returned (``"order"`` may be a list or an array).

        Raises:
            ValueError: if ``state`` belongs to a data set with another number of examples.
        """
        order, index = np.asarray(state["order"], dtype=np.int64), int(state["index_in_epoch"])
        if not (
            np.array_equal(np.sort(order), np.arange(self.num_examples))
            and 0 <= index <= self.num_examples
        ):
            raise ValueError(
                f"the saved batch position does not fit this data set of "
                f"{self.num_examples} examples: it belongs to another one"
            )
        self._order, self._index_in_epoch = order, index
        self.epochs_completed = int(state["epochs_completed"])
        self._rng.bit_generator.state = state["rng"]

    def _reshuffle(self):
        self._order = self._order[self._rng.permutation(self.num_examples)]

    def next_batch_indices(self, batch_size: int) -> np.ndarray:
        """Row indices into ``images`` of the next batch, as ``next_batch`` draws it.

        Args:
            batch_size: examples in the batch, 1 to ``num_examples``.

        Returns:
            int64 indices of shape (batch_size,). A batch that crosses the end of an epoch
            ends the old epoch's order and continues with the next epoch's.

        Raises:
            ValueError: if ``batch_size`` is not an integer from 1 to ``num_examples``.
        """
        whole = isinstance(batch_size, (int, np.integer))
        if not whole or not 0 < batch_size <= self.num_examples:
            raise ValueError(
                f"batch_size must be an integer in 1..{self.num_examples} "
                f"(the number of examples), got {batch_size!r}"
            )
        start = self._index_in_epoch
        if self.epochs_completed == 0 and start == 0:
            self._reshuffle()  # TF1 shuffles before the first epoch too
        if start + batch_size <= self.num_examples:
            self._index_in_epoch += batch_size
            return self._order[start : self._index_in_epoch]
        rest = self._order[start:]  # the end of the old epoch ...
        self.epochs_completed += 1
        self._reshuffle()
        self._index_in_epoch = batch_size - len(rest)
        # ... plus the start of the new one
        return np.concatenate([rest, self._order[: self._index_in_epoch]])

    def next_batch(self, batch_size: int) -> tuple[np.ndarray, np.ndarray]:
        """The next ``(images, labels)`` batch, with TF1's semantics.

        Args:
            batch_size: examples in the batch, 1 to ``num_examples``.

        Returns:
            The pair ``(images[indices], labels[indices])`` for the indices
            ``next_batch_indices(batch_size)`` draws, images of shape (batch_size, D),
            labels of shape (batch_size,) or (batch_size, classes).

        Raises:
            ValueError: if ``batch_size`` is not an integer from 1 to ``num_examples``.
        """
        indices = self.next_batch_indices(batch_size)
        return self.images[indices], self.labels[indices]


class Datasets(NamedTuple):
    """What ``read_data_sets`` returns: the three ``DataSet`` objects, as TF1's did."""

    train: DataSet
    validation: DataSet | None
    test: DataSet


def _load_pair(prefix, data_dir, count):
    """(images float32 (count, 784), labels uint8, pixels uint8 (count, 784))."""
    pixels = load_idx(fetch(f"{prefix}-images-idx3-ubyte.gz", data_dir))
    labels = load_idx(fetch(f"{prefix}-labels-idx1-ubyte.gz", data_dir))
    if pixels.shape != (count, 28, 28) or labels.shape != (count,):
        raise ValueError(
            f"MNIST {prefix} files hold images {pixels.shape} and labels "
            f"{labels.shape}; expected ({count}, 28, 28) and ({count},)"
        )
    pixels = pixels.reshape(count, 784)
    # TF1 converted with astype(float32) and then multiplied by 1/255 in float32
    # (in place here, which gives the same bits without a second copy of the images).
    images = pixels.astype(np.float32)
    images *= np.float32(1.0 / 255.0)
    return images, labels, pixels


def read_data_sets(
    data_dir: str | os.PathLike | None = None,
    one_hot: bool = False,
    validation_size: int = 5000,
    seed: int | None = None,
) -> Datasets:
    """Load MNIST like TF1's ``input_data.read_data_sets`` and return ``Datasets``.

    Train holds the last 60,000 - ``validation_size`` training images, validation the
    first ``validation_size``, test all 10,000. Images are float32 (N, 784) in [0, 1],
    labels uint8 (N,) or, with ``one_hot``, float32 (N, 10).

    Args:
        data_dir: the folder holding the four MNIST ``.gz`` files; ``None`` uses
            ``$AE_TUTORIAL_MNIST_DIR``, else a user cache folder. Missing files are
            downloaded, and every file is checked against its SHA-256.
        one_hot: return the labels one-hot encoded.
        validation_size: training images held out for validation, 0 to 59,999.
        seed: seeds each set's batch order (train with ``seed``, validation and test with
            seeds derived from it); ``None`` draws them from the operating system.

    Returns:
        ``Datasets(train, validation, test)``; ``validation`` is ``None`` when
        ``validation_size`` is 0.

    Raises:
        ValueError: if ``validation_size`` is out of range or a file is damaged.
        OSError: if a missing file cannot be downloaded.
    """
    if not isinstance(validation_size, int) or not 0 <= validation_size < 60_000:
        raise ValueError(f"validation_size must be an integer in 0..59999, got {validation_size!r}")
    train_x, train_y, train_p = _load_pair("train", data_dir, 60_000)
    test_x, test_y, test_p = _load_pair("t10k", data_dir, 10_000)
    if one_hot:
        train_y, test_y = (np.eye(NUM_CLASSES, dtype=np.float32)[y] for y in (train_y, test_y))
    seeds = np.random.SeedSequence(seed).spawn(2) if seed is not None else (None, None)
    v = validation_size
    return Datasets(
        train=DataSet(train_x[v:], train_y[v:], seed=seed, pixels=train_p[v:]),
        validation=(
            DataSet(train_x[:v], train_y[:v], seed=seeds[0], pixels=train_p[:v]) if v else None
        ),
        test=DataSet(test_x, test_y, seed=seeds[1], pixels=test_p),
    )
