"""The training loop: the original's printed lines, falling loss, determinism, fast == plain.

The fast tests train on the synthetic MNIST of tests/conftest.py; the slow ones, whose
thresholds and bits were measured on the real digits, on the real files."""

import json
import logging
import subprocess
import sys

import numpy as np
import pytest

import ae_tutorial as ae
from ae_tutorial.training import _chunks, _OneTracePerTrain, make_train_chunk

CONFIG = ae.OriginalConfig(seed=3)


def run(data_dir, steps=60, fast=True, verbose=False, display_step=20):
    data = ae.read_data_sets(data_dir, seed=CONFIG.seed)
    return ae.train(
        ae.Autoencoder(CONFIG),
        data.train,
        CONFIG,
        num_steps=steps,
        display_step=display_step,
        verbose=verbose,
        fast=fast,
    )


@pytest.mark.slow
def test_prints_the_originals_lines(real_mnist_dir, capsys):
    history = run(real_mnist_dir, steps=45, verbose=True)
    lines = capsys.readouterr().out.splitlines()
    assert lines == [f"Step {s}: Minibatch Loss: {history[s - 1][1]:f}" for s in (1, 20, 40)]
    assert [s for s, _ in history] == list(range(1, 46))


@pytest.mark.slow
def test_loss_falls_on_real_mnist(real_mnist_dir):
    losses = np.array([loss for _, loss in run(real_mnist_dir, steps=300)])
    assert 0.3 < losses[0] < 0.6  # sigmoid outputs of a random network: grey noise
    assert losses[-20:].mean() < 0.6 * losses[:20].mean()


@pytest.mark.slow
@pytest.mark.cpu_bits
def test_same_seed_same_losses(real_mnist_dir):
    assert run(real_mnist_dir) == run(real_mnist_dir)


@pytest.mark.slow
def test_fast_path_equals_plain_path_step_by_step(real_mnist_dir):
    fast = run(real_mnist_dir, steps=100, fast=True)
    plain = run(real_mnist_dir, steps=100, fast=False)
    assert [s for s, _ in fast] == [s for s, _ in plain]
    # XLA fuses the step's element-wise work, which changes the last bits of a few sums
    np.testing.assert_allclose(
        [loss for _, loss in fast], [loss for _, loss in plain], rtol=0, atol=2e-6
    )


@pytest.mark.slow
@pytest.mark.cpu_bits
@pytest.mark.parametrize("source", ["images", "pixels"])
def test_compiled_chunk_draws_exactly_the_next_batch_batches(real_mnist_dir, source):
    """Without XLA, the chunk computes bit for bit what the plain step computes, from the
    float images or from their uint8 bytes (which the fast path keeps on the device)."""
    losses = {}
    for name in ("chunk", "plain"):
        data = ae.read_data_sets(real_mnist_dir, seed=CONFIG.seed)
        model, optimizer = ae.Autoencoder(CONFIG), ae.RMSProp(CONFIG.learning_rate)
        optimizer.build(model.trainable_variables)
        step = ae.make_train_step(model, optimizer)
        if name == "chunk":
            chunk = make_train_chunk(step, getattr(data.train, source), jit_compile=False)
            indices = np.stack([data.train.next_batch_indices(256) for _ in range(40)])
            losses[name] = np.asarray(chunk(indices.astype(np.int32)))
        else:
            step = ae.tf.function(step)
            losses[name] = np.array([float(step(data.train.next_batch(256)[0])) for _ in range(40)])
    np.testing.assert_array_equal(losses["chunk"], losses["plain"])


@pytest.mark.slow
@pytest.mark.cpu_bits
def test_any_next_batch_object_works(real_mnist_dir):
    class Batches:  # TF1's interface only: next_batch(n) -> (images, labels)
        def __init__(self):
            self.inner = ae.read_data_sets(real_mnist_dir, seed=CONFIG.seed).train

        def next_batch(self, n):
            return self.inner.next_batch(n)

    history = ae.train(
        ae.Autoencoder(CONFIG), Batches(), CONFIG, num_steps=60, display_step=20, verbose=False
    )
    assert history == run(real_mnist_dir, fast=False)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"num_steps": 0}, "num_steps must be a positive integer, got 0"),
        ({"num_steps": -5}, "num_steps must be a positive integer, got -5"),
        ({"num_steps": 2.5}, "num_steps"),
        ({"display_step": -1}, "display_step"),
    ],
)
def test_bad_arguments(mnist, kwargs, message):
    with pytest.raises(ValueError, match=message):
        ae.train(ae.Autoencoder(CONFIG), mnist.test, CONFIG, **kwargs)


