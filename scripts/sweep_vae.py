"""Train the VAE chapter's 16-unit VAE over several seeds: book/data/sweep_vae.csv.

Run from the repository root:

    python scripts/sweep_vae.py              # seeds 1-3, those not stored yet
    python scripts/sweep_vae.py --seeds 1-5

Each run trains ``ae.trained_vae`` (uncached) with the settings chapter "A variational
autoencoder" uses for its 16-unit VAE, ``VAE_16``, and measures the test MSE of the decoded
means and the test set's mean KL and reconstruction terms. Seed 0 is the chapter's own run,
which it checks against this spread. The CSV has the columns ``read_sweep`` reads (``name``,
``seed``, one column per measurement) and is rewritten whole after each run, through a temporary
file and a rename.
"""

import argparse
import csv
import io
import json
import os
import time
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "book" / "data"
#: The 16-unit VAE of the chapter: about 5,000 steps of 256 images, like the code-size sweep's.
VAE_16 = {"latent_dim": 16, "hidden": 256, "epochs": 23, "batch_size": 256}
COLUMNS = ("name", "seed", "settings", "test_mse", "test_kl", "test_reconstruction", "seconds",
           "keras", "backend")  # fmt: skip


def train_one(seed):
    """Train and measure one seed of ``VAE_16``; returns its row."""
    import keras
    import numpy as np

    import ae_tutorial as ae

    data = ae.read_data_sets(seed=0)
    start = time.perf_counter()
    model = ae.trained_vae(data.train.images, **VAE_16, seed=seed, cache=False).model
    seconds = time.perf_counter() - start
    x = data.test.images
    out = ae.vae_predict(model, x)
    mean, log_var = out["mean"], out["log_var"]
    kl = 0.5 * np.sum(np.exp(log_var) + mean**2 - 1 - log_var, axis=1)
    rec = ae.negative_elbo(model, x) - kl  # the negative ELBO's reconstruction part, sampled
    return {
        "name": "vae_16",
        "seed": seed,
        "settings": json.dumps(VAE_16, sort_keys=True),
        "test_mse": f"{np.mean((out['reconstruction'] - x) ** 2):.6f}",
        "test_kl": f"{kl.mean():.3f}",
        "test_reconstruction": f"{rec.mean():.3f}",
        "seconds": f"{seconds:.1f}",
        "keras": keras.__version__,
        "backend": keras.backend.backend(),
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", default="1-3", help="first-last (default 1-3)")
    args = parser.parse_args(argv)
    first, last = (int(s) for s in args.seeds.split("-"))
    path = DATA / "sweep_vae.csv"
    rows = list(csv.DictReader(path.open())) if path.exists() else []
    for seed in range(first, last + 1):
        if any(int(r["seed"]) == seed for r in rows):
            continue
        rows.append(train_one(seed))
        print(rows[-1], flush=True)
        text = io.StringIO()
        writer = csv.DictWriter(text, COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(sorted(rows, key=lambda r: int(r["seed"])))
        tmp = path.with_suffix(".csv.tmp")
        tmp.write_text(text.getvalue())
        os.replace(tmp, path)


if __name__ == "__main__":
    main()
