"""Point the book at another GitHub repository (a fork), rewriting every copy of its URL.

The URL is set in book/_config.yml (`repository.url`), which the repository, issue, edit and
launch buttons read. Its copies, all rewritten by ``set_repository`` and all checked by
tests/scripts/test_repository.py:

- the install cell at the top of every notebook in book/_toc.yml (``tools.install_cell``);
- README.md's links to the published book (https://OWNER.github.io/REPO/), Colab and Binder.

scripts/set_repository.py is its command line.
"""

import re
from pathlib import Path

from tools.book import ROOT, repository
from tools.install_cell import update_all

GITHUB_URL = re.compile(r"^https://github\.com/([A-Za-z0-9-]+)/([A-Za-z0-9._-]+?)(?:\.git)?/?$")
CONFIG_KEY = r"^(repository:\n(?:[ \t].*\n|\n)*?[ \t]+{key}:[ \t]*)(\S+)"  # a key in its section


def owner_repo(url):
    """``(owner, repo)`` of a ``https://github.com/OWNER/REPO`` URL (ValueError otherwise)."""
    match = GITHUB_URL.match(url)
    if not match:
        raise ValueError(
            f"{url!r} is not https://github.com/OWNER/REPO: the Colab and Binder "
            "buttons work only for GitHub repositories"
        )
    return match.groups()


def readme_links(owner, repo):
    """The forms of the repository's URL that README.md uses."""
    return {
        "pages": f"https://{owner.lower()}.github.io/{repo}/",
        "colab": f"https://colab.research.google.com/github/{owner}/{repo}/",
        "binder": f"https://mybinder.org/v2/gh/{owner}/{repo}/",
    }


#: Each form of ``readme_links`` for any repository, to find every copy in a text.
LINK_PATTERNS = {
    "pages": r"https://[\w-]+\.github\.io/[\w.-]+/",
    "colab": r"https://colab\.research\.google\.com/github/[\w-]+/[\w.-]+/",
    "binder": r"https://mybinder\.org/v2/gh/[\w-]+/[\w.-]+/",
}


def set_config_value(text, key, value):
    pattern = CONFIG_KEY.format(key=key)
    text, count = re.subn(pattern, lambda m: m.group(1) + value, text, count=1, flags=re.MULTILINE)
    if count != 1:
        raise ValueError(f"book/_config.yml has no repository.{key} line to rewrite")
    return text


def set_repository(url, branch=None, root=ROOT):
    """Rewrite book/_config.yml, README.md and the notebooks' install cells for ``url``.

    Returns:
        The notebooks whose install cell changed.
    """
    root = Path(root)
    new_owner, new_repo = owner_repo(url.rstrip("/"))
    old_url, old_branch = repository(root)
    old_owner, old_repo = owner_repo(old_url)
    config = root / "book" / "_config.yml"
    text = set_config_value(config.read_text(), "url", f"https://github.com/{new_owner}/{new_repo}")
    if branch:
        text = set_config_value(text, "branch", branch)
    config.write_text(text)
    readme = root / "README.md"
    text = readme.read_text()
    old_links, new_links = readme_links(old_owner, old_repo), readme_links(new_owner, new_repo)
    for kind in old_links:
        text = text.replace(old_links[kind], new_links[kind])
    if branch and branch != old_branch:
        text = text.replace(
            new_links["colab"] + f"blob/{old_branch}/", new_links["colab"] + f"blob/{branch}/"
        )
        text = text.replace(
            new_links["binder"] + f"{old_branch}?", new_links["binder"] + f"{branch}?"
        )
    readme.write_text(text)
    return update_all(root)
