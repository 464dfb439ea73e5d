"""What a training step of an ``Autoencoder`` costs, counted from its layers' shapes.

The "Performance" appendix and ``benchmarks/train_speed.py --conv`` rate a training step in
FLOP/s; this module counts the FLOPs. Every kernel weight meets one input value at each
position the kernel takes: each output position of a ``Conv2D``, each input position of a
``Conv2DTranspose`` (which spreads every input value over a window of the output), once for
a ``Dense`` layer; a bias is added to every output value, counted as one multiply-add. A step
is 2 FLOPs per multiply-add, x 3 (the forward pass, and the backward pass's weight and input
gradients), x the batch: for dense layers, 6 x parameters x batch exactly.
"""

import math

import keras

#: The layers that have a kernel, by kind.
KINDS = {
    keras.layers.Conv2DTranspose: "deconv",  # first: it is a subclass of Conv2D
    keras.layers.Conv2D: "conv",
    keras.layers.Dense: "dense",
}


def forward_layers(model: keras.Model, batch: int) -> list[tuple]:
    """The layers of ``model`` that have a kernel, in the order of the forward pass.

    The layers without one (``Reshape``, ``Flatten``) only relabel a tensor's shape.

    Args:
        model: an ``Autoencoder`` (dense or convolutional).
        batch: the images in a batch (the first dimension of the shapes).

    Returns:
        ``[(layer, input shape, output shape)]``, shapes as tuples with ``batch`` first.
    """
    shape, found = (batch, model.config.num_input), []
    for half in (model.encoder, model.decoder):
        for layer in half.stack:
            output = tuple(layer.compute_output_shape(shape))
            if hasattr(layer, "kernel"):
                found.append((layer, shape, output))
            shape = output
    return found


def layer_kind(layer: keras.layers.Layer) -> str:
    """``"conv"``, ``"deconv"`` (a transposed convolution) or ``"dense"``.

    Raises:
        TypeError: naming the class, for a layer this module cannot count.
    """
    for cls, kind in KINDS.items():
        if isinstance(layer, cls):
            return kind
    raise TypeError(f"no FLOP count for {type(layer).__name__}")


def layer_multiply_adds(layer, input_shape, output_shape) -> tuple[int, int]:
    """``(kernel, bias)``: the multiply-adds of ``layer``'s forward pass for one image.

    Args:
        layer: a ``Dense``, ``Conv2D`` or ``Conv2DTranspose`` layer.
        input_shape, output_shape: its shapes, as ``forward_layers`` gives them.

    Returns:
        The kernel's multiply-adds and the bias adds (0 without a bias), ``int``s.
    """
    positions = input_shape[1:-1] if layer_kind(layer) == "deconv" else output_shape[1:-1]
    kernel = math.prod(layer.kernel.shape) * math.prod(positions)
    return kernel, math.prod(output_shape[1:]) if layer.use_bias else 0


def step_gflop(layers: list[tuple]) -> float:
    """GFLOP of one training step of ``forward_layers(model, batch)``.

    Every forward multiply-add, x 2 FLOPs, x 3 (forward, weight gradient, input gradient),
    x the batch.
    """
    batch = layers[0][1][0]
    return 6 * batch * sum(sum(layer_multiply_adds(*row)) for row in layers) / 1e9
