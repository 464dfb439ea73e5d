"""Checkpoints: interrupted and resumed runs end with the same bits as uninterrupted ones; a
diverging run keeps its last good checkpoint; a damaged or foreign checkpoint is refused.
(The files themselves, verified and atomic: tests/package/test_npz.py.)"""

import json

import numpy as np
import pytest

import ae_tutorial as ae
from ae_tutorial import checkpoint
from ae_tutorial.npz import load_npz, save_npz

CONFIG = ae.OriginalConfig(seed=3)


def weights(model):
    return [w.copy() for w in model.get_weights()]


class Interrupted(Exception):
    pass


def subset(mnist, seed, n=2000):
    """The first ``n`` training images, with their bytes (as the fast path uses them)."""
    train = mnist.train
    return ae.DataSet(train.images[:n], train.labels[:n], seed=seed, pixels=train.pixels[:n])


class InterruptedDataSet(ae.DataSet):
    """Raises ``Interrupted`` (as Ctrl-C would) when batch number ``stop`` is drawn."""

    def __init__(self, data, stop):
        super().__init__(data.images, data.labels, seed=CONFIG.seed, pixels=data.pixels)
        self.calls, self.stop = 0, stop

    def next_batch_indices(self, batch_size):
        self.calls += 1
        if self.calls == self.stop:
            raise Interrupted
        return super().next_batch_indices(batch_size)


@pytest.mark.parametrize(
    ("config", "fast"),
    [
        (CONFIG, False),
        pytest.param(
            ae.OriginalConfig(seed=3, noise="mask", noise_level=0.3), True, marks=pytest.mark.slow
        ),  # XLA compiles the chunk: seconds
    ],
)
@pytest.mark.cpu_bits
def test_interrupted_and_resumed_run_ends_bit_identical(mnist, tmp_path, config, fast):
    """Interrupted midway through the chunk of steps 16-20 (the checkpoint at 15 stays),
    then resumed in a fresh model, optimiser and data set."""
    run = dict(num_steps=20, display_step=5, verbose=False, fast=fast)
    straight = ae.Autoencoder(config)
    expected = ae.train(straight, subset(mnist, seed=3), config, **run)
    with pytest.raises(Interrupted):
        ae.train(
            ae.Autoencoder(config),
            InterruptedDataSet(subset(mnist, 3), stop=17),
            config,
            checkpoint_dir=tmp_path,
            **run,
        )
    assert load_npz(tmp_path / checkpoint.FILE_NAME)["history"].shape == (15, 2)
    model = ae.Autoencoder(config)
    history = ae.train(
        model, subset(mnist, seed=99), config, checkpoint_dir=tmp_path, resume=True, **run
    )
    assert history == expected
    for a, b in zip(weights(model), weights(straight), strict=True):
        np.testing.assert_array_equal(a, b)


def small(mnist, seed=1):
    return ae.DataSet(mnist.test.images[:1000], mnist.test.labels[:1000], seed=seed)


def test_divergence_keeps_the_last_good_checkpoint(mnist, tmp_path):
    """Adam at an absurd 5e36 keeps finite weights for a few steps, then its loss is NaN."""
    config = ae.OriginalConfig(seed=3, learning_rate=5e36, optimizer="adam")
    run = dict(display_step=1, verbose=False, fast=False)
    with pytest.raises(FloatingPointError, match=r"the loss became nan at step (\d+)") as error:
        ae.train(
            ae.Autoencoder(config),
            small(mnist),
            config,
            num_steps=20,
            checkpoint_dir=tmp_path,
            checkpoint_every=1,
            **run,
        )
    saved = load_npz(tmp_path / checkpoint.FILE_NAME)
    good = int(saved["history"][-1, 0])
    assert good >= 2
    assert str(error.value).endswith(
        f"at step {good + 1}; lower the learning rate or check the input data"
    )
    assert [p.name for p in tmp_path.iterdir()] == [checkpoint.FILE_NAME]  # no debris
    again = ae.Autoencoder(config)
    ae.train(again, small(mnist), config, num_steps=good, **run)
    for i, w in enumerate(again.get_weights()):  # exactly the weights after step `good`
        np.testing.assert_array_equal(saved[f"var_{i}"], w)


@pytest.mark.slow
def test_non_finite_weights_are_never_saved(mnist, tmp_path):
    config = ae.OriginalConfig(seed=3, learning_rate=1e39)  # infinity: NaN weights after step 1
    with pytest.raises(FloatingPointError, match="kernel became NaN or infinite at step 1"):
        ae.train(
            ae.Autoencoder(config),
            small(mnist),
            config,
            num_steps=5,
            display_step=1,
            checkpoint_dir=tmp_path,
            checkpoint_every=1,
            verbose=False,
        )
    assert list(tmp_path.iterdir()) == []


def test_checkpoint_of_another_config_is_refused(mnist, tmp_path):
    data = small(mnist)
    ae.train(
        ae.Autoencoder(CONFIG),
        data,
        CONFIG,
        num_steps=2,
        checkpoint_dir=tmp_path,
        verbose=False,
        fast=False,
    )
    other = ae.OriginalConfig(seed=4, learning_rate=0.02)
    with pytest.raises(ValueError, match=r"another configuration .*learning_rate, seed"):
        ae.train(
            ae.Autoencoder(other),
            data,
            other,
            num_steps=4,
            checkpoint_dir=tmp_path,
            resume=True,
            verbose=False,
        )


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (dict(checkpoint_every=5), "need a checkpoint_dir"),
        (dict(resume=True), "need a checkpoint_dir"),
        (dict(checkpoint_dir="x", checkpoint_every=0), "checkpoint_every must be a positive"),
    ],
)
def test_bad_checkpoint_arguments(mnist, kwargs, message):
    with pytest.raises(ValueError, match=message):
        ae.train(ae.Autoencoder(CONFIG), mnist.test, CONFIG, num_steps=3, **kwargs)


