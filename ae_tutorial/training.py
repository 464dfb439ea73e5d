"""The original's training loop on TensorFlow 2 (chapter "The training loop")."""

import contextlib
import logging
import os
from collections.abc import Callable

import keras
import numpy as np
from tqdm import tqdm

from ._tf import tf
from .checkpoint import Checkpointer
from .checks import positive_int
from .config import OriginalConfig
from .data import DataSet
from .losses import make_loss, mse
from .noise import Corruption, make_corruption
from .optim import make_optimizer


class _OneTracePerTrain(logging.Filter):
    """Drop TensorFlow's "calls to ... triggered tf.function retracing" warning about our steps.

    Each ``train`` call compiles its step once, for its own model and optimiser; TensorFlow
    counts the new functions of five calls in a row (say, a loop over learning rates) as
    retracing and warns on stderr. Warnings about any other function still pass.
    """

    def filter(self, record):
        message = record.getMessage()
        return not (
            "triggered tf.function retracing" in message
            and any(
                name in message
                for name in ("make_train_chunk.<locals>", "make_train_step.<locals>")
            )
        )


@contextlib.contextmanager
def _one_trace_per_train():
    """TensorFlow's logger with ``_OneTracePerTrain`` for the duration of one ``train`` call."""
    logger, only_ours = tf.get_logger(), _OneTracePerTrain()
    logger.addFilter(only_ours)
    try:
        yield
    finally:
        logger.removeFilter(only_ours)


def make_train_step(
    model: keras.Model,
    optimizer: keras.optimizers.Optimizer,
    corrupt: Corruption | None = None,
    loss: Callable[[tf.Tensor, tf.Tensor], tf.Tensor] = mse,
    jit_compile: bool = False,
) -> Callable[[tf.Tensor], tf.Tensor]:
    """One optimiser step on a batch ``x`` (float32, (batch, 784)); returns its loss.

    As in the original's ``sess.run([optimizer, loss])``, the loss is the one computed
    in the same forward pass as the gradient, i.e. before the update. With ``corrupt``
    (a ``Corruption``), the model sees ``corrupt(x)`` and learns to output the clean
    ``x``.

    Args:
        model: the network to train, e.g. an ``Autoencoder``.
        optimizer: updates ``model.trainable_variables`` (``RMSProp`` for the original).
        corrupt: the input noise of a denoising autoencoder, or ``None``.
        loss: ``loss(x, x_hat)``, the original's ``mse`` or what ``make_loss(config)``
            chooses (``train`` passes that).
        jit_compile: compile the update (forward pass, gradient, optimiser step)
            with XLA, and leave the noise outside it, drawn by TensorFlow's own
            kernels: XLA's random numbers on a CPU cost as much as the rest of a step.

    Returns:
        The function ``train_step(x)``, which makes one update on the batch ``x`` and
        returns its loss, a float32 scalar tensor. It runs eagerly; wrap it in
        ``tf.function`` for speed.
    """
    variables = model.trainable_variables

    def update(x, inputs):
        with tf.GradientTape() as tape:
            batch_loss = loss(x, model(inputs))
        gradients = tape.gradient(batch_loss, variables)
        optimizer.apply_gradients(zip(gradients, variables, strict=True))
        return batch_loss

    if jit_compile:
        update = tf.function(update, jit_compile=True)

    def train_step(x):
        return update(x, x if corrupt is None else corrupt(x))

    return train_step


def make_train_chunk(
    train_step: Callable[[tf.Tensor], tf.Tensor],
    images: np.ndarray,
    jit_compile: bool = True,
) -> Callable[[np.ndarray], tf.Tensor]:
    """Compile many steps into one call: ``indices`` (steps, batch) rows of ``images``.

    The images stay on the device; each step gathers its batch inside the graph, so a
    chunk of a thousand steps costs one host round trip, and XLA (``jit_compile``) fuses
    each step's element-wise work into a few loops.

    Args:
        train_step: one step on a batch, as ``make_train_step`` returns it.
        images: the whole training set, float32 (N, 784), or its uint8 bytes, a quarter
            of the memory, scaled per batch exactly as TF1 scaled them
            (``float32(byte) * float32(1/255)``).
        jit_compile: compile the chunk with XLA.

    Returns:
        The function ``train_chunk(indices)``, which takes int32 row numbers of shape
        (steps, batch), runs one step per row and returns the losses, float32 (steps,).
    """
    images = tf.constant(images)
    scale = tf.constant(1.0 / 255.0, tf.float32) if images.dtype == tf.uint8 else None

    def batch(rows):
        x = tf.gather(images, rows)
        return x if scale is None else tf.cast(x, tf.float32) * scale

    @tf.function(
        input_signature=[tf.TensorSpec([None, None], tf.int32)],  # one trace
        jit_compile=jit_compile,
    )
    def train_chunk(indices):
        losses = tf.TensorArray(tf.float32, size=tf.shape(indices)[0])
        for i in tf.range(tf.shape(indices)[0]):
            losses = losses.write(i, train_step(batch(indices[i])))
        return losses.stack()

    return train_chunk


