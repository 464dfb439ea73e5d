"""The original's printed losses, and the original's own TF1 program run beside eager mode,
against the port: same initial weights and batches give the same bits for the first steps."""

import csv
from pathlib import Path

import numpy as np
import pytest

import ae_tutorial as ae
from ae_tutorial import tf

BOOK_DATA = Path(__file__).resolve().parents[2] / "book" / "data"


def test_printed_losses_are_the_original_schedule():
    steps = [s for s, _ in ae.TF1_PRINTED_LOSSES]
    config = ae.OriginalConfig()
    assert steps == [1, *range(config.display_step, config.num_steps + 1, config.display_step)]


def test_printed_losses_are_what_percent_f_prints():
    """Each loss is a number that ``"%f"`` prints: six decimals, as the original's lines."""
    for _, loss in ae.TF1_PRINTED_LOSSES:
        assert float(f"{loss:f}") == loss
        assert 0 < loss < 1


def test_printed_losses_lie_in_the_band_of_the_original_program():
    """Against independent runs of the original's own TF1 code (at least 8 seeds, the
    sweep ``seed_band_tf1`` of scripts/sweep.py): at every printed step, the transcribed loss
    lies within the seeds' mean +- 3 standard deviations, so a mistyped digit that moves a
    loss fails."""
    path = BOOK_DATA / "seed_band_tf1.csv"
    with open(path, newline="") as f:
        header = next(csv.reader(f))
    steps = [int(column.removeprefix("loss_")) for column in header if column.startswith("loss_")]
    assert steps == [s for s, _ in ae.TF1_PRINTED_LOSSES]
    for step, loss in ae.TF1_PRINTED_LOSSES:
        band = ae.read_sweep(path, f"loss_{step}")["original"]  # one loss per seed
        assert len(band) >= 8
        mean, sd = band.mean(), band.std(ddof=1)
        assert mean - 3 * sd <= loss <= mean + 3 * sd, (step, loss, mean, sd)


def test_tf1_graph_runs_without_leaving_eager_mode(mnist):
    weights = ae.Autoencoder(ae.OriginalConfig(seed=2)).get_weights()
    losses, trained = ae.tf1_losses(weights, [mnist.test.images[:64]] * 3)
    assert tf.executing_eagerly()
    assert losses.shape == (3,)
    assert losses.dtype == np.float32
    assert [w.shape for w in trained] == [w.shape for w in weights]
    assert not np.array_equal(trained[0], weights[0])  # the optimiser moved the weights
    # the loss at step 1 is the untrained network's, before any update
    x = mnist.test.images[:64]
    untrained = ae.Autoencoder(ae.OriginalConfig(seed=2))
    np.testing.assert_allclose(losses[0], float(ae.mse(x, untrained(x))), rtol=1e-6)


@pytest.mark.slow
@pytest.mark.cpu_bits
def test_run_original_draws_its_own_normal_weights_and_prints_the_originals_lines(
    real_mnist_dir, capsys
):
    config = ae.OriginalConfig(num_steps=4, display_step=2, seed=5)
    run = ae.run_original(ae.read_data_sets(real_mnist_dir, seed=5), config)
    assert capsys.readouterr().out.splitlines() == [
        f"Step {i}: Minibatch Loss: {run.losses[i - 1]:f}" for i in (1, 2, 4)
    ]
    flat = np.concatenate([w.ravel() for w in run.initial_weights])
    assert flat.size == 468_368
    assert abs(flat.mean()) < 0.01
    assert abs(flat.std() - 1) < 0.01
    again = ae.run_original(ae.read_data_sets(real_mnist_dir, seed=5), config, verbose=False)
    for a, b in zip(run.initial_weights, again.initial_weights, strict=True):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(run.losses, again.losses)


@pytest.fixture(scope="module")
def side_by_side(real_mnist_dir):
    """200 steps of the TF1 program and of the port's plain path, same weights and batches."""
    config = ae.OriginalConfig(num_steps=200)
    tf1 = ae.run_original(ae.read_data_sets(real_mnist_dir, seed=0), config, verbose=False)
    model = ae.Autoencoder(config)
    model.set_weights(tf1.initial_weights)
    history = ae.train(
        model, ae.read_data_sets(real_mnist_dir, seed=0).train, config, verbose=False, fast=False
    )
    return tf1, np.array([loss for _, loss in history], np.float32)


@pytest.mark.slow
@pytest.mark.cpu_bits
def test_port_computes_the_same_bits_for_the_first_steps(side_by_side, real_mnist_dir):
    tf1, ours = side_by_side
    np.testing.assert_array_equal(ours[:30], tf1.losses[:30])
    config = ae.OriginalConfig(num_steps=3)
    short = ae.run_original(
        ae.read_data_sets(real_mnist_dir, seed=0), config, tf1.initial_weights, verbose=False
    )
    model = ae.Autoencoder(config)
    model.set_weights(tf1.initial_weights)
    ae.train(
        model, ae.read_data_sets(real_mnist_dir, seed=0).train, config, verbose=False, fast=False
    )
    for ours_w, tf1_w in zip(model.get_weights(), short.weights, strict=True):
        np.testing.assert_array_equal(ours_w, tf1_w)


@pytest.mark.slow
@pytest.mark.cpu_bits
def test_default_config_trains_as_the_original_program_from_its_own_weights(real_mnist_dir):
    """``OriginalConfig()``, every variant field at its default, builds and trains the
    original: 20 steps of the port from ``Autoencoder``'s own initial weights give the TF1
    program's bits, when the program starts from those weights."""
    config = ae.OriginalConfig(num_steps=20)
    model = ae.Autoencoder(config)
    tf1 = ae.run_original(
        ae.read_data_sets(real_mnist_dir, seed=0), config, model.get_weights(), verbose=False
    )
    history = ae.train(
        model, ae.read_data_sets(real_mnist_dir, seed=0).train, config, verbose=False, fast=False
    )
    np.testing.assert_array_equal(np.array([loss for _, loss in history], np.float32), tf1.losses)
    for ours, theirs in zip(model.get_weights(), tf1.weights, strict=True):
        np.testing.assert_array_equal(ours, theirs)


@pytest.mark.slow
def test_port_prints_the_same_losses_for_200_steps(side_by_side):
    tf1, ours = side_by_side
    np.testing.assert_allclose(ours, tf1.losses, rtol=0, atol=1e-5)


@pytest.mark.cpu_bits
def test_tf1_losses_takes_a_generator_of_batches(mnist):
    weights = ae.Autoencoder(ae.OriginalConfig(seed=2)).get_weights()
    batches = [mnist.test.images[i * 32 : (i + 1) * 32] for i in range(3)]
    from_list = ae.tf1_losses(weights, batches)[0]
    from_generator = ae.tf1_losses(weights, (b for b in batches), num_steps=3)[0]
    np.testing.assert_array_equal(from_list, from_generator)
