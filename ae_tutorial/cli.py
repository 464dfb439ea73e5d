"""``python -m ae_tutorial train``: the original run without the notebooks (README "Command line").

Trains the original autoencoder, or a variant of it, with a progress bar and writes to
``--out``: the weights (``autoencoder.weights.h5``), the loss of every step (``history.csv``)
and the original's two canvases (``originals.png``, ``reconstructions.png``). Its training
options are generated from ``OriginalConfig``'s fields: each field's type and default come
from the dataclass, its choices and bounds from ``config.ALLOWED``, its help from the class
docstring; ``--preset NAME`` starts from a named training (``ae_tutorial.PRESETS``) instead of
the original's. Checkpoints go to ``OUT/checkpoint``; ``--resume`` continues an interrupted run
to the same bits, and refuses options other than those the checkpoint was written with.
Errors exit non-zero with one line on stderr.
"""

from __future__ import annotations  # the annotations name TensorFlow-side types

import argparse
import dataclasses
import os
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from .config import ALLOWED, NEEDS, FieldError, OriginalConfig

if TYPE_CHECKING:  # not imported at run time: ``train --help`` answers without TensorFlow
    from .checkpoint import OptionsChanged
    from .data import DataSet
    from .model import Autoencoder

PROG = "python -m ae_tutorial"
#: The options whose name is not their field's name with dashes (the names they had before
#: the options were generated).
OPTION_NAMES = {"num_steps": "--steps", "num_hidden_1": "--hidden", "num_hidden_2": "--code-size"}
#: Fields without an option: one the original never used, and one that MNIST's 28 x 28
#: images fix.
NO_OPTION = ("examples_to_show", "num_input")


def option(name: str) -> str:
    """The command line's option for ``train``'s field or argument ``name``.

    Args:
        name: a field of ``OriginalConfig``, or ``"checkpoint_every"``.

    Returns:
        Its option: ``"--steps"`` for ``num_steps``, else the name with dashes
        (``"--learning-rate"``).
    """
    return OPTION_NAMES.get(name, "--" + name.replace("_", "-"))


class _Parser(argparse.ArgumentParser):
    """An ``ArgumentParser`` whose errors are one line, exit status 2, and which runs a
    command's ``finish(parser, namespace)`` (set as a default) on what it parsed."""

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")

    def parse_known_args(self, args=None, namespace=None):
        namespace, extras = super().parse_known_args(args, namespace)
        finish = vars(namespace).pop("finish", None)
        if finish is not None and not extras:  # unrecognised arguments are reported first
            finish(self, namespace)
        return namespace, extras


def _parse(kind, positive=False):
    """An argparse ``type``: the text as a ``kind``, and above 0 if ``positive``; the range
    of a configuration's field is the configuration's to check."""
    article = "an integer" if kind is int else f"a {kind.__name__}"

    def parse(text):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {article}, got {text!r}") from None
        if positive and not value > 0:
            raise argparse.ArgumentTypeError(f"must be a positive integer, got {text}")
        return value

    parse.__name__ = kind.__name__
    return parse


def build_parser() -> argparse.ArgumentParser:
    """The parser of ``python -m ae_tutorial``; ``train --help`` documents every option.

    Returns:
        The parser of the commands ``train`` and ``cache``; its errors are one line
        (exit status 2). For ``train``, the parsed namespace's ``config`` is the checked
        ``OriginalConfig`` that the options (and ``--preset``) describe.
    """
    parser = _Parser(prog=PROG, description="The classic TF1 MNIST autoencoder on TF2/Keras 3.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    train = commands.add_parser(
        "train",
        help="train the original autoencoder and write its results",
        description="Train the original autoencoder (784-256-128-256-784, TF1's RMSProp) on MNIST "
        "and write the weights, the loss history (CSV) and the original's two canvases "
        "(PNG) to --out. Defaults reproduce the original's run; --preset starts from a "
        "named training instead, and the configuration's options below change its fields.",
    )
    train.set_defaults(finish=_configure)
    add = train.add_argument
    add("--preset", type=_preset, metavar="NAME", help=_preset_help())
    add(
        "--out",
        type=Path,
        default=Path("ae_tutorial_run"),
        metavar="DIR",
        help="output folder, created if missing (default: %(default)s)",
    )
    add(
        "--checkpoint-every",
        type=_parse(int, positive=True),
        metavar="N",
        help="save a checkpoint to DIR/checkpoint every N steps (default: the display step)",
    )
    add(
        "--resume",
        action="store_true",
        help="continue from the checkpoint in DIR/checkpoint (with the options it was "
        "written with: other --steps, --display-step or --checkpoint-every are refused)",
    )
    add(
        "--data-dir",
        type=Path,
        metavar="DIR",
        help="folder holding the four MNIST .gz files "
        "(default: $AE_TUTORIAL_MNIST_DIR, else ~/.keras/datasets/mnist-canonical)",
    )
    add("--quiet", action="store_true", help="print nothing but errors (no progress bar)")
    _add_config_options(train)
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


