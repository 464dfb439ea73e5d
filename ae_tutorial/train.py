"""The original's training loop on TensorFlow 2 (chapter "The training loop")."""

import logging

import numpy as np
from tqdm import tqdm

from ._tf import tf
from .checkpoint import Checkpointer
from .config import OriginalConfig
from .losses import mse
from .noise import make_corruption
from .optim import make_optimizer


class _OneTracePerTrain(logging.Filter):
    """Drop TensorFlow's "calls to ... triggered tf.function retracing" warning about our steps.

    Each ``train`` call compiles its step once, for its own model and optimiser; TensorFlow
    counts the new functions of five calls in a row (say, a loop over learning rates) as
    retracing and warns on stderr. Warnings about any other function still pass.
    """

    def filter(self, record):
        message = record.getMessage()
        return not ("triggered tf.function retracing" in message and any(
            name in message for name in ("make_train_chunk.<locals>", "make_train_step.<locals>")))


tf.get_logger().addFilter(_OneTracePerTrain())


def make_train_step(model, optimizer, corrupt=None):
    """One RMSProp step on a batch ``x`` (float32, (batch, 784)); returns that batch's loss.

    As in the original's ``sess.run([optimizer, loss])``, the loss is the one computed in the
    same forward pass as the gradient, i.e. before the update. With ``corrupt`` (a
    ``Corruption``), the model sees ``corrupt(x)`` and learns to output the clean ``x``.
    """
    variables = model.trainable_variables

    def train_step(x):
        with tf.GradientTape() as tape:
            loss = mse(x, model(x if corrupt is None else corrupt(x)))
        optimizer.apply_gradients(zip(tape.gradient(loss, variables), variables))
        return loss

    return train_step


def make_train_chunk(train_step, images, jit_compile=True):
    """Compile many steps into one call: ``indices`` (steps, batch) rows of ``images``.

    The images stay on the device; each step gathers its batch inside the graph, so a
    chunk of a thousand steps costs one host round trip, and XLA (``jit_compile``) fuses
    each step's element-wise work into a few loops. ``images`` are float32 (N, 784), or
    their uint8 bytes, a quarter of the memory, scaled per batch exactly as TF1 scaled
    them (``float32(byte) * float32(1/255)``). Returns the losses (steps,).
    """
    images = tf.constant(images)
    scale = tf.constant(1.0 / 255.0, tf.float32) if images.dtype == tf.uint8 else None

    def batch(rows):
        x = tf.gather(images, rows)
        return x if scale is None else tf.cast(x, tf.float32) * scale

    @tf.function(input_signature=[tf.TensorSpec([None, None], tf.int32)],  # one trace
                 jit_compile=jit_compile)
    def train_chunk(indices):
        losses = tf.TensorArray(tf.float32, size=tf.shape(indices)[0])
        for i in tf.range(tf.shape(indices)[0]):
            losses = losses.write(i, train_step(batch(indices[i])))
        return losses.stack()

    return train_chunk


def _chunks(num_steps, display_step, checkpoint_every=None, start=0):
    """Split start+1..num_steps into runs that end at every step the seed prints
    (1, k*display) and every checkpoint (k*checkpoint_every), so that a resumed run
    computes exactly the chunks of an uninterrupted one."""
    ends = {1, num_steps, *range(display_step, num_steps + 1, display_step)}
    ends |= set(range(checkpoint_every or num_steps, num_steps + 1, checkpoint_every or num_steps))
    ends = sorted(e for e in ends if e > start)
    return [(a + 1, b) for a, b in zip([start, *ends[:-1]], ends)]


def _positive_int(name, value):
    if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value <= 0:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
    return int(value)


