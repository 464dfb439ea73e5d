"""Execute notebooks in place, storing their outputs, as nbval will re-run them.

Run from the repository root: python scripts/execute_notebooks.py book/02_data.ipynb ...
Each notebook runs in a fresh kernel of the current environment with the notebook's
folder as working directory (nbval does the same), so the stored outputs are what
``pytest --nbval`` compares against. A cell's consecutive prints to one stream are stored as
one output, as nbval compares them: on a busy machine the kernel sends them in pieces.
"""

import sys
from pathlib import Path

import nbclient
import nbformat


def coalesce_streams(outputs):
    """``outputs`` with each run of stream outputs to the same stream joined into one."""
    joined = []
    for output in outputs:
        previous = joined[-1] if joined else None
        if (
            output.output_type == "stream"
            and previous is not None
            and previous.output_type == "stream"
            and previous.name == output.name
        ):
            previous.text += output.text
        else:
            joined.append(output)
    return joined


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
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = coalesce_streams(cell.outputs)
    nbformat.write(nb, path)
    print(f"executed {path}")


if __name__ == "__main__":
    for name in sys.argv[1:]:
        execute(name)
