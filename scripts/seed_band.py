"""Measure where the original's full run lands across seeds: book/data/seed_band_<impl>.csv.

Run: python scripts/seed_band.py {port,tf1} [first_seed] [last_seed]   (default seeds 1..8)

For each seed s, 30,000 steps of batch 256 on the canonical MNIST, batches drawn by
``read_data_sets(seed=s).train.next_batch``, recording the minibatch loss at step 1 and every
1,000 steps, as the original printed them:
- ``port``: ``ae.train`` on ``ae.Autoencoder(OriginalConfig(seed=s))``, the package's TF2 port;
- ``tf1``: the original's own TF1 graph (``ae.tf1_losses``: placeholders, RMSPropOptimizer, Session)
  from N(0, 1) initial weights drawn by ``tf.random.normal`` with seed s.
The training chapter reads both files to state the band and asserts that its own run
(seed 0, in neither set) lands inside it.
"""

import csv
import sys
from pathlib import Path

import ae_tutorial as ae

OUT = Path(__file__).resolve().parents[1] / "book" / "data"


def port_losses(config, data):
    return [loss for _, loss in ae.train(ae.Autoencoder(config), data.train, config, verbose=False)]


def tf1_losses(config, data):
    ae.tf.random.set_seed(config.seed)
    shapes = [w.shape for w in ae.Autoencoder(config).get_weights()]
    initial = [ae.tf.random.normal(s).numpy() for s in shapes]  # tf.random_normal(shape)
    batches = (data.train.next_batch(config.batch_size)[0] for _ in range(config.num_steps))
    return list(ae.tf1_losses(initial, batches, config.learning_rate, config.num_steps)[0])


def main(impl, first=1, last=8):
    run = {"port": port_losses, "tf1": tf1_losses}[impl]
    OUT.mkdir(parents=True, exist_ok=True)
    rows = []
    for seed in range(first, last + 1):
        config = ae.OriginalConfig(seed=seed)
        losses = run(config, ae.read_data_sets(seed=seed))
        rows += [
            (seed, s, f"{losses[s - 1]:.6f}")
            for s in range(1, config.num_steps + 1)
            if s == 1 or s % config.display_step == 0
        ]
        print(f"{impl} seed {seed}: step {config.num_steps} loss {losses[-1]:.6f}", flush=True)
    path = OUT / f"seed_band_{impl}.csv"
    if path.exists():  # keep the rows of the seeds this call did not run
        with open(path) as f:
            kept = [r for r in csv.reader(f)][1:]
        rows = [r for r in kept if not first <= int(r[0]) <= last] + rows
    rows.sort(key=lambda r: (int(r[0]), int(r[1])))
    with open(path, "w", newline="") as f:
        csv.writer(f).writerows([("seed", "step", "loss"), *rows])
    print(f"{path.name} now holds {len(rows)} rows")


if __name__ == "__main__":
    main(sys.argv[1], *map(int, sys.argv[2:4]))
