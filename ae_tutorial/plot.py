"""Figures: digit canvases, originals against reconstructions, loss curves, codes in 2-D,
nearest neighbours and rows of noisy, denoised and clean digits.

Every function returns a matplotlib ``Figure`` and never calls ``plt.show()``. Every scatter
of digits, here and in the latent explorer, colours digit ``d`` with ``DIGIT_COLORS[d]``.
"""

from collections.abc import Sequence

import numpy as np
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure

#: The colour of each digit 0 to 9 in every scatter of the book, Petroff's ten-colour
#: sequence (matplotlib's ``petroff10`` style), chosen to stay distinct under the common
#: colour-vision deficiencies. Hex strings, so that the HTML figures use them too.
DIGIT_COLORS = (
    "#3f90da", "#ffa90e", "#bd1f01", "#94a4a2", "#832db6",
    "#a96b59", "#e76300", "#b9ac70", "#717581", "#92dadd",
)  # fmt: skip


def canvas(images: np.ndarray, n: int = 4) -> np.ndarray:
    """Tile ``n * n`` images of shape (n*n, 784) into one (28n, 28n) array, row by row.

    The original's ``canvas_orig[i*28:(i+1)*28, j*28:(j+1)*28]`` layout (chapter "Results").

    Args:
        images: shape (n*n, 784), any dtype.
        n: digits per row and per column.

    Returns:
        The canvas, shape (28n, 28n), of the images' dtype.

    Raises:
        ValueError: if ``images`` is not of shape (n*n, 784).
    """
    images = np.asarray(images)
    if images.shape != (n * n, 784):
        raise ValueError(f"canvas needs {n * n} images of shape (784,), got array {images.shape}")
    return images.reshape(n, n, 28, 28).transpose(0, 2, 1, 3).reshape(28 * n, 28 * n)


def plot_canvas(
    images: np.ndarray,
    n: int = 4,
    title: str = "Original Images",
    labels: Sequence[object] | np.ndarray | None = None,
) -> Figure:
    """The original's figure: an ``n x n`` grey canvas of digits under ``title``.

    Args:
        images: pixels in [0, 1], shape (n*n, 784).
        n: digits per row and per column.
        title: the canvas's title.
        labels: n*n labels, each printed in the corner of its digit's tile; or ``None``.

    Returns:
        The figure.

    Raises:
        ValueError: if ``images`` is not of shape (n*n, 784) or there are not n*n labels.
    """
    return plot_canvases({title: images}, n, labels)


