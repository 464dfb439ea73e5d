"""What a reader meets on a page, measured: code line lengths, sentence lengths, word counts.

Shared by ``tests/book/test_book_measures.py`` and ``scripts/book_measures.py``. A cell tagged
``remove-cell``, ``remove-input`` or ``hide-input`` shows no code until asked; every other code
cell, and every package object a chapter shows with ``literalinclude``, is code a reader sees.
Prose is the markdown as ``tools.prose.mask`` leaves it, without headings and maths.
"""

import ast
import re
from pathlib import Path

import nbformat

from tools.prose import mask

ROOT = Path(__file__).resolve().parent.parent
BOOK = ROOT / "book"
#: The width a page shows without cutting a line (black's and ruff's line length too).
WIDTH = 88
#: The most words a sentence should have, and the most a chapter's sentences should average.
LONGEST, MEAN = 40, 20
#: The chapters on the original (data through results), and the most words they may have.
ORIGINAL = (
    "02_data",
    "03_encoder",
    "04_decoder",
    "05_loss",
    "06_rmsprop",
    "07_training",
    "08_results",
)
ORIGINAL_WORDS = 6000
HIDDEN = {"remove-cell", "remove-input", "hide-input"}
LITERALINCLUDE = re.compile(r"```\{literalinclude\}\s*(\S+)\s*\n((?:\s*:[\w-]+:.*\n)*)")
#: Abbreviations after which a full stop does not end the sentence.
ABBREVIATIONS = ("e.g.", "i.e.", "et al.", "etc.", "vs.", "cf.", "Fig.", "Eq.", "No.")
#: Roles whose text a reader sees (a glued value shows as a number).
KEPT = (None, "term", "ref", "doc", "numref", "cite", "glue:text", "glue")
ROLE = re.compile(r"(?:\{([\w:-]+)\})?`([^`]*)`")
#: A sentence ends at ``.``, ``!`` or ``?`` (a closing bracket or quote may follow) before a
#: capital, a digit, an opening quote or bracket, or a dash.
END = re.compile(r"(?<=[.!?])[)\"”’]?\s+(?=[\"“(*_]?[A-Z0-9]|[-–—]\s)")
WORD = re.compile(r"[A-Za-z0-9][\w'’.,-]*")


def cells(path):
    """The cells of the notebook at ``path``."""
    return nbformat.read(path, as_version=4).cells


def visible(cell):
    """Whether a reader sees the code of ``cell`` without opening anything."""
    return cell.cell_type == "code" and not HIDDEN & set(cell.metadata.get("tags", []))


def _object_source(path, dotted):
    """The source lines of ``dotted`` (``Class.method`` or a function) in the file ``path``."""
    text = path.read_text()
    tree = ast.parse(text)
    lines = text.split("\n")
    body = tree.body
    node = None
    for name in dotted.split("."):
        node = next(
            n for n in body if getattr(n, "name", None) == name
        )  # StopIteration: the chapter names an object the file lacks
        body = getattr(node, "body", [])
    start = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
    return lines[start - 1 : node.end_lineno]


def included_lines(markdown, notebook):
    """``[(file name, line)]`` of every package object a ``literalinclude`` in ``markdown``
    shows (a whole file when no ``:pyobject:`` is given)."""
    shown = []
    for match in LITERALINCLUDE.finditer(markdown):
        path = (notebook.parent / match.group(1)).resolve()
        options = dict(re.findall(r":([\w-]+):\s*(.*)", match.group(2)))
        if "pyobject" in options:
            lines = _object_source(path, options["pyobject"].strip())
        else:
            lines = path.read_text().split("\n")
        dedent = int(options.get("dedent", 0) or 0)
        shown += [(path.name, line[dedent:]) for line in lines]
    return shown


def long_code_lines(path, width=WIDTH):
    """``[(where, line)]`` of every line a reader sees in the notebook ``path`` that is over
    ``width`` characters: code cells' sources, and package code shown by ``literalinclude``
    (the original program, copied byte for byte, is not ours to wrap)."""
    found = []
    for i, cell in enumerate(cells(path)):
        if visible(cell):
            lines = [(f"cell {i}", line) for line in cell.source.split("\n")]
        elif cell.cell_type == "markdown":
            lines = [
                (f"cell {i}: {name}", line)
                for name, line in included_lines(cell.source, path)
                if not name.startswith("autoencoder")
            ]
        else:
            lines = []
        found += [(where, line) for where, line in lines if len(line) > width]
    return found


def _shown(match):
    """What a reader sees of one role or inline code: a term's or a link's words, a glued
    value as one number, inline code as one word."""
    role, text = match.group(1), match.group(2)
    if role and role.startswith("glue"):
        return "0.5"
    if role == "cite":
        return "[1]"
    if role in ("term", "ref", "doc", "numref"):
        return re.sub(r"\s*<[^>]*>$", "", text)
    return "x" if WORD.search(text) else " "


def prose_text(markdown):
    """The prose of one markdown cell, as one string per paragraph or list item."""
    text = ROLE.sub(_shown, mask(markdown, keep_roles=KEPT, headings=False, maths=False))
    text = re.sub(r"\[([^\]]*)\]", r"\1", text)  # a link's words stay, its brackets go
    units = re.split(r"\n\s*\n|\n(?=\s*(?:[-*+]|\d+\.)\s)|\n\s*\|", text)
    units = [re.sub(r"^\s*(?:[-*+]|\d+\.)\s", "", unit) for unit in units]
    return [" ".join(unit.split()) for unit in units if WORD.search(unit)]


def sentences(unit):
    """The sentences of one paragraph ``unit``."""
    protected = unit
    for abbreviation in ABBREVIATIONS:
        protected = protected.replace(abbreviation, abbreviation.replace(".", "\0"))
    parts = re.split(END, protected)
    return [part.replace("\0", ".") for part in parts if WORD.search(part)]


def words(text):
    """The words of ``text``: runs that start with a letter or a digit."""
    return WORD.findall(text)


def chapter_sentences(path):
    """``[(cell index, sentence)]`` of the prose of the notebook at ``path``."""
    return [
        (i, sentence)
        for i, cell in enumerate(cells(path))
        if cell.cell_type == "markdown"
        for unit in prose_text(cell.source)
        for sentence in sentences(unit)
    ]


def chapter_words(path):
    """The number of words of prose in the notebook at ``path``."""
    return sum(len(words(sentence)) for _, sentence in chapter_sentences(path))
