"""The loaded sets against the published MNIST facts (the real files), the loader's split,
scaling and options (on the synthetic files of tests/conftest.py, which have the real ones'
format and sizes), and next_batch against TF1's code."""

import json

import numpy as np
import pytest

import ae_tutorial as ae


def test_split_shapes_dtypes_and_range(mnist):
    for ds, n in ((mnist.train, 55_000), (mnist.validation, 5_000), (mnist.test, 10_000)):
        assert ds.images.shape == (n, 784)
        assert ds.images.dtype == np.float32
        assert ds.labels.shape == (n,)
        assert ds.num_examples == n
        assert ds.images.min() == 0.0
        assert ds.images.max() == 1.0


def test_published_facts(real_mnist):
    mnist = real_mnist
    assert [ds.images.shape for ds in mnist] == [(55_000, 784), (5_000, 784), (10_000, 784)]
    train_labels = np.concatenate([mnist.validation.labels, mnist.train.labels])
    assert np.bincount(train_labels).tolist() == [
        5923,
        6742,
        5958,
        6131,
        5842,
        5421,
        5918,
        6265,
        5851,
        5949,
    ]
    assert np.bincount(mnist.test.labels).tolist() == [
        980,
        1135,
        1032,
        1010,
        982,
        892,
        958,
        1028,
        974,
        1009,
    ]
    train_images = np.concatenate([mnist.validation.images, mnist.train.images])
    assert round(float(train_images.mean(dtype=np.float64)) * 255, 3) == 33.318
    assert round(float(mnist.test.images.mean(dtype=np.float64)) * 255, 3) == 33.791
    assert mnist.validation.labels[:10].tolist() == [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]
    assert mnist.test.labels[:10].tolist() == [7, 2, 1, 0, 4, 1, 4, 9, 5, 9]


def test_pixels_scaled_as_tf1(mnist_dir, mnist):
    raw = ae.mnist.load_idx(mnist_dir / "t10k-images-idx3-ubyte.gz").reshape(10_000, 784)
    expected = np.multiply(raw.astype(np.float32), np.float32(1.0 / 255.0))  # TF1's DataSet
    np.testing.assert_array_equal(mnist.test.images, expected)
    np.testing.assert_array_equal(mnist.test.pixels, raw)  # the bytes, kept for the device
    assert mnist.train.pixels.shape == (55_000, 784)
    assert mnist.train.pixels.dtype == np.uint8


def test_one_hot(mnist_dir, mnist):
    sets = ae.read_data_sets(mnist_dir, one_hot=True, validation_size=100)
    assert sets.train.labels.shape == (59_900, 10)
    assert sets.train.labels.dtype == np.float32
    assert sets.validation.num_examples == 100
    np.testing.assert_array_equal(sets.test.labels.argmax(1), mnist.test.labels)
    assert (sets.test.labels.sum(1) == 1).all()


def test_no_validation_set(mnist_dir, mnist):
    """``validation_size=0``: no validation set; train holds all 60,000, in the file's order
    (the default split's validation images, then its training images)."""
    sets = ae.read_data_sets(mnist_dir, validation_size=0)
    assert sets.validation is None
    assert sets.train.num_examples == 60_000
    np.testing.assert_array_equal(sets.train.images[:5_000], mnist.validation.images)
    np.testing.assert_array_equal(sets.train.images[5_000:], mnist.train.images)
    np.testing.assert_array_equal(sets.train.pixels[5_000:], mnist.train.pixels)


@pytest.mark.parametrize("size", [-1, 60_000, 2.5])
def test_bad_validation_size(mnist_dir, size):
    with pytest.raises(
        ValueError,
        match=rf"validation_size must be an integer in 0..59999, "
        rf"got {size}",
    ):
        ae.read_data_sets(mnist_dir, validation_size=size)


class TF1DataSet:
    """TF1's DataSet.next_batch, transcribed from tensorflow/.../datasets/mnist.py,
    with numpy.random.shuffle(perm) replaced by the same permutation source as ours."""

    def __init__(self, images, seed):
        self._images, self._num_examples = images, len(images)
        self._epochs_completed = self._index_in_epoch = 0
        self._rng = np.random.default_rng(seed)

    def next_batch(self, batch_size):
        start = self._index_in_epoch
        if self._epochs_completed == 0 and start == 0:
            self._images = self._images[self._rng.permutation(self._num_examples)]
        if start + batch_size > self._num_examples:
            self._epochs_completed += 1
            rest_num_examples = self._num_examples - start
            images_rest_part = self._images[start : self._num_examples]
            self._images = self._images[self._rng.permutation(self._num_examples)]
            start = 0
            self._index_in_epoch = batch_size - rest_num_examples
            end = self._index_in_epoch
            return np.concatenate((images_rest_part, self._images[start:end]), axis=0)
        self._index_in_epoch += batch_size
        return self._images[start : self._index_in_epoch]


