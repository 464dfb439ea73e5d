"""An interactive latent plane for the static book (chapter "A variational autoencoder").

``latent_explorer`` decodes a grid of codes once, in Python, and returns a self-contained HTML
figure: a scatter of codes coloured by label over the plane, and beside it, enlarged, the image
decoded at the grid point nearest the pointer. Plain JavaScript with its data embedded (one
grayscale PNG sprite sheet and the quantised codes, in base64): it works on the built page,
offline, without a kernel. Pillow (which matplotlib needs) writes the PNG. The page itself,
HTML, CSS and script, is the package data file ``explorer.html``; Python fills in its data.
"""

import base64
import functools
import hashlib
import html
import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources

import numpy as np
from PIL import Image

from .checks import positive_int
from .plot import DIGIT_COLORS

#: The scatter's colours: the book's one digit palette, ``ae_tutorial.plot.DIGIT_COLORS``.
PALETTE = DIGIT_COLORS


@dataclass(frozen=True, eq=False, repr=False)
class LatentExplorer:
    """What ``latent_explorer`` returns; a notebook cell ending with it shows the figure.

    Args:
        html: the figure, a self-contained ``<div class="ae-latent-explorer">``.
        grid: the grid's coordinates along each axis, float64 of shape (steps,).
        tiles: the decoded grid before quantisation, float32 of shape (steps, steps, pixels):
            ``tiles[i, j]`` decodes ``z = (grid[j], grid[steps - 1 - i])`` (row ``i`` from the
            top, ``z2`` growing upwards, as the sprite sheet is laid out).
        shown: how many codes lie inside the plane (the others are not drawn).
        data: what the page's script reads, embedded in ``html`` as JSON: ``"sprite"`` (the
            PNG sprite sheet, base64), ``"points"`` (base64 of uint8 triples: z1 and z2 on 0
            to 255 across the plane, then the index of the code's label in ``"classes"``),
            ``"steps"``, ``"limit"``, ``"side"`` (a tile's side in pixels), ``"classes"`` (the
            sorted labels, as text) and ``"colors"`` (each class's colour).
    """

    html: str
    grid: np.ndarray
    tiles: np.ndarray
    shown: int
    data: dict[str, object]

    @property
    def size(self) -> int:
        """The HTML's size in bytes (UTF-8)."""
        return len(self.html.encode())

    def _repr_html_(self) -> str:
        return self.html

    def __repr__(self) -> str:
        steps = len(self.grid)
        return f"LatentExplorer({steps} x {steps} grid, {self.shown} codes, {self.size:,} bytes)"


def latent_explorer(
    decode: Callable[[np.ndarray], object],
    codes: np.ndarray,
    labels: np.ndarray,
    limit: float = 3.0,
    steps: int = 31,
    levels: int = 16,
) -> LatentExplorer:
    """An interactive figure of the plane ``[-limit, limit]^2`` of a two-number code.

    Introduced in chapter "A variational autoencoder", to walk the 2-D VAE's latent plane.

    ``decode`` runs once, on the ``steps x steps`` grid; the page then only looks tiles up. Gray
    levels are quantised to ``levels`` values (16 keep a 31 x 31 grid of 28 x 28 images near
    150 KB); codes to 256 positions per axis. The same inputs give the same HTML, byte for byte.
    Digits are drawn white on black; axes and text take the page's text colour and are redrawn
    when the theme changes (``html[data-theme]``). Pointer (mouse, pen, touch) and arrow keys.

    Args:
        decode: maps codes, float32 of shape (M, 2), to images of shape (M, side * side) with
            pixels in [0, 1] (``vae.decode``); its result goes through ``np.asarray``.
        codes: the points of the scatter, shape (N, 2) (the test images' means); 4 bytes of
            HTML each, and those outside the plane are left out (``.shown`` counts the rest).
        labels: one integer label per code, shape (N,), at most 10 distinct values. Digits
            (every label from 0 to 9) are coloured as in every scatter, label ``d`` with
            ``DIGIT_COLORS[d]``; other labels take those colours in the labels' order.
        limit: half the side of the plane shown.
        steps: grid points per axis (at least 2); odd puts one at the origin.
        levels: gray levels kept, from 2 to 256.

    Returns:
        A ``LatentExplorer``: ``.html``, ``.size`` in bytes, ``.grid``, ``.tiles``, ``.shown``
        and ``.data``.

    Raises:
        ValueError: naming the argument that is wrong, or ``decode`` if its result is.
    """
    codes, labels, classes = _check(codes, labels, limit, steps, levels)
    grid = np.linspace(-limit, limit, steps)
    z1, z2 = np.meshgrid(grid, grid[::-1])  # row i holds z2 = grid[steps - 1 - i]
    z = np.stack([z1.ravel(), z2.ravel()], axis=1).astype(np.float32)
    tiles = np.asarray(decode(z))
    side = round(np.sqrt(tiles.shape[-1])) if tiles.ndim == 2 else 0
    if tiles.shape != (len(z), side * side) or side == 0:
        raise ValueError(
            f"decode must return one square image per code, shape ({len(z)}, side * side); "
            f"got {tiles.shape} for codes of shape {z.shape}"
        )
    low, high = np.min(tiles), np.max(tiles)
    if not (0 <= low and high <= 1):  # NaN fails too
        raise ValueError(f"decode must return pixels in [0, 1], got {low} to {high}")
    tiles = tiles.astype(np.float32).reshape(steps, steps, -1)
    sheet = tiles.reshape(steps, steps, side, side).transpose(0, 2, 1, 3)
    gray = np.rint(np.rint(sheet * (levels - 1)) * (255 / (levels - 1))).astype(np.uint8)
    png = io.BytesIO()
    Image.fromarray(gray.reshape(steps * side, steps * side), "L").save(png, "PNG", optimize=True)
    inside = np.all(np.abs(codes) <= limit, axis=1)
    where = np.rint((codes[inside] + limit) / (2 * limit) * 255)
    points = np.column_stack([where, np.searchsorted(classes, labels[inside])]).astype(np.uint8)
    data = {
        "sprite": base64.b64encode(png.getvalue()).decode(),
        "points": base64.b64encode(points.tobytes()).decode(),
        "steps": steps,
        "limit": float(limit),
        "side": side,
        "classes": [str(c) for c in classes],
        "colors": _colors(classes),
    }
    page = _html(data, int(inside.sum()), len(codes))
    return LatentExplorer(page, grid, tiles, int(inside.sum()), data)


