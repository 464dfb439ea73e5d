"""Every number in the book's prose comes from an output, or is a constant listed here.

nbval compares the outputs of every code cell, but not the text around them. So a number in
a markdown cell, a figure's caption or alt text, ``intro.md`` or an appendix is either
inserted from the cell that computes it (``{glue:text}``, see ``ae_tutorial.glue``), and so
compared by nbval, or it is one of the constants below. This test scans that text, code
left out (code blocks, inline code, roles' targets), and fails on any other decimal number,
percentage or power of ten, naming the file, the cell and the words around it.
"""

import json
import re
from pathlib import Path

import ae_tutorial as ae
from tools.prose import context, prose

BOOK = Path(__file__).resolve().parents[2] / "book"

#: Numbers the prose may state as they are: each a fixed fact, not a result of a run.
ALLOWED = {
    "0.01": "the learning rate, and ae.SATURATION_MARGIN",
    "0.99": "1 - ae.SATURATION_MARGIN: the saturated side near white",
    "4.6": "ln 99, the pre-activation at which a sigmoid saturates",
    "0.25": "the sigmoid's slope at 0, its largest",
    "0.9": "RMSProp's decay rho (TF1's and Keras' default)",
    "1e-10": "TF1 RMSPropOptimizer's epsilon",
    "10^{-10}": "the same, in maths",
    "1e-7": "Keras' epsilon (RMSprop, Adam)",
    "10^{-7}": "the same, in maths",
    "0.001": "Keras' default learning rate for Adam and RMSprop",
    "0.5": "the denoising chapter's noise level; a sigmoid's output at 0",
}


def printed_losses():
    """The original notebook's printed losses, as it printed them (``%f``) and to 4 decimals."""
    forms = set()
    for _, loss in ae.TF1_PRINTED_LOSSES:
        forms |= {f"{loss:.6f}", f"{loss:.4f}"}
    return forms


NUMBER = re.compile(
    r"(?<![\w.^{-])(?:\d+(?:,\d{3})*(?:\.\d+)?\s?%|\d+\.\d+(?:[eE][-+]?\d+)?"
    r"|\d+[eE][-+]?\d+|10\^\{?-?\d+\}?)(?![\w.]?\d)"
)


def texts():
    """``(where, text)`` for every markdown cell, caption and alt text, and every page."""
    for path in sorted(BOOK.glob("*.ipynb")):
        for i, cell in enumerate(json.loads(path.read_text())["cells"]):
            if cell["cell_type"] == "markdown":
                yield f"{path.name} cell {i}", "".join(cell["source"])
            figure = cell.get("metadata", {}).get("mystnb", {})
            for part, key in (("figure", "caption"), ("image", "alt")):
                if key in figure.get(part, {}):
                    yield f"{path.name} cell {i} {key}", figure[part][key]
    for path in sorted(BOOK.glob("*.md")):
        yield path.name, path.read_text()


def unbound_numbers():
    allowed = set(ALLOWED) | printed_losses()
    found = []
    for where, text in texts():
        text = prose(text)
        for match in NUMBER.finditer(text):
            number = match.group(0).replace(" ", "")
            if number not in allowed:
                around = context(text, match.start(), match.end())
                found.append(f"{where}: {number!r} in '...{around}...'")
    return found


def test_every_number_in_the_prose_is_glued_or_allowed():
    found = unbound_numbers()
    assert not found, f"{len(found)} numbers neither glued nor allowed:\n" + "\n".join(found)


def test_the_scan_sees_numbers_and_skips_code():
    text = (
        "A loss of 0.0531 and 61 % saturated, 3e-11 and $10^{-5}$; not `x = 0.25` nor\n"
        "{glue:text}`loss:.4f` nor [a link](https://x.org/v1.2).\n"
        "```python\ny = 0.123\n```\n"
        "````{dropdown} Solution\nabout 0.07\n```python\nz = 0.4\n```\n````\n"
        "```{dropdown} Solution 2\nthen 0.08\n```\n\nand 0.09 after both.\n"
    )
    assert [m.group(0) for m in NUMBER.finditer(prose(text))] == [
        "0.0531",
        "61 %",
        "3e-11",
        "10^{-5}",
        "0.07",
        "0.08",
        "0.09",
    ]
    assert "0.4383" in printed_losses()
    assert "0.057672" in printed_losses()
