"""The training loop: the original's printed lines, falling loss, determinism, fast == plain."""

import numpy as np
import pytest

import ae_tutorial as ae
from ae_tutorial.train import _chunks, make_train_chunk

CONFIG = ae.OriginalConfig(seed=3)


def run(mnist_dir, steps=60, fast=True, verbose=False, display_step=20):
    data = ae.read_data_sets(mnist_dir, seed=CONFIG.seed)
    return ae.train(ae.Autoencoder(CONFIG), data.train, CONFIG, num_steps=steps,
                    display_step=display_step, verbose=verbose, fast=fast)


def test_prints_the_seed_lines(mnist_dir, capsys):
    history = run(mnist_dir, steps=45, verbose=True)
    lines = capsys.readouterr().out.splitlines()
    assert lines == [f"Step {s}: Minibatch Loss: {history[s - 1][1]:f}" for s in (1, 20, 40)]
    assert [s for s, _ in history] == list(range(1, 46))


def test_loss_falls_on_real_mnist(mnist_dir):
    losses = np.array([loss for _, loss in run(mnist_dir, steps=300)])
    assert 0.3 < losses[0] < 0.6  # sigmoid outputs of a random network: grey noise
    assert losses[-20:].mean() < 0.6 * losses[:20].mean()


def test_same_seed_same_losses(mnist_dir):
    assert run(mnist_dir) == run(mnist_dir)


def test_fast_path_equals_plain_path_step_by_step(mnist_dir):
    fast, plain = run(mnist_dir, steps=100, fast=True), run(mnist_dir, steps=100, fast=False)
    assert [s for s, _ in fast] == [s for s, _ in plain]
    # XLA fuses the step's element-wise work, which changes the last bits of a few sums
    np.testing.assert_allclose([l for _, l in fast], [l for _, l in plain], rtol=0, atol=2e-6)


@pytest.mark.parametrize("source", ["images", "pixels"])
def test_compiled_chunk_draws_exactly_the_next_batch_batches(mnist_dir, source):
    """Without XLA, the chunk computes bit for bit what the plain step computes, from the
    float images or from their uint8 bytes (which the fast path keeps on the device)."""
    losses = {}
    for name in ("chunk", "plain"):
        data = ae.read_data_sets(mnist_dir, seed=CONFIG.seed)
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


def test_any_next_batch_object_works(mnist_dir):
    class Batches:  # TF1's interface only: next_batch(n) -> (images, labels)
        def __init__(self):
            self.inner = ae.read_data_sets(mnist_dir, seed=CONFIG.seed).train

        def next_batch(self, n):
            return self.inner.next_batch(n)

    history = ae.train(ae.Autoencoder(CONFIG), Batches(), CONFIG, num_steps=60,
                       display_step=20, verbose=False)
    assert history == run(mnist_dir, fast=False)


@pytest.mark.parametrize("kwargs, message", [
    ({"num_steps": 0}, "num_steps must be a positive integer, got 0"),
    ({"num_steps": -5}, "num_steps must be a positive integer, got -5"),
    ({"num_steps": 2.5}, "num_steps"),
    ({"display_step": -1}, "display_step"),
])
def test_bad_arguments(mnist, kwargs, message):
    with pytest.raises(ValueError, match=message):
        ae.train(ae.Autoencoder(CONFIG), mnist.test, CONFIG, **kwargs)


def test_batch_larger_than_dataset():
    tiny = ae.DataSet(np.zeros((10, 784), np.float32), np.zeros(10))
    with pytest.raises(ValueError, match=r"batch_size must be an integer in 1..10"):
        ae.train(ae.Autoencoder(CONFIG), tiny, CONFIG, num_steps=1)


def test_nan_loss_names_the_step(mnist):
    config = ae.OriginalConfig(seed=3, learning_rate=1e39)  # absurd: infinity in float32
    for fast in (True, False):
        with pytest.raises(FloatingPointError, match="the loss became nan at step 2"):
            ae.train(ae.Autoencoder(config), mnist.test, config, num_steps=5, verbose=False,
                     fast=fast)


