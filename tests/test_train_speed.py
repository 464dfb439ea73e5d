"""benchmarks/train_speed.py --conv: its FLOP count and the products its ceiling runs.

The benchmark times nothing here. These tests check what it counts: a step's FLOPs from the
layers' shapes (against 6 x parameters x batch, a hand count and TensorFlow's own profiler)
and the products of its ceiling (against Keras' layers and ``tf.GradientTape``).
"""

import importlib.util
import math
from pathlib import Path

import numpy as np
import pytest

import ae_tutorial as ae
from ae_tutorial import tf

BENCHMARK = Path(__file__).resolve().parent.parent / "benchmarks" / "train_speed.py"
BATCH = 8  # small: shapes are what counts


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("train_speed", BENCHMARK)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def conv_model(bench):
    return ae.Autoencoder(bench.CONV_CONFIG)


def test_the_dense_count_is_six_times_parameters_times_batch(bench):
    model = ae.Autoencoder(bench.CONFIG)
    layers = bench.forward_layers(model, BATCH)
    assert len(layers) == 4
    assert bench.step_gflop(layers) == pytest.approx(6 * model.count_params() * BATCH / 1e9)
    assert bench.step_gflop(bench.forward_layers(model)) == pytest.approx(bench.STEP_GFLOP)


def test_a_dense_layer_counts_its_parameters(bench, conv_model):
    dense = [row for row in bench.forward_layers(conv_model) if bench.kind(row[0]) == "dense"]
    assert [row[0].name for row in dense] == ["code", "dense"]
    for row in dense:
        assert sum(bench.multiply_adds(*row)) == row[0].count_params()


def test_the_conv_count_by_hand(bench, conv_model):
    layers = bench.forward_layers(conv_model, BATCH)
    kernels = {row[0].name: bench.multiply_adds(*row) for row in layers}
    assert kernels == {
        "conv_1": (14 * 14 * 3 * 3 * 1 * 16, 14 * 14 * 16),  # output positions x kernel
        "conv_2": (7 * 7 * 3 * 3 * 16 * 32, 7 * 7 * 32),
        "code": (1568 * 16, 16),
        "dense": (16 * 1568, 1568),
        "deconv_1": (7 * 7 * 3 * 3 * 32 * 16, 14 * 14 * 16),  # input positions x kernel
        "deconv_2": (14 * 14 * 3 * 3 * 16 * 1, 28 * 28),
    }
    total = sum(map(sum, kernels.values()))
    assert bench.step_gflop(layers) == pytest.approx(6 * total * BATCH / 1e9)


def profiled_gflop(graph):
    """TensorFlow's own count of the convolution and matrix-product FLOPs in ``graph``."""
    options = tf.compat.v1.profiler.ProfileOptionBuilder.float_operation()
    options.update(output="none", account_type_regexes=sorted({"MatMul", "Conv2D.*"}))
    return tf.compat.v1.profiler.profile(graph, cmd="op", options=options).total_float_ops / 1e9


def op_types(graph):
    kinds = ("MatMul", "Conv2D", "Conv2DBackpropInput", "Conv2DBackpropFilter")
    return sorted(op.type for op in graph.get_operations() if op.type in kinds)


def test_the_profiler_counts_a_training_step_as_the_benchmark_does(bench, conv_model):
    """TensorFlow's gradient of a training step computes every product the count has, the
    first layer's input gradient included; biases are left out (profiled apart)."""
    variables = conv_model.trainable_variables

    @tf.function
    def gradients(x):
        with tf.GradientTape() as tape:
            loss = ae.mse(x, conv_model(x))
        return tape.gradient(loss, variables)

    graph = gradients.get_concrete_function(tf.TensorSpec((BATCH, 784))).graph
    layers = bench.forward_layers(conv_model, BATCH)
    kernels = sum(bench.multiply_adds(*row)[0] for row in layers)
    assert profiled_gflop(graph) == pytest.approx(6 * kernels * BATCH / 1e9)


def test_the_ceiling_runs_the_products_it_counts(bench, conv_model):
    layers = bench.forward_layers(conv_model, BATCH)
    kernels = [tf.zeros(row[0].kernel.shape) for row in layers]
    step = tf.function(lambda x: bench.step_products_graph(layers, x, kernels))
    graph = step.get_concrete_function(tf.TensorSpec((BATCH, 784))).graph
    products = bench.step_products(layers)
    assert op_types(graph) == sorted(op for _, op, _ in products)
    assert profiled_gflop(graph) == pytest.approx(sum(gflop for _, _, gflop in products))
    # three products a layer, but no input gradient for the first layer
    kernels = [bench.multiply_adds(*row)[0] for row in layers]
    assert len(products) == 3 * len(layers) - 1
    assert sum(gflop for _, _, gflop in products) == pytest.approx(
        2 * BATCH * (3 * sum(kernels) - kernels[0]) / 1e9
    )


def test_the_ceiling_forward_is_the_layers_without_bias_and_activation(bench, conv_model):
    """At initialisation the biases are zero, so each layer is its activation of the
    ceiling's product."""
    x = tf.random.stateless_uniform((BATCH, 784), seed=(1, 2))
    for layer, shape, output in bench.forward_layers(conv_model, BATCH):
        x = tf.reshape(x, shape)
        product = bench._forward(layer, x, layer.kernel, output)
        np.testing.assert_allclose(layer.activation(product), layer(x), rtol=1e-5, atol=1e-6)
        x = layer(x)


def test_the_ceiling_backward_is_tensorflows_gradient(bench, conv_model):
    layers = bench.forward_layers(conv_model, BATCH)
    kernels = [
        tf.random.stateless_normal(row[0].kernel.shape, seed=(i, 0)) for i, row in enumerate(layers)
    ]
    x = tf.random.stateless_uniform((BATCH, 784), seed=(3, 4))
    dy = tf.random.stateless_normal(layers[-1][2], seed=(5, 6))
    with tf.GradientTape() as tape:
        tape.watch(kernels)
        y = x
        for (layer, shape, output), kernel in zip(layers, kernels, strict=True):
            y = bench._forward(layer, tf.reshape(y, shape), kernel, output)
    expected = tape.gradient(y, kernels, output_gradients=dy)
    got = bench.step_products_graph(layers, x, kernels, dy)
    for g, e in zip(got, expected, strict=True):
        scale = float(tf.reduce_max(tf.abs(e)))
        np.testing.assert_allclose(g, e, rtol=1e-4, atol=1e-5 * scale)
        assert math.prod(g.shape) > 0
