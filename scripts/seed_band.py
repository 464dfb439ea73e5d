"""Measure where the seed's full run lands across random seeds; write book/data/seed_band.csv.

Run: python scripts/seed_band.py [first_seed] [last_seed]   (default seeds 1..8)
Each seed trains SeedConfig(seed=s) for the seed's 30,000 steps on the canonical MNIST and
records the minibatch loss at every display step. The training chapter reads the CSV to
state the band and asserts that its own run (seed 0, not in this set) lands inside it.
"""

import csv
import sys
from pathlib import Path

import ae_tutorial as ae


def main(first=1, last=8, out=Path(__file__).resolve().parents[1] / "book" / "data" / "seed_band.csv"):
    out.parent.mkdir(parents=True, exist_ok=True)
    rows = []
    for seed in range(first, last + 1):
        config = ae.SeedConfig(seed=seed)
        data = ae.read_data_sets(seed=seed)
        history = ae.train(ae.Autoencoder(config), data.train, config, verbose=False)
        printed = [(s, l) for s, l in history if s == 1 or s % config.display_step == 0]
        rows += [(seed, s, f"{l:.6f}") for s, l in printed]
        print(f"seed {seed}: step 30000 loss {history[-1][1]:.6f}", flush=True)
    with open(out, "w", newline="") as f:
        csv.writer(f).writerows([("seed", "step", "loss"), *rows])
    print(f"wrote {len(rows)} rows to {out.name}")


if __name__ == "__main__":
    main(*map(int, sys.argv[1:3]))