def test_checkpoints_need_a_dataset_with_a_batch_position(tmp_path):
    class Batches:
        def next_batch(self, n):
            return np.zeros((n, 784), np.float32), np.zeros(n)

    with pytest.raises(ValueError, match="checkpoints need a DataSet"):
        ae.train(ae.Autoencoder(CONFIG), Batches(), CONFIG, num_steps=3, checkpoint_dir=tmp_path)


def test_damaged_checkpoint_is_refused_on_resume_naming_the_file(tmp_path):
    variables = [ae.tf.Variable(np.arange(4, dtype=np.float32))]
    data = ae.DataSet(np.zeros((8, 2), np.float32), np.zeros(8), seed=0)
    saver = checkpoint.Checkpointer(tmp_path, variables, data, CONFIG)
    saver.save(3, [(1, 0.5), (2, 0.4), (3, 0.3)])
    assert checkpoint.Checkpointer(tmp_path, variables, data, CONFIG).restore()[0] == 3
    path = tmp_path / checkpoint.FILE_NAME
    path.write_bytes(path.read_bytes()[:-100])
    with pytest.raises(ValueError, match=rf"^{path}: unreadable"):
        checkpoint.Checkpointer(tmp_path, variables, data, CONFIG).restore()


def tiny_saver(folder, **options):
    """A ``Checkpointer`` of one variable and eight images, with ``options``."""
    variables = [ae.tf.Variable(np.arange(4, dtype=np.float32))]
    data = ae.DataSet(np.zeros((8, 2), np.float32), np.zeros(8), seed=0)
    return checkpoint.Checkpointer(folder, variables, data, CONFIG, **options)


WRITTEN = dict(num_steps=20, display_step=5, checkpoint_every=5)


@pytest.mark.parametrize(
    ("changed", "value"),
    [("num_steps", 40), ("display_step", 4), ("checkpoint_every", 1)],
)
def test_resume_with_another_option_is_refused_naming_it_and_both_values(tmp_path, changed, value):
    """Each option that decides where the compiled chunks end, so the last bits: a
    checkpoint records the ones it was written with, and refuses a resume with others."""
    tiny_saver(tmp_path, **WRITTEN).save(10, [(s, 0.5) for s in range(1, 11)])
    assert tiny_saver(tmp_path, **WRITTEN).restore()[0] == 10
    other = tiny_saver(tmp_path, **{**WRITTEN, changed: value})
    with pytest.raises(checkpoint.OptionsChanged) as refused:
        other.restore()
    assert refused.value.changes == {changed: (WRITTEN[changed], value)}
    assert str(refused.value).startswith(
        f"{tmp_path / checkpoint.FILE_NAME} was written with {changed}={WRITTEN[changed]} "
        f"(this run: {value}); a resumed run ends on the same bits only with the options"
    )
    assert isinstance(refused.value, ValueError)


def test_options_default_to_the_config_and_train(tmp_path):
    """Without options, a checkpointer records the config's steps and print interval and,
    as ``train`` does, a checkpoint at every print."""
    assert tiny_saver(tmp_path).options == dict(
        num_steps=CONFIG.num_steps, display_step=CONFIG.display_step, checkpoint_every=1_000
    )


def test_a_checkpoint_that_records_no_options_is_refused(tmp_path):
    """An older ae_tutorial's checkpoint: the options it was written with are unknown."""
    tiny_saver(tmp_path, **WRITTEN).save(10, [(1, 0.5)])
    path = tmp_path / checkpoint.FILE_NAME
    arrays = load_npz(path)
    meta = json.loads(str(arrays["meta"]))
    del meta["options"]
    save_npz(path, {**arrays, "meta": np.array(json.dumps(meta))})
    with pytest.raises(checkpoint.OptionsChanged, match="does not record the options"):
        tiny_saver(tmp_path, **WRITTEN).restore()


def test_train_refuses_to_extend_a_finished_run_and_resumes_a_finished_one(mnist, tmp_path):
    """A run of 4 steps printed every 3 ends its chunks at steps 1, 3 and 4; an 8-step run
    ends none at 4, so resuming the first with 8 steps would end on other bits, and is
    refused; with its own 4 steps, it returns its history, untrained."""
    data, run = small(mnist), dict(checkpoint_dir=tmp_path, verbose=False, fast=False)
    model = ae.Autoencoder(CONFIG)
    history = ae.train(model, data, CONFIG, num_steps=4, display_step=3, **run)
    with pytest.raises(checkpoint.OptionsChanged, match=r"num_steps=4 \(this run: 8\)"):
        ae.train(
            ae.Autoencoder(CONFIG), data, CONFIG, num_steps=8, display_step=3, resume=True, **run
        )
    again = ae.Autoencoder(CONFIG)
    resumed = ae.train(again, data, CONFIG, num_steps=4, display_step=3, resume=True, **run)
    assert resumed == history
    for a, b in zip(weights(again), weights(model), strict=True):
        np.testing.assert_array_equal(a, b)
