"""The install cell at the top of every notebook of the book (scripts/add_install_cell.py).

On Colab, a notebook opened from GitHub runs without this repository, so its first cell
installs the package from the repository named in book/_config.yml (`repository.url` and
`repository.branch`, the one place the URL is set). Where `ae_tutorial` is importable (a
checkout, Binder, CI) the cell does nothing and prints nothing, so `pytest --nbval`
compares it with its stored (empty) output. The tag `remove-cell` keeps it out of the book.
Only that cell is touched: the rest of each notebook, outputs included, is written back
byte for byte (nbformat's own format, which is how the notebooks are stored).
"""

import nbformat

from tools.book import ROOT, book_notebooks, repository

CELL_ID = "install-ae-tutorial"
MARKER = 'find_spec("ae_tutorial")'  # what every version of the cell checks first
TAGS = ["remove-cell"]
TEMPLATE = """\
# Installs this book's package where it is missing (Colab); does nothing where it is there.
import importlib.util

if importlib.util.find_spec("ae_tutorial") is None:
    %pip install --quiet "ae_tutorial @ git+{url}@{branch}\""""


def install_source(root=ROOT):
    """The install cell's source for the repository in book/_config.yml."""
    url, branch = repository(root)
    return TEMPLATE.format(url=url, branch=branch)


def is_install_cell(cell):
    """Whether ``cell`` is an install cell, current or not (by its id, or by what it does)."""
    return cell.get("id") == CELL_ID or (cell.cell_type == "code" and MARKER in cell.source)


def is_current(cell, source):
    """Whether ``cell`` is the install cell for ``source``: tagged, and with no outputs.

    Its id, execution count and execution metadata may be anything (a chapter may have
    copied the cell; executing a notebook with scripts/execute_notebooks.py sets the
    others), so a copied or re-executed notebook stays current.
    """
    return (
        cell.cell_type == "code"
        and cell.source == source
        and not cell.outputs
        and all(tag in cell.metadata.get("tags", []) for tag in TAGS)
    )


def with_install_cell(nb, source):
    """Make ``nb``'s first cell the install cell for ``source``; ``True`` if ``nb`` changed.

    An existing install cell is updated in place (and moved first); any other copy is
    removed; a notebook without one gets a new cell.
    """
    found = [i for i, cell in enumerate(nb.cells) if is_install_cell(cell)]
    if found == [0] and is_current(nb.cells[0], source):
        return False
    cells = [nb.cells.pop(i) for i in reversed(found)][::-1]
    if cells and cells[0].cell_type == "code":
        cell = cells[0]
        cell.source, cell.outputs = source, []
        cell.metadata["tags"] = cell.metadata.get("tags", []) + [
            t for t in TAGS if t not in cell.metadata.get("tags", [])
        ]
    else:
        cell = nbformat.v4.new_code_cell(source=source, metadata={"tags": list(TAGS)})
        cell.id = CELL_ID
    nb.cells.insert(0, cell)
    return True


def update(path, source, check=False):
    """Insert or refresh the install cell of the notebook at ``path``; ``True`` if it changed."""
    nb = nbformat.read(path, as_version=4)
    changed = with_install_cell(nb, source)
    if changed and not check:
        nbformat.write(nb, path)
    return changed


def update_all(root=ROOT, check=False):
    """Give every notebook of ``root``'s book the current install cell (``check``: only
    look); returns the notebooks that changed, or would have."""
    source = install_source(root)
    return [p for p in book_notebooks(root) if update(p, source, check=check)]