def _check(codes, labels, limit, steps, levels):
    """``codes`` as float64 (N, 2), ``labels`` as (N,) and their sorted classes; else ValueError."""
    codes, labels = np.asarray(codes, dtype=np.float64), np.asarray(labels)
    if codes.ndim != 2 or codes.shape[1] != 2:
        raise ValueError(f"codes must have shape (N, 2), got {codes.shape}")
    if labels.shape != (len(codes),) or labels.dtype.kind not in "iu":
        raise ValueError(
            f"labels must be one integer per code, shape ({len(codes)},); "
            f"got {labels.dtype} of shape {labels.shape}"
        )
    classes = np.unique(labels)
    if len(classes) > len(DIGIT_COLORS):
        raise ValueError(f"labels: at most {len(DIGIT_COLORS)} distinct values, got {len(classes)}")
    if isinstance(limit, bool) or not (np.isfinite(limit) and limit > 0):
        raise ValueError(f"limit must be a positive number, got {limit!r}")
    if positive_int("steps", steps) < 2:
        raise ValueError(f"steps must be at least 2, got {steps}")
    if not 2 <= positive_int("levels", levels) <= 256:
        raise ValueError(f"levels must be from 2 to 256, got {levels}")
    return codes, labels, classes


def _colors(classes):
    """Each class's colour: a digit's own (``DIGIT_COLORS[d]``) if every class is a digit."""
    if classes.min() >= 0 and classes.max() < len(DIGIT_COLORS):
        return [DIGIT_COLORS[c] for c in classes]
    return list(DIGIT_COLORS[: len(classes)])


@functools.cache
def _template():
    """The page, ``explorer.html`` beside this module, with the slots that ``_html`` fills in.

    ``__KEY__`` (the data's digest, which finds the figure's own ``<div>``), ``__PLANE__`` (the
    scatter's description), ``__LEGEND__``, ``__STEPS__`` and ``__DATA__`` (the JSON).
    """
    page = resources.files(__package__).joinpath("explorer.html").read_text(encoding="utf-8")
    return page.removesuffix("\n")  # the file ends its last line; the figure does not


def _html(data, shown, total):
    """The figure's HTML for ``data`` (what the script reads), ``shown`` of ``total`` codes."""
    body = json.dumps(data, sort_keys=True, separators=(",", ":"))
    key = hashlib.sha256(body.encode()).hexdigest()[:12]
    limit, steps = f"{data['limit']:g}", data["steps"]
    plane = html.escape(
        f"Scatter of {shown} of {total} codes coloured by label, z1 and z2 from -{limit} to "
        f"{limit}; the pointer or the arrow keys choose a point of the {steps} x {steps} grid"
    )
    legend = "".join(
        f'<li><span style="background:{color}"></span>{html.escape(name)}</li>'
        for name, color in zip(data["classes"], data["colors"], strict=True)
    )
    return (
        _template()
        .replace("__KEY__", key)
        .replace("__PLANE__", plane)
        .replace("__LEGEND__", legend)
        .replace("__STEPS__", str(steps))
        .replace("__DATA__", body)
    )
