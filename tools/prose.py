"""The prose of the book's markdown: what a reader reads as words, with everything else blanked.

Shared by the tests that read the prose (``tests/book/test_prose_numbers.py``,
``tests/book/test_glossary.py``) and by ``tools/measures.py``.
``mask`` keeps the text's length and line breaks and replaces what is not prose by spaces, so
a position in its result is the same position in the source: a test can quote the words
around a hit, and a script can edit the source there.
"""

import re

CODE_DIRECTIVES = ("{code-block}", "{code}", "{literalinclude}", "{eval-rst}", "{code-cell}")
FENCE = re.compile(r"^\s*(`{3,}|~{3,})(.*)$")
#: A role and its text (``{ref}`text <label>```, ``{glue:text}`key:.4f```), or inline code.
ROLE_OR_CODE = re.compile(r"(?:\{([\w:-]+)\})?`[^`]*`")
MATHS = re.compile(r"\$\$.*?\$\$|\$[^$]+\$", re.DOTALL)


def _closes(match, fence):
    """Whether the fence line ``match`` closes a block opened by ``fence``."""
    marker = match.group(1)
    return marker[0] == fence[0] and len(marker) >= len(fence) and not match.group(2).strip()


def _blank(text):
    """``text`` as spaces, its line breaks kept."""
    return re.sub(r"[^\n]", " ", text)


def _blank_lines(text, headings):
    """``text`` with code blocks, fence lines, directive options and labels blanked (and
    headings, if ``headings`` is false)."""
    kept, code, directives = [], None, []  # the open code block; the open prose directives
    for line in text.split("\n"):
        match = FENCE.match(line)
        if code is not None:  # inside a code block: blank up to its closing fence
            if match and _closes(match, code):
                code = None
            kept.append(_blank(line))
            continue
        if match:
            info = match.group(2).strip()
            if directives and _closes(match, directives[-1]):
                directives.pop()  # the end of a {dropdown}, {note}, ...
            elif info.startswith("{") and not info.startswith(CODE_DIRECTIVES):
                directives.append(match.group(1))  # its fence line holds no prose
            else:
                code = match.group(1)
            kept.append(_blank(line))
        elif re.match(r"^\s*:[\w-]+:", line) or re.match(r"^\([\w-]+\)=\s*$", line):
            kept.append(_blank(line))  # a directive's option, or a label
        elif not headings and re.match(r"^\s*#{1,6}(\s|$)", line):
            kept.append(_blank(line))
        else:
            kept.append(line)
    return "\n".join(kept)


def mask(text, *, keep_roles=(), headings=True, maths=True):
    """``text`` with code blocks, inline code, roles, links' URLs, labels and comments blanked.

    Roles named in ``keep_roles`` (``"term"``) stay as they are; headings and maths stay
    unless ``headings`` or ``maths`` is false. The result has the length of ``text``.
    """
    text = _blank_lines(text, headings)
    text = ROLE_OR_CODE.sub(
        lambda m: m.group(0) if m.group(1) in keep_roles else _blank(m.group(0)), text
    )
    if not maths:
        text = MATHS.sub(lambda m: _blank(m.group(0)), text)
    text = re.sub(r"(?<=\])\([^)]*\)", lambda m: _blank(m.group(0)), text)  # link targets
    return re.sub(r"<!--.*?-->", lambda m: _blank(m.group(0)), text, flags=re.DOTALL)


def prose(text):
    """``text`` without code blocks, inline code, roles' targets, links' URLs and labels."""
    return mask(text)


def context(text, start, end, before=40, after=20):
    """The words of ``text`` around ``text[start:end]``, on one line."""
    return " ".join(text[max(0, start - before) : end + after].split())
