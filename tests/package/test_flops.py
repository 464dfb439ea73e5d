"""What benchmarks/train_speed.py --conv counts and runs: a step's FLOPs (``ae_tutorial.flops``)
and the products of its ceiling (tools/ceiling.py).

The benchmark times nothing here. These tests check what it counts: a step's FLOPs from the
layers' shapes (against 6 x parameters x batch, a hand count, ``ae.multiply_adds`` and
TensorFlow's own profiler) and the products of its ceiling (against Keras' layers and
``tf.GradientTape``).
"""

import math

import keras
import numpy as np
import pytest

import ae_tutorial as ae
from ae_tutorial import tf
from ae_tutorial.flops import forward_layers, layer_kind, layer_multiply_adds, step_gflop
from tools import ceiling

BATCH = 8  # small: shapes are what counts


@pytest.fixture(scope="module")
def conv_model():
    return ae.Autoencoder(ae.preset("conv_16"))


def test_the_dense_count_is_six_times_parameters_times_batch():
    model = ae.Autoencoder(ae.preset("original"))
    layers = forward_layers(model, BATCH)
    assert len(layers) == 4
    assert step_gflop(layers) == pytest.approx(6 * model.count_params() * BATCH / 1e9)
    assert step_gflop(forward_layers(model, 256)) == pytest.approx(6 * 468_368 * 256 / 1e9)


def test_a_dense_layer_counts_its_parameters(conv_model):
    layers = forward_layers(conv_model, BATCH)
    dense = [row for row in layers if layer_kind(row[0]) == "dense"]
    assert [row[0].name for row in dense] == ["code", "dense"]
    for row in dense:
        assert sum(layer_multiply_adds(*row)) == row[0].count_params()


def test_a_layer_without_a_count_is_named():
    with pytest.raises(TypeError, match="no FLOP count for Flatten"):
        layer_kind(keras.layers.Flatten())


@pytest.mark.parametrize("preset", ["original", "conv_16", "conv_wide_16", "linear_2"])
def test_the_kernels_are_what_ae_multiply_adds_counts(preset):
    model = ae.Autoencoder(ae.preset(preset))
    kernels = sum(layer_multiply_adds(*row)[0] for row in forward_layers(model, 1))
    assert kernels == ae.multiply_adds(model)


def test_the_conv_count_by_hand(conv_model):
    layers = forward_layers(conv_model, BATCH)
    kernels = {row[0].name: layer_multiply_adds(*row) for row in layers}
    assert kernels == {
        "conv_1": (14 * 14 * 3 * 3 * 1 * 16, 14 * 14 * 16),  # output positions x kernel
        "conv_2": (7 * 7 * 3 * 3 * 16 * 32, 7 * 7 * 32),
        "code": (1568 * 16, 16),
        "dense": (16 * 1568, 1568),
        "deconv_1": (7 * 7 * 3 * 3 * 32 * 16, 14 * 14 * 16),  # input positions x kernel
        "deconv_2": (14 * 14 * 3 * 3 * 16 * 1, 28 * 28),
    }
    total = sum(map(sum, kernels.values()))
    assert step_gflop(layers) == pytest.approx(6 * total * BATCH / 1e9)


def profiled_gflop(graph):
    """TensorFlow's own count of the convolution and matrix-product FLOPs in ``graph``."""
    options = tf.compat.v1.profiler.ProfileOptionBuilder.float_operation()
    options.update(output="none", account_type_regexes=sorted({"MatMul", "Conv2D.*"}))
    return tf.compat.v1.profiler.profile(graph, cmd="op", options=options).total_float_ops / 1e9


def op_types(graph):
    kinds = ("MatMul", "Conv2D", "Conv2DBackpropInput", "Conv2DBackpropFilter")
    return sorted(op.type for op in graph.get_operations() if op.type in kinds)


def test_the_profiler_counts_a_training_step_as_the_benchmark_does(conv_model):
    """TensorFlow's gradient of a training step computes every product the count has, the
    first layer's input gradient included; biases are left out (profiled apart)."""
    variables = conv_model.trainable_variables

    @tf.function
    def gradients(x):
        with tf.GradientTape() as tape:
            loss = ae.mse(x, conv_model(x))
        return tape.gradient(loss, variables)

    graph = gradients.get_concrete_function(tf.TensorSpec((BATCH, 784))).graph
    layers = forward_layers(conv_model, BATCH)
    kernels = sum(layer_multiply_adds(*row)[0] for row in layers)
    assert profiled_gflop(graph) == pytest.approx(6 * kernels * BATCH / 1e9)


def test_the_ceiling_runs_the_products_it_counts(conv_model):
    layers = forward_layers(conv_model, BATCH)
    kernels = [tf.zeros(row[0].kernel.shape) for row in layers]
    step = tf.function(lambda x: ceiling.step_products_graph(layers, x, kernels))
    graph = step.get_concrete_function(tf.TensorSpec((BATCH, 784))).graph
    products = ceiling.step_products(layers)
    assert op_types(graph) == sorted(op for _, op, _ in products)
    assert profiled_gflop(graph) == pytest.approx(sum(gflop for _, _, gflop in products))
    # three products a layer, but no input gradient for the first layer
    kernels = [layer_multiply_adds(*row)[0] for row in layers]
    assert len(products) == 3 * len(layers) - 1
    assert sum(gflop for _, _, gflop in products) == pytest.approx(
        2 * BATCH * (3 * sum(kernels) - kernels[0]) / 1e9
    )


def test_the_ceiling_forward_is_the_layers_without_bias_and_activation(conv_model):
    """At initialisation the biases are zero, so each layer is its activation of the
    ceiling's product."""
    x = tf.random.stateless_uniform((BATCH, 784), seed=(1, 2))
    for layer, shape, output in forward_layers(conv_model, BATCH):
        x = tf.reshape(x, shape)
        product = ceiling.forward_product(layer, x, layer.kernel, output)
        np.testing.assert_allclose(layer.activation(product), layer(x), rtol=1e-5, atol=1e-6)
        x = layer(x)


def test_the_ceiling_backward_is_tensorflows_gradient(conv_model):
    layers = forward_layers(conv_model, BATCH)
    kernels = [
        tf.random.stateless_normal(row[0].kernel.shape, seed=(i, 0)) for i, row in enumerate(layers)
    ]
    x = tf.random.stateless_uniform((BATCH, 784), seed=(3, 4))
    dy = tf.random.stateless_normal(layers[-1][2], seed=(5, 6))
    with tf.GradientTape() as tape:
        tape.watch(kernels)
        y = x
        for (layer, shape, output), kernel in zip(layers, kernels, strict=True):
            y = ceiling.forward_product(layer, tf.reshape(y, shape), kernel, output)
    expected = tape.gradient(y, kernels, output_gradients=dy)
    got = ceiling.step_products_graph(layers, x, kernels, dy)
    for g, e in zip(got, expected, strict=True):
        scale = float(tf.reduce_max(tf.abs(e)))
        np.testing.assert_allclose(g, e, rtol=1e-4, atol=1e-5 * scale)
        assert math.prod(g.shape) > 0
