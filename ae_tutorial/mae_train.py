"""Train and measure a masked autoencoder from its ``MAEConfig`` (chapter "Masked
autoencoders").

``train_mae`` fits a ``MaskedAutoencoder`` (built by ``build_mae``) to MNIST's training digits,
seeded; ``encode_pooled`` gives its features; ``linear_probe`` fits the code-size chapter's
classifier to them; ``mae_measures`` trains one and measures it, a row of the stored sweep ``mae``.
"""

import time

import numpy as np

from .codes import linear_probe
from .mae import NUM_PATCHES, MaskedAutoencoder, masked_mse

#: How many labels each probe gets (the first 100, 1,000 of ``ae.probe_order``; None, all).
PROBE_LABELS = (100, 1_000, None)
#: Seeds the test digits' masks in ``masked_test_mse``, the same masks for every run.
FIXED_MASK_SEED = 0


def train_mae(config, images=None):
    """A ``MaskedAutoencoder`` trained as ``config`` (an ``MAEConfig``) says.

    ``config.num_steps`` Adam steps, each on ``config.batch_size`` images drawn with
    replacement by ``np.random.default_rng(config.seed)``; the weights are made inside
    ``global_seed(config.seed)`` and the masks come from the model's own generator, seeded
    by it too, so a run repeats.

    Args:
        config: an ``MAEConfig``.
        images: the training digits, float32 (n, 784); ``None``: MNIST's 55,000.

    Returns:
        ``(model, losses)``: the trained model and each step's loss, shape (num_steps,).
    """
    import keras

    if images is None:
        from .data import read_data_sets

        images = read_data_sets(seed=0).train.images
    images = np.asarray(images, np.float32)
    model = build_mae(config)
    # TensorFlow without XLA: it compiles in a fraction of the time and trains as fast on a
    # CPU; JAX compiled (uncompiled, it runs each operation on its own, many times slower)
    xla = keras.backend.backend() != "tensorflow"
    model.compile(optimizer=keras.optimizers.Adam(config.learning_rate), jit_compile=xla)
    rng = np.random.default_rng(config.seed)
    losses = [
        model.train_on_batch(images[rng.integers(0, len(images), config.batch_size)])
        for _ in range(config.num_steps)
    ]
    return model, np.asarray(losses, float)


def build_mae(config) -> MaskedAutoencoder:
    """The ``MaskedAutoencoder`` that ``train_mae`` starts from: ``config``'s sizes, its
    weights made inside ``global_seed(config.seed)``, no training step (the chapter's
    untrained control).

    Args:
        config: an ``MAEConfig``; its training fields are not used.

    Returns:
        The model, built, with its initial weights.
    """
    from .seeds import global_seed

    fields = ("mask_ratio", "embed_dim", "depth", "num_heads", "decoder_dim", "decoder_depth")
    with global_seed(config.seed):  # the weights are made here, from config.seed
        model = MaskedAutoencoder(**{f: getattr(config, f) for f in fields}, seed=config.seed)
        model.reconstruct(np.zeros((1, 784), np.float32), np.zeros((1, NUM_PATCHES), np.float32))
    return model


def encode_pooled(model, images, batch_size: int = 2_000) -> np.ndarray:
    """The encoder on all 49 patches of each image, unmasked, averaged over the patches.

    Returns:
        float32 (n, embed_dim), in batches of ``batch_size``.
    """
    images = np.asarray(images, np.float32)
    encoder = _Encode(model)
    starts = range(0, len(images), batch_size)
    parts = [encoder.predict_on_batch(images[i : i + batch_size]) for i in starts]
    return np.concatenate([np.asarray(p) for p in parts]).astype(np.float32)


class _Encode:
    """``model.encode`` as a model's call, so that ``predict_on_batch`` compiles it once on
    any backend (a ``tf.function`` on TensorFlow, ``jax.jit`` on JAX)."""

    def __new__(cls, model):
        import keras

        class Encode(keras.Model):
            def __init__(self, inner):
                super().__init__(name="encode")
                self.inner = inner

            def build(self, input_shape):
                if not self.inner.built:  # an untrained model: make its weights first
                    self.inner.encode(keras.ops.zeros((1, 784)))

            def call(self, inputs):
                return self.inner.encode(inputs)

        return Encode(model)


def fixed_masks(num_images: int, seed: int = FIXED_MASK_SEED) -> np.ndarray:
    """Uniform noise (num_images, 49) that fixes which patches each test digit hides."""
    return np.random.default_rng(seed).random((num_images, NUM_PATCHES), dtype=np.float32)


def masked_test_mse(model, images, batch_size: int = 2_000) -> float:
    """``masked_mse`` over ``images`` with the masks of ``fixed_masks`` (pooled over images)."""
    images = np.asarray(images, np.float32)
    noise, total, hidden = fixed_masks(len(images)), 0.0, 0.0
    for i in range(0, len(images), batch_size):
        out = model.reconstruct(images[i : i + batch_size], noise[i : i + batch_size])
        count = float(np.sum(np.asarray(out["mask"])))
        total += count * float(masked_mse(out["patches"], out["prediction"], out["mask"]))
        hidden += count
    return total / hidden


def mae_measures(config) -> tuple[float, dict[str, str]]:
    """Train ``config``'s masked autoencoder and measure it on MNIST's test digits.

    Returns:
        ``(seconds, {column: text})``: the training's seconds; ``masked_mse``
        (``masked_test_mse``) and ``probe_100``, ``probe_1000``, ``probe_all``
        (``linear_probe`` on ``encode_pooled`` features).
    """
    from .data import read_data_sets

    data = read_data_sets(seed=0)
    start = time.perf_counter()
    model, _ = train_mae(config, data.train.images)
    seconds = time.perf_counter() - start
    row = {"masked_mse": f"{masked_test_mse(model, data.test.images):.6f}"}
    train, test = (encode_pooled(model, split.images) for split in (data.train, data.test))
    for n in PROBE_LABELS:
        accuracy = linear_probe(train, data.train.labels, test, data.test.labels, n)
        row[f"probe_{n or 'all'}"] = f"{accuracy:.6f}"
    return seconds, row
