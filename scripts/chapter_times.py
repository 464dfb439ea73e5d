"""Write book/data/chapter_times.csv: how long each chapter takes to run, as measured.

Run from the repository root after executing notebooks with scripts/execute_notebooks.py:
python scripts/chapter_times.py   (--check: write nothing, exit 1 if the file would change)

Each code cell of a notebook executed by Jupyter stores when it started and when it finished
(``metadata.execution``). A chapter's time is the span from its first cell's start to its last
cell's end, on the machine and with the weight cache that stored the outputs; the introduction
shows the table. The last row is the one-off cost of the weight cache (``ae.trained``): the
trainings the chapters load, step by step, at the rate of ``ae.train`` that
benchmarks/train_speed.py measured (book/data/train_speed.json), a convolutional step counted as
the number of dense steps it takes as long as (book/data/train_speed_conv.json); and the
variational autoencoders (``ae.trained_vae``), step by step at the mean rate of the 16-unit VAE's
stored seeds (book/data/sweep_vae.csv, batches of 256: an upper bound for the 2-D VAEs' 128).
"""

import argparse
import csv
import io
import json
import re
import sys
from datetime import datetime
from pathlib import Path

import nbformat
import yaml

BOOK = Path(__file__).resolve().parent.parent / "book"
OUT = BOOK / "data" / "chapter_times.csv"
#: ``ae.trained`` configurations the chapters load: the original, then chapter "Why the
#: original learns so slowly" (Glorot, Keras RMSprop, Adam, Glorot + Adam at 1e-3) and chapter
#: "What the code learned" (Gaussian noise, masking), each 30,000 dense steps; and chapter "How
#: small can the code be?" (linear and convolutional, at code size 16), each 5,000 steps;
#: chapter "A variational autoencoder" (dense ReLU at code size 16 with the MSE and with BCE),
#: 5,000 each; chapter "What the code learned" (the convolutional denoiser), 5,000 steps.
DENSE_STEPS = 7 * [30_000] + 3 * [5_000]
CONV_STEPS = [5_000, 5_000]
#: ``ae.trained_vae`` trainings: chapter "A variational autoencoder" (two 2-D VAEs, 30 epochs of
#: 430 steps; the 16-unit VAE, 23 epochs of 215) and chapter "Anomaly detection" (the 16-unit
#: VAE on nine digits, 23 epochs of 194 steps).
VAE_STEPS = [30 * 430, 30 * 430, 23 * 215, 23 * 194]


def chapters(book=BOOK):
    """``(number or None, file stem)`` in reading order; numbered parts count on across parts.

    An appendix's sections (``sections:`` under a chapter of ``_toc.yml``) follow it, unnumbered.
    """
    toc = yaml.safe_load((book / "_toc.yml").read_text())
    number, found = 0, []
    for part in toc["parts"]:
        for entry in part["chapters"]:
            if part.get("numbered"):
                number += 1
            found.append((number if part.get("numbered") else None, entry["file"]))
            found += [(None, section["file"]) for section in entry.get("sections", [])]
    return found


def seconds(path):
    """From the first code cell's start to the last one's end, as the notebook stored them."""
    runs = [c.metadata.get("execution") for c in nbformat.read(path, 4).cells]
    runs = [r for r in runs if r]
    if not runs:
        raise ValueError(f"{path}: no cell stores its execution times; execute it first")

    def moment(text):
        return datetime.fromisoformat(text.replace("Z", "+00:00"))

    span = moment(runs[-1]["shell.execute_reply"]) - moment(runs[0]["iopub.execute_input"])
    return span.total_seconds()


def title(path):
    """The notebook's first heading."""
    for cell in nbformat.read(path, 4).cells:
        found = re.search(r"^# (.+)$", cell.source, re.MULTILINE)
        if cell.cell_type == "markdown" and found:
            return found.group(1).strip()
    raise ValueError(f"{path}: no title")


def table(book=BOOK):
    """The CSV text: one row per notebook chapter, then the weight cache's one-off row."""
    rows = []
    for number, stem in chapters(book):
        path = book / f"{stem}.ipynb"
        if path.exists():
            rows.append((number or "", title(path), f"{seconds(path) / 60:.1f}"))
    rate = json.loads((book / "data" / "train_speed.json").read_text())["loops"]["ae_train"]
    conv = json.loads((book / "data" / "train_speed_conv.json").read_text())
    steps = sum(DENSE_STEPS) + sum(CONV_STEPS) * conv["conv_over_dense_step_time"]
    with open(book / "data" / "sweep_vae.csv", newline="") as f:
        vae_seconds = [float(row["seconds"]) for row in csv.DictReader(f)]
    vae_seconds_per_step = sum(vae_seconds) / len(vae_seconds) / (23 * 215)
    once = (steps / rate["steps_per_s"] + sum(VAE_STEPS) * vae_seconds_per_step) / 60
    networks = len(DENSE_STEPS) + len(CONV_STEPS) + len(VAE_STEPS)
    rows.append(("", f"Once: train the {networks} cached networks", f"{once:.1f}"))
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(("", "Chapter", "Minutes"))
    writer.writerows(rows)
    return text.getvalue()


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