def test_batch_larger_than_dataset():
    tiny = ae.DataSet(np.zeros((10, 784), np.float32), np.zeros(10))
    with pytest.raises(ValueError, match=r"batch_size must be an integer in 1..10"):
        ae.train(ae.Autoencoder(CONFIG), tiny, CONFIG, num_steps=1)


@pytest.mark.parametrize("fast", [pytest.param(True, marks=pytest.mark.slow), False])
def test_nan_loss_names_the_step(fresh_mnist, fast):
    config = ae.OriginalConfig(seed=3, learning_rate=1e39)  # absurd: infinity in float32
    with pytest.raises(FloatingPointError, match=r"^the loss became nan at step 2; "):
        ae.train(
            ae.Autoencoder(config), fresh_mnist.test, config, num_steps=5, verbose=False, fast=fast
        )


def test_nan_in_a_batch_stops_training_naming_its_step(fresh_mnist):
    """A DataSet refuses NaN images when it is made; any other batch source can still hand
    one over, and the step that trained on it is named."""
    with pytest.raises(ValueError, match="DataSet images: NaN or infinite values"):
        ae.DataSet(np.full((300, 784), np.nan, np.float32), np.zeros(300))

    class Batches:  # TF1's interface only; its 7th batch holds one NaN pixel
        drawn = 0

        def next_batch(self, n):
            x, y = fresh_mnist.train.next_batch(n)
            self.drawn += 1
            if self.drawn == 7:
                x[5, 300] = np.nan
            return x, y

    with pytest.raises(
        FloatingPointError,
        match=r"^the loss became nan at step 7; lower the "
        r"learning rate or check the input data$",
    ):
        ae.train(
            ae.Autoencoder(CONFIG), Batches(), CONFIG, num_steps=12, display_step=5, verbose=False
        )


@pytest.mark.parametrize(
    ("every", "start", "ends"),
    [
        (None, 0, [1, 20, 40, 60, 80, 100]),
        (30, 0, [1, 20, 30, 40, 60, 80, 90, 100]),
        (7, 0, [1, 7, 14, 20, 21, 28, 35, 40, 42, 49, 56, 60, 63, 70, 77, 80, 84, 91, 98, 100]),
        (30, 30, [40, 60, 80, 90, 100]),  # resumed from the checkpoint at 30
        (7, 21, [28, 35, 40, 42, 49, 56, 60, 63, 70, 77, 80, 84, 91, 98, 100]),
    ],
)
def test_chunks_end_at_every_print_and_checkpoint(every, start, ends):
    """100 steps printed every 20: chunks end at step 1, every print and every checkpoint."""
    chunks = _chunks(100, 20, every, start)
    assert [b for _, b in chunks] == ends
    assert [a for a, _ in chunks] == [start + 1, *(b + 1 for b in ends[:-1])]  # no gap


def test_chunks_of_a_short_run():
    assert _chunks(1, 1000) == [(1, 1)]
    assert _chunks(25, 10) == [(1, 1), (2, 10), (11, 20), (21, 25)]


@pytest.mark.slow
def test_chunks_of_any_length_share_one_trace(mnist):
    model = ae.Autoencoder(CONFIG)
    optimizer = ae.RMSProp(CONFIG.learning_rate)
    optimizer.build(model.trainable_variables)
    chunk = make_train_chunk(ae.make_train_step(model, optimizer), mnist.test.images)
    for n in (1, 3, 7):
        assert chunk(np.zeros((n, 8), np.int32)).shape == (n,)
    assert chunk.experimental_get_tracing_count() == 1  # no retracing warnings in notebooks


