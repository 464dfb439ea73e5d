"""Draw the introduction's diagram of the original's network: book/images/network.svg.

Run from the repository root: python scripts/draw_network.py [OUT]   (default: the path above)

The widths and parameter counts come from the package's model (so TensorFlow loads; no data
is needed), and the same Matplotlib writes the same bytes: ``tools/network_figure.py``.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the root, for tools/
from tools.network_figure import OUT, save

if __name__ == "__main__":
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else OUT
    widths, counts = save(out)
    for n_in, n_out, (k, b) in zip(widths[:-1], widths[1:], counts, strict=True):
        print(f"{n_in:>4} -> {n_out:<4} {k:>7,} + {b:>3} = {k + b:>7,}")
    print(f"total {sum(k + b for k, b in counts):,}; wrote {out}")
