"""The original's printed losses, and the seed's own TF1 graph run beside eager mode."""

import numpy as np

import ae_tutorial as ae
from ae_tutorial import tf


def test_printed_losses_are_the_seed_schedule():
    steps = [s for s, _ in ae.TF1_PRINTED_LOSSES]
    config = ae.SeedConfig()
    assert steps == [1, *range(config.display_step, config.num_steps + 1, config.display_step)]
    losses = [l for _, l in ae.TF1_PRINTED_LOSSES]
    assert losses[0] == 0.4383 and losses[-1] == 0.057672
    assert losses[-1] < losses[10] < losses[1] < losses[0]  # it fell, if not monotonically


def test_tf1_graph_runs_without_leaving_eager_mode(mnist):
    weights = ae.Autoencoder(ae.SeedConfig(seed=2)).get_weights()
    losses, trained = ae.tf1_losses(weights, [mnist.test.images[:64]] * 3)
    assert tf.executing_eagerly()
    assert losses.shape == (3,) and losses.dtype == np.float32
    assert [w.shape for w in trained] == [w.shape for w in weights]
    assert not np.array_equal(trained[0], weights[0])  # the optimiser moved the weights
    # the loss at step 1 is the untrained network's, before any update
    x = mnist.test.images[:64]
    np.testing.assert_allclose(losses[0], float(ae.mse(x, ae.Autoencoder(ae.SeedConfig(seed=2))(x))),
                               rtol=1e-6)
