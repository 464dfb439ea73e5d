"""MNIST as TF1's ``input_data.read_data_sets`` served it (chapter "The data")."""

from collections import namedtuple

import numpy as np

from .mnist import fetch, load_idx

Datasets = namedtuple("Datasets", ["train", "validation", "test"])
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
    """

    def __init__(self, images, labels, seed=None, pixels=None):
        images, labels = np.asarray(images), np.asarray(labels)
        if images.ndim != 2 or len(images) != len(labels):
            raise ValueError(f"DataSet needs images of shape (N, D) and N labels; got "
                             f"images {images.shape} and labels {labels.shape}")
        if len(images) == 0:
            raise ValueError("DataSet needs at least one example; got 0")
        check_pixel_values(images, "DataSet images")
        if pixels is not None and (pixels.shape != images.shape or pixels.dtype != np.uint8):
            raise ValueError(f"pixels must be uint8 of the images' shape {images.shape}; "
                             f"got {pixels.dtype} {pixels.shape}")
        self.images, self.labels, self.pixels = images, labels, pixels
        self.num_examples = len(images)
        self.epochs_completed = 0
        self._index_in_epoch = 0
        self._order = np.arange(self.num_examples)
        self._rng = np.random.default_rng(seed)

    def get_state(self):
        """The batch position as a dict of plain values: index, epochs, order, RNG state."""
        return {"index_in_epoch": self._index_in_epoch, "epochs_completed": self.epochs_completed,
                "order": self._order.tolist(), "rng": self._rng.bit_generator.state}

    def set_state(self, state):
        """Continue from ``get_state()``'s dict: the next batch is the one that came next."""
        order, index = np.asarray(state["order"], dtype=np.int64), int(state["index_in_epoch"])
        if not (np.array_equal(np.sort(order), np.arange(self.num_examples))
                and 0 <= index <= self.num_examples):
            raise ValueError(f"the saved batch position does not fit this data set of "
                             f"{self.num_examples} examples: it belongs to another one")
        self._order, self._index_in_epoch = order, index
        self.epochs_completed = int(state["epochs_completed"])
        self._rng.bit_generator.state = state["rng"]

    def _reshuffle(self):
        self._order = self._order[self._rng.permutation(self.num_examples)]

    def next_batch_indices(self, batch_size):
        """Row indices into ``images`` of the next batch, exactly as ``next_batch`` draws it."""
        if not isinstance(batch_size, (int, np.integer)) or not 0 < batch_size <= self.num_examples:
            raise ValueError(f"batch_size must be an integer in 1..{self.num_examples} "
                             f"(the number of examples), got {batch_size!r}")
        start = self._index_in_epoch
        if self.epochs_completed == 0 and start == 0:
            self._reshuffle()  # TF1 shuffles before the first epoch too
        if start + batch_size <= self.num_examples:
            self._index_in_epoch += batch_size
            return self._order[start:self._index_in_epoch]
        rest = self._order[start:]  # the end of the old epoch ...
        self.epochs_completed += 1
        self._reshuffle()
        self._index_in_epoch = batch_size - len(rest)
        return np.concatenate([rest, self._order[:self._index_in_epoch]])  # ... plus the new

    def next_batch(self, batch_size):
        """The next ``(images, labels)`` batch, with TF1's semantics."""
        indices = self.next_batch_indices(batch_size)
        return self.images[indices], self.labels[indices]


def check_pixel_values(images, what="images"):
    """Raise ``ValueError`` unless float ``images`` are finite and in [0, 1].

    ``images`` is an array or eager tensor of any shape; integer arrays pass, and so do
    symbolic tensors (inside a compiled function), whose values are not known yet.
    One pass over the data: call it once per data set, not on every training batch.
    """
    if hasattr(images, "shape") and not hasattr(images, "__array_interface__") \
            and not hasattr(images, "numpy"):
        return  # a symbolic tensor
    images = np.asarray(images)
    if images.dtype.kind != "f" or images.size == 0:
        return
    low, high = np.min(images), np.max(images)  # NaN propagates into both
    if not (np.isfinite(low) and np.isfinite(high)):
        raise ValueError(f"{what}: NaN or infinite values; pixels must be finite, in [0, 1]")
    if low < 0 or high > 1:
        raise ValueError(f"{what}: values from {low} to {high}; pixels must be in [0, 1]"
                         " (scale uint8 images with x.astype('float32') / 255)")


def _load_pair(prefix, data_dir, count):
    """(images float32 (count, 784), labels uint8, pixels uint8 (count, 784))."""
    pixels = load_idx(fetch(f"{prefix}-images-idx3-ubyte.gz", data_dir))
    labels = load_idx(fetch(f"{prefix}-labels-idx1-ubyte.gz", data_dir))
    if pixels.shape != (count, 28, 28) or labels.shape != (count,):
        raise ValueError(f"MNIST {prefix} files hold images {pixels.shape} and labels "
                         f"{labels.shape}; expected ({count}, 28, 28) and ({count},)")
    pixels = pixels.reshape(count, 784)
    # TF1 converted with astype(float32) and then multiplied by 1/255 in float32
    # (in place here, which gives the same bits without a second copy of the images).
    images = pixels.astype(np.float32)
    images *= np.float32(1.0 / 255.0)
    return images, labels, pixels


def read_data_sets(data_dir=None, one_hot=False, validation_size=5000, seed=None):
    """Load MNIST like TF1's ``input_data.read_data_sets`` and return ``Datasets``.

    Train holds the last 60,000 - ``validation_size`` training images, validation the
    first ``validation_size``, test all 10,000. ``seed`` seeds each set's batch order
    (train with ``seed``, validation and test with seeds derived from it).
    """
    train_x, train_y, train_p = _load_pair("train", data_dir, 60_000)
    test_x, test_y, test_p = _load_pair("t10k", data_dir, 10_000)
    if not isinstance(validation_size, int) or not 0 <= validation_size < 60_000:
        raise ValueError(f"validation_size must be an integer in 0..59999, got {validation_size!r}")
    if one_hot:
        train_y, test_y = (np.eye(NUM_CLASSES, dtype=np.float32)[y] for y in (train_y, test_y))
    seeds = np.random.SeedSequence(seed).spawn(2) if seed is not None else (None, None)
    v = validation_size
    return Datasets(
        train=DataSet(train_x[v:], train_y[v:], seed=seed, pixels=train_p[v:]),
        validation=DataSet(train_x[:v], train_y[:v], seed=seeds[0], pixels=train_p[:v]) if v else None,
        test=DataSet(test_x, test_y, seed=seeds[1], pixels=test_p),
    )
