"""A variational autoencoder on any Keras 3 backend (chapter "A variational autoencoder").

Written with ``keras.ops``, ``keras.random`` and Keras' own training hooks only (the loss is
``compute_loss``, ``fit`` does the rest), so the same code trains under TensorFlow and JAX
(``KERAS_BACKEND=jax``). Nothing here imports TensorFlow.

The loss is the negative ELBO of one image, averaged over the batch::

    loss = mean over images of [ sum over pixels of BCE(x, decoder(z))
                                 + sum over latent units of KL(q(z | x) || N(0, 1)) ]

with ``z = mean + exp(log_var / 2) * eps``, ``eps ~ N(0, 1)`` (the reparameterisation
trick). ``reduction="mean"`` averages over pixels and latent units instead of summing, the
variant the chapter shows going wrong. With ``binarize="dynamic"`` each training image is
drawn anew as 0/1 pixels, Bernoulli of its grey values, every time a batch holds it (Burda et
al.'s protocol, section "Measure the likelihood in nats"); ``likelihood.binarized`` draws a
fixed copy.
"""

import keras
import numpy as np
from keras import ops

from .checks import all_finite, check_images, check_pixel_values, positive_int
from .config import REDUCTIONS, VAEConfig
from .seeds import global_seed

#: Bump when a change here changes the weights or losses a training gives (the cache key).
VAE_VERSION = 1
#: How a VAE may binarise its training images: not at all, or anew every batch.
BINARIZE = ("none", "dynamic")