def _add_config_options(train: argparse.ArgumentParser) -> None:
    """One option per field of ``OriginalConfig`` (but ``NO_OPTION``): its type and default
    from the dataclass, its choices and range from ``ALLOWED``, its help from the docstring."""
    group = train.add_argument_group(
        "the configuration",
        "OriginalConfig's fields (defaults: the original's, or the preset's)",
    )
    described = _described(OriginalConfig)
    for field in dataclasses.fields(OriginalConfig):
        if field.name in NO_OPTION:
            continue
        allowed, kind = ALLOWED[field.name], type(field.default)
        if isinstance(allowed, tuple):
            kwargs, default = dict(choices=allowed), f"default: {field.default}"
        else:
            kwargs = dict(type=_parse(kind), metavar="N" if kind is int else "X")
            default = f"{allowed}, default: {field.default:{'_' if kind is int else ''}}"
        needed = {}  # value -> the architectures that need it
        for architecture, needs in NEEDS.items():
            if field.name in needs:
                needed.setdefault(needs[field.name], []).append(architecture)
        for value, architectures in needed.items():
            default += f", {value} for {' and '.join(architectures)}, which need it"
        group.add_argument(
            option(field.name),
            dest=field.name,
            help=f"{described.get(field.name, field.name)}; {default}",
            **kwargs,
        )


def _described(cls: type) -> dict[str, str]:
    """Each field's description in the Args section of ``cls``'s docstring, as ``--help``
    text: the one place the fields are explained, for the API page and the options alike."""
    args = (cls.__doc__ or "").partition("Args:")[2].partition("Raises:")[0]
    found = re.findall(r"^( +)(\w+): (.*(?:\n\1 +\S.*)*)", args, re.MULTILINE)
    fields = {field.name for field in dataclasses.fields(cls)} - set(NO_OPTION)
    described = {}
    for _, name, text in found:
        text = re.sub(r'``"(\w+)"``', r"\1", text)  # ``"dense"``: dense
        text = re.sub(r"``(\w+)``", lambda m: option(m[1]) if m[1] in fields else m[1], text)
        text = re.sub(  # ``initializer="glorot"``: --initializer glorot
            r'``(\w+)="?(\w+)"?``',
            lambda m: f"{option(m[1])} {m[2]}" if m[1] in fields else f"{m[1]}={m[2]}",
            text,
        )
        text = " ".join(text.replace("``", "").split()).rstrip(".")
        described[name] = text.replace("%", "%%")  # argparse formats help with %
    return described


def _trainable_presets() -> list[str]:
    from .runs import PRESETS  # light: the configurations only

    return [name for name, config in PRESETS.items() if isinstance(config, OriginalConfig)]


def _preset_help() -> str:
    return (
        "start from this named training (ae_tutorial.PRESETS) instead of the original's: "
        f"{', '.join(_trainable_presets())}"
    )


def _preset(name: str) -> str:
    """An argparse ``type``: ``name`` if it names a preset of the original's network."""
    from .runs import PRESETS

    if name not in PRESETS:
        raise argparse.ArgumentTypeError(
            f"no preset {name!r}; the presets are: {', '.join(_trainable_presets())}"
        )
    if not isinstance(PRESETS[name], OriginalConfig):
        raise argparse.ArgumentTypeError(
            f"{name!r} is a variational autoencoder's preset (a VAEConfig), and train trains "
            f"the original's network: train it with ae.trained(ae.preset({name!r})), or "
            "choose a preset of the original's network"
        )
    return name


