"""What the original TF1 notebook printed: the numbers this book reproduces.

From the seed (TensorFlow-Examples' ``autoencoder.ipynb``, TF 1.x, Python 2 kernel),
as quoted in the book's source document: ``Step %i: Minibatch Loss: %f`` at step 1
and every 1,000 steps of the 30,000-step run.
"""

import logging

#: ``(step, loss)`` pairs the original notebook printed.
TF1_PRINTED_LOSSES = (
    (1, 0.438300), (1000, 0.146586), (2000, 0.130722), (3000, 0.117178), (4000, 0.109027),
    (5000, 0.102582), (6000, 0.099183), (7000, 0.095619), (8000, 0.089006), (9000, 0.087125),
    (10000, 0.083930), (11000, 0.077512), (12000, 0.077137), (13000, 0.073983),
    (14000, 0.074218), (15000, 0.074492), (16000, 0.074374), (17000, 0.070909),
    (18000, 0.069438), (19000, 0.068245), (20000, 0.068402), (21000, 0.067113),
    (22000, 0.068241), (23000, 0.062454), (24000, 0.059754), (25000, 0.058687),
    (26000, 0.059107), (27000, 0.055788), (28000, 0.057263), (29000, 0.056391),
    (30000, 0.057672),
)


class _InternalDeprecations(logging.Filter):
    """Drop the deprecation notices that TF1's own optimiser code triggers inside TensorFlow
    (``rmsprop.py`` calls ``Ones.__init__`` with a dtype); anything else still prints."""

    def filter(self, record):
        message = record.getMessage()
        return not ("is deprecated" in message and "tensorflow/python/training/" in message)


def tf1_losses(initial_weights, batches, learning_rate=0.01):
    """Run the seed's own TF1 graph in a ``tf.compat.v1`` Session; return losses and weights.

    ``initial_weights`` are the eight arrays in ``Autoencoder.get_weights()`` order
    (``encoder_h1, encoder_b1, encoder_h2, encoder_b2, decoder_h1, ...``); ``batches`` is a
    list of float32 arrays of shape (batch, 784). The graph is the seed's: placeholders,
    ``sigmoid(add(matmul(x, W), b))`` four times, ``reduce_mean(pow(y_true - y_pred, 2))``
    and ``tf.train.RMSPropOptimizer``, built in a private ``tf.Graph`` so the rest of the
    process stays eager. Returns ``(losses, weights)``: the loss of each step, as
    ``sess.run([optimizer, loss])`` printed it, and the weights after the last step.
    """
    import numpy as np

    from ._tf import tf

    v1 = tf.compat.v1
    graph = tf.Graph()
    quiet = _InternalDeprecations()
    tf.get_logger().addFilter(quiet)
    try:
        with graph.as_default():
            x = v1.placeholder("float", [None, 784])
            variables = [v1.Variable(w) for w in initial_weights]
            layer = x
            for w, b in zip(variables[::2], variables[1::2]):
                layer = tf.nn.sigmoid(tf.add(tf.matmul(layer, w), b))
            loss = tf.reduce_mean(tf.pow(x - layer, 2))
            optimizer = v1.train.RMSPropOptimizer(learning_rate).minimize(loss)
            with v1.Session(graph=graph) as sess:
                sess.run(v1.global_variables_initializer())
                losses = [sess.run([optimizer, loss], feed_dict={x: b})[1] for b in batches]
                weights = sess.run(variables)
    finally:
        tf.get_logger().removeFilter(quiet)
    return np.array(losses, dtype=np.float32), weights
