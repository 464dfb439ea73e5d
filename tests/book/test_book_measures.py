"""Issue 22's targets for what a reader meets: short code lines, short sentences, a short
walk through the original. The measures are defined in ``tools/measures.py``;
``python scripts/book_measures.py --list`` lists what is over a limit.
"""

import ast
import statistics

import pytest

from tools.measures import (
    BOOK,
    LONGEST,
    MEAN,
    ORIGINAL,
    ORIGINAL_WORDS,
    cells,
    chapter_sentences,
    chapter_words,
    long_code_lines,
    prose_text,
    sentences,
    visible,
    words,
)

CHAPTERS = sorted(BOOK.glob("*.ipynb"))
#: Sentences over ``LONGEST`` words that stay, each for its reason (at most 10 in the book).
LONG_SENTENCES_KEPT = {}


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_no_code_line_a_reader_sees_is_cut_by_the_page(path):
    long_lines = long_code_lines(path)
    assert not long_lines, f"{path.name}: lines over 88 characters: {long_lines}"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_sentences_are_short(path):
    found = chapter_sentences(path)
    lengths = [len(words(sentence)) for _, sentence in found]
    assert statistics.mean(lengths) <= MEAN, f"{path.name}: {statistics.mean(lengths):.1f}"
    too_long = [
        f"cell {i}: {sentence}"
        for i, sentence in found
        if len(words(sentence)) > LONGEST and sentence[:60] not in LONG_SENTENCES_KEPT
    ]
    assert not too_long, f"{path.name}: sentences over {LONGEST} words: {too_long}"


def test_few_long_sentences_are_kept():
    assert len(LONG_SENTENCES_KEPT) <= 10


def test_the_walk_through_the_original_is_short():
    counts = {name: chapter_words(BOOK / f"{name}.ipynb") for name in ORIGINAL}
    assert sum(counts.values()) <= ORIGINAL_WORDS, counts


def asserts_only(source):
    """Whether the code ``source`` does nothing but assert (comments and blank lines aside)."""
    try:
        body = ast.parse(source).body
    except SyntaxError:  # IPython magics: not an assertion cell
        return False
    return bool(body) and all(isinstance(node, ast.Assert) for node in body)


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_no_cell_a_reader_sees_only_asserts(path):
    only = [i for i, c in enumerate(cells(path)) if visible(c) and asserts_only(c.source)]
    assert not only, f"{path.name}: cells {only} only assert: tag them remove-cell"


def test_an_assertion_cell_is_recognised():
    assert asserts_only("# the band holds\nassert 1 < 2\nassert 2 < 3\n")
    assert not asserts_only("x = 1\nassert x")
    assert not asserts_only("%time 1")


def test_the_measures_read_prose_as_a_reader_does():
    cell = (
        "## A heading is not prose\n\nThe {term}`loss <loss>` is {glue:text}`mse:.4f`, "
        "e.g. small. See `ae.train`!\n\n- An item\n- Another, with $x^2$ maths.\n"
    )
    units = prose_text(cell)
    assert units == [
        "The loss is 0.5, e.g. small. See x!",
        "An item",
        "Another, with maths.",
    ]
    assert sentences(units[0]) == ["The loss is 0.5, e.g. small.", "See x!"]
    assert words("It fell by 19 % (0.0577).") == ["It", "fell", "by", "19", "0.0577"]
