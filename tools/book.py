"""The book's table of contents and the repository that book/_config.yml names.

Read by the install cell (``tools.install_cell``), the fork tool (``tools.repository``),
the browser check (scripts/check_site.py) and tests/scripts/test_repository.py.
"""

from pathlib import Path

import yaml

#: The repository's root folder (the one holding book/).
ROOT = Path(__file__).resolve().parent.parent


def repository(root=ROOT):
    """``(url, branch)`` from book/_config.yml's ``repository`` section."""
    config = yaml.safe_load((Path(root) / "book" / "_config.yml").read_text())
    repo = config["repository"]
    return repo["url"].rstrip("/"), repo.get("branch", "main")


def toc_files(book):
    """The files of ``book/_toc.yml`` in reading order (root, then every part's chapters and
    their sections), as written there: ``["intro", "02_data", ...]``."""
    toc = yaml.safe_load((Path(book) / "_toc.yml").read_text())
    files = [toc["root"]]

    def walk(entries):
        for entry in entries or ():
            if "file" in entry:
                files.append(entry["file"])
            walk(entry.get("sections"))

    for part in toc.get("parts", [toc]):
        walk(part.get("chapters"))
    return files


def book_notebooks(root=ROOT):
    """The notebooks listed in book/_toc.yml (root and every part's chapters and sections)."""
    book = Path(root) / "book"
    return [book / f"{f}.ipynb" for f in toc_files(book) if (book / f"{f}.ipynb").exists()]