def plot_canvases(
    panels: dict[str, np.ndarray], n: int = 4, labels: Sequence[object] | np.ndarray | None = None
) -> Figure:
    """Canvases side by side: ``panels`` maps each title to its (n*n, 784) images.

    Chapters "The data" and "Results".

    Args:
        panels: each canvas's title and its images, pixels in [0, 1], shape (n*n, 784).
        n: digits per row and per column.
        labels: n*n labels, printed in the corner of each tile of every canvas; or ``None``.

    Returns:
        The figure, one canvas per panel from left to right.

    Raises:
        ValueError: if a panel's images are not of shape (n*n, 784) or there are not
            n*n labels.
    """
    if labels is not None and len(labels) != n * n:
        raise ValueError(f"need {n * n} labels for an {n} x {n} canvas, got {len(labels)}")
    fig = Figure(figsize=(n * len(panels) + 0.2 * (len(panels) - 1), n), layout="constrained")
    for ax, (title, images) in zip(
        fig.subplots(1, len(panels), squeeze=False)[0], panels.items(), strict=True
    ):
        ax.imshow(canvas(images, n), origin="upper", cmap="gray", vmin=0.0, vmax=1.0)
        for i, label in enumerate(labels if labels is not None else []):
            ax.text(
                28 * (i % n) + 1.5,
                28 * (i // n) + 1.5,
                str(label),
                color="yellow",
                fontsize="small",
                ha="left",
                va="top",
            )
        ax.set_title(title)
        ax.set_axis_off()
    return fig


def plot_reconstructions(
    originals: np.ndarray,
    reconstructions: np.ndarray,
    titles: Sequence[str] = ("Original", "Reconstructed"),
) -> Figure:
    """Two rows of digits: ``originals`` above ``reconstructions`` (each (k, 784)).

    Args:
        originals: pixels in [0, 1], shape (k, 784).
        reconstructions: the same shape.
        titles: the two rows' titles.

    Returns:
        The figure (chapter "The decoder").

    Raises:
        ValueError: if the shapes differ or there are not two titles.
    """
    return plot_rows([originals, reconstructions], titles)


def plot_loss(
    history: Sequence[tuple[int, float]],
    label: str = "ae_tutorial",
    reference: Sequence[tuple[int, float]] | None = None,
    reference_label: str = "the original",
) -> Figure:
    """Minibatch loss against step (log scale); ``history`` and ``reference`` are (step, loss).

    Chapter "The training loop".

    Args:
        history: ``(step, loss)`` pairs, drawn as a line (as ``train`` returns them).
        label: the legend's name for ``history``.
        reference: ``(step, loss)`` pairs drawn as dots (``TF1_PRINTED_LOSSES``), or ``None``.
        reference_label: the legend's name for ``reference``.

    Returns:
        The figure.
    """
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


def plot_codes_2d(
    projections: dict[str, np.ndarray],
    labels: np.ndarray,
    title: str = "Test codes in two dimensions",
) -> Figure:
    """One scatter panel per item of ``projections`` (a dict: panel title -> (N, 2) points),
    each point coloured by its digit in ``labels`` (N,) with ``DIGIT_COLORS`` and each digit
    named at its median.

    Introduced in chapter "What the code learned" (PCA and t-SNE of the 128-number codes).

    Args:
        projections: each panel's title and its points, shape (N, 2).
        labels: the digit (0 to 9) of each point, shape (N,).
        title: the figure's title.

    Returns:
        The figure, one panel per projection from left to right.

    Raises:
        ValueError: if a label is not a digit from 0 to 9.
    """
    labels = np.asarray(labels)
    if labels.ndim != 1 or not np.isin(labels, np.arange(10)).all():
        raise ValueError(
            f"labels must be digits 0 to 9 of shape (N,), got shape {labels.shape} "
            f"with values {np.unique(labels)}"
        )
    digits = ListedColormap(DIGIT_COLORS, name="digits")
    fig = Figure(figsize=(5 * len(projections), 5.2), layout="constrained")
    axes = fig.subplots(1, len(projections), squeeze=False)[0]
    for ax, (name, points) in zip(axes, projections.items(), strict=True):
        points = np.asarray(points)
        ax.scatter(
            points[:, 0],
            points[:, 1],
            c=labels,
            cmap=digits,
            vmin=-0.5,
            vmax=9.5,
            s=4,
            alpha=0.7,
            linewidths=0,
        )
        for digit in np.unique(labels):
            x, y = np.median(points[labels == digit], axis=0)
            ax.text(
                x,
                y,
                str(digit),
                fontsize="x-large",
                weight="bold",
                ha="center",
                va="center",
                bbox=dict(boxstyle="circle", fc="white", alpha=0.8),
            )
        ax.set_title(name)
        ax.set_xticks([])
        ax.set_yticks([])
    fig.suptitle(title)
    return fig


def plot_neighbours(
    queries: np.ndarray,
    neighbours: np.ndarray,
    query_titles: Sequence[str] | None = None,
    neighbour_titles: Sequence[Sequence[str]] | None = None,
) -> Figure:
    """Each query digit (Q, 784) in the first column, its ``k`` neighbours (Q, k, 784) after it.

    Introduced in chapter "What the code learned" (nearest neighbours in code space).

    Args:
        queries: pixels in [0, 1], shape (Q, 784).
        neighbours: pixels in [0, 1], shape (Q, k, 784).
        query_titles: Q titles, one over each query; ``None`` writes "query".
        neighbour_titles: Q rows of k titles, one over each neighbour; ``None`` for none.

    Returns:
        The figure, one row per query.

    Raises:
        ValueError: if the shapes do not fit (Q, 784) and (Q, k, 784).
    """
    queries, neighbours = np.asarray(queries), np.asarray(neighbours)
    if neighbours.ndim != 3 or neighbours.shape[::2] != queries.shape:
        raise ValueError(
            f"need queries (Q, 784) and neighbours (Q, k, 784), got "
            f"{queries.shape} and {neighbours.shape}"
        )
    q, k = neighbours.shape[:2]
    fig = Figure(figsize=(1.1 * (k + 1), 1.25 * q), layout="constrained")
    axes = fig.subplots(q, k + 1, squeeze=False)
    for i in range(q):
        row = [queries[i], *neighbours[i]]
        titles = [
            query_titles[i] if query_titles is not None else "query",
            *(neighbour_titles[i] if neighbour_titles is not None else [""] * k),
        ]
        for ax, image, name in zip(axes[i], row, titles, strict=True):
            ax.imshow(image.reshape(28, 28), cmap="gray", vmin=0.0, vmax=1.0)
            ax.set_title(name, fontsize="small")
            ax.set_axis_off()
    return fig


def plot_rows(rows: Sequence[np.ndarray], titles: Sequence[str]) -> Figure:
    """Rows of digits: ``rows`` is a list of (k, 784) arrays, each drawn under its title.

    Used from chapter "The decoder" on (inputs above reconstructions; noisy, denoised and
    clean digits in chapter "What the code learned").

    Args:
        rows: arrays of one shape (k, 784), pixels in [0, 1].
        titles: one title per row, written above its left end.

    Returns:
        The figure, k digits per row.

    Raises:
        ValueError: if the rows' shapes differ or are not 2-D, or the titles do not match
            the rows in number.
    """
    rows = [np.asarray(row) for row in rows]
    if len({row.shape for row in rows}) != 1 or rows[0].ndim != 2 or len(titles) != len(rows):
        raise ValueError(
            f"need one title per row and rows of one (k, 784) shape, got "
            f"{[row.shape for row in rows]} and {len(titles)} titles"
        )
    k = len(rows[0])
    fig = Figure(figsize=(k, 1.15 * len(rows) + 0.1))
    axes = fig.subplots(len(rows), k, squeeze=False)
    for r, (images, title) in enumerate(zip(rows, titles, strict=True)):
        for col, image in enumerate(images):
            axes[r, col].imshow(image.reshape(28, 28), cmap="gray", vmin=0.0, vmax=1.0)
            axes[r, col].set_axis_off()
        axes[r, 0].set_title(title, loc="left", fontsize="medium")
    return fig