def _configure(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """Set ``args.config``: the preset's configuration (or the original's) with the fields
    whose options were given, and for a field not given, what the architecture ``NEEDS``;
    a value the configuration refuses is a one-line error naming its option."""
    from .runs import PRESETS

    base = PRESETS[args.preset] if args.preset else OriginalConfig()
    given = {
        field.name: getattr(args, field.name)
        for field in dataclasses.fields(OriginalConfig)
        if getattr(args, field.name, None) is not None
    }
    architecture = given.get("architecture", base.architecture)
    needs = {k: v for k, v in NEEDS.get(architecture, {}).items() if k not in given}
    try:
        args.config = dataclasses.replace(base, **needs, **given)
    except FieldError as error:
        if error.field in NO_OPTION:
            parser.error(str(error))
        parser.error(f"argument {option(error.field)}: {error.reason}")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (default ``sys.argv[1:]``); return the exit status.

    Args:
        argv: the arguments after ``python -m ae_tutorial``.

    Returns:
        0 on success, 1 after an error (one line on stderr; running out of memory included),
        130 if interrupted.

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
    except MemoryError as error:
        detail = " ".join(str(error).split())
        print(
            f"{PROG} {args.command}: error: out of memory{f' ({detail})' if detail else ''}; "
            "lower --batch-size, --display-step, --code-size or --hidden",
            file=sys.stderr,
        )
        return 1
    return 0


def run_cache(args: argparse.Namespace) -> None:
    """List the cache's entries, and with ``--prune`` delete the stale ones.

    Args:
        args: the parsed ``cache`` command line.
    """
    from . import cache

    found = cache.entries()
    print(f"{len(found)} entries in {cache.cache_dir()}")
    for entry in found:
        state = "current" if entry.current else "stale  "
        print(f"{entry.path.stem}  {state}  {_entry_line(entry.meta, cache.KINDS)}")
    if args.prune:
        removed = cache.prune()
        print(f"removed {len(removed)} stale entries and temporary files")


def _entry_line(meta: dict, kinds: dict) -> str:
    """An entry's versions and its training: the preset it equals, or its changed fields."""
    from .runs import PRESETS

    kind, config = meta.get("kind", "original"), meta.get("config")
    if kind not in kinds or not isinstance(config, dict):
        return "unknown configuration"
    if kind == "vae":
        versions = f"Keras {meta.get('keras', '?')} ({meta.get('backend', '?')}), VAE version "
        versions += str(meta.get("vae_version", "?"))
    else:
        versions = f"TF {meta.get('tensorflow', '?')}, training version "
        versions += str(meta.get("training_version", "?"))
    unseeded = {k: v for k, v in config.items() if k != "seed"}
    for name, preset in PRESETS.items():
        fields = preset.to_dict()
        fields.pop("seed")
        if isinstance(preset, kinds[kind]) and fields == unseeded:
            return f"{versions}  {kind} preset {name}, seed {config.get('seed', '?')}"
    default = kinds[kind]().to_dict()
    changes = ", ".join(f"{k}={v!r}" for k, v in config.items() if default.get(k) != v)
    return f"{versions}  {kind}: {changes or 'the defaults'}"


def run_train(args: argparse.Namespace) -> None:
    """Train as ``args`` say and write the results (see the module docstring).

    Args:
        args: the parsed ``train`` command line.
    """
    import ae_tutorial as ae

    config = args.config
    args.out.mkdir(parents=True, exist_ok=True)
    data = ae.read_data_sets(args.data_dir, seed=config.seed)
    checkpoints = args.out / "checkpoint"
    if args.resume and not args.quiet and not (checkpoints / ae.checkpoint.FILE_NAME).exists():
        print(f"No checkpoint in {checkpoints}; starting at step 1.", file=sys.stderr)
    try:
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
    except ae.checkpoint.OptionsChanged as error:
        raise ValueError(_refusal(error)) from None
    except ae.tf.errors.ResourceExhaustedError as error:  # TensorFlow's out of memory
        shape = re.search(r"shape\s*\[[^\]]*\]", error.message)
        raise MemoryError(f"allocating a tensor of {shape[0]}" if shape else "") from None
    write_results(args.out, model, history, data.test)
    if not args.quiet:
        print(
            f"Wrote autoencoder.weights.h5, history.csv, originals.png and "
            f"reconstructions.png to {args.out}"
        )


def _refusal(error: OptionsChanged) -> str:
    """``error``'s message in the command line's words: its options, and ``--resume``."""
    if any(saved is None for saved, _ in error.changes.values()):
        return str(error)
    written = ", ".join(
        f"{option(name)} {saved} (this run: {now})" for name, (saved, now) in error.changes.items()
    )
    return (
        f"{error.path} was written with {written}; a resumed run ends on the same bits only "
        "with the options its checkpoint was written with: resume with those, or start "
        "again without --resume"
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
