"""Save the README's picture: the original's two canvases, as chapter "Results" stored them.

Run from the repository root after re-executing book/08_results.ipynb:
python scripts/readme_figure.py   (writes book/images/reconstructions.png)

The picture is the notebook's own output, a real run of the trained network: sixteen test
digits ("Original Images") beside the network's reconstructions of them, side by side, as
the one figure of ``ae.plot_canvases``.
"""

import base64
from pathlib import Path

import nbformat

NOTEBOOK = Path("book/08_results.ipynb")
CELL = "ae.plot_canvases("  # the code cell that draws the two canvases
OUT = Path("book/images/reconstructions.png")


def stored_png(nb, start):
    """The PNG bytes stored as the output of the one code cell whose source contains ``start``."""
    [cell] = [c for c in nb.cells if c.cell_type == "code" and start in c.source]
    [png] = [o.data["image/png"] for o in cell.outputs if "image/png" in o.get("data", {})]
    return base64.b64decode(png)


def main():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_bytes(stored_png(nb, CELL))
    print(f"wrote {OUT} from {NOTEBOOK}")


if __name__ == "__main__":
    main()
