"""README.md's Layout is true: it names every module of the package, every tool, script and
benchmark, and none that is not there; the test files it names exist."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
#: The folders whose Python files the Layout lists, one by one.
FOLDERS = ("ae_tutorial", "tools", "scripts", "benchmarks")


def layout(readme):
    """The text of the README's "Layout" section."""
    match = re.search(r"^## Layout\n(.*?)(?=^## )", readme, re.MULTILINE | re.DOTALL)
    assert match, "README.md has no '## Layout' section"
    return match.group(1)


def bullet(text, folder):
    """The Layout's item about ``folder`` (it starts with `` `folder/``), up to the next item."""
    match = re.search(rf"^- `{folder}/.*?(?=^- |\Z)", text, re.MULTILINE | re.DOTALL)
    assert match, f"README.md's Layout has no item for {folder}/"
    return match.group(0)


def listed(text, folder):
    """The Python files that the Layout's item for ``folder`` names (as ``name.py`` or
    ``folder/name.py``: a file of another folder, ``tests/x.py``, is not one of them)."""
    names = re.findall(r"`([\w./*-]+\.py)`", bullet(text, folder))
    return {Path(n).name for n in names if "/" not in n or n.startswith(f"{folder}/")}


def present(folder):
    """The Python files in ``folder``, but ``__init__.py`` and ``__main__.py``."""
    return {p.name for p in (ROOT / folder).glob("*.py") if not p.name.startswith("__")}


@pytest.mark.parametrize("folder", FOLDERS)
def test_the_layout_lists_every_file_and_only_those(folder):
    text = layout((ROOT / "README.md").read_text())
    names, files = listed(text, folder), present(folder)
    assert names == files, (
        f"README.md's Layout, item {folder}/: add {sorted(files - names)}, "
        f"remove {sorted(names - files)} (not in {folder}/)"
    )


def test_the_test_files_the_layout_names_exist():
    names = re.findall(
        r"`(test_[\w*]+\.py)`", bullet(layout((ROOT / "README.md").read_text()), "tests")
    )
    tests = ROOT / "tests"
    missing = [name for name in names if name != "test_MODULE.py" and not list(tests.rglob(name))]
    assert names
    assert not missing, f"README.md's Layout names test files that do not exist: {missing}"


def test_a_missing_or_extra_module_is_found():
    readme = (
        "## Layout\n\n- `scripts/`: `a.py` (one) and\n  `b.py`, see `tests/t.py`.\n"
        "- `book/`: `c.py`\n\n## Next\n"
    )
    assert listed(layout(readme), "scripts") == {"a.py", "b.py"}
    assert listed(layout(readme), "book") == {"c.py"}
    with pytest.raises(AssertionError, match="no item for tools/"):
        listed(layout(readme), "tools")
