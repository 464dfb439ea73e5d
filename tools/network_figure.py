"""The introduction's diagram of the original's network, book/images/network.svg.

scripts/draw_network.py draws it; tests/scripts/test_draw_network.py checks the committed file.
The widths and the parameter counts come from the package's real model: the script builds
``ae_tutorial.Autoencoder(ae_tutorial.OriginalConfig())`` (so it imports TensorFlow; no
data is needed) and counts each layer's kernel and bias. The five layers,
784 -> 256 -> 128 -> 256 -> 784, are bars whose heights are proportional to their widths;
each of the four computed layers has its σ. The 28 x 28 images at the ends are schematic:
a hand-drawn "7" and a blurred copy of it, not MNIST data.

The SVG is deterministic (fixed ``svg.hashsalt``, no date, text as paths): running the
script again writes the same bytes with the same Matplotlib, which
tests/scripts/test_draw_network.py checks.
"""

from pathlib import Path

import matplotlib
import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch, PathPatch, Polygon, Rectangle
from matplotlib.path import Path as MplPath

OUT = Path(__file__).resolve().parent.parent / "book" / "images" / "network.svg"
RC = {
    "svg.hashsalt": "ae-tutorial network",  # fixed ids: the same bytes on every run
    "svg.fonttype": "path",  # text as outlines: no font needed where it is shown
    "font.family": "DejaVu Sans",  # shipped with Matplotlib
    "mathtext.fontset": "dejavusans",
}
INK = "#1f2937"  # text and lines
LAYER = "#1f4e79"  # the bars (the logo's blue)
CODE = "#d95f02"  # the code z
LINK = "#c9d6e8"  # the weight matrices between the bars
PAPER = "white"  # an opaque card: the figure reads the same on light and dark pages


def parameter_counts(config=None):
    """The widths and each layer's (kernel, bias) sizes, counted on the package's model.

    Returns:
        ``(widths, counts)``: the five widths (784, 256, 128, 256, 784) and, per layer,
        ``(kernel.size, bias.size)``. Each pair is checked to be ``(in * out, out)`` and the
        sum against ``model.count_params()``.
    """
    import ae_tutorial as ae

    model = ae.Autoencoder(config or ae.OriginalConfig())
    widths = (*model.encoder.widths, *model.decoder.widths[1:])
    layers = [model.encoder.layer_1, model.encoder.layer_2]
    layers += [model.decoder.layer_1, model.decoder.layer_2]
    counts = []
    for layer, n_in, n_out in zip(layers, widths[:-1], widths[1:], strict=True):
        kernel, bias = np.asarray(layer.kernel), np.asarray(layer.bias)
        assert kernel.shape == (n_in, n_out), layer.name
        assert bias.shape == (n_out,), layer.name
        assert kernel.size + bias.size == n_in * n_out + n_out
        counts.append((kernel.size, bias.size))
    assert sum(k + b for k, b in counts) == model.count_params()
    return widths, counts


def seven(size=28):
    """A schematic handwritten "7", ``size`` x ``size`` grey levels in [0, 1], row 0 on top:
    two thick strokes with soft edges, roughly where MNIST centres its digits."""
    rows, cols = np.mgrid[0:size, 0:size] + 0.5
    strokes = [((7.0, 6.5), (20.5, 7.5)), ((20.5, 7.5), (12.0, 22.5))]  # (col, row) ends
    dist = np.full((size, size), np.inf)
    for (c0, r0), (c1, r1) in strokes:
        d = np.array([c1 - c0, r1 - r0])
        t = np.clip(((cols - c0) * d[0] + (rows - r0) * d[1]) / (d @ d), 0, 1)
        dist = np.minimum(dist, np.hypot(cols - c0 - t * d[0], rows - r0 - t * d[1]))
    return np.clip(2.2 - dist, 0, 1)


def blurred(image):
    """A 3 x 3 box blur, mixed with the image: what a reconstruction looks like."""
    padded = np.pad(image, 1)
    n = len(image)
    box = sum(padded[i : i + n, j : j + n] for i in range(3) for j in range(3)) / 9
    return np.clip(0.3 * image + 0.85 * box, 0, 1)


def draw_image(ax, image, x0, y0, size, levels=8):
    """``image`` as grey squares (white strokes on black, as the book's canvases), vector only:
    one path per grey level, so the SVG holds no raster."""
    n = len(image)
    pixel = size / n
    ax.add_patch(Rectangle((x0, y0), size, size, facecolor="black", edgecolor=INK, lw=0.8))
    quantised = np.round(image * (levels - 1)).astype(int)
    for level in range(1, levels):
        vertices, codes = [], []
        for row, col in zip(*np.nonzero(quantised == level), strict=True):
            x, y = x0 + col * pixel, y0 + (n - 1 - row) * pixel
            vertices += [(x, y), (x + pixel, y), (x + pixel, y + pixel), (x, y + pixel), (x, y)]
            codes += [MplPath.MOVETO] + [MplPath.LINETO] * 3 + [MplPath.CLOSEPOLY]
        if vertices:
            grey = str(round(level / (levels - 1), 3))
            path = MplPath(vertices, codes)
            ax.add_patch(PathPatch(path, facecolor=grey, edgecolor=grey, lw=0.2))


def arrow(ax, start, end, text):
    """An arrow from ``start`` to ``end`` with ``text`` above it."""
    ax.add_patch(
        FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=12, color=INK, lw=1.2)
    )
    middle = ((start[0] + end[0]) / 2, start[1] + 1.0)
    ax.text(*middle, text, ha="center", va="bottom", fontsize=9, color=INK)


