"""The repository URL is set once, in book/_config.yml, and every copy agrees with it.

The copies: the install cell at the top of every notebook (scripts/install_cell.py, with
tools/install_cell.py) and README.md's links to the published book, Colab and Binder
(scripts/set_repository.py, with tools/repository.py). And no large file is tracked.
"""

import ast
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from tools import install_cell
from tools import repository as set_repository
from tools.book import ROOT, book_notebooks, repository


def readme_problems(root):
    """README.md's links of each form in ``set_repository.LINK_PATTERNS``, and the ones that
    name another repository than book/_config.yml's."""
    ours = set_repository.readme_links(*set_repository.owner_repo(repository(root)[0]))
    text = (Path(root) / "README.md").read_text()
    found = {
        kind: re.findall(pattern, text) for kind, pattern in set_repository.LINK_PATTERNS.items()
    }
    problems = [link for kind, links in found.items() for link in links if link != ours[kind]]
    return problems, found


def test_config_names_a_github_repository():
    url, branch = repository(ROOT)
    assert set_repository.owner_repo(url)
    assert branch


def test_every_notebook_of_the_book_starts_with_the_install_cell():
    notebooks = book_notebooks(ROOT)
    assert {p.name for p in notebooks} == {p.name for p in (ROOT / "book").glob("*.ipynb")}, (
        "every notebook in book/ must be listed in _toc.yml"
    )
    source = install_cell.install_source(ROOT)
    stale = [
        p.name
        for p in notebooks
        if not install_cell.is_current(nbformat.read(p, as_version=4).cells[0], source)
    ]
    assert not stale, (
        f"{stale}: the first cell is not the install cell for the repository in "
        "book/_config.yml; run python scripts/install_cell.py"
    )


def test_the_install_cell_installs_from_the_configured_repository():
    url, branch = repository(ROOT)
    source = install_cell.install_source(ROOT)
    assert f'%pip install --quiet "ae_tutorial @ git+{url}@{branch}"' in source
    assert 'find_spec("ae_tutorial") is None' in source  # silent where the package is there


def test_readme_links_name_the_configured_repository():
    problems, found = readme_problems(ROOT)
    assert not problems, f"README.md links to another repository: {problems}"
    assert all(found.values()), f"README.md lacks a link of each kind: {found}"


@pytest.fixture
def copy_of_the_repository(tmp_path):
    for name in ("README.md", "book/_config.yml", "book/_toc.yml"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / name, tmp_path / name)
    for path in book_notebooks(ROOT)[:2]:  # two are enough, and quick
        shutil.copy(path, tmp_path / "book" / path.name)
    return tmp_path


def test_set_repository_rewrites_every_copy(copy_of_the_repository):
    root = copy_of_the_repository
    old_config = (root / "book" / "_config.yml").read_text()
    changed = set_repository.set_repository("https://github.com/Someone/fork.git", "dev", root=root)
    assert sorted(p.name for p in changed) == sorted(p.name for p in book_notebooks(root))
    assert repository(root) == ("https://github.com/Someone/fork", "dev")
    new_config = (root / "book" / "_config.yml").read_text()
    assert len(new_config.splitlines()) == len(old_config.splitlines())  # comments kept
    assert install_cell.update_all(root, check=True) == []
    assert 'git+https://github.com/Someone/fork@dev"' in install_cell.install_source(root)
    problems, found = readme_problems(root)
    assert not problems
    assert all(found.values())
    readme = (root / "README.md").read_text()
    assert "https://someone.github.io/fork/" in readme
    assert "github/Someone/fork/blob/dev/book/" in readme
    assert "gh/Someone/fork/dev?" in readme
    assert install_cell.update_all(root) == []  # idempotent: a second run changes nothing


def test_set_repository_refuses_a_url_that_is_not_github():
    with pytest.raises(ValueError, match="OWNER/REPO"):
        set_repository.owner_repo("https://gitlab.com/someone/fork")


def test_add_install_cell_keeps_the_rest_of_a_notebook_byte_for_byte(tmp_path):
    nb = nbformat.read(book_notebooks(ROOT)[0], as_version=4)
    nb.cells = [cell for cell in nb.cells if cell.get("id") != install_cell.CELL_ID]
    path = tmp_path / "chapter.ipynb"
    nbformat.write(nb, path)
    before = path.read_text()
    source = install_cell.install_source(ROOT)
    assert install_cell.update(path, source)
    assert not install_cell.update(path, source)  # idempotent
    nb = nbformat.read(path, as_version=4)
    assert install_cell.is_current(nb.cells[0], source)
    nb.cells.pop(0)
    nbformat.write(nb, path)
    assert path.read_text() == before


