"""Train and measure a sparse autoencoder from its ``SAEConfig`` (chapter "Sparse autoencoders").

``sae_inputs`` makes what a configuration takes apart: toy vectors of sparse features
(``superposition_data``) or the activations of the 256 units of ``dense_16``'s first encoder
layer on MNIST. ``train_sae`` fits a ``SparseAutoencoder`` to them, seeded; ``sae_measures``
trains one and measures it on the held-out inputs, a row of the stored sweeps ``sae_toy`` and
``sae_dense_16``.
"""

import time
from typing import NamedTuple

import numpy as np

from .sae import SparseAutoencoder, superposition_data
from .sae_metrics import (
    dead_latents,
    l0,
    label_selectivity,
    match_features,
    normalized_mse,
    shrinkage,
)

#: The toy data: 16,384 training and 4,096 held-out vectors of 256 features in 64 dimensions.
TOY_TRAIN, TOY_TEST, TOY_FEATURES, TOY_DIM = 16_384, 4_096, 256, 64
#: A true feature counts as recovered when its matched decoder direction's cosine is above this.
RECOVERED_COSINE = 0.9
#: A selective latent (or unit) fires on at least this many test digits (``selective``).
SELECTIVE_MIN_FIRES = 50
#: ... and at least this share of the digits it fires on carry its commonest label.
SELECTIVE_PRECISION = 0.8


class SAEInputs(NamedTuple):
    """What a sparse autoencoder takes apart (``sae_inputs``); arrays are float32."""

    train: np.ndarray  #: the training inputs, (N, dim), divided by ``scale``
    test: np.ndarray  #: the held-out inputs, (M, dim), divided by ``scale``
    directions: np.ndarray | None  #: toy: the true unit feature directions, (256, 64)
    labels: np.ndarray | None  #: dense_16: the test digits' labels, (10,000,)
    scale: float  #: what the inputs were divided by: 1 (toy), the RMS norm (dense_16)
    network: object | None  #: dense_16: the ``Autoencoder`` whose layer was read


def sae_inputs(config, network=None) -> SAEInputs:
    """The training and held-out inputs of ``config.activations``.

    ``"toy"``: ``superposition_data(16,384 + 4,096, 256, 64, seed=config.seed)``, the first
    16,384 vectors to train on, the rest held out. ``"dense_16"``: the outputs of
    ``network.encoder.layer_1`` (256 ReLU units) on MNIST's 55,000 training and 10,000 test
    digits (``read_data_sets(seed=0)``), divided by the training activations' root mean
    squared norm, so that an input's squared norm is 1 on average.

    Args:
        config: an ``SAEConfig``.
        network: for ``"dense_16"``, the autoencoder to read; ``None``: the book's
            ``trained(preset("dense_16"))``, from the cache.

    Returns:
        An ``SAEInputs``.
    """
    if config.activations == "toy":
        data = superposition_data(TOY_TRAIN + TOY_TEST, TOY_FEATURES, TOY_DIM, seed=config.seed)
        train, test = data.x[:TOY_TRAIN], data.x[TOY_TRAIN:]
        return SAEInputs(train, test, data.directions, None, 1.0, None)
    from .cache import trained
    from .data import read_data_sets
    from .runs import preset

    if network is None:
        network = trained(preset("dense_16"), verbose=False).model
    data = read_data_sets(seed=0)
    train, test = (_layer_1(network, split.images) for split in (data.train, data.test))
    scale = float(np.sqrt(np.mean(np.sum(np.square(train), axis=1))))
    labels = np.asarray(data.test.labels, int)
    return SAEInputs(train / scale, test / scale, None, labels, scale, network)


def _layer_1(network, images: np.ndarray) -> np.ndarray:
    """The outputs of ``network.encoder.layer_1`` on ``images`` (N, 784): float32 (N, 256)."""
    parts = [network.encoder.layer_1(images[i : i + 5000]) for i in range(0, len(images), 5000)]
    return np.concatenate([np.asarray(part) for part in parts]).astype(np.float32)