class VAE(keras.Model):
    """A dense variational autoencoder: 784 -> ``hidden`` -> 2 x ``latent_dim``; back to 784.

    With ``hidden_layers=2`` there are two hidden layers each way: Burda et al.'s
    784-200-200-50 VAE is ``VAE(50, 200, hidden_layers=2, activation="tanh")``.

    The encoder gives each image a mean and a log-variance per latent unit; the decoder
    gives 784 logits, a Bernoulli probability per pixel. Calling the model samples a code
    (the reparameterisation trick) and returns a dict: ``"reconstruction"`` (pixel
    probabilities from the sampled code), ``"logits"``, ``"mean"``, ``"log_var"`` and ``"z"``.
    ``fit(images)`` trains it: ``compute_loss`` adds the reconstruction and KL terms and
    tracks each as a metric, so the history holds ``loss``, ``reconstruction`` and ``kl``.

    Args:
        latent_dim: latent units (the code's length).
        hidden: width of the encoder's and the decoder's hidden layers.
        num_input: pixels per image.
        reduction: ``"sum"`` over pixels and latent units (the ELBO) or ``"mean"``.
        seed: seeds the initial weights (Glorot-uniform) and the sampling noise.
        hidden_layers: hidden layers in the encoder, and as many in the decoder.
        activation: the hidden units' activation, a Keras name (``"relu"``, ``"tanh"``).
        binarize: ``"none"``, or ``"dynamic"``: a training call draws each pixel as 0 or 1,
            Bernoulli of its value, and the loss compares the decoding with those draws
            (returned as ``"x"``).
        **kwargs: passed to ``keras.Model`` (e.g. ``name``).

    Raises:
        ValueError: naming the argument, if a width or ``hidden_layers`` is not a positive
            integer, or ``reduction`` or ``binarize`` is not one of its choices.
    """

    def __init__(
        self,
        latent_dim: int = 2,
        hidden: int = 256,
        num_input: int = 784,
        reduction: str = "sum",
        seed: int = 0,
        hidden_layers: int = 1,
        activation: str = "relu",
        binarize: str = "none",
        **kwargs,
    ):
        super().__init__(**kwargs)
        widths = {"latent_dim": latent_dim, "hidden": hidden, "num_input": num_input}
        for name, value in {**widths, "hidden_layers": hidden_layers}.items():
            positive_int(name, value)
        if reduction not in REDUCTIONS:
            raise ValueError(f"reduction must be one of {REDUCTIONS}, got {reduction!r}")
        if binarize not in BINARIZE:
            raise ValueError(f"binarize must be one of {BINARIZE}, got {binarize!r}")
        self.latent_dim, self.hidden, self.num_input = latent_dim, hidden, num_input
        self.reduction, self.seed = reduction, seed
        self.hidden_layers, self.activation, self.binarize = hidden_layers, activation, binarize
        self.encoder = _stack("encoder", num_input, hidden, 2 * latent_dim, self._seeds(0))
        self.decoder = _stack("decoder", latent_dim, hidden, num_input, self._seeds(1))
        self.noise = keras.random.SeedGenerator(seed)
        self.reconstruction_tracker = keras.metrics.Mean(name="reconstruction")
        self.kl_tracker = keras.metrics.Mean(name="kl")

    def _seeds(self, part):
        """The initialisers' seeds of the encoder's (``part`` 0) or decoder's (1) layers, and
        the activation: ``seed * layers + i`` for the i-th of all the model's layers."""
        layers = self.hidden_layers + 1
        first = self.seed * 2 * layers + part * layers
        return self.hidden_layers, self.activation, range(first, first + layers)

    def encode(self, x):
        """The mean and log-variance of q(z | x), each of shape (N, ``latent_dim``).

        Args:
            x: images, shape (N, ``num_input``), pixels in [0, 1].

        Returns:
            ``(mean, log_var)``.
        """
        mean, log_var = ops.split(self.encoder(x), 2, axis=-1)
        return mean, log_var

    def decode(self, z):
        """Pixel probabilities (sigmoid of the decoder's logits) for codes ``z``.

        Args:
            z: codes, shape (N, ``latent_dim``).

        Returns:
            Probabilities in (0, 1), shape (N, ``num_input``).
        """
        return ops.sigmoid(self.decoder(z))

    def sample(self, mean, log_var, seed=None):
        """``mean + exp(log_var / 2) * eps``, ``eps ~ N(0, 1)``: the reparameterisation
        trick.

        Args:
            mean: means of q(z | x).
            log_var: log-variances of q(z | x), the same shape.
            seed: a ``keras.random.SeedGenerator`` for ``eps``; ``None``: the model's.

        Returns:
            One code per row, differentiable with respect to ``mean`` and ``log_var``.
        """
        if seed is None:
            seed = self.noise
        eps = keras.random.normal(ops.shape(mean), seed=seed)
        return mean + ops.exp(0.5 * log_var) * eps

    def decoder_log_prob(self, x, z):
        """log p(x | z) of each image, in nats: minus the binary cross-entropy summed over
        pixels. A likelihood only for binary ``x`` (section "Measure the likelihood in nats").

        Args:
            x: images, shape (N, ``num_input``).
            z: one code per image, shape (N, ``latent_dim``).

        Returns:
            Shape (N,) (a backend tensor).
        """
        return -ops.sum(bernoulli_cross_entropy(x, self.decoder(z)), axis=-1)

    def call(self, x, training=False):
        """Encode ``x``, sample a code, decode it.

        Args:
            x: images, shape (N, ``num_input``).
            training: whether ``fit`` calls it: with ``binarize="dynamic"``, ``x`` is
                binarised first (no layer behaves differently).

        Returns:
            ``{"reconstruction", "logits", "mean", "log_var", "z", "x"}``, ``"x"`` the
            images encoded (binarised or not).
        """
        if training and self.binarize == "dynamic":
            x = ops.cast(keras.random.uniform(ops.shape(x), seed=self.noise) < x, "float32")
        mean, log_var = self.encode(x)
        z = self.sample(mean, log_var)
        logits = self.decoder(z)
        return {
            "reconstruction": ops.sigmoid(logits),
            "logits": logits,
            "mean": mean,
            "log_var": log_var,
            "z": z,
            "x": x,
        }

    def loss_terms(self, x, outputs):
        """The reconstruction and KL terms of every image, reduced per ``self.reduction``.

        Args:
            x: the images, shape (N, ``num_input``).
            outputs: what calling the model on ``x`` returned.

        Returns:
            ``(reconstruction, kl)``, each of shape (N,): binary cross-entropy over pixels and
            KL(q(z | x) || N(0, 1)) over latent units, summed (``"sum"``) or averaged.
        """
        return _terms(x, outputs, ops.sum if self.reduction == "sum" else ops.mean)

    def compute_loss(
        self,
        x=None,
        y=None,
        y_pred=None,
        sample_weight=None,
        training=True,
    ):
        """Keras' hook: the batch's mean of reconstruction + KL, each term tracked.

        The images compared are those the model encoded (``y_pred["x"]``), binarised or
        not."""
        terms = self.loss_terms(y_pred.get("x", x), y_pred)
        reconstruction, kl = (ops.mean(term) for term in terms)
        self.reconstruction_tracker.update_state(reconstruction)
        self.kl_tracker.update_state(kl)
        return reconstruction + kl

    def get_config(self) -> dict[str, object]:
        """The constructor's arguments (Keras saving)."""
        return {
            **super().get_config(),
            "latent_dim": self.latent_dim,
            "hidden": self.hidden,
            "num_input": self.num_input,
            "reduction": self.reduction,
            "seed": self.seed,
            "hidden_layers": self.hidden_layers,
            "activation": self.activation,
            "binarize": self.binarize,
        }


