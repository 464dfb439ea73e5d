"""An interactive latent plane for the static book (chapter "A variational autoencoder").

``latent_explorer`` decodes a grid of codes once, in Python, and returns a self-contained HTML
figure: a scatter of codes coloured by label over the plane, and beside it, enlarged, the image
decoded at the grid point nearest the pointer. Plain JavaScript with its data embedded (one
grayscale PNG sprite sheet and the quantised codes, in base64): it works on the built page,
offline, without a kernel. Pillow (which matplotlib needs) writes the PNG.
"""

import base64
import hashlib
import html
import io
import json
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from PIL import Image

from .checks import positive_int

#: The scatter's colours, one per label: Petroff's ten-colour sequence (matplotlib's
#: ``petroff10`` style), chosen to stay distinct under the common colour-vision deficiencies.
PALETTE = (
    "#3f90da", "#ffa90e", "#bd1f01", "#94a4a2", "#832db6",
    "#a96b59", "#e76300", "#b9ac70", "#717581", "#92dadd",
)  # fmt: skip


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
    """

    html: str
    grid: np.ndarray
    tiles: np.ndarray
    shown: int

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
        labels: one integer label per code, shape (N,), at most 10 distinct values.
        limit: half the side of the plane shown.
        steps: grid points per axis (at least 2); odd puts one at the origin.
        levels: gray levels kept, from 2 to 256.

    Returns:
        A ``LatentExplorer``: ``.html``, ``.size`` in bytes, ``.grid``, ``.tiles``, ``.shown``.

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
        "colors": PALETTE[: len(classes)],
    }
    page = _html(data, int(inside.sum()), len(codes))
    return LatentExplorer(page, grid, tiles, int(inside.sum()))


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
    if len(classes) > len(PALETTE):
        raise ValueError(f"labels: at most {len(PALETTE)} distinct values, got {len(classes)}")
    if isinstance(limit, bool) or not (np.isfinite(limit) and limit > 0):
        raise ValueError(f"limit must be a positive number, got {limit!r}")
    if positive_int("steps", steps) < 2:
        raise ValueError(f"steps must be at least 2, got {steps}")
    if not 2 <= positive_int("levels", levels) <= 256:
        raise ValueError(f"levels must be from 2 to 256, got {levels}")
    return codes, labels, classes


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
        _TEMPLATE.replace("__KEY__", key)
        .replace("__PLANE__", plane)
        .replace("__LEGEND__", legend)
        .replace("__STEPS__", str(steps))
        .replace("__DATA__", body)
    )


_TEMPLATE = """<div class="ae-latent-explorer" data-ae-key="__KEY__" role="group" \
aria-label="Interactive latent plane: codes on the left, the decoded image on the right">
<style>
.ae-latent-explorer{color:inherit;font-size:.9rem;line-height:1.4;max-width:640px}
.ae-latent-explorer .ae-le-row{display:flex;flex-wrap:wrap;gap:1rem;align-items:flex-start}
.ae-latent-explorer canvas{display:block;max-width:100%;height:auto}
.ae-latent-explorer .ae-le-plane{width:360px;touch-action:none;cursor:crosshair}
.ae-latent-explorer .ae-le-plane:focus-visible{outline:2px solid currentColor}
.ae-latent-explorer .ae-le-digit{width:196px;image-rendering:pixelated;background:#000}
.ae-latent-explorer .ae-le-readout{font-family:monospace;margin:.4rem 0}
.ae-latent-explorer ul{list-style:none;display:flex;flex-wrap:wrap;gap:.2rem .8rem;padding:0;\
margin:.5rem 0}
.ae-latent-explorer li span{display:inline-block;width:.8em;height:.8em;border-radius:50%;\
margin-right:.3em}
.ae-latent-explorer p{margin:.3rem 0}
</style>
<div class="ae-le-row">
<canvas class="ae-le-plane" width="360" height="360" tabindex="0" role="img" \
aria-label="__PLANE__"></canvas>
<div>
<canvas class="ae-le-digit" width="196" height="196" role="img" \
aria-label="The image decoded at the chosen grid point, white on black"></canvas>
<div class="ae-le-readout" aria-live="polite">z = (0.00, 0.00)</div>
<label><input type="checkbox" class="ae-le-grid"> decoded grid behind the codes</label>
</div>
</div>
<ul class="ae-le-legend" aria-label="Colour of each label">__LEGEND__</ul>
<p>Move the pointer over the plane (or focus it and press the arrow keys): the right panel \
shows the image decoded at the nearest of __STEPS__ &#215; __STEPS__ grid points.</p>
<script>
(() => {
  const D = __DATA__;
  const W = 360, M = {l: 44, r: 10, t: 10, b: 38}, P = W - M.l - M.r, S = D.steps, L = D.limit;
  const me = document.currentScript, parent = me && me.parentElement;
  const mine = '.ae-latent-explorer[data-ae-key="__KEY__"]:not([data-ae-bound])';
  const roots = parent && parent.matches('.ae-latent-explorer') ? [parent]
    : document.querySelectorAll(mine);
  const raw = atob(D.points), sprite = new Image();
  const at = u => -L + u / 255 * 2 * L, gz = k => -L + k * 2 * L / (S - 1);
  const toX = z => M.l + (z + L) / (2 * L) * P, toY = z => M.t + (L - z) / (2 * L) * P;
  const fit = (canvas, size) => {
    const n = Math.round(size * (window.devicePixelRatio || 1));
    if (canvas.width !== n) canvas.width = canvas.height = n;
    const ctx = canvas.getContext('2d');
    ctx.setTransform(n / size, 0, 0, n / size, 0, 0);
    ctx.clearRect(0, 0, size, size);
    return ctx;
  };
  const setup = root => {
    const plane = root.querySelector('.ae-le-plane'), digit = root.querySelector('.ae-le-digit');
    const out = root.querySelector('.ae-le-readout'), back = root.querySelector('.ae-le-grid');
    const state = {i: S >> 1, j: S >> 1, z: [gz(S >> 1), -gz(S >> 1)], draws: 0};
    const draw = () => {
      const style = getComputedStyle(root), ink = style.color, h = L / (S - 1);
      const ctx = fit(plane, W);
      ctx.save();
      ctx.beginPath(); ctx.rect(M.l, M.t, P, P); ctx.clip();
      const x0 = toX(-L - h), span = toX(L + h) - x0;  // tiles centred on the grid points
      if (back.checked) ctx.drawImage(sprite, x0, toY(L + h), span, span);
      ctx.globalAlpha = back.checked ? 0.5 : 0.8;
      for (let k = 0; k + 2 < raw.length; k += 3) {
        ctx.fillStyle = D.colors[raw.charCodeAt(k + 2)];
        ctx.fillRect(toX(at(raw.charCodeAt(k))) - 1.2, toY(at(raw.charCodeAt(k + 1))) - 1.2,
                     2.4, 2.4);
      }
      ctx.restore();
      ctx.strokeStyle = ctx.fillStyle = ink; ctx.lineWidth = 1;
      ctx.strokeRect(M.l + 0.5, M.t + 0.5, P - 1, P - 1);
      ctx.font = `12px ${style.fontFamily}`;
      ctx.textAlign = 'center'; ctx.textBaseline = 'top';
      for (let t = Math.ceil(-L); t <= L; t++) {
        ctx.fillRect(toX(t) - 0.5, M.t + P, 1, 4); ctx.fillRect(M.l - 4, toY(t) - 0.5, 4, 1);
        ctx.fillText(String(t), toX(t), M.t + P + 6);
      }
      ctx.fillText('z\\u2081', M.l + P / 2, M.t + P + 22);
      ctx.textAlign = 'right'; ctx.textBaseline = 'middle';
      for (let t = Math.ceil(-L); t <= L; t++) ctx.fillText(String(t), M.l - 7, toY(t));
      ctx.save(); ctx.translate(12, M.t + P / 2); ctx.rotate(-Math.PI / 2);
      ctx.textAlign = 'center'; ctx.fillText('z\\u2082', 0, 0); ctx.restore();
      const x = toX(gz(state.j)), y = toY(-gz(state.i));
      for (const [width, color] of [[4, '#000'], [2, '#fff']]) {  // seen on any background
        ctx.lineWidth = width; ctx.strokeStyle = color;
        ctx.beginPath(); ctx.arc(x, y, 6, 0, 2 * Math.PI); ctx.stroke();
      }
      const big = fit(digit, 196);
      big.imageSmoothingEnabled = false;
      big.drawImage(sprite, state.j * D.side, state.i * D.side, D.side, D.side, 0, 0, 196, 196);
      out.textContent = `z = (${state.z[0].toFixed(2)}, ${state.z[1].toFixed(2)})`;
      root.dataset.aeInk = ink; root.dataset.aeDraws = ++state.draws;
    };
    const choose = (i, j, z) => {
      state.i = Math.max(0, Math.min(S - 1, i)); state.j = Math.max(0, Math.min(S - 1, j));
      state.z = z || [gz(state.j), -gz(state.i)];
      draw();
    };
    const point = e => {
      const r = plane.getBoundingClientRect(), s = W / r.width;
      const clamp = v => Math.max(-L, Math.min(L, v));
      const z1 = clamp(((e.clientX - r.left) * s - M.l) / P * 2 * L - L);
      const z2 = clamp(L - ((e.clientY - r.top) * s - M.t) / P * 2 * L);
      const k = v => Math.round((v + L) / (2 * L) * (S - 1));
      choose(S - 1 - k(z2), k(z1), [z1, z2]);
    };
    plane.addEventListener('pointermove', point);
    plane.addEventListener('pointerdown', point);
    plane.addEventListener('keydown', e => {
      const step = {ArrowLeft: [0, -1], ArrowRight: [0, 1], ArrowUp: [-1, 0], ArrowDown: [1, 0]};
      if (!(e.key in step)) return;
      e.preventDefault();
      choose(state.i + step[e.key][0], state.j + step[e.key][1]);
    });
    back.addEventListener('change', draw);
    new MutationObserver(draw).observe(document.documentElement,
      {attributes: true, attributeFilter: ['data-theme', 'data-mode', 'class', 'style']});
    const scheme = window.matchMedia && matchMedia('(prefers-color-scheme: dark)');
    if (scheme) scheme.addEventListener('change', draw);
    draw();
    root.dataset.aeReady = '1';
  };
  roots.forEach(root => { root.dataset.aeBound = '1'; });
  sprite.onload = () => roots.forEach(setup);
  sprite.src = 'data:image/png;base64,' + D.sprite;
})();
</script>
</div>"""
