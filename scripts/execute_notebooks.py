"""Execute notebooks in place, storing their outputs, as nbval will re-run them.

Run from the repository root: python scripts/execute_notebooks.py book/02_data.ipynb ...
Each notebook runs in a fresh kernel of the current environment with the notebook's
folder as working directory (nbval does the same), so the stored outputs are what
``pytest --nbval`` compares against.
"""

import sys
from pathlib import Path

import nbclient
import nbformat


def execute(path, timeout=1800):
    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute()
    nbformat.write(nb, path)
    print(f"executed {path}")


if __name__ == "__main__":
    for name in sys.argv[1:]:
        execute(name)
