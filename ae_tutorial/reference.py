"""What the original TF1 notebook printed: the numbers this book reproduces.

From the original (TensorFlow-Examples' ``autoencoder.ipynb``, TF 1.x, Python 2 kernel),
as quoted in the book's source document: ``Step %i: Minibatch Loss: %f`` at step 1
and every 1,000 steps of the 30,000-step run.
"""

import logging
from collections.abc import Iterable, Sequence
from typing import NamedTuple

import numpy as np

from ._tf import tf as _tf
from .config import OriginalConfig
from .data import Datasets

#: ``(step, loss)`` pairs the original notebook printed.
TF1_PRINTED_LOSSES = (
    (1, 0.438300),
    (1000, 0.146586),
    (2000, 0.130722),
    (3000, 0.117178),
    (4000, 0.109027),
    (5000, 0.102582),
    (6000, 0.099183),
    (7000, 0.095619),
    (8000, 0.089006),
    (9000, 0.087125),
    (10000, 0.083930),
    (11000, 0.077512),
    (12000, 0.077137),
    (13000, 0.073983),
    (14000, 0.074218),
    (15000, 0.074492),
    (16000, 0.074374),
    (17000, 0.070909),
    (18000, 0.069438),
    (19000, 0.068245),
    (20000, 0.068402),
    (21000, 0.067113),
    (22000, 0.068241),
    (23000, 0.062454),
    (24000, 0.059754),
    (25000, 0.058687),
    (26000, 0.059107),
    (27000, 0.055788),
    (28000, 0.057263),
    (29000, 0.056391),
    (30000, 0.057672),
)


class _InternalDeprecations(logging.Filter):
    """Drop the deprecation notices that TF1's own optimiser code triggers inside TensorFlow
    (``rmsprop.py`` calls ``Ones.__init__`` with a dtype); anything else still prints."""

    def filter(self, record):
        message = record.getMessage()
        return not ("is deprecated" in message and "tensorflow/python/training/" in message)


class OriginalRun(NamedTuple):
    """What ``run_original`` returns: each step's loss (float32, (num_steps,)) and the eight
    weight arrays before the first and after the last step, in ``Autoencoder.get_weights()``
    order (``encoder_h1, encoder_b1, encoder_h2, encoder_b2, decoder_h1, ...``).

    Args:
        losses: the loss of each step, as ``sess.run([optimizer, loss])`` returned it.
        initial_weights: the eight arrays before the first step.
        weights: the eight arrays after the last step.
    """

    losses: np.ndarray
    initial_weights: list[np.ndarray]
    weights: list[np.ndarray]


def run_original(
    mnist: Datasets,
    config: OriginalConfig = OriginalConfig(),
    initial_weights: Sequence[np.ndarray] | None = None,
    verbose: bool = True,
) -> OriginalRun:
    """Run the original's own TF1 program on ``mnist`` (anything with ``train.next_batch``).

    The program (``_original_program`` in this module) is the original's, line for line,
    with ``tf`` bound to ``tf.compat.v1`` and built in a private ``tf.Graph``, so the rest of
    the process stays eager. What differs: the hyperparameters come from ``config``,
    ``tf.set_random_seed(config.seed)`` makes ``tf.random_normal`` repeatable,
    ``initial_weights`` (if given) are loaded over the random ones after ``init``, and every
    step's loss is kept. Appendix "From TF1 to TF2".

    Args:
        mnist: the data, e.g. ``read_data_sets(seed=0)``; only ``mnist.train.next_batch``
            is called, once per step.
        config: ``learning_rate``, ``num_steps``, ``batch_size``, ``display_step``, the three
            widths and ``seed`` are used; the fields that depart from the original
            (``initializer``, ``optimizer``, ``noise``, ``noise_level``, ``loss``,
            ``activation``, ``architecture``) and ``init_mean`` and ``init_stddev`` are not:
            the program draws N(0, 1) weights, uses TF1's RMSProp, sigmoid units and the MSE.
        initial_weights: eight arrays in ``Autoencoder.get_weights()`` order to start from,
            or ``None`` for the program's own random draw.
        verbose: print the original's ``Step %i: Minibatch Loss: %f`` lines.

    Returns:
        ``OriginalRun(losses, initial_weights, weights)``.
    """
    graph, quiet = _tf.Graph(), _InternalDeprecations()
    _tf.get_logger().addFilter(quiet)
    try:
        with graph.as_default():
            return _original_program(_tf.compat.v1, mnist, config, initial_weights, verbose)
    finally:
        _tf.get_logger().removeFilter(quiet)