def _stack(name, inputs, hidden, outputs, seeds):
    """A ``Sequential`` of ``hidden_layers`` dense layers of ``hidden`` units, then a linear
    one of ``outputs`` units; Glorot-uniform weights, each layer's seeded in turn."""
    hidden_layers, activation, layer_seeds = seeds
    last = "mean_log_var" if name == "encoder" else "logits"
    names = [f"{name}_hidden", *(f"{name}_hidden_{i}" for i in range(2, hidden_layers + 1))]
    specs = [(hidden, activation, n) for n in names] + [(outputs, None, f"{name}_{last}")]
    layers = [
        keras.layers.Dense(units, act, kernel_initializer=_glorot(s), name=n)
        for (units, act, n), s in zip(specs, layer_seeds, strict=True)
    ]
    return keras.Sequential([keras.Input(shape=(inputs,)), *layers], name=name)


def _glorot(seed):
    """Keras' Glorot-uniform initialiser, seeded."""
    return keras.initializers.GlorotUniform(seed=seed)


def kl_divergence(mean, log_var):
    """KL(q(z | x) || N(0, 1)) of each latent unit, in nats, for a diagonal Gaussian q.

    The closed form ``-(1 + log_var - mean ** 2 - exp(log_var)) / 2``: zero where a
    unit's mean is 0 and its variance 1, the prior itself. Summed over the latent units,
    it is the ELBO's KL term.

    Args:
        mean: the means of q(z | x), shape (N, latent units).
        log_var: their log-variances, the same shape.

    Returns:
        The KL of each unit, the same shape (a backend tensor).
    """
    return -0.5 * (1.0 + log_var - ops.square(mean) - ops.exp(log_var))


def bernoulli_cross_entropy(x, logits):
    """-log p(x | z) of each pixel, in nats: a Bernoulli decoder's binary cross-entropy.

    ``-(x log p + (1 - x) log(1 - p))`` with ``p = sigmoid(logits)``, computed from
    the logits (``keras.ops.binary_crossentropy`` with ``from_logits=True``), which
    stays finite where ``p`` rounds to 0 or 1. Summed over the pixels, it is the ELBO's
    reconstruction term.

    Args:
        x: the images, pixels in [0, 1], shape (N, pixels).
        logits: the decoder's logits, the same shape.

    Returns:
        The cross-entropy of each pixel, the same shape (a backend tensor).
    """
    return ops.binary_crossentropy(ops.cast(x, "float32"), logits, from_logits=True)


def _terms(x, outputs, reduce):
    """The ELBO's reconstruction and KL terms of each image, reduced by ``reduce``."""
    bce = bernoulli_cross_entropy(x, outputs["logits"])
    kl = kl_divergence(outputs["mean"], outputs["log_var"])
    return reduce(bce, axis=-1), reduce(kl, axis=-1)


def _pixels(images, width, what="images"):
    """``images`` as float32 (N, ``width``) with N >= 1 and pixels in [0, 1]; else ValueError."""
    array = np.asarray(images)
    check_images(array, width, what)  # a float array of shape (N, width): no uint8 pixels
    if len(array) == 0:
        raise ValueError(f"{what} must hold at least one image, got shape {array.shape}")
    check_pixel_values(array, what)  # NaN, or [-1, 1] or [0, 255] scaling, is refused
    return array.astype(np.float32, copy=False)


def vae_predict(model: VAE, images: np.ndarray, batch_size: int = 1000) -> dict[str, np.ndarray]:
    """The codes' means and log-variances of ``images`` and their decodings, without sampling.

    Args:
        model: a ``VAE``.
        images: pixels in [0, 1], shape (N, ``model.num_input``).
        batch_size: images per call.

    Returns:
        ``{"mean", "log_var", "reconstruction"}`` as NumPy arrays; the reconstruction is the
        decoding of the mean, the VAE's deterministic reconstruction.

    Raises:
        ValueError: if ``images`` are not float pixels in [0, 1] of shape (N, ``num_input``)
            with N >= 1, or ``batch_size`` is not a positive integer.
    """
    batch_size = positive_int("batch_size", batch_size)
    images = _pixels(images, model.num_input)
    parts = {"mean": [], "log_var": [], "reconstruction": []}
    for i in range(0, len(images), batch_size):
        mean, log_var = model.encode(images[i : i + batch_size])
        for key, value in zip(parts, (mean, log_var, model.decode(mean)), strict=True):
            parts[key].append(ops.convert_to_numpy(value))
    return {key: np.concatenate(value) for key, value in parts.items()}


