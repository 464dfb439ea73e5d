"""The ceiling of a training step: its convolutions and matrix products alone, as TensorFlow ops.

``benchmarks/train_speed.py --conv`` times each model's step against these products, run in
the order a step needs them, without biases, activations or the optimiser's update; what
they cost is counted by ``ae_tutorial.flops``. tests/package/test_flops.py checks that the
products are the ones counted and that they compute TensorFlow's own gradients.
"""

from ae_tutorial import tf
from ae_tutorial.flops import layer_kind, layer_multiply_adds

#: The TensorFlow op of each product: the forward pass, the weight and the input gradient.
PRODUCT_OPS = {
    "dense": ("MatMul", "MatMul", "MatMul"),
    "conv": ("Conv2D", "Conv2DBackpropFilter", "Conv2DBackpropInput"),
    "deconv": ("Conv2DBackpropInput", "Conv2DBackpropFilter", "Conv2D"),
}


def step_products(layers):
    """``[(layer name, op, GFLOP)]``: the convolutions and matrix products of one step of
    ``ae_tutorial.flops.forward_layers(model, batch)``, as ``step_products_graph`` runs them
    (the first layer's input gradient is not needed)."""
    batch, found = layers[0][1][0], []
    for part in range(3):  # the forward pass, the weight gradients, the input gradients
        for i, row in enumerate(layers):
            if part < 2 or i > 0:
                op = PRODUCT_OPS[layer_kind(row[0])][part]
                found.append((row[0].name, op, 2 * batch * layer_multiply_adds(*row)[0] / 1e9))
    return found


def _conv_args(layer):
    return dict(strides=(1, *layer.strides, 1), padding=layer.padding.upper())


def forward_product(layer, x, kernel, output_shape):
    """The layer's product, without bias or activation: Conv2D, Conv2DBackpropInput, MatMul."""
    if layer_kind(layer) == "dense":
        return tf.matmul(x, kernel)
    if layer_kind(layer) == "conv":
        return tf.nn.conv2d(x, kernel, **_conv_args(layer))
    return tf.nn.conv2d_transpose(x, kernel, output_shape, **_conv_args(layer))


def backward_products(layer, x, kernel, dy, input_gradient=True):
    """``(dkernel, dx)`` of ``y = forward_product(layer, x, kernel)`` for the output gradient
    ``dy``; ``dx`` is None without ``input_gradient``. A transposed convolution's gradients
    are a convolution's with input and output swapped."""
    if layer_kind(layer) == "dense":
        dx = tf.matmul(dy, kernel, transpose_b=True) if input_gradient else None
        return tf.matmul(x, dy, transpose_a=True), dx
    image, maps = (x, dy) if layer_kind(layer) == "conv" else (dy, x)  # conv2d(image) = maps
    dkernel = tf.raw_ops.Conv2DBackpropFilter(
        input=image, filter_sizes=kernel.shape, out_backprop=maps, **_conv_args(layer)
    )
    if not input_gradient:
        return dkernel, None
    if layer_kind(layer) == "conv":
        return dkernel, tf.nn.conv2d_transpose(dy, kernel, x.shape, **_conv_args(layer))
    return dkernel, tf.nn.conv2d(dy, kernel, **_conv_args(layer))


def step_products_graph(layers, x, kernels, dy=None):
    """One step's products on ``x``: the forward chain, then from the output gradient ``dy``
    (default: the output itself) each layer's kernel gradient and, but for the first layer's,
    its input gradient, each waiting for the gradient of its output. Returns the kernel
    gradients."""
    inputs = []
    for (layer, input_shape, output_shape), kernel in zip(layers, kernels, strict=True):
        inputs.append(tf.reshape(x, input_shape))
        x = forward_product(layer, inputs[-1], kernel, output_shape)
    grad, grads = x if dy is None else dy, []
    for i in reversed(range(len(layers))):
        grad = tf.reshape(grad, layers[i][2])
        dkernel, grad = backward_products(layers[i][0], inputs[i], kernels[i], grad, i > 0)
        grads.insert(0, dkernel)
    return grads