def test_add_install_cell_updates_a_copied_stale_cell_in_place(tmp_path):
    nb = nbformat.read(book_notebooks(ROOT)[0], as_version=4)
    stale = nb.cells.pop(0)
    stale.id, stale.source = "copied-cell", stale.source.replace("github.com/", "example.org/")
    nb.cells.insert(2, stale)  # a copy in the wrong place, with an old URL
    path = tmp_path / "chapter.ipynb"
    nbformat.write(nb, path)
    source = install_cell.install_source(ROOT)
    assert install_cell.update(path, source)
    cells = nbformat.read(path, as_version=4).cells
    assert cells[0].id == "copied-cell"
    assert install_cell.is_current(cells[0], source)
    assert sum(install_cell.is_install_cell(c) for c in cells) == 1


def test_a_link_to_another_repository_is_found(copy_of_the_repository):
    root = copy_of_the_repository
    readme = root / "README.md"
    readme.write_text(readme.read_text() + "\nhttps://mybinder.org/v2/gh/someone/else/main\n")
    problems, _ = readme_problems(root)
    assert problems == ["https://mybinder.org/v2/gh/someone/else/"]


LARGE_FILE_BYTES = 2 * 1024 * 1024
# Data files allowed above the limit (none today); notebooks carry their stored outputs.
LARGE_FILE_ALLOWLIST: frozenset[str] = frozenset()


def large_tracked_files(root, limit=LARGE_FILE_BYTES, allow=LARGE_FILE_ALLOWLIST):
    """Tracked files over ``limit`` bytes that are neither notebooks nor in ``allow``."""
    listed = subprocess.run(
        ["git", "ls-files", "-z"], cwd=root, capture_output=True, check=True, timeout=60
    ).stdout.decode()
    paths = [name for name in listed.split("\0") if name]
    return sorted(
        name
        for name in paths
        if not name.endswith(".ipynb")
        and name not in allow
        and (Path(root) / name).is_file()
        and (Path(root) / name).stat().st_size > limit
    )


@pytest.mark.skipif(not (ROOT / ".git").exists(), reason="not a git checkout")
def test_no_large_file_is_tracked():
    large = large_tracked_files(ROOT)
    assert not large, (
        f"{large}: tracked files over {LARGE_FILE_BYTES:,} bytes; remove them "
        "(wheels and data never go into git) or allowlist a data file in this test"
    )


def test_a_large_tracked_file_is_found(tmp_path):
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True, timeout=60)
    (tmp_path / "small.txt").write_text("x")
    (tmp_path / "big.whl").write_bytes(b"\0" * 2048)
    (tmp_path / "big.ipynb").write_bytes(b"\0" * 2048)
    subprocess.run(["git", "add", "-f", "."], cwd=tmp_path, check=True, timeout=60)
    assert large_tracked_files(tmp_path, limit=1024) == ["big.whl"]
    assert large_tracked_files(tmp_path, limit=1024, allow={"big.whl"}) == []


#: The command lines of the repository: every script and benchmark.
SCRIPTS = sorted([*ROOT.glob("scripts/*.py"), *ROOT.glob("benchmarks/*.py")])


def imported_modules(path):
    """The top-level names of the modules that the file ``path`` imports."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_no_script_imports_another_script_or_a_test_helper():
    """What scripts share lives in a module (tools/, or the package), not in another script
    or in tests/, which a script would reach only by putting that folder on ``sys.path``."""
    scripts = {path.stem for path in SCRIPTS} | {path.stem for path in ROOT.glob("tests/**/*.py")}
    found = {
        path.relative_to(ROOT).as_posix(): sorted(imported_modules(path) & scripts)
        for path in SCRIPTS
    }
    assert not any(found.values()), {path: names for path, names in found.items() if names}


def test_no_test_loads_a_file_by_its_path():
    loaders = ("spec_from_file_location", "runpy.run_path", "SourceFileLoader")
    found = [
        path.name
        for path in sorted(ROOT.glob("tests/**/*.py"))
        if path != Path(__file__).resolve()
        and any(loader in path.read_text() for loader in loaders)
    ]
    assert not found, f"{found}: import the code from its module (tools/ or ae_tutorial/)"


@pytest.mark.parametrize(
    "script", ["add_install_cell", "book_measures", "chapter_times", "check_site", "set_repository"]
)
def test_a_script_that_imports_tools_runs_from_any_folder(script, tmp_path):
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / f"{script}.py"), "--help"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("usage: "), done.stdout
