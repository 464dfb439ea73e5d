"""Point the book at another GitHub repository (a fork), rewriting every copy of its URL.

Run from the repository root: python scripts/set_repository.py https://github.com/OWNER/REPO
(--branch NAME to change the branch too). The URL is set in book/_config.yml
(`repository.url`); its copies (the notebooks' install cells, README.md's links to the
published book, Colab and Binder) are rewritten too: ``tools/repository.py`` lists them, and
tests/scripts/test_repository.py checks them.
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the root, for tools/
from tools.book import ROOT
from tools.repository import set_repository


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url", help="https://github.com/OWNER/REPO")
    parser.add_argument("--branch", help="the branch the buttons and the install cell use")
    args = parser.parse_args(argv)
    for path in set_repository(args.url, args.branch):
        print(f"updated: {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
