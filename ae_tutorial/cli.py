"""``python -m ae_tutorial train``: the original run without the notebooks (README "Command line").

Trains the original autoencoder, or a variant of it (``--architecture conv``, ``--code-size``,
``--loss``, ``--activation``, ``--initializer``, ``--optimizer``: the fields of
``OriginalConfig``), with a progress bar and writes to ``--out``: the weights
(``autoencoder.weights.h5``), the loss of every step (``history.csv``) and the original's two
canvases (``originals.png``, ``reconstructions.png``). Checkpoints go to ``OUT/checkpoint``;
``--resume`` continues an interrupted run to the same bits. Errors exit non-zero with
one line on stderr.
"""

from __future__ import annotations  # the annotations name TensorFlow-side types

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from .config import CHOICES

if TYPE_CHECKING:  # not imported at run time: ``train --help`` answers without TensorFlow
    from .data import DataSet
    from .model import Autoencoder

PROG = "python -m ae_tutorial"


class _Parser(argparse.ArgumentParser):
    """An ``ArgumentParser`` whose errors are one line, exit status 2."""

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


def _number(kind):
    def parse(text):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a {kind.__name__}, got {text!r}") from None
        if not value > 0:
            raise argparse.ArgumentTypeError(f"must be positive, got {text}")
        return value

    parse.__name__ = kind.__name__
    return parse


def build_parser() -> argparse.ArgumentParser:
    """The parser of ``python -m ae_tutorial``; ``train --help`` documents every option.

    Returns:
        The parser of the commands ``train`` and ``cache``; its errors are one line
        (exit status 2).
    """
    parser = _Parser(prog=PROG, description="The classic TF1 MNIST autoencoder on TF2/Keras 3.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    train = commands.add_parser(
        "train",
        help="train the original autoencoder and write its results",
        description="Train the original autoencoder (784-256-128-256-784, TF1's RMSProp) on MNIST "
        "and write the weights, the loss history (CSV) and the original's two canvases "
        "(PNG) to --out. Defaults reproduce the original's run; the options below them "
        "train variants.",
    )
    add = train.add_argument
    add(
        "--out",
        type=Path,
        default=Path("ae_tutorial_run"),
        metavar="DIR",
        help="output folder, created if missing (default: %(default)s)",
    )
    add("--steps", type=_number(int), default=30_000, help="training steps (default: %(default)s)")
    add(
        "--seed",
        type=int,
        default=0,
        help="seeds the initial weights and the batch order (default: %(default)s)",
    )
    add(
        "--learning-rate",
        type=_number(float),
        default=0.01,
        help="the optimiser's learning rate (default: %(default)s)",
    )
    add(
        "--batch-size",
        type=_number(int),
        default=256,
        help="images per step (default: %(default)s)",
    )
    add(
        "--display-step",
        type=_number(int),
        default=1_000,
        help="print the minibatch loss every this many steps (default: %(default)s)",
    )
    add(
        "--checkpoint-every",
        type=_number(int),
        metavar="N",
        help="save a checkpoint to DIR/checkpoint every N steps (default: the display step)",
    )
    add(
        "--resume",
        action="store_true",
        help="continue from the checkpoint in DIR/checkpoint (same options as the first run)",
    )
    add(
        "--data-dir",
        type=Path,
        metavar="DIR",
        help="folder holding the four MNIST .gz files "
        "(default: $AE_TUTORIAL_MNIST_DIR, else ~/.keras/datasets/mnist-canonical)",
    )
    add("--quiet", action="store_true", help="print nothing but errors (no progress bar)")
    _add_variants(train)
    cache = commands.add_parser(
        "cache",
        help="list the cached trained weights; --prune removes stale ones",
        description="List the weight cache's entries ($AE_TUTORIAL_CACHE, else "
        "~/.cache/ae_tutorial): each one's configuration (what differs from the "
        "original's), versions and whether this installation would use it.",
    )
    cache.add_argument(
        "--prune",
        action="store_true",
        help="delete the entries this "
        "installation would not use, and temporary files of killed writers",
    )
    return parser


