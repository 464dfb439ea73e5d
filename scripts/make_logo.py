"""Draw the book's logo and favicon: a pixel digit, the bottleneck, its blurred copy.

Run from the repository root: python scripts/make_logo.py
Writes book/images/logo.svg (the sidebar logo) and book/images/favicon.png (32 x 32).
The digit is a hand-set 7 x 7 bitmap of a "7", the first digit of MNIST's test set;
the bars between the two copies have the heights of the original's layers,
784 -> 256 -> 128 -> 256 -> 784 (drawn as square roots, so the code still shows).
"""

from pathlib import Path

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

SEVEN = np.array(
    [
        [0, 0, 0, 0, 0, 0, 0],
        [0, 1, 1, 1, 1, 1, 0],
        [0, 0, 0, 0, 1, 1, 0],
        [0, 0, 0, 1, 1, 0, 0],
        [0, 0, 0, 1, 0, 0, 0],
        [0, 0, 1, 1, 0, 0, 0],
        [0, 0, 1, 0, 0, 0, 0],
    ],
    dtype=float,
)
LAYERS = (784, 256, 128, 256, 784)
INK = "#1f4e79"  # the digit's strokes and the bars


def blurred(image):
    """A 3 x 3 box blur, what the decoder's reconstruction looks like next to the original."""
    padded = np.pad(image, 1)
    out = sum(padded[i : i + 7, j : j + 7] for i in range(3) for j in range(3)) / 9
    return np.clip(0.25 * image + 1.2 * out, 0, 1)


def draw_digit(ax, image, x0):
    for (row, col), value in np.ndenumerate(image):
        ax.add_patch(
            Rectangle(
                (x0 + col, len(image) - 1 - row), 1, 1, facecolor=INK, alpha=value, linewidth=0
            )
        )


def logo():
    fig = Figure(figsize=(4.4, 1.4))
    ax = fig.add_axes((0, 0, 1, 1))
    draw_digit(ax, SEVEN, 0)
    for i, width in enumerate(LAYERS):
        height = 6.0 * np.sqrt(width / LAYERS[0])
        ax.add_patch(
            Rectangle((8.6 + 1.3 * i, 3.5 - height / 2), 0.8, height, facecolor=INK, linewidth=0)
        )
    draw_digit(ax, blurred(SEVEN), 15.6)
    ax.set_xlim(-0.3, 22.9)
    ax.set_ylim(-0.3, 7.3)
    ax.set_axis_off()
    return fig


def favicon():
    fig = Figure(figsize=(1, 1))
    ax = fig.add_axes((0, 0, 1, 1))
    draw_digit(ax, SEVEN[1:, 1:-1], 0)  # the 6 x 5 stroke area
    ax.set_xlim(-0.5, 5.5)
    ax.set_ylim(0, 6)
    ax.set_axis_off()
    return fig


if __name__ == "__main__":
    out = Path("book/images")
    out.mkdir(parents=True, exist_ok=True)
    logo().savefig(out / "logo.svg", transparent=True, metadata={"Date": None})
    favicon().savefig(out / "favicon.png", dpi=32, transparent=True, metadata={"Software": None})
    print(f"wrote {out / 'logo.svg'} and {out / 'favicon.png'}")
