"""The chapters teach autoencoders, not the book's test machinery.

Only the introduction's section on how the book is checked, and the glossary's entry for
nbval, talk about the tests: a chapter's prose says what holds, not which cell checks it.
"""

import re
from pathlib import Path

import nbformat

BOOK = Path(__file__).resolve().parents[2] / "book"
#: Words about the test machinery that a chapter's prose should not need.
MACHINERY = re.compile(
    r"nbval|pytest|hidden (?:check|cell)|compared by the tests|the tests? (?:compare|check)"
    r"|fails the book",
    re.IGNORECASE,
)


def machinery_mentions(text):
    """The phrases of ``MACHINERY`` in ``text``, each with a little context."""
    return [text[max(0, m.start() - 30) : m.end() + 30] for m in MACHINERY.finditer(text)]


def test_no_chapter_talks_about_the_tests():
    found = {}
    for path in sorted(BOOK.glob("*.ipynb")):
        cells = nbformat.read(path, as_version=4).cells
        for i, cell in enumerate(cells):
            if cell.cell_type == "markdown" and machinery_mentions(cell.source):
                found[f"{path.name} cell {i}"] = machinery_mentions(cell.source)
    assert not found, f"prose about the tests outside the introduction: {found}"


def test_a_mention_is_found():
    assert machinery_mentions("so this cell's output is not compared by the tests; the")
    assert machinery_mentions("A hidden check fails the book if") != []
    assert machinery_mentions("The test set holds 10,000 images.") == []