def train_sae(config, inputs: SAEInputs | None = None) -> SparseAutoencoder:
    """A ``SparseAutoencoder`` trained on ``inputs.train`` as ``config`` says.

    Adam at ``config.learning_rate`` for ``config.epochs`` passes in shuffled batches of
    ``config.batch_size``, inside ``global_seed(config.seed)`` (so the shuffling repeats),
    from the initial decoder of ``config.seed``. The decoder bias ``b_dec``, which the model
    subtracts from every input before encoding, starts at the training inputs' mean, for
    both kinds of input: the latents then start by coding how an input differs from the
    average one (Bricken et al. and Gao et al. start it at a geometric median of the inputs).
    On ``dense_16``'s layer, whose units are all non-negative, a start at 0 leaves about
    twice as many dead latents (266 against 125 of 512, preset ``sae_dense_16``, seed 0).

    Args:
        config: an ``SAEConfig``.
        inputs: its ``sae_inputs``; ``None`` makes them.

    Returns:
        The trained model.
    """
    import keras

    from .seeds import global_seed

    inputs = sae_inputs(config) if inputs is None else inputs
    kwargs = {"k": config.k} if config.sae_activation == "topk" else {"l1": config.l1}
    model = SparseAutoencoder(
        inputs.train.shape[1], config.num_latents, config.sae_activation, seed=config.seed, **kwargs
    )
    model.b_dec.assign(inputs.train.mean(axis=0))
    model.compile(optimizer=keras.optimizers.Adam(config.learning_rate))
    with global_seed(config.seed):
        model.fit(inputs.train, epochs=config.epochs, batch_size=config.batch_size, verbose=0)
    return model


def sae_predict(model: SparseAutoencoder, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The latents (N, num_latents) and reconstructions (N, dim) of ``x``, as NumPy arrays."""
    out = model.predict(x, batch_size=5000, verbose=0)
    return np.asarray(out["latents"]), np.asarray(out["reconstruction"])


def selective(active: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Which latents (or units) are selective for a digit.

    Selective: active on at least ``SELECTIVE_MIN_FIRES`` samples, and the precision of
    "active" for its best label (the share of the samples it is active on that carry that
    label, ``label_selectivity``) at least ``SELECTIVE_PRECISION``.

    Args:
        active: bool (N, num_latents), e.g. ``latents > 0``.
        labels: the samples' digits, (N,).

    Returns:
        A bool array (num_latents,); ``.sum()`` counts them.
    """
    precision = label_selectivity(active, labels).precision.max(axis=1)
    fires = np.asarray(active, bool).sum(axis=0)
    return (fires >= SELECTIVE_MIN_FIRES) & (precision >= SELECTIVE_PRECISION)


def pixel_error(network, h: np.ndarray, h_hat: np.ndarray) -> float:
    """How far reconstructing the layer moves the autoencoder's output images.

    The mean over samples of the squared distance (summed over the 784 pixels) between the
    images that the rest of ``network`` (``encoder.layer_2``, then the decoder) draws from
    ``h_hat`` and from ``h``, the true layer; both unscaled, shape (N, 256). It is not the
    error against the digits themselves: the chapter measures that too.
    """

    def rest(a):
        return np.asarray(network.decoder(network.encoder.layer_2(np.asarray(a, np.float32))))

    return float(np.mean(np.sum(np.square(rest(h_hat) - rest(h)), axis=1)))


def sae_measures(config) -> tuple[float, dict[str, str]]:
    """Train ``config``'s sparse autoencoder and measure it on the held-out inputs.

    Args:
        config: an ``SAEConfig``.

    Returns:
        ``(seconds, {column: text})``: the training's seconds and the sweep's columns,
        ``l0``, ``normalized_mse``, ``dead`` (latents never active) and ``shrinkage``; then,
        on toy vectors, ``mcc`` (the mean matched cosine) and ``recovered`` (true features
        matched above ``RECOVERED_COSINE``); on ``dense_16``'s layer, ``selective`` (the
        latents that ``selective`` counts) and ``pixel_error`` (``pixel_error``).
    """
    inputs = sae_inputs(config)
    start = time.perf_counter()
    model = train_sae(config, inputs)
    seconds = time.perf_counter() - start
    z, x_hat = sae_predict(model, inputs.test)
    row = {"l0": f"{l0(z):.3f}", "normalized_mse": f"{normalized_mse(inputs.test, x_hat):.6f}"}
    row |= {"dead": str(int(dead_latents(z).sum()))}
    row |= {"shrinkage": f"{shrinkage(inputs.test, x_hat):.6f}"}
    if config.activations == "toy":
        cosine = match_features(np.asarray(model.w_dec), inputs.directions).cosine
        row |= {
            "mcc": f"{cosine.mean():.6f}",
            "recovered": str(int(np.sum(cosine > RECOVERED_COSINE))),
        }
    else:
        h, h_hat = inputs.test * inputs.scale, x_hat * inputs.scale
        row |= {"selective": str(int(selective(z > 0, inputs.labels).sum()))}
        row |= {"pixel_error": f"{pixel_error(inputs.network, h, h_hat):.6f}"}
    return seconds, row
