"""Every chapter links the first use of each glossary term to the glossary.

``book/glossary.md`` defines the words a newcomer meets. A chapter (``intro.md`` and every
notebook, its markdown cells in order) may use a term many times, but the first time its
prose does, in any of the term's forms, that use must be a ``{term}`` role for it:
``{term}`minibatch``` or ``{term}`minibatches <minibatch>```. Stacked names (``code``,
``latent code``) are one term: the first use of any of them counts. The prose leaves out
headings, code, maths, labels, directive options, links' URLs and the text of other roles
(see ``tools/prose.py``). A term matches whole words, case aside, with a plural -s or -es and the
forms in ``FORMS``; a hit inside one of the phrases in ``NOT_THE_TERM`` is not a use, and where
two terms overlap (``vanishing gradients``) the longer one is the use.

A failure names the file, the cell, the term and the words around its first use.
"""

import json
import re
from pathlib import Path

import pytest

from tools.prose import context, mask

BOOK = Path(__file__).resolve().parents[2] / "book"
GLOSSARY = BOOK / "glossary.md"

#: The forms of a term besides its names and their plurals (-s, -es), keyed by one of its names.
FORMS = {
    "saturation": ["saturate", "saturated", "saturating"],
    "reconstruction": ["reconstruct", "reconstructed", "reconstructing"],
    "dead unit": ["dead"],  # "a code unit is *dead*"
    "denoising autoencoder": ["denoiser"],
    "Glorot initialisation": ["Glorot initialization", "Glorot's initialisation"],
    "logits": ["logit"],
    "seed": ["seeded"],
    "the original": ["the original program"],
    "ulp": ["units in the last place"],
    "validation set": ["validation images"],
}

#: Phrases in which a word is not the glossary's term: a hit inside one is not a use.
NOT_THE_TERM = {
    "code": [  # a program's source, not the encoder's output
        "package's code",
        "original's own code",
        "original's code",
        "TensorFlow 1 code",
        "TF1 code",
        "the code counts",
        "the code below",
        "the code prints",
    ],
    "gradient": ["shows a gradient"],  # a gradual change across a picture
    "reconstruction": ["Reconstructed Images"],  # the title of the original's figure
    "step": ["step by step"],
    "unit": ["tens of units", "pixel units", "unit in the last of"],  # units of measurement
}

TERM_ROLE = re.compile(r"\{term\}`([^`]*)`")


def _words(phrase):
    """A regex for ``phrase`` whose spaces match any whitespace, line breaks included."""
    return r"\s+".join(re.escape(word) for word in phrase.split())


def _blank(match):
    return re.sub(r"[^\n]", " ", match.group(0))


def glossary_terms(text):
    """The entries of the ``{glossary}`` directive in ``text``, each a tuple of its names."""
    lines = text.split("\n")
    start = next(i for i, line in enumerate(lines) if re.match(r"^(`{3,}|~{3,})\{glossary\}", line))
    fence = re.match(r"^(`{3,}|~{3,})", lines[start]).group(1)
    entries, names = [], None
    for line in lines[start + 1 :]:
        if line.strip() == fence:
            break
        if not line.strip() or line[0].isspace():  # a blank line or a definition's line
            names = None
        elif not (line.startswith(":") and not entries):  # a term, not an option
            if names is None:
                names = []
                entries.append(names)
            names.append(line.strip())
    return [tuple(names) for names in entries]


def target(role_text):
    """The term a ``{term}`` role's text names: ``minibatches <minibatch>`` -> ``minibatch``."""
    match = re.fullmatch(r"(?s).*?<([^<>]+)>\s*", role_text)
    return " ".join((match.group(1) if match else role_text).split()).lower()


def term_patterns(entries):
    """``{entry: regex}``: every form of the term, whole words, case aside."""
    patterns = {}
    for entry in entries:
        forms = set(entry)
        for name in entry:
            forms.update(FORMS.get(name, []))
        forms = sorted(forms, key=len, reverse=True)  # the longest form first
        alternatives = "|".join(_words(form) + "(?:e?s)?" for form in forms)
        patterns[entry] = re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])", re.IGNORECASE)
    return patterns


def _not_the_term(entry, text):
    """The spans of ``text`` where a name of ``entry`` stands in a phrase of ``NOT_THE_TERM``."""
    phrases = [phrase for name in entry for phrase in NOT_THE_TERM.get(name, [])]
    return [
        m.span() for phrase in phrases for m in re.finditer(_words(phrase), text, re.IGNORECASE)
    ]


def uses(text, entries):
    """``(start, end, entry, linked)`` for each use of a term in the prose of ``text``, in order.

    A ``{term}`` role is a linked use of the entry it names (``None`` if it names none); an
    unlinked use is a match of the term's forms elsewhere in the prose, the longer of two
    overlapping matches winning.
    """
    by_name = {name.lower(): entry for entry in entries for name in entry}
    prose = mask(text, keep_roles=("term",), headings=False, maths=False)
    found = [
        (m.start(), m.end(), by_name.get(target(m.group(1))), True)
        for m in TERM_ROLE.finditer(prose)
    ]
    prose = TERM_ROLE.sub(_blank, prose)
    hits = []
    for entry, pattern in term_patterns(entries).items():
        excluded = _not_the_term(entry, prose)
        hits += [
            (m.start(), m.end(), entry, False)
            for m in pattern.finditer(prose)
            if not any(start <= m.start() and m.end() <= end for start, end in excluded)
        ]
    end = -1
    for hit in sorted(hits, key=lambda hit: (hit[0], hit[0] - hit[1])):
        if hit[0] >= end:  # not inside a longer match that starts earlier
            found.append(hit)
            end = hit[1]
    return sorted(found, key=lambda use: use[:2])


