"""The repository URL is set once, in book/_config.yml, and every copy agrees with it.

The copies: the install cell at the top of every notebook (scripts/add_install_cell.py) and
README.md's links to the published book, Colab and Binder (scripts/set_repository.py).
"""

import importlib.util
import re
import shutil
import subprocess
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent


def load_script(name):
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


add_install_cell = load_script("add_install_cell")
set_repository = load_script("set_repository")


def readme_problems(root):
    """README.md's links of each form in ``set_repository.LINK_PATTERNS``, and the ones that
    name another repository than book/_config.yml's."""
    ours = set_repository.readme_links(
        *set_repository.owner_repo(add_install_cell.repository(root)[0])
    )
    text = (Path(root) / "README.md").read_text()
    found = {
        kind: re.findall(pattern, text) for kind, pattern in set_repository.LINK_PATTERNS.items()
    }
    problems = [link for kind, links in found.items() for link in links if link != ours[kind]]
    return problems, found


def test_config_names_a_github_repository():
    url, branch = add_install_cell.repository(ROOT)
    assert set_repository.owner_repo(url)
    assert branch


def test_every_notebook_of_the_book_starts_with_the_install_cell():
    notebooks = add_install_cell.book_notebooks(ROOT)
    assert {p.name for p in notebooks} == {p.name for p in (ROOT / "book").glob("*.ipynb")}, (
        "every notebook in book/ must be listed in _toc.yml"
    )
    source = add_install_cell.install_source(ROOT)
    stale = [
        p.name
        for p in notebooks
        if not add_install_cell.is_current(nbformat.read(p, as_version=4).cells[0], source)
    ]
    assert not stale, (
        f"{stale}: the first cell is not the install cell for the repository in "
        "book/_config.yml; run python scripts/add_install_cell.py"
    )


def test_the_install_cell_installs_from_the_configured_repository():
    url, branch = add_install_cell.repository(ROOT)
    source = add_install_cell.install_source(ROOT)
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
    for path in add_install_cell.book_notebooks(ROOT)[:2]:  # two are enough, and quick
        shutil.copy(path, tmp_path / "book" / path.name)
    return tmp_path


def test_set_repository_rewrites_every_copy(copy_of_the_repository):
    root = copy_of_the_repository
    old_config = (root / "book" / "_config.yml").read_text()
    set_repository.set_repository("https://github.com/Someone/fork.git", "dev", root=root)
    assert add_install_cell.repository(root) == ("https://github.com/Someone/fork", "dev")
    new_config = (root / "book" / "_config.yml").read_text()
    assert len(new_config.splitlines()) == len(old_config.splitlines())  # comments kept
    assert add_install_cell.main(["--check"], root=root) == 0
    assert 'git+https://github.com/Someone/fork@dev"' in add_install_cell.install_source(root)
    problems, found = readme_problems(root)
    assert not problems
    assert all(found.values())
    readme = (root / "README.md").read_text()
    assert "https://someone.github.io/fork/" in readme
    assert "github/Someone/fork/blob/dev/book/" in readme
    assert "gh/Someone/fork/dev?" in readme
    assert add_install_cell.main([], root=root) == 0  # idempotent: a second run changes nothing


def test_set_repository_refuses_a_url_that_is_not_github():
    with pytest.raises(ValueError, match="OWNER/REPO"):
        set_repository.owner_repo("https://gitlab.com/someone/fork")


def test_add_install_cell_keeps_the_rest_of_a_notebook_byte_for_byte(tmp_path):
    nb = nbformat.read(add_install_cell.book_notebooks(ROOT)[0], as_version=4)
    nb.cells = [cell for cell in nb.cells if cell.get("id") != add_install_cell.CELL_ID]
    path = tmp_path / "chapter.ipynb"
    nbformat.write(nb, path)
    before = path.read_text()
    source = add_install_cell.install_source(ROOT)
    assert add_install_cell.update(path, source)
    assert not add_install_cell.update(path, source)  # idempotent
    nb = nbformat.read(path, as_version=4)
    assert add_install_cell.is_current(nb.cells[0], source)
    nb.cells.pop(0)
    nbformat.write(nb, path)
    assert path.read_text() == before


def test_add_install_cell_updates_a_copied_stale_cell_in_place(tmp_path):
    nb = nbformat.read(add_install_cell.book_notebooks(ROOT)[0], as_version=4)
    stale = nb.cells.pop(0)
    stale.id, stale.source = "copied-cell", stale.source.replace("github.com/", "example.org/")
    nb.cells.insert(2, stale)  # a copy in the wrong place, with an old URL
    path = tmp_path / "chapter.ipynb"
    nbformat.write(nb, path)
    source = add_install_cell.install_source(ROOT)
    assert add_install_cell.update(path, source)
    cells = nbformat.read(path, as_version=4).cells
    assert cells[0].id == "copied-cell"
    assert add_install_cell.is_current(cells[0], source)
    assert sum(add_install_cell.is_install_cell(c) for c in cells) == 1


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