def test_nan_data_is_refused_before_training():
    images = np.full((300, 784), np.nan, np.float32)
    with pytest.raises(ValueError, match="DataSet images: NaN or infinite values"):
        ae.DataSet(images, np.zeros(300))


@pytest.mark.parametrize("every, start", [(None, 0), (30, 0), (7, 0), (30, 30), (7, 21)])
def test_chunks_end_at_every_print_and_checkpoint(every, start):
    chunks = _chunks(100, 20, every, start)
    steps = [s for a, b in chunks for s in range(a, b + 1)]
    assert steps == list(range(start + 1, 101))  # each step once, in order
    ends = {b for _, b in chunks}
    expected = {1, 20, 40, 60, 80, 100} | set(range(every or 100, 101, every or 100))
    assert ends == {e for e in expected if e > start}


def test_chunks_of_any_length_share_one_trace(mnist):
    model = ae.Autoencoder(CONFIG)
    optimizer = ae.RMSProp(CONFIG.learning_rate)
    optimizer.build(model.trainable_variables)
    chunk = make_train_chunk(ae.make_train_step(model, optimizer),
                                             mnist.test.images)
    for n in (1, 3, 7):
        assert chunk(np.zeros((n, 8), np.int32)).shape == (n,)
    assert chunk.experimental_get_tracing_count() == 1  # no retracing warnings in notebooks


@pytest.mark.parametrize("variant", [dict(noise="mask", noise_level=0.5),
                                     dict(optimizer="adam", initializer="glorot")])
def test_variants_train_as_configured(mnist_dir, variant):
    config = ae.OriginalConfig(seed=3, **variant)
    x = ae.read_data_sets(mnist_dir, seed=3).train.next_batch(256)[0]
    model = ae.Autoencoder(config)
    corrupt = ae.make_corruption(config)
    expected = float(ae.mse(x, model(x if corrupt is None else corrupt(x))))
    history = ae.train(model, ae.read_data_sets(mnist_dir, seed=3).train, config,
                       num_steps=1, verbose=False, fast=False)
    assert history[0][1] == pytest.approx(expected, abs=1e-7)  # the step saw corrupt(x)
    fresh = ae.Autoencoder(config).get_weights()
    assert not np.array_equal(model.get_weights()[0], fresh[0])  # and then updated


REPRODUCE = """
import sys
import ae_tutorial as ae
config = ae.OriginalConfig(seed=3)
data = ae.read_data_sets(sys.argv[1], seed=3)
history = ae.train(ae.Autoencoder(config), data.train, config, num_steps=40, display_step=20,
                   verbose=False)
print(repr(history))
"""


def test_two_processes_with_one_seed_compute_one_history(mnist_dir):
    import subprocess
    import sys
    runs = [subprocess.Popen([sys.executable, "-c", REPRODUCE, str(mnist_dir)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for _ in range(2)]
    (out_a, err_a), (out_b, err_b) = (r.communicate(timeout=300) for r in runs)
    assert [r.returncode for r in runs] == [0, 0], err_a + err_b
    assert out_a == out_b and out_a.count("(") == 40  # a list of 40 (step, loss) pairs
    assert eval(out_a) == run(mnist_dir, steps=40)  # and this process computes it too


def test_repeated_training_logs_no_retracing_warning(mnist):
    """Each train call compiles its own step once; a loop of calls (an exercise over
    learning rates, say) must not make TensorFlow warn of "retracing" on stderr."""
    import logging

    records = []
    handler = logging.Handler()
    handler.emit = records.append
    logger = ae.tf.get_logger()
    logger.addHandler(handler)
    try:
        for fast in (True, False):
            for _ in range(6):
                ae.train(ae.Autoencoder(CONFIG), mnist.train, CONFIG, num_steps=2,
                         display_step=2, verbose=False, fast=fast)
        logger.warning("5 out of the last 9 calls to <function f> triggered tf.function "
                       "retracing.")  # anyone else's function: still reported
    finally:
        logger.removeHandler(handler)
    assert [r.getMessage() for r in records if "retracing" in r.getMessage()] == [
        "5 out of the last 9 calls to <function f> triggered tf.function retracing."]