@pytest.mark.parametrize(("n", "batch_size"), [(10, 3), (10, 5), (10, 10), (7, 4)])
def test_next_batch_matches_tf1(n, batch_size):
    images = np.arange(n)[:, None] * np.ones((1, 2), np.int64)  # row i holds i
    ours, ref = ae.DataSet(images, np.arange(n), seed=5), TF1DataSet(images, seed=5)
    for _ in range(4 * n):
        x, y = ours.next_batch(batch_size)
        np.testing.assert_array_equal(x, ref.next_batch(batch_size))
        np.testing.assert_array_equal(x[:, 0], y)  # labels travel with their images
    assert ours.epochs_completed == ref._epochs_completed > 0


def test_epoch_boundary_batch_is_rest_plus_new_epoch():
    ds = ae.DataSet(np.arange(10)[:, None], np.arange(10), seed=0)
    first = np.concatenate([ds.next_batch(4)[1], ds.next_batch(4)[1]])
    crossing = ds.next_batch(4)[1]
    assert ds.epochs_completed == 1
    assert set(crossing[:2]) == set(range(10)) - set(first)  # the old epoch's last two
    assert len(set(first) | set(crossing[:2])) == 10  # every image once per epoch


def test_seeded_order_is_reproducible(mnist_dir, fresh_mnist):
    first = fresh_mnist.train.next_batch_indices(256)  # the session's read_data_sets(seed=0)
    again, other = (ae.read_data_sets(mnist_dir, seed=s).train for s in (0, 1))
    np.testing.assert_array_equal(again.next_batch_indices(256), first)
    assert not np.array_equal(other.next_batch_indices(256), first)


@pytest.mark.parametrize("batch_size", [0, -3, 11, 2.0])
def test_bad_batch_size(batch_size):
    ds = ae.DataSet(np.zeros((10, 4), np.float32), np.zeros(10))
    with pytest.raises(ValueError, match="batch_size"):
        ds.next_batch(batch_size)


def test_bad_arrays():
    with pytest.raises(ValueError, match=r"images \(3, 4\) and labels \(2,\)"):
        ae.DataSet(np.zeros((3, 4)), np.zeros(2))
    with pytest.raises(ValueError, match="at least one example"):
        ae.DataSet(np.zeros((0, 4)), np.zeros(0))
    with pytest.raises(ValueError, match=r"pixels must be uint8 of the images' shape \(3, 4\)"):
        ae.DataSet(np.zeros((3, 4)), np.zeros(3), pixels=np.zeros((3, 4)))


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (np.nan, "NaN or infinite"),
        (np.inf, "NaN or infinite"),
        (1.5, r"values from 0.0 to 1.5"),
        (-0.25, r"values from -0.25 to 0.0"),
    ],
)
def test_bad_pixel_values_are_refused_once_at_construction(value, message):
    images = np.zeros((10, 4), np.float32)
    images[3, 2] = value
    with pytest.raises(ValueError, match=rf"DataSet images: .*{message}"):
        ae.DataSet(images, np.zeros(10))


@pytest.mark.parametrize("draws", [0, 1, 3, 7])  # before, inside and across epoch ends
def test_saved_batch_position_continues_exactly(draws):
    images, labels = np.arange(10)[:, None], np.arange(10)
    straight, first = ae.DataSet(images, labels, seed=2), ae.DataSet(images, labels, seed=2)
    expected = [straight.next_batch_indices(4).tolist() for _ in range(draws + 8)][draws:]
    for _ in range(draws):
        first.next_batch_indices(4)
    state = json.loads(json.dumps(first.get_state()))  # plain values: JSON round trip
    resumed = ae.DataSet(images, labels, seed=99)  # its own seed is overridden
    resumed.set_state(state)
    assert [resumed.next_batch_indices(4).tolist() for _ in range(8)] == expected
    assert resumed.epochs_completed == straight.epochs_completed


def test_batch_position_of_another_data_set_is_refused():
    state = ae.DataSet(np.zeros((10, 1)), np.zeros(10), seed=0).get_state()
    with pytest.raises(ValueError, match="does not fit this data set of 11 examples"):
        ae.DataSet(np.zeros((11, 1)), np.zeros(11)).set_state(state)