def _add_variants(train: argparse.ArgumentParser) -> None:
    """The options that depart from the original: ``OriginalConfig``'s variant fields."""
    variants = train.add_argument_group("variants (defaults: the original)")
    add = variants.add_argument
    add(
        "--architecture",
        choices=CHOICES["architecture"],
        default="dense",
        help="dense layers (the original's) or convolutions, conv_wide with twice the "
        "filters (default: %(default)s)",
    )
    add(
        "--code-size",
        type=_number(int),
        default=128,
        metavar="N",
        help="numbers in the code, the second hidden layer's width (default: %(default)s)",
    )
    add(
        "--loss",
        choices=CHOICES["loss"],
        default="mse",
        help="mean squared error or binary cross-entropy (default: %(default)s)",
    )
    add(
        "--activation",
        choices=CHOICES["activation"],
        default="sigmoid",
        help="the hidden units' (conv: the code's); linear makes a dense network all linear "
        "(default: %(default)s)",
    )
    add(
        "--initializer",
        choices=CHOICES["initializer"],
        help="N(0, 1) weights and biases (the original's) or Keras' Glorot-uniform "
        "(default: normal for dense, glorot for conv, which needs it)",
    )
    add(
        "--optimizer",
        choices=CHOICES["optimizer"],
        default="rmsprop",
        help="TF1's RMSProp (the original's), Keras' RMSprop or Adam (default: %(default)s)",
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (default ``sys.argv[1:]``); return the exit status.

    Args:
        argv: the arguments after ``python -m ae_tutorial``.

    Returns:
        0 on success, 1 after an error (one line on stderr), 130 if interrupted.

    Raises:
        SystemExit: as ``argparse`` does, for ``--help`` (status 0) and for arguments it
            rejects (status 2).
    """
    args = build_parser().parse_args(argv)
    try:
        if args.command == "cache":
            run_cache(args)
        else:
            run_train(args)
    except KeyboardInterrupt:
        print(
            f"{PROG} train: interrupted; run the same command with --resume to continue",
            file=sys.stderr,
        )
        return 130
    except (ValueError, OSError, FloatingPointError) as error:
        print(f"{PROG} {args.command}: error: {' '.join(str(error).split())}", file=sys.stderr)
        return 1
    return 0


def run_cache(args: argparse.Namespace) -> None:
    """List the cache's entries, and with ``--prune`` delete the stale ones.

    Args:
        args: the parsed ``cache`` command line.
    """
    from . import cache
    from .config import OriginalConfig

    default = OriginalConfig().to_dict()
    found = cache.entries()
    print(f"{len(found)} entries in {cache.cache_dir()}")
    for entry in found:
        config = entry.meta.get("config", {})
        changes = ", ".join(f"{k}={v!r}" for k, v in config.items() if default.get(k) != v)
        versions = (
            f"TF {entry.meta.get('tensorflow', '?')}, training version "
            f"{entry.meta.get('training_version', '?')}"
        )
        print(
            f"{entry.path.stem}  {'current' if entry.current else 'stale  '}  {versions}  "
            f"{changes or ('the original' if config else 'unknown configuration')}"
        )
    if args.prune:
        removed = cache.prune()
        print(f"removed {len(removed)} stale entries and temporary files")


def run_train(args: argparse.Namespace) -> None:
    """Train as ``args`` say and write the results (see the module docstring).

    Args:
        args: the parsed ``train`` command line.
    """
    import ae_tutorial as ae

    default_initializer = "glorot" if args.architecture.startswith("conv") else "normal"
    config = ae.OriginalConfig(
        num_steps=args.steps,
        seed=args.seed,
        batch_size=args.batch_size,
        learning_rate=args.learning_rate,
        display_step=args.display_step,
        num_hidden_2=args.code_size,
        initializer=args.initializer or default_initializer,
        optimizer=args.optimizer,
        loss=args.loss,
        activation=args.activation,
        architecture=args.architecture,
    )
    args.out.mkdir(parents=True, exist_ok=True)
    data = ae.read_data_sets(args.data_dir, seed=config.seed)
    checkpoints = args.out / "checkpoint"
    if args.resume and not args.quiet and not (checkpoints / ae.checkpoint.FILE_NAME).exists():
        print(f"No checkpoint in {checkpoints}; starting at step 1.", file=sys.stderr)
    model = ae.Autoencoder(config)
    history = ae.train(
        model,
        data.train,
        config,
        verbose=not args.quiet,
        progress=False if args.quiet else None,
        checkpoint_dir=checkpoints,
        checkpoint_every=args.checkpoint_every,
        resume=args.resume,
    )
    write_results(args.out, model, history, data.test)
    if not args.quiet:
        print(
            f"Wrote autoencoder.weights.h5, history.csv, originals.png and "
            f"reconstructions.png to {args.out}"
        )


def write_results(
    out: Path, model: Autoencoder, history: list[tuple[int, float]], test: DataSet
) -> None:
    """Weights, ``step,loss`` CSV and the two canvases of 16 ``test`` digits, each atomically.

    Args:
        out: the existing output folder.
        model: the trained network.
        history: ``(step, loss)`` for every step, as ``train`` returns it.
        test: the test set; its next 16 images (drawn 4 at a time) go on the canvases.
    """
    import numpy as np

    from .plot import plot_canvas

    model.save_weights(out / ".partial.weights.h5")
    os.replace(out / ".partial.weights.h5", out / "autoencoder.weights.h5")
    lines = "".join(f"{step},{loss!r}\n" for step, loss in history)
    (out / ".history.csv.partial").write_text("step,loss\n" + lines)
    os.replace(out / ".history.csv.partial", out / "history.csv")
    originals = np.concatenate([test.next_batch(4)[0] for _ in range(4)])  # as the original drew
    for name, images, title in (
        ("originals", originals, "Original Images"),
        ("reconstructions", np.asarray(model(originals)), "Reconstructed Images"),
    ):
        plot_canvas(images, 4, title=title).savefig(out / f".{name}.partial.png", dpi=100)
        os.replace(out / f".{name}.partial.png", out / f"{name}.png")