def bracket(ax, x0, x1, y, text):
    """A square bracket over ``x0``..``x1`` at height ``y``, ``text`` above it."""
    ax.plot([x0, x0, x1, x1], [y - 1.0, y, y, y - 1.0], color=INK, lw=1.2)
    ax.text((x0 + x1) / 2, y + 0.6, text, ha="center", va="bottom", fontsize=12, color=INK)


def sigma(ax, x, y, colour):
    """The σ badge of a sigmoid layer."""
    badge = {"boxstyle": "circle,pad=0.15", "facecolor": PAPER, "edgecolor": colour}
    ax.text(x, y, "σ", ha="center", va="center", fontsize=11, color=INK, bbox=badge)


def draw(widths, counts):
    """The diagram as a ``Figure``, in units of 0.1 inch."""
    width_in, height_in = 7.5, 5.0
    right = width_in * 10  # the card's right edge
    fig = Figure(figsize=(width_in, height_in), facecolor="none")  # outside the card
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, right)
    ax.set_ylim(0, height_in * 10)
    ax.set_axis_off()
    ax.add_patch(
        FancyBboxPatch(
            (0.4, 0.4),
            right - 0.8,
            height_in * 10 - 0.8,
            boxstyle="round,pad=0,rounding_size=1.5",
            facecolor=PAPER,
            edgecolor="#d1d5db",
            lw=1,
        )
    )

    mid, tallest, bar = 25.0, 26.0, 2.4  # bars' centre line, height of 784, bar width
    xs = [17.4 + 9.5 * i for i in range(len(widths))]
    heights = [tallest * w / max(widths) for w in widths]
    code = len(widths) // 2

    for i, (k, b) in enumerate(counts):  # the weight matrices, then their counts
        x0, x1 = xs[i] + bar / 2, xs[i + 1] - bar / 2
        h0, h1 = heights[i] / 2, heights[i + 1] / 2
        ax.add_patch(
            Polygon(
                [(x0, mid - h0), (x0, mid + h0), (x1, mid + h1), (x1, mid - h1)],
                closed=True,
                facecolor=LINK,
                edgecolor="none",
            )
        )
        n_in, n_out = widths[i], widths[i + 1]
        ax.text(
            (x0 + x1) / 2,
            6.0,
            f"{n_in}·{n_out}\n+ {n_out}\n= {k + b:,}",
            ha="center",
            va="top",
            fontsize=9,
            color=INK,
            linespacing=1.3,
        )

    for i, (x, h, w) in enumerate(zip(xs, heights, widths, strict=True)):
        colour = CODE if i == code else LAYER
        ax.add_patch(Rectangle((x - bar / 2, mid - h / 2), bar, h, facecolor=colour, lw=0))
        ax.text(x, 9.4, f"{w}", ha="center", va="bottom", fontsize=10, color=INK, weight="bold")
        if i > 0:  # every computed layer is sigma(x W + b)
            sigma(ax, x, mid, colour)
    below = mid - heights[code] / 2 - 1.2
    ax.text(xs[code], below, "code $z$", ha="center", va="top", fontsize=11, color=CODE)
    ax.text(
        xs[code],
        below - 2.6,
        f"{widths[code]} numbers",
        ha="center",
        va="top",
        fontsize=9,
        color=CODE,
    )
    sigma(ax, 2.6, 46.0, LAYER)
    ax.text(4.2, 46.0, "sigmoid", ha="left", va="center", fontsize=9, color=INK)

    bracket(ax, xs[0] - bar / 2, xs[code] - 0.3, 40.0, "encoder")
    bracket(ax, xs[code] + 0.3, xs[-1] + bar / 2, 40.0, "decoder")
    ax.text(
        xs[code],
        46.0,
        r"$\hat{x} = \mathrm{decoder}(\mathrm{encoder}(x))$",
        ha="center",
        va="center",
        fontsize=14,
        color=INK,
    )

    side = 8.0
    draw_image(ax, seven(), 1.5, mid - side / 2, side)
    draw_image(ax, blurred(seven()), right - 1.7 - side, mid - side / 2, side)
    under = mid - side / 2 - 1.0
    ax.text(5.5, under, "image $x$\n28×28", ha="center", va="top", fontsize=9, color=INK)
    ax.text(
        right - 1.7 - side / 2,
        under,
        "reconstruction\n" + r"$\hat{x}$, 28×28",
        ha="center",
        va="top",
        fontsize=9,
        color=INK,
    )
    arrow(ax, (10.0, mid), (xs[0] - bar / 2 - 0.5, mid), "flatten")
    arrow(ax, (xs[-1] + bar / 2 + 0.5, mid), (right - 2.2 - side, mid), "reshape")

    total = sum(k + b for k, b in counts)
    ax.text(
        1.5,
        6.0,
        "parameters\n(weights + biases)",
        ha="left",
        va="top",
        fontsize=9,
        color=INK,
        linespacing=1.3,
    )
    ax.text(
        right - 1.5,
        6.0,
        f"total\n{total:,}",
        ha="right",
        va="top",
        fontsize=10,
        color=INK,
        weight="bold",
        linespacing=1.3,
    )
    return fig


def save(out=OUT):
    """Count the parameters on the package's model, draw the diagram and save it as ``out``.

    Returns:
        ``(widths, counts)``, as ``parameter_counts`` gives them.
    """
    widths, counts = parameter_counts()
    with matplotlib.rc_context():
        matplotlib.rcdefaults()
        matplotlib.rcParams.update(RC)
        fig = draw(widths, counts)
        Path(out).parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(out, format="svg", facecolor="none", metadata={"Date": None})
    return widths, counts
