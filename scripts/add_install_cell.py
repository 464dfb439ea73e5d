"""Put the install cell at the top of every notebook of the book (idempotent).

Run from the repository root after adding a chapter, or after changing the repository in
book/_config.yml: python scripts/add_install_cell.py   (--check: change nothing, exit 1 if
a notebook would change).

The cell installs the package on Colab and does nothing where it is installed; what it is and
how it is kept current is ``tools/install_cell.py``.
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the root, for tools/
from tools.book import ROOT
from tools.install_cell import update_all


def main(argv=None, root=ROOT):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report; exit 1 on a change")
    args = parser.parse_args(argv)
    changed = update_all(root, check=args.check)
    for path in changed:
        print(f"{'out of date' if args.check else 'updated'}: {path.relative_to(root)}")
    return 1 if args.check and changed else 0


if __name__ == "__main__":
    sys.exit(main())
