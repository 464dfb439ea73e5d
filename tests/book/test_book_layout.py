"""A chapter's file name carries the number the reader sees beside its title.

Jupyter Book numbers the chapters of ``_toc.yml``'s numbered parts 1, 2, 3, ... across the
parts; the file of chapter 1 is ``01_*.ipynb``. The appendices' part is not numbered: its
notebooks are ``a1_*``, ``a2_*``, ... in their order there.
"""

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def expected_prefixes(toc):
    """``{file: prefix}`` for every notebook chapter of ``toc`` (``_toc.yml`` as a dict)."""
    expected, number, appendix = {}, 0, 0
    for part in toc["parts"]:
        for chapter in part["chapters"]:
            name = chapter["file"]
            if part.get("numbered"):
                number += 1
                expected[name] = f"{number:02d}_"
            elif (ROOT / "book" / f"{name}.ipynb").exists() or re.match(r"[a-z]\d+_", name):
                appendix += 1
                expected[name] = f"a{appendix}_"
    return expected


def test_chapter_files_carry_the_number_the_reader_sees():
    toc = yaml.safe_load((ROOT / "book" / "_toc.yml").read_text())
    wrong = {
        name: prefix
        for name, prefix in expected_prefixes(toc).items()
        if not name.startswith(prefix)
    }
    assert not wrong, f"rename these chapters to start with the prefix given: {wrong}"


def test_a_misnumbered_chapter_is_found():
    toc = {
        "parts": [
            {"numbered": True, "chapters": [{"file": "01_keras"}, {"file": "03_data"}]},
            {"chapters": [{"file": "a1_tf1"}, {"file": "glossary"}]},
        ]
    }
    assert expected_prefixes(toc) == {"01_keras": "01_", "03_data": "02_", "a1_tf1": "a1_"}
