"""How long each chapter takes to run, as measured: book/data/chapter_times.csv's table.

scripts/chapter_times.py writes the file; tests/book/test_chapter_times.py checks it is current.

Each code cell of a notebook executed by Jupyter stores when it started and when it finished
(``metadata.execution``). A chapter's time is the span from its first cell's start to its last
cell's end, on the machine and with the weight cache that stored the outputs; the introduction
shows the table. The last row is the one-off cost of the weight cache (``ae.trained``): the
trainings the chapters load (``ae.runs.BOOK_PRESETS``), step by step, at the rate of
``ae.train`` that benchmarks/train_speed.py measured (book/data/train_speed.json), a
convolutional step counted as the number of dense steps it takes as long as
(book/data/train_speed_conv.json); and the variational autoencoders, step by step at the mean
rate of the 16-unit VAE's stored seeds (book/data/sweep_vae.csv, batches of 256: an upper
bound for the 2-D VAEs' 128).
"""

import csv
import io
import json
import re
from datetime import datetime
from pathlib import Path

import nbformat
import yaml

BOOK = Path(__file__).resolve().parent.parent / "book"
OUT = BOOK / "data" / "chapter_times.csv"


def cached_steps():
    """The steps of the trainings in the book's cache (``ae.runs.BOOK_PRESETS``), by kind.

    A VAE's epoch is a minibatch per ``batch_size`` of MNIST's 55,000 training digits, or of
    nine tenths of them when it holds a digit out (for the 2s, held out in chapter "Anomaly
    detection", that gives the true count of minibatches, 194 of 256).

    Returns:
        ``{"dense": [...], "conv": [...], "vae": [...]}``: each training's steps.
    """
    import ae_tutorial as ae

    steps = {"dense": [], "conv": [], "vae": []}
    for name in ae.runs.BOOK_PRESETS:
        config = ae.preset(name)
        if isinstance(config, ae.VAEConfig):
            digits = 55_000 if config.held_out_digit is None else 49_500
            steps["vae"].append(config.epochs * -(-digits // config.batch_size))
        else:
            steps["conv" if config.is_conv else "dense"].append(config.num_steps)
    return steps


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
    cached = cached_steps()
    steps = sum(cached["dense"]) + sum(cached["conv"]) * conv["conv_over_dense_step_time"]
    with open(book / "data" / "sweep_vae.csv", newline="") as f:
        vae_seconds = [float(row["seconds"]) for row in csv.DictReader(f)]
    vae_seconds_per_step = sum(vae_seconds) / len(vae_seconds) / (23 * 215)
    once = (steps / rate["steps_per_s"] + sum(cached["vae"]) * vae_seconds_per_step) / 60
    networks = sum(len(kind) for kind in cached.values())
    rows.append(("", f"Once: train the {networks} cached networks", f"{once:.1f}"))
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(("", "Chapter", "Minutes"))
    writer.writerows(rows)
    return text.getvalue()