@pytest.mark.slow
@pytest.mark.parametrize(
    "variant",
    [
        dict(noise="mask", noise_level=0.5),
        dict(optimizer="adam", initializer="glorot"),
        dict(loss="bce"),
        dict(activation="linear", initializer="glorot"),
        dict(activation="relu", initializer="glorot"),
        dict(architecture="conv", initializer="glorot", num_hidden_2=16),
    ],
)
def test_variants_train_as_configured(mnist_dir, variant):
    config = ae.OriginalConfig(seed=3, **variant)
    x = ae.read_data_sets(mnist_dir, seed=3).train.next_batch(256)[0]
    model = ae.Autoencoder(config)
    corrupt = ae.make_corruption(config)
    expected = float(ae.make_loss(config)(x, model(x if corrupt is None else corrupt(x))))
    history = ae.train(
        model,
        ae.read_data_sets(mnist_dir, seed=3).train,
        config,
        num_steps=1,
        verbose=False,
        fast=False,
    )
    assert history[0][1] == pytest.approx(expected, abs=1e-7)  # the step saw corrupt(x)
    fresh = ae.Autoencoder(config).get_weights()
    assert not np.array_equal(model.get_weights()[0], fresh[0])  # and then updated


@pytest.mark.parametrize("noise", ["gaussian", "mask"])
def test_the_fast_path_draws_the_plain_paths_noise(mnist_dir, noise):
    """The fast path compiles only the update with XLA and draws the noise with
    TensorFlow's kernels, as the plain path does: the same noise, so the same losses up to
    XLA's rounding (inside XLA the noise would differ, and the losses by ~1e-3)."""
    config = ae.OriginalConfig(seed=3, noise=noise, noise_level=0.5, num_steps=20)
    paths = [
        ae.train(
            ae.Autoencoder(config),
            ae.read_data_sets(mnist_dir, seed=3).train,
            config,
            verbose=False,
            fast=fast,
        )
        for fast in (True, False)
    ]
    np.testing.assert_allclose(*([loss for _, loss in p] for p in paths), rtol=1e-5)


def test_a_linear_model_trains_eagerly_with_its_unbounded_loss(mnist):
    """Eager steps check values: the plain ``mse`` refuses a linear output outside [0, 1],
    the loss that ``make_loss`` picks for it takes it as it is."""
    config = ae.OriginalConfig(activation="linear", initializer="glorot", seed=3)
    model, x = ae.Autoencoder(config), mnist.test.images[:32]
    assert np.asarray(model(x)).min() < 0  # outside [0, 1]
    optimizer = ae.make_optimizer(config)
    with pytest.raises(ValueError, match="y_pred: values from"):
        ae.make_train_step(model, optimizer)(x)
    before = model.get_weights()[0]
    step = ae.make_train_step(model, optimizer, loss=ae.make_loss(config))
    losses = [float(step(x)) for _ in range(3)]
    assert losses[-1] < losses[0]
    assert not np.array_equal(model.get_weights()[0], before)


@pytest.mark.slow
@pytest.mark.cpu_bits
def test_conv_model_learns_and_its_fast_path_is_the_plain_one(real_mnist_dir):
    """The convolutional autoencoder's loss falls by 30 % in 100 steps; its device-side path
    (compiled without XLA, whose CPU convolutions are slow) computes the plain path's bits."""
    config = ae.OriginalConfig(architecture="conv", initializer="glorot", seed=3, num_hidden_2=16)
    histories = [
        ae.train(
            ae.Autoencoder(config),
            ae.read_data_sets(real_mnist_dir, seed=3).train,
            config,
            num_steps=100,
            verbose=False,
            fast=fast,
        )
        for fast in (True, False)
    ]
    assert histories[0] == histories[1]
    losses = np.array([loss for _, loss in histories[0]])
    assert losses[-10:].mean() < 0.7 * losses[:10].mean()  # 0.51 when written


REPRODUCE = """
import json, sys
import ae_tutorial as ae
config = ae.OriginalConfig(seed=3)
data = ae.read_data_sets(sys.argv[1], seed=3)
history = ae.train(ae.Autoencoder(config), data.train, config, num_steps=40, display_step=20,
                   verbose=False)
print(json.dumps(history))  # floats as repr: exact
"""


