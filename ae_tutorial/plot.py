"""Figures: digit canvases, originals against reconstructions, loss curves, codes in 2-D,
nearest neighbours and rows of noisy, denoised and clean digits.

Every function returns a matplotlib ``Figure`` and never calls ``plt.show()``.
"""

import numpy as np
from matplotlib.figure import Figure


def canvas(images, n=4):
    """Tile ``n * n`` images of shape (n*n, 784) into one (28n, 28n) array, row by row.

    The original's ``canvas_orig[i*28:(i+1)*28, j*28:(j+1)*28]`` layout (chapter "Results").
    """
    images = np.asarray(images)
    if images.shape != (n * n, 784):
        raise ValueError(f"canvas needs {n * n} images of shape (784,), got array {images.shape}")
    return images.reshape(n, n, 28, 28).transpose(0, 2, 1, 3).reshape(28 * n, 28 * n)


def plot_canvas(images, n=4, title="Original Images", labels=None):
    """The original's figure: an ``n x n`` grey canvas of digits under ``title``.

    ``labels`` (n*n,), if given, are printed in the corner of each digit's tile.
    """
    return plot_canvases({title: images}, n, labels)


def plot_canvases(panels, n=4, labels=None):
    """Canvases side by side: ``panels`` maps each title to its (n*n, 784) images.

    ``labels`` (n*n,), if given, are printed in the corner of each tile of every canvas
    (chapters "The data" and "Results").
    """
    if labels is not None and len(labels) != n * n:
        raise ValueError(f"need {n * n} labels for an {n} x {n} canvas, got {len(labels)}")
    fig = Figure(figsize=(n * len(panels) + 0.2 * (len(panels) - 1), n),
                 layout="constrained")
    for ax, (title, images) in zip(fig.subplots(1, len(panels), squeeze=False)[0],
                                   panels.items()):
        ax.imshow(canvas(images, n), origin="upper", cmap="gray", vmin=0.0, vmax=1.0)
        for i, label in enumerate(labels if labels is not None else []):
            ax.text(28 * (i % n) + 1.5, 28 * (i // n) + 1.5, str(label), color="yellow",
                    fontsize="small", ha="left", va="top")
        ax.set_title(title)
        ax.set_axis_off()
    return fig


def plot_reconstructions(originals, reconstructions, titles=("Original", "Reconstructed")):
    """Two rows of digits: ``originals`` above ``reconstructions`` (each (k, 784))."""
    return plot_rows([originals, reconstructions], titles)


def plot_loss(history, label="ae_tutorial", reference=None, reference_label="the original"):
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


def plot_codes_2d(projections, labels, title="Test codes in two dimensions"):
    """One scatter panel per item of ``projections`` (a dict: panel title -> (N, 2) points),
    each point coloured by its digit in ``labels`` (N,) and each digit named at its median.

    Introduced in chapter "What the code learned" (PCA and t-SNE of the 128-number codes).
    """
    labels = np.asarray(labels)
    fig = Figure(figsize=(5 * len(projections), 5.2), layout="constrained")
    axes = fig.subplots(1, len(projections), squeeze=False)[0]
    for ax, (name, points) in zip(axes, projections.items()):
        points = np.asarray(points)
        ax.scatter(points[:, 0], points[:, 1], c=labels, cmap="tab10", vmin=-0.5, vmax=9.5,
                   s=4, alpha=0.7, linewidths=0)
        for digit in np.unique(labels):
            x, y = np.median(points[labels == digit], axis=0)
            ax.text(x, y, str(digit), fontsize="x-large", weight="bold", ha="center",
                    va="center", bbox=dict(boxstyle="circle", fc="white", alpha=0.8))
        ax.set_title(name)
        ax.set_xticks([])
        ax.set_yticks([])
    fig.suptitle(title)
    return fig


def plot_neighbours(queries, neighbours, query_titles=None, neighbour_titles=None):
    """Each query digit (Q, 784) in the first column, its ``k`` neighbours (Q, k, 784) after it.

    Optional titles are strings of shape (Q,) and (Q, k). Introduced in chapter
    "What the code learned" (nearest neighbours in code space).
    """
    queries, neighbours = np.asarray(queries), np.asarray(neighbours)
    if neighbours.ndim != 3 or neighbours.shape[::2] != queries.shape:
        raise ValueError(f"need queries (Q, 784) and neighbours (Q, k, 784), got "
                         f"{queries.shape} and {neighbours.shape}")
    q, k = neighbours.shape[:2]
    fig = Figure(figsize=(1.1 * (k + 1), 1.25 * q), layout="constrained")
    axes = fig.subplots(q, k + 1, squeeze=False)
    for i in range(q):
        row = [queries[i], *neighbours[i]]
        titles = [query_titles[i] if query_titles is not None else "query",
                  *(neighbour_titles[i] if neighbour_titles is not None else [""] * k)]
        for ax, image, name in zip(axes[i], row, titles):
            ax.imshow(image.reshape(28, 28), cmap="gray", vmin=0.0, vmax=1.0)
            ax.set_title(name, fontsize="small")
            ax.set_axis_off()
    return fig


def plot_rows(rows, titles):
    """Rows of digits: ``rows`` is a list of (k, 784) arrays, each drawn under its title.

    Used from chapter "The decoder" on (inputs above reconstructions; noisy, denoised and
    clean digits in chapter "What the code learned").
    """
    rows = [np.asarray(row) for row in rows]
    if len({row.shape for row in rows}) != 1 or rows[0].ndim != 2 or len(titles) != len(rows):
        raise ValueError(f"need one title per row and rows of one (k, 784) shape, got "
                         f"{[row.shape for row in rows]} and {len(titles)} titles")
    k = len(rows[0])
    fig = Figure(figsize=(k, 1.15 * len(rows) + 0.1))
    axes = fig.subplots(len(rows), k, squeeze=False)
    for r, (images, title) in enumerate(zip(rows, titles)):
        for col, image in enumerate(images):
            axes[r, col].imshow(image.reshape(28, 28), cmap="gray", vmin=0.0, vmax=1.0)
            axes[r, col].set_axis_off()
        axes[r, 0].set_title(title, loc="left", fontsize="medium")
    return fig
