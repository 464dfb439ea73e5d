"""How long the book's sentences and code lines are, chapter by chapter (issue 22's targets).

    python scripts/book_measures.py                 the table for every chapter
    python scripts/book_measures.py book/05_loss.ipynb --list
                                                    that chapter, with every code line over
                                                    88 characters and sentence over 40 words

The measures are the ones ``tests/book/test_book_measures.py`` holds the book to; they live in
``tools/measures.py``.
"""

import argparse
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the root, for tools/
from tools import measures as m


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="default: every chapter")
    parser.add_argument("--list", action="store_true", help="list what is over the limits")
    args = parser.parse_args()
    paths = args.notebooks or sorted(m.BOOK.glob("*.ipynb"))
    print(f"{'chapter':24s} {'long lines':>10s} {'sentences':>9s} {'mean':>5s} {'>40':>4s} words")
    for path in paths:
        lengths = [len(m.words(s)) for _, s in m.chapter_sentences(path)]
        long_lines = m.long_code_lines(path)
        over = sum(n > m.LONGEST for n in lengths)
        print(
            f"{path.name:24s} {len(long_lines):10d} {len(lengths):9d} "
            f"{statistics.mean(lengths):5.1f} {over:4d} {sum(lengths)}"
        )
        if args.list:
            for where, line in long_lines:
                print(f"    {where} ({len(line)} chars): {line.strip()[:70]}")
            for i, sentence in m.chapter_sentences(path):
                if len(m.words(sentence)) > m.LONGEST:
                    print(f"    cell {i} ({len(m.words(sentence))} words): {sentence}")
    original = sum(m.chapter_words(m.BOOK / f"{name}.ipynb") for name in m.ORIGINAL)
    print(f"words in the chapters on the original ({', '.join(m.ORIGINAL)}): {original}")


if __name__ == "__main__":
    main()
