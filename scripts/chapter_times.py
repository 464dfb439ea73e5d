"""Write book/data/chapter_times.csv: how long each chapter takes to run, as measured.

Run from the repository root after executing notebooks with scripts/execute_notebooks.py:
python scripts/chapter_times.py   (--check: write nothing, exit 1 if the file would change)

What is measured, and the weight cache's one-off row: ``tools/chapter_times.py``.
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the root, for tools/
from tools.chapter_times import OUT, table


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the file is stale")
    args = parser.parse_args()
    new = table()
    if args.check:
        if not OUT.exists() or OUT.read_text() != new:
            sys.exit(f"{OUT} is stale: run python scripts/chapter_times.py")
        return
    OUT.write_text(new)
    print(new, end="")


if __name__ == "__main__":
    main()
