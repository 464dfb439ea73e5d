"""The original's printed losses, and the original's own TF1 program run beside eager mode,
against the port: same initial weights and batches give the same bits for the first steps."""

import numpy as np
import pytest

import ae_tutorial as ae
from ae_tutorial import tf


def test_printed_losses_are_the_seed_schedule():
    steps = [s for s, _ in ae.TF1_PRINTED_LOSSES]
    config = ae.OriginalConfig()
    assert steps == [1, *range(config.display_step, config.num_steps + 1, config.display_step)]
    losses = [l for _, l in ae.TF1_PRINTED_LOSSES]
    assert losses[0] == 0.4383 and losses[-1] == 0.057672
    assert losses[-1] < losses[10] < losses[1] < losses[0]  # it fell, if not monotonically


def test_tf1_graph_runs_without_leaving_eager_mode(mnist):
    weights = ae.Autoencoder(ae.OriginalConfig(seed=2)).get_weights()
    losses, trained = ae.tf1_losses(weights, [mnist.test.images[:64]] * 3)
    assert tf.executing_eagerly()
    assert losses.shape == (3,) and losses.dtype == np.float32
    assert [w.shape for w in trained] == [w.shape for w in weights]
    assert not np.array_equal(trained[0], weights[0])  # the optimiser moved the weights
    # the loss at step 1 is the untrained network's, before any update
    x = mnist.test.images[:64]
    np.testing.assert_allclose(losses[0], float(ae.mse(x, ae.Autoencoder(ae.OriginalConfig(seed=2))(x))),
                               rtol=1e-6)


def test_run_seed_draws_its_own_normal_weights_and_prints_the_seed_lines(mnist_dir, capsys):
    config = ae.OriginalConfig(num_steps=4, display_step=2, seed=5)
    run = ae.run_original(ae.read_data_sets(mnist_dir, seed=5), config)
    assert capsys.readouterr().out.splitlines() == [
        f"Step {i}: Minibatch Loss: {run.losses[i - 1]:f}" for i in (1, 2, 4)]
    flat = np.concatenate([w.ravel() for w in run.initial_weights])
    assert flat.size == 468_368 and abs(flat.mean()) < 0.01 and abs(flat.std() - 1) < 0.01
    again = ae.run_original(ae.read_data_sets(mnist_dir, seed=5), config, verbose=False)
    assert all(np.array_equal(a, b) for a, b in zip(run.initial_weights, again.initial_weights))
    np.testing.assert_array_equal(run.losses, again.losses)


@pytest.fixture(scope="module")
def side_by_side(mnist_dir):
    """200 steps of the TF1 program and of the port's plain path, same weights and batches."""
    config = ae.OriginalConfig(num_steps=200)
    tf1 = ae.run_original(ae.read_data_sets(mnist_dir, seed=0), config, verbose=False)
    model = ae.Autoencoder(config)
    model.set_weights(tf1.initial_weights)
    history = ae.train(model, ae.read_data_sets(mnist_dir, seed=0).train, config,
                       verbose=False, fast=False)
    return tf1, np.array([loss for _, loss in history], np.float32)


def test_port_computes_the_same_bits_for_the_first_steps(side_by_side, mnist_dir):
    tf1, ours = side_by_side
    np.testing.assert_array_equal(ours[:30], tf1.losses[:30])
    config = ae.OriginalConfig(num_steps=3)
    short = ae.run_original(ae.read_data_sets(mnist_dir, seed=0), config, tf1.initial_weights,
                        verbose=False)
    model = ae.Autoencoder(config)
    model.set_weights(tf1.initial_weights)
    ae.train(model, ae.read_data_sets(mnist_dir, seed=0).train, config, verbose=False, fast=False)
    for ours_w, tf1_w in zip(model.get_weights(), short.weights):
        np.testing.assert_array_equal(ours_w, tf1_w)


def test_port_prints_the_same_losses_for_200_steps(side_by_side):
    tf1, ours = side_by_side
    np.testing.assert_allclose(ours, tf1.losses, rtol=0, atol=1e-5)


def test_tf1_losses_takes_a_generator_of_batches(mnist):
    weights = ae.Autoencoder(ae.OriginalConfig(seed=2)).get_weights()
    batches = [mnist.test.images[i * 32:(i + 1) * 32] for i in range(3)]
    from_list = ae.tf1_losses(weights, batches)[0]
    from_generator = ae.tf1_losses(weights, (b for b in batches), num_steps=3)[0]
    np.testing.assert_array_equal(from_list, from_generator)