def negative_elbo(
    model: VAE, images: np.ndarray, samples: int = 10, batch_size: int = 1000, seed: int = 0
) -> np.ndarray:
    """Each image's negative ELBO (sum reduction), averaged over ``samples`` sampled codes.

    An upper bound on -log p(x) in nats: the anomaly score of chapter "Anomaly detection".
    The codes are drawn from ``seed``, not from the model's own noise, so the same model and
    images give the same scores, whether the model was just trained or loaded.

    Args:
        model: a trained ``VAE``; its own ``reduction`` is ignored, the sum is used.
        images: pixels in [0, 1], shape (N, ``model.num_input``).
        samples: codes drawn per image.
        batch_size: images per call.
        seed: seeds the sampled codes.

    Returns:
        The scores, float64 of shape (N,).

    Raises:
        ValueError: as ``vae_predict``, or if ``samples`` is not a positive integer.
    """
    positive_int("samples", samples)
    batch_size = positive_int("batch_size", batch_size)
    images = _pixels(images, model.num_input)
    noise = keras.random.SeedGenerator(seed)
    scores = []
    for i in range(0, len(images), batch_size):
        x = images[i : i + batch_size]
        mean, log_var = model.encode(x)
        total = 0.0
        for _ in range(samples):
            z = model.sample(mean, log_var, seed=noise)
            outputs = {"logits": model.decoder(z), "mean": mean, "log_var": log_var}
            total = total + sum(_terms(x, outputs, ops.sum))
        scores.append(ops.convert_to_numpy(total).astype(np.float64) / samples)
    return np.concatenate(scores)


def build_vae(config: VAEConfig) -> VAE:
    """The untrained ``VAE`` of ``config``, compiled with Adam and built.

    Args:
        config: its widths, reduction, learning rate and seed.

    Returns:
        ``VAE(latent_dim, hidden, num_input, reduction, seed, hidden_layers, activation,
        binarize)``, ready for ``fit``, with
        ``config`` as its ``config`` attribute (``trained`` keys its cache entry by it).
    """
    model = VAE(
        config.latent_dim,
        config.hidden,
        config.num_input,
        config.reduction,
        config.seed,
        hidden_layers=config.hidden_layers,
        activation=config.activation,
        binarize=config.binarize,
    )
    model.config = config
    model.compile(optimizer=keras.optimizers.Adam(config.learning_rate))
    model.build((None, config.num_input))
    return model


def train_vae(
    model: VAE, images: np.ndarray, config: VAEConfig, verbose: bool = False
) -> dict[str, list[float]]:
    """Train ``model`` by ``fit`` on ``images`` as ``config`` says, seeded by ``config.seed``.

    ``fit`` shuffles with the global random generators, so the training runs inside
    ``global_seed(config.seed)``: it repeats bit for bit, and the caller's generators are
    left as they were. ``trained`` calls it on a cache miss.

    Args:
        model: a ``VAE``, compiled and built (``build_vae``).
        images: the training images, float32 of shape (N, ``config.num_input``) in [0, 1].
        config: the epochs, batch size and seed.
        verbose: print each epoch's mean loss.

    Returns:
        ``{"loss": [...], "reconstruction": [...], "kl": [...]}``, one value per epoch.

    Raises:
        ValueError: if ``images`` are not float pixels in [0, 1] of shape
            (N, ``config.num_input``), N >= 1.
        FloatingPointError: if a loss or, after the last update, a weight is not finite.
    """
    images = _pixels(images, config.num_input, "training images")
    with global_seed(config.seed):
        fitted = model.fit(
            images, epochs=config.epochs, batch_size=config.batch_size, shuffle=True, verbose=0
        )
    history = {k: [float(v) for v in fitted.history[k]] for k in ("loss", "reconstruction", "kl")}
    if not np.all(np.isfinite(history["loss"])):
        raise FloatingPointError(f"the VAE's loss is not finite: {history['loss']}")
    if not all_finite(model.get_weights()):
        raise FloatingPointError("the VAE's last update left a weight that is not finite")
    if verbose:
        for epoch, loss in enumerate(history["loss"], start=1):
            print(f"Epoch {epoch}: loss (negative ELBO) {loss:.2f}")
    return history