def _chunks(num_steps, display_step, checkpoint_every=None, start=0):
    """Split start+1..num_steps into runs that end at every step the original prints
    (1, k*display) and every checkpoint (k*checkpoint_every), so that a resumed run
    computes exactly the chunks of an uninterrupted one."""
    ends = {1, num_steps, *range(display_step, num_steps + 1, display_step)}
    ends |= set(range(checkpoint_every or num_steps, num_steps + 1, checkpoint_every or num_steps))
    ends = sorted(e for e in ends if e > start)
    return [(a + 1, b) for a, b in zip([start, *ends], ends, strict=False)]  # none if done


def train(
    model: keras.Model,
    dataset: DataSet,
    config: OriginalConfig = OriginalConfig(),
    optimizer: keras.optimizers.Optimizer | None = None,
    *,
    num_steps: int | None = None,
    display_step: int | None = None,
    verbose: bool = True,
    progress: bool | None = None,
    fast: bool = True,
    checkpoint_dir: str | os.PathLike | None = None,
    checkpoint_every: int | None = None,
    resume: bool = False,
    callback: Callable[[int, keras.Model], None] | None = None,
) -> list[tuple[int, float]]:
    """Train ``model`` on batches from ``dataset.next_batch`` as the original does.

    Prints ``Step 1000: Minibatch Loss: 0.146586`` at step 1 and every ``display_step``
    (when ``verbose``). ``optimizer`` defaults to ``make_optimizer(config)`` (the original's
    ``RMSProp(config.learning_rate)``); ``config.noise`` trains a denoising autoencoder,
    and ``config.loss`` picks the loss (``make_loss``).
    ``dataset`` is any object with TF1's ``next_batch(n) -> (images, labels)``; a
    ``DataSet`` takes the fast path (``fast=True``: batches gathered on the device,
    many steps per compiled call, XLA-compiled for ``config.architecture == "dense"``), which
    draws exactly the same batches and the same noise; XLA's fused arithmetic may change the
    losses' last bits. The progress bar shows on a terminal only (``progress=None``), never
    in a notebook's outputs.
    With ``checkpoint_dir``, the whole state (weights, optimiser and noise variables, batch
    position, history) is saved there atomically every ``checkpoint_every`` steps (default
    ``display_step``) and at the end; ``resume=True`` continues from it, to the same bits
    as a run never interrupted. A NaN or infinite loss raises ``FloatingPointError`` naming
    the step, leaving the last good checkpoint in place.
    ``callback(step, model)``, if given, is called after step 1, after every
    ``display_step``-th step and after the last step (chapter "Why the original learns so slowly"
    measures the network there).

    Args:
        model: the network to train, e.g. ``Autoencoder(config)``.
        dataset: where the batches come from: a ``DataSet`` or any object with
            ``next_batch(n) -> (images, labels)``, images float32 (n, 784).
        config: the hyperparameters: ``num_steps``, ``display_step``, ``batch_size``,
            ``loss``, and ``optimizer``, ``learning_rate``, ``noise``, ``noise_level`` and
            ``seed`` (the noise's) unless given otherwise.
        optimizer: the optimiser, instead of ``make_optimizer(config)``.
        num_steps: the number of steps, instead of ``config.num_steps``.
        display_step: the printing (and callback) interval, instead of
            ``config.display_step``.
        verbose: print the original's loss lines.
        progress: show a progress bar: ``True``, ``False``, or ``None`` for a terminal only.
        fast: take the device-side, XLA-compiled path when ``dataset`` is a ``DataSet``.
        checkpoint_dir: the folder of the checkpoint, or ``None`` for none.
        checkpoint_every: steps between checkpoints (default ``display_step``).
        resume: continue from the checkpoint in ``checkpoint_dir`` (from step 1 if there is
            none yet).
        callback: ``callback(step, model)``, called as said above.

    Returns:
        ``(step, loss)`` for every step from 1 to ``num_steps`` (a resumed run includes the
        steps before the checkpoint), the loss a Python float.

    Raises:
        ValueError: for a count that is not a positive integer, ``checkpoint_every`` or
            ``resume`` without ``checkpoint_dir``, checkpoints without a ``DataSet``, or a
            checkpoint that does not fit this run (another configuration, model or data
            set, or other ``num_steps``, ``display_step`` or ``checkpoint_every``: the
            options that decide the bits) or is past ``num_steps``.
        FloatingPointError: if the loss, or a variable being checkpointed, becomes NaN or
            infinite.
    """
    num_steps = positive_int("num_steps", config.num_steps if num_steps is None else num_steps)
    display_step = positive_int(
        "display_step", config.display_step if display_step is None else display_step
    )
    batch_size = positive_int("batch_size", config.batch_size)
    optimizer = make_optimizer(config) if optimizer is None else optimizer
    optimizer.build(model.trainable_variables)
    corrupt = make_corruption(config)
    xla = config.architecture == "dense"  # XLA's convolutions on a CPU ran ~70 times slower
    fast = fast and hasattr(dataset, "next_batch_indices")
    # With noise, only the update is compiled (make_train_step), the noise drawn outside it
    jit_update = fast and xla and corrupt is not None
    train_step = make_train_step(model, optimizer, corrupt, make_loss(config), jit_update)
    saver, every = _checkpointer(
        checkpoint_dir,
        checkpoint_every,
        resume,
        num_steps,
        display_step,
        dataset,
        config,
        [
            *model.weights,
            *optimizer.variables,
            *([corrupt.seed_generator.state] if corrupt else []),
        ],
    )
    start, history = saver.restore() if resume else (0, [])
    if start > num_steps:
        raise ValueError(f"the checkpoint is at step {start}, past num_steps={num_steps}")
    if fast:
        pixels = getattr(dataset, "pixels", None)
        images = dataset.images if pixels is None else pixels
        chunk = make_train_chunk(train_step, images, jit_compile=xla and corrupt is None)
        draw = lambda n: chunk(
            np.stack([dataset.next_batch_indices(batch_size) for _ in range(n)]).astype(np.int32)
        )
    else:
        step = tf.function(train_step)
        draw = lambda n: [step(tf.constant(dataset.next_batch(batch_size)[0])) for _ in range(n)]
    with (
        _one_trace_per_train(),
        tqdm(
            total=num_steps,
            initial=start,
            unit="step",
            desc="train",
            disable=None if progress is None else not progress,
        ) as bar,
    ):
        for first, last in _chunks(num_steps, display_step, every, start):
            losses = np.array(draw(last - first + 1), dtype=np.float32)
            history += zip(range(first, last + 1), map(float, losses), strict=True)
            _check_finite(losses, first)
            bar.update(last - first + 1)
            if verbose and (last % display_step == 0 or last == 1):
                tqdm.write("Step %i: Minibatch Loss: %f" % (last, losses[-1]))  # noqa: UP031 (the original's format)
            if saver is not None and (last % every == 0 or last == num_steps):
                saver.save(last, history)
            if callback is not None and (last in (1, num_steps) or last % display_step == 0):
                callback(last, model)  # not at the checkpoint-only chunk ends
    return history


def _checkpointer(folder, every, resume, num_steps, display_step, dataset, config, variables):
    """``(Checkpointer or None, checkpoint_every)`` for ``train``'s arguments, checked."""
    if folder is None:
        if every is not None or resume:
            raise ValueError("checkpoint_every and resume need a checkpoint_dir")
        return None, None
    every = positive_int("checkpoint_every", display_step if every is None else every)
    options = dict(num_steps=num_steps, display_step=display_step, checkpoint_every=every)
    return Checkpointer(folder, variables, dataset, config, **options), every


def _check_finite(losses, first):
    bad = np.flatnonzero(~np.isfinite(losses))
    if bad.size:
        raise FloatingPointError(
            f"the loss became {losses[bad[0]]} at step {first + bad[0]}; "
            "lower the learning rate or check the input data"
        )
