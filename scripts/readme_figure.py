"""Save the README's picture: the original's two canvases, as chapter "Results" stored them.

Run from the repository root after re-executing book/07_results.ipynb:
python scripts/readme_figure.py   (writes book/images/reconstructions.png)

The picture is the notebook's own output, a real run of the trained seed: sixteen test
digits ("Original Images") beside the network's reconstructions of them, side by side.
"""

import base64
import io
from pathlib import Path

import matplotlib.image
import nbformat
import numpy as np

NOTEBOOK = Path("book/07_results.ipynb")
CELLS = ("ae.plot_canvas(batch_x", "ae.plot_canvas(reconstructed")  # how each cell starts
OUT = Path("book/images/reconstructions.png")


def stored_png(nb, start):
    """The decoded PNG output of the one code cell whose source contains ``start``."""
    [cell] = [c for c in nb.cells if c.cell_type == "code" and start in c.source]
    [png] = [o.data["image/png"] for o in cell.outputs if "image/png" in o.get("data", {})]
    return matplotlib.image.imread(io.BytesIO(base64.b64decode(png)), format="png")


def main():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    left, right = (stored_png(nb, start) for start in CELLS)
    height = max(len(left), len(right))
    pad = lambda a: np.pad(a, ((0, height - len(a)), (0, 0), (0, 0)), constant_values=1.0)
    gap = np.ones((height, 16, left.shape[2]), dtype=left.dtype)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    matplotlib.image.imsave(
        OUT, np.hstack([pad(left), gap, pad(right)]), metadata={"Software": None}
    )
    print(f"wrote {OUT} from {NOTEBOOK}")


if __name__ == "__main__":
    main()