def _original_program(tf, mnist, config, initial_weights, verbose):
    tf.set_random_seed(config.seed)
    learning_rate, num_steps = config.learning_rate, config.num_steps
    batch_size = config.batch_size
    display_step = config.display_step
    num_hidden_1, num_hidden_2 = config.num_hidden_1, config.num_hidden_2
    num_input = config.num_input

    # tf Graph input (only pictures)
    X = tf.placeholder("float", [None, num_input])

    weights = {
        "encoder_h1": tf.Variable(tf.random_normal([num_input, num_hidden_1])),
        "encoder_h2": tf.Variable(tf.random_normal([num_hidden_1, num_hidden_2])),
        "decoder_h1": tf.Variable(tf.random_normal([num_hidden_2, num_hidden_1])),
        "decoder_h2": tf.Variable(tf.random_normal([num_hidden_1, num_input])),
    }
    biases = {
        "encoder_b1": tf.Variable(tf.random_normal([num_hidden_1])),
        "encoder_b2": tf.Variable(tf.random_normal([num_hidden_2])),
        "decoder_b1": tf.Variable(tf.random_normal([num_hidden_1])),
        "decoder_b2": tf.Variable(tf.random_normal([num_input])),
    }

    # Building the encoder
    def encoder(x):
        # Encoder Hidden layer with sigmoid activation #1
        layer_1 = tf.nn.sigmoid(
            tf.add(tf.matmul(x, weights["encoder_h1"]), biases["encoder_b1"]),
        )
        # Encoder Hidden layer with sigmoid activation #2
        layer_2 = tf.nn.sigmoid(
            tf.add(tf.matmul(layer_1, weights["encoder_h2"]), biases["encoder_b2"])
        )
        return layer_2

    # Building the decoder
    def decoder(x):
        # Decoder Hidden layer with sigmoid activation #1
        layer_1 = tf.nn.sigmoid(
            tf.add(tf.matmul(x, weights["decoder_h1"]), biases["decoder_b1"]),
        )
        # Decoder Hidden layer with sigmoid activation #2
        layer_2 = tf.nn.sigmoid(
            tf.add(tf.matmul(layer_1, weights["decoder_h2"]), biases["decoder_b2"])
        )
        return layer_2

    # Construct model
    encoder_op = encoder(X)
    decoder_op = decoder(encoder_op)

    # Prediction
    y_pred = decoder_op
    # Targets (Labels) are the input data.
    y_true = X

    # Define loss and optimizer, minimize the squared error
    loss = tf.reduce_mean(tf.pow(y_true - y_pred, 2))
    optimizer = tf.train.RMSPropOptimizer(learning_rate).minimize(loss)

    # Initialize the variables (i.e. assign their default value)
    init = tf.global_variables_initializer()

    variables = [
        v
        for name in ("encoder", "decoder")
        for k in ("1", "2")
        for v in (weights[f"{name}_h{k}"], biases[f"{name}_b{k}"])
    ]
    losses = []
    # Start Training
    # Start a new TF session
    with tf.Session() as sess:
        # Run the initializer
        sess.run(init)
        if initial_weights is not None:
            for variable, value in zip(variables, initial_weights, strict=True):
                sess.run(variable.assign(value))
        initial = sess.run(variables)

        # Training
        for i in range(1, num_steps + 1):
            # Prepare Data
            # Get the next batch of MNIST data (only images are needed, not labels)
            batch_x, _ = mnist.train.next_batch(batch_size)

            # Run optimization op (backprop) and cost op (to get loss value)
            # l: the original's name, however ambiguous (ruff's E741)
            _, l = sess.run([optimizer, loss], feed_dict={X: batch_x})  # noqa: E741
            losses.append(l)
            # Display logs per step
            if verbose and (i % display_step == 0 or i == 1):
                # the original's line, %-formatting and all (ruff's UP031)
                print("Step %i: Minibatch Loss: %f" % (i, l))  # noqa: UP031
        final = sess.run(variables)
    return OriginalRun(np.array(losses, dtype=np.float32), initial, final)


class _Batches:
    """A stand-in for ``mnist`` whose ``train.next_batch`` hands out given batches in turn."""

    def __init__(self, batches):
        self.train, self._batches = self, iter(batches)

    def next_batch(self, batch_size):
        return next(self._batches), None


def tf1_losses(
    initial_weights: Sequence[np.ndarray],
    batches: Iterable[np.ndarray],
    learning_rate: float = 0.01,
    num_steps: int | None = None,
) -> tuple[np.ndarray, list[np.ndarray]]:
    """The original TF1 graph (``run_original``) from ``initial_weights`` on the given ``batches``.

    Chapter "RMSProp" and appendix "From TF1 to TF2".

    Args:
        initial_weights: the eight arrays to start from, in ``Autoencoder.get_weights()``
            order.
        batches: float32 arrays of shape (batch, 784), one per step: a list, or any
            iterable of them with ``num_steps`` saying how many to take (a generator keeps
            memory flat).
        learning_rate: RMSProp's learning rate.
        num_steps: how many batches to take; ``None`` takes them all.

    Returns:
        The pair ``(losses, weights)``, the loss of each step, float32 (num_steps,), as
        ``sess.run([optimizer, loss])`` returned it, and the eight arrays after the last step.
    """
    if num_steps is None:
        batches = list(batches)
        num_steps = len(batches)
    config = OriginalConfig(learning_rate=learning_rate, num_steps=num_steps)
    run = run_original(_Batches(batches), config, initial_weights, verbose=False)
    return run.losses, run.weights