def train(model, dataset, config=OriginalConfig(), optimizer=None, *, num_steps=None,
          display_step=None, verbose=True, progress=None, fast=True, checkpoint_dir=None,
          checkpoint_every=None, resume=False, callback=None):
    """Train ``model`` on batches from ``dataset.next_batch`` as the seed does; return the history.

    Prints ``Step 1000: Minibatch Loss: 0.146586`` at step 1 and every ``display_step``
    (when ``verbose``). ``optimizer`` defaults to ``make_optimizer(config)`` (the original's
    ``RMSProp(config.learning_rate)``); ``config.noise`` trains a denoising autoencoder.
    ``dataset`` is any object with TF1's ``next_batch(n) -> (images, labels)``; a
    ``DataSet`` takes the fast path (``fast=True``: batches gathered on the device,
    many steps per XLA-compiled call), which draws exactly the same batches; XLA's fused
    arithmetic may change the losses' last bits. The progress
    bar shows on a terminal only (``progress=None``), never in a notebook's outputs.
    With ``checkpoint_dir``, the whole state (weights, optimiser and noise variables, batch
    position, history) is saved there atomically every ``checkpoint_every`` steps (default
    ``display_step``) and at the end; ``resume=True`` continues from it, to the same bits
    as a run never interrupted. A NaN or infinite loss raises ``FloatingPointError`` naming
    the step, leaving the last good checkpoint in place.
    ``callback(step, model)``, if given, is called after step 1 and every ``display_step``
    (chapter "Why the original plateaus" measures the network there).
    Returns a list of ``(step, loss)`` for every step, the loss a Python float.
    """
    num_steps = _positive_int("num_steps", config.num_steps if num_steps is None else num_steps)
    display_step = _positive_int(
        "display_step", config.display_step if display_step is None else display_step)
    batch_size = _positive_int("batch_size", config.batch_size)
    optimizer = make_optimizer(config) if optimizer is None else optimizer
    optimizer.build(model.trainable_variables)
    corrupt = make_corruption(config)
    train_step = make_train_step(model, optimizer, corrupt)
    saver, every = _checkpointer(checkpoint_dir, checkpoint_every, resume, display_step, dataset,
                                 config, [*model.weights, *optimizer.variables,
                                          *([corrupt.seed_generator.state] if corrupt else [])])
    start, history = saver.restore() if resume else (0, [])
    if start > num_steps:
        raise ValueError(f"the checkpoint is at step {start}, past num_steps={num_steps}")
    if fast and hasattr(dataset, "next_batch_indices"):
        pixels = getattr(dataset, "pixels", None)
        chunk = make_train_chunk(train_step, dataset.images if pixels is None else pixels)
        draw = lambda n: chunk(np.stack(
            [dataset.next_batch_indices(batch_size) for _ in range(n)]).astype(np.int32))
    else:
        step = tf.function(train_step)
        draw = lambda n: [step(tf.constant(dataset.next_batch(batch_size)[0])) for _ in range(n)]
    with tqdm(total=num_steps, initial=start, unit="step", desc="train",
              disable=None if progress is None else not progress) as bar:
        for first, last in _chunks(num_steps, display_step, every, start):
            losses = np.array(draw(last - first + 1), dtype=np.float32)
            history += zip(range(first, last + 1), map(float, losses))
            _check_finite(losses, first)
            bar.update(last - first + 1)
            if verbose and (last % display_step == 0 or last == 1):
                tqdm.write("Step %i: Minibatch Loss: %f" % (last, losses[-1]))
            if saver is not None and (last % every == 0 or last == num_steps):
                saver.save(last, history)
            if callback is not None and (last in (1, num_steps) or last % display_step == 0):
                callback(last, model)  # not at the checkpoint-only chunk ends
    return history


def _checkpointer(folder, every, resume, display_step, dataset, config, variables):
    """``(Checkpointer or None, checkpoint_every)`` for ``train``'s arguments, checked."""
    if folder is None:
        if every is not None or resume:
            raise ValueError("checkpoint_every and resume need a checkpoint_dir")
        return None, None
    every = _positive_int("checkpoint_every", display_step if every is None else every)
    return Checkpointer(folder, variables, dataset, config), every


def _check_finite(losses, first):
    bad = np.flatnonzero(~np.isfinite(losses))
    if bad.size:
        raise FloatingPointError(f"the loss became {losses[bad[0]]} at step {first + bad[0]}; "
                                 "lower the learning rate or check the input data")
