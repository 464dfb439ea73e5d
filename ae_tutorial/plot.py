"""Figures of the seed: digit canvases, originals against reconstructions, the loss curve.

Every function returns a matplotlib ``Figure`` and never calls ``plt.show()``.
"""

import numpy as np
from matplotlib.figure import Figure


def canvas(images, n=4):
    """Tile ``n * n`` images of shape (n*n, 784) into one (28n, 28n) array, row by row.

    The seed's ``canvas_orig[i*28:(i+1)*28, j*28:(j+1)*28]`` layout (chapter "Results").
    """
    images = np.asarray(images)
    if images.shape != (n * n, 784):
        raise ValueError(f"canvas needs {n * n} images of shape (784,), got array {images.shape}")
    return images.reshape(n, n, 28, 28).transpose(0, 2, 1, 3).reshape(28 * n, 28 * n)


def plot_canvas(images, n=4, title="Original Images"):
    """The seed's figure: an ``n x n`` grey canvas of digits under ``title``."""
    fig = Figure(figsize=(n, n))
    ax = fig.add_subplot()
    ax.imshow(canvas(images, n), origin="upper", cmap="gray", vmin=0.0, vmax=1.0)
    ax.set_title(title)
    ax.set_axis_off()
    return fig


def plot_reconstructions(originals, reconstructions, titles=("Original", "Reconstructed")):
    """Two rows of digits: ``originals`` above ``reconstructions`` (each (k, 784))."""
    originals, reconstructions = np.asarray(originals), np.asarray(reconstructions)
    if originals.shape != reconstructions.shape or originals.ndim != 2:
        raise ValueError(f"need two (k, 784) arrays of the same shape, got {originals.shape} "
                         f"and {reconstructions.shape}")
    k = len(originals)
    fig = Figure(figsize=(k, 2.3))
    axes = fig.subplots(2, k, squeeze=False)
    for row, (images, title) in enumerate(zip((originals, reconstructions), titles)):
        for col, image in enumerate(images):
            axes[row, col].imshow(image.reshape(28, 28), cmap="gray", vmin=0.0, vmax=1.0)
            axes[row, col].set_axis_off()
        axes[row, 0].set_title(title, loc="left", fontsize="medium")
    return fig


def plot_loss(history, label="ae_tutorial", reference=None, reference_label="TF1 seed"):
    """Minibatch loss against step (log scale); ``history`` and ``reference`` are (step, loss)."""
    fig = Figure(figsize=(6, 3.5))
    ax = fig.add_subplot()
    for curve, name, style in ((history, label, "-"), (reference, reference_label, "o")):
        if curve is not None and len(curve):
            steps, losses = np.asarray(curve, dtype=float).T
            ax.plot(steps, losses, style, label=name, markersize=4)
    ax.set_yscale("log")
    ax.set_xlabel("step")
    ax.set_ylabel("minibatch loss (MSE)")
    ax.set_title("Training loss")
    ax.legend()
    return fig