def unlinked_first_uses(cells, entries):
    """A line for each term whose first use in ``cells``, ``(where, text)`` in order, is not a
    ``{term}`` role."""
    seen, problems = set(), []
    for where, text in cells:
        for start, end, entry, linked in uses(text, entries):
            if entry is None or entry in seen:
                continue
            seen.add(entry)
            if not linked:
                problems.append(
                    f"{where}: the first use of the term {entry[0]!r} is not a {{term}} role: "
                    f"{text[start:end]!r} in '...{context(text, start, end)}...'"
                )
    return problems


def unknown_targets(cells, entries):
    """A line for each ``{term}`` role in ``cells`` that names no glossary term."""
    names = {name.lower() for entry in entries for name in entry}
    return [
        f"{where}: {{term}}`{m.group(1)}` names no term of the glossary"
        for where, text in cells
        for m in TERM_ROLE.finditer(mask(text, keep_roles=("term",)))
        if target(m.group(1)) not in names
    ]


def cells(path):
    """``(where, text)`` for the markdown cells of a notebook, or the whole of a page."""
    if path.suffix == ".md":
        yield path.name, path.read_text()
        return
    for i, cell in enumerate(json.loads(path.read_text())["cells"]):
        if cell["cell_type"] == "markdown":
            yield f"{path.name} cell {i}", "".join(cell["source"])


def chapters():
    """The pages a reader reads as chapters; the glossary, api.md and references.md are not."""
    return [BOOK / "intro.md", *sorted(BOOK.glob("*.ipynb"))]


@pytest.fixture(scope="module")
def entries():
    return glossary_terms(GLOSSARY.read_text())


@pytest.mark.parametrize("path", chapters(), ids=lambda path: path.name)
def test_a_chapter_links_the_first_use_of_every_term(path, entries):
    problems = unlinked_first_uses(cells(path), entries)
    assert not problems, f"{len(problems)} terms first used unlinked:\n" + "\n".join(problems)


def test_every_term_role_names_a_glossary_term(entries):
    pages = [*sorted(BOOK.glob("*.md")), *sorted(BOOK.glob("*.ipynb"))]
    problems = unknown_targets([c for page in pages for c in cells(page)], entries)
    assert not problems, "\n".join(problems)


def test_the_forms_and_phrases_name_glossary_terms(entries):
    names = {name for entry in entries for name in entry}
    assert set(FORMS) <= names
    assert set(NOT_THE_TERM) <= names


# The check itself, on small texts: it can fail, and it skips what is not prose.

GLOSSARY_SAMPLE = """\
(glossary)=
# Glossary

```{glossary}
:sorted:

minibatch
batch
  The images of one step.

unit
  One output of a layer.

dead unit
  A unit that gives every digit the same value.

step
  One update.
```
"""
SAMPLE = glossary_terms(GLOSSARY_SAMPLE)


def test_the_glossary_parser_keeps_stacked_names_together(entries):
    assert SAMPLE == [("minibatch", "batch"), ("unit",), ("dead unit",), ("step",)]
    assert ("code", "latent code", "latent") in entries


def test_an_unlinked_first_use_fails_and_is_located():
    problems = unlinked_first_uses(
        [("x.ipynb cell 1", "Nothing here."), ("x.ipynb cell 2", "Each minibatches its own.")],
        SAMPLE,
    )
    assert len(problems) == 1
    assert problems[0].startswith("x.ipynb cell 2: the first use of the term 'minibatch'")
    assert "'minibatches'" in problems[0]
    assert "Each minibatches its own" in problems[0]


def test_a_linked_first_use_passes_and_later_uses_need_no_link():
    text = "A {term}`minibatches <minibatch>` then a batch, a {term}`Step <step>` and a step."
    assert unlinked_first_uses([("c", text)], SAMPLE) == []
    later = [("c1", "One {term}`batch`."), ("c2", "Another minibatch.")]
    assert unlinked_first_uses(later, SAMPLE) == []
    assert len(unlinked_first_uses([("c1", "A batch."), ("c2", "{term}`batch`")], SAMPLE)) == 1


def test_uses_in_code_headings_maths_and_other_roles_are_not_uses():
    text = (
        "# A step heading\n\n`step` in code, $step$ in maths, {ref}`the step <ch-x>`,\n"
        "[a link](https://x.org/step), step by step,\n"
        "```python\nstep = 1\n```\n"
        "(step)=\n"
    )
    assert uses(text, SAMPLE) == []
    assert len(unlinked_first_uses([("c", text + "Then one step.")], SAMPLE)) == 1


def test_the_longer_term_wins_and_each_term_is_checked_on_its_own():
    problems = unlinked_first_uses([("c", "A {term}`dead unit` and then a unit.")], SAMPLE)
    assert len(problems) == 1
    assert "'unit'" in problems[0]
    problems = unlinked_first_uses([("c", "Two dead units.")], SAMPLE)
    assert len(problems) == 1
    assert "term 'dead unit'" in problems[0]


def test_forms_and_phrases_of_the_real_glossary(entries):
    assert len(unlinked_first_uses([("c", "Most units saturated early.")], entries)) == 2
    assert unlinked_first_uses([("c", "Here is the package's code.")], entries) == []
    assert len(unlinked_first_uses([("c", "The code of a digit.")], entries)) == 1


def test_a_role_that_names_no_term_is_found():
    problems = unknown_targets([("c", "A {term}`minibatch`, a {term}`lots <nothing>`.")], SAMPLE)
    assert problems == ["c: {term}`lots <nothing>` names no term of the glossary"]