@pytest.mark.slow
@pytest.mark.cpu_bits
def test_two_processes_with_one_seed_compute_one_history(real_mnist_dir):
    """Two processes at once (sharing the CPU and XLA's caches) and this one agree bit for bit."""
    runs = [
        subprocess.Popen(
            [sys.executable, "-c", REPRODUCE, str(real_mnist_dir)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    (out_a, err_a), (out_b, err_b) = (r.communicate(timeout=600) for r in runs)
    assert [r.returncode for r in runs] == [0, 0], err_a + err_b
    histories = [[(step, loss) for step, loss in json.loads(out)] for out in (out_a, out_b)]
    assert histories[0] == histories[1] == run(real_mnist_dir, steps=40)
    assert [step for step, _ in histories[0]] == list(range(1, 41))


@pytest.mark.slow
def test_repeated_training_logs_no_retracing_warning(fresh_mnist):
    """Each train call compiles its own step once; a loop of calls (an exercise over
    learning rates, say) must not make TensorFlow warn of "retracing" on stderr."""
    records = []
    handler = logging.Handler()
    handler.emit = records.append
    logger = ae.tf.get_logger()
    logger.addHandler(handler)
    try:
        for fast in (True, False):
            for _ in range(6):
                ae.train(
                    ae.Autoencoder(CONFIG),
                    fresh_mnist.train,
                    CONFIG,
                    num_steps=2,
                    display_step=2,
                    verbose=False,
                    fast=fast,
                )
        logger.warning(
            "5 out of the last 9 calls to <function f> triggered tf.function retracing."
        )  # anyone else's function: still reported
    finally:
        logger.removeHandler(handler)
    assert [r.getMessage() for r in records if "retracing" in r.getMessage()] == [
        "5 out of the last 9 calls to <function f> triggered tf.function retracing."
    ]


@pytest.mark.parametrize("checkpoints", [False, True])
def test_callback_after_step_1_every_display_step_and_the_last(fresh_mnist, tmp_path, checkpoints):
    """Not at the ends of chunks that only a checkpoint makes (7, 14, 21)."""
    model, calls = ae.Autoencoder(CONFIG), []
    extra = dict(checkpoint_dir=tmp_path, checkpoint_every=7) if checkpoints else {}
    history = ae.train(
        model,
        fresh_mnist.train,
        CONFIG,
        num_steps=25,
        display_step=10,
        verbose=False,
        fast=False,
        callback=lambda step, m: calls.append((step, m is model)),
        **extra,
    )
    assert calls == [(1, True), (10, True), (20, True), (25, True)]
    assert len(history) == 25


@pytest.mark.cpu_bits
def test_callback_sees_the_weights_after_its_step(fresh_mnist):
    """At step k the model holds the weights that k steps give (a second run stops at k)."""
    data, seen = fresh_mnist.train, {}
    same_batches = ae.DataSet(data.images, data.labels, pixels=data.pixels)
    same_batches.set_state(data.get_state())
    ae.train(
        ae.Autoencoder(CONFIG),
        data,
        CONFIG,
        num_steps=5,
        display_step=3,
        verbose=False,
        fast=False,
        callback=lambda step, model: seen.update({step: model.get_weights()[-1].copy()}),
    )
    assert sorted(seen) == [1, 3, 5]
    again = ae.Autoencoder(CONFIG)
    ae.train(again, same_batches, CONFIG, num_steps=3, verbose=False, fast=False)
    np.testing.assert_array_equal(seen[3], again.get_weights()[-1])
    assert not np.array_equal(seen[1], seen[3])


def ours(logger):
    return [f for f in logger.filters if isinstance(f, _OneTracePerTrain)]


def test_retracing_filter_is_there_during_train_only(fresh_mnist):
    """``train`` filters TensorFlow's logger while it runs, and leaves it as it found it
    when it returns or raises."""
    logger = ae.tf.get_logger()
    before, during = list(logger.filters), []
    ae.train(
        ae.Autoencoder(CONFIG),
        fresh_mnist.train,
        CONFIG,
        num_steps=2,
        display_step=1,
        verbose=False,
        fast=False,
        callback=lambda step, _: during.append(len(ours(logger))),
    )
    assert during == [1, 1]
    assert logger.filters == before
    config = ae.OriginalConfig(seed=3, learning_rate=1e39)
    with pytest.raises(FloatingPointError):
        ae.train(
            ae.Autoencoder(config),
            fresh_mnist.train,
            config,
            num_steps=3,
            verbose=False,
            fast=False,
        )
    assert logger.filters == before
