"""A training run as data: the original's hyperparameters (``OriginalConfig``, chapter "The
data" onwards) and a variational autoencoder's (``VAEConfig``), each a frozen dataclass."""

from dataclasses import asdict, dataclass

from .checks import positive_int

#: The allowed values of ``OriginalConfig``'s string fields.
CHOICES = {
    "initializer": ("normal", "glorot"),
    "optimizer": ("rmsprop", "keras_rmsprop", "adam"),
    "noise": ("none", "gaussian", "mask"),
    "loss": ("mse", "bce"),
    "activation": ("sigmoid", "relu", "linear"),
    "architecture": ("dense", "conv", "conv_wide"),
}


@dataclass(frozen=True)
class OriginalConfig:
    """Every number of the original TF1 program, plus the random seed that makes a run repeatable.

    Introduced in the book's first chapter; ``OriginalConfig()`` is the original exactly. The last
    seven fields depart from the original on purpose: another initialiser or optimiser
    (chapter "Why the original learns so slowly"), noisy inputs for a denoising autoencoder
    (chapter "What the code learned"), and another loss, activation or architecture;
    allowed values are in ``CHOICES``. Every field is a keyword argument; the comment beside
    each field in the source says what the original calls it.

    Args:
        learning_rate: RMSProp's learning rate.
        num_steps: training steps, one minibatch each.
        batch_size: images per minibatch.
        display_step: the loss is printed at step 1 and every ``display_step`` steps.
        examples_to_show: defined by the original, never used there.
        num_hidden_1: width of the first hidden layer.
        num_hidden_2: width of the second hidden layer: the length of the code.
        num_input: pixels per image (28 * 28).
        init_mean: mean of the normal distribution the weights and biases are drawn from.
        init_stddev: its standard deviation.
        seed: seeds the initial weights and the batch order.
        initializer: ``"normal"`` (N(``init_mean``, ``init_stddev``)) or ``"glorot"``
            (Keras' default: Glorot-uniform weights, zero biases).
        optimizer: ``"rmsprop"`` (TF1's), ``"keras_rmsprop"`` or ``"adam"``.
        noise: how the inputs are corrupted: ``"none"``, ``"gaussian"`` or ``"mask"``.
        noise_level: the Gaussian noise's standard deviation, or the fraction of pixels
            zeroed (below 1).
        loss: ``"mse"`` (the original's mean squared error) or ``"bce"`` (binary
            cross-entropy, the mean over pixels and images).
        activation: the hidden units' activation, ``"sigmoid"``, ``"relu"`` or ``"linear"``.
            For ``"dense"``, every hidden layer's, the code's included, and ``"linear"`` makes
            every layer linear, the output too: a linear autoencoder, which learns PCA's
            subspace. For the convolutional ones, the code layer's only (their convolutions
            are ReLU, their output sigmoid).
        architecture: ``"dense"`` (the original's 784-256-128-256-784, widths from
            ``num_input``, ``num_hidden_1`` and ``num_hidden_2``), or ``"conv"``:
            convolutions with 16 and 32 filters on the 28 x 28 image and a code of
            ``num_hidden_2`` numbers (``num_hidden_1`` unused); ``"conv_wide"`` has twice
            the filters. Both need ``initializer="glorot"`` and ``num_input=784``.

    Raises:
        ValueError: naming the field, if a count is not a positive integer, the seed is not an
            integer >= 0, the learning
            rate is not positive, a string field is not one of ``CHOICES``,
            ``noise_level`` is out of range for ``noise``, ``loss="bce"`` is asked of a
            linear output, or a convolutional architecture is given another
            ``initializer`` or ``num_input``.
    """

    learning_rate: float = 0.01  # RMSPropOptimizer(learning_rate)
    num_steps: int = 30_000  # training steps (one minibatch each)
    batch_size: int = 256  # images per minibatch
    display_step: int = 1_000  # print the minibatch loss every this many steps
    examples_to_show: int = 10  # defined by the original, never used there
    num_hidden_1: int = 256  # 1st layer num features
    num_hidden_2: int = 128  # 2nd layer num features (the latent dim)
    num_input: int = 784  # MNIST data input (img shape: 28*28)
    init_mean: float = 0.0  # tf.random_normal's mean, for weights and biases
    init_stddev: float = 1.0  # tf.random_normal's stddev, for weights and biases
    seed: int = 0  # seeds the initial weights and the batch order
    # Departures from the original, for the chapters that go beyond it (defaults: the original).
    initializer: str = "normal"  # "normal": N(init_mean, init_stddev); "glorot": Keras' default
    optimizer: str = "rmsprop"  # "rmsprop" (TF1's), "keras_rmsprop" or "adam"
    noise: str = "none"  # corrupt the inputs: "none", "gaussian" (stddev) or "mask" (fraction)
    noise_level: float = 0.0  # the Gaussian noise's stddev, or the fraction of pixels zeroed
    loss: str = "mse"  # "mse" (the original's) or "bce" (binary cross-entropy)
    activation: str = "sigmoid"  # the hidden units': "sigmoid", "relu" or "linear" (all linear)
    architecture: str = "dense"  # "dense" (the original's), "conv" or "conv_wide" (convolutions)

    def __post_init__(self):
        for name in (
            "num_steps",
            "batch_size",
            "display_step",
            "num_hidden_1",
            "num_hidden_2",
            "num_input",
        ):
            value = positive_int(f"OriginalConfig.{name}", getattr(self, name))
            object.__setattr__(self, name, value)  # a NumPy integer becomes a plain int
        object.__setattr__(self, "seed", _seed("OriginalConfig", self.seed))
        if not self.learning_rate > 0:
            raise ValueError(
                f"OriginalConfig.learning_rate must be > 0, got {self.learning_rate!r}"
            )
        for name, allowed in CHOICES.items():
            if getattr(self, name) not in allowed:
                raise ValueError(
                    f"OriginalConfig.{name} must be one of {allowed}, got {getattr(self, name)!r}"
                )
        if not 0 <= self.noise_level < (1 if self.noise == "mask" else float("inf")):
            raise ValueError(
                f"OriginalConfig.noise_level {self.noise_level!r} is out of range "
                f"for noise {self.noise!r}"
            )
        self._check_combination()

    def _check_combination(self):
        """Raise ``ValueError`` for field values that do not go together."""
        if self.loss == "bce" and self.output_activation == "linear":
            raise ValueError(
                "OriginalConfig.loss 'bce' needs outputs in (0, 1); a linear autoencoder's "
                "are not (use loss='mse')"
            )
        if not self.is_conv:
            return
        if self.initializer != "glorot":
            raise ValueError(
                "OriginalConfig.initializer must be 'glorot' for architecture "
                f"{self.architecture!r} (Keras' default), got {self.initializer!r}"
            )
        if self.num_input != 784:
            raise ValueError(
                "OriginalConfig.num_input must be 784 (28 x 28) for architecture "
                f"{self.architecture!r}, got {self.num_input!r}"
            )

    @property
    def is_conv(self) -> bool:
        """Whether the architecture is convolutional (``"conv"`` or ``"conv_wide"``)."""
        return self.architecture.startswith("conv")

    @property
    def output_activation(self) -> str:
        """Which activation the output layer has, ``"linear"`` or ``"sigmoid"``.

        Returns:
            ``"linear"`` if ``activation`` is ``"linear"`` and ``architecture`` is
            ``"dense"``, else ``"sigmoid"``: outputs in (0, 1), like the pixels.
        """
        linear = self.activation == "linear" and self.architecture == "dense"
        return "linear" if linear else "sigmoid"

    def to_dict(self) -> dict[str, object]:
        """Return the fields as a plain ``dict`` (for cache keys and tables).

        Returns:
            Each field's value by its name.
        """
        return asdict(self)


#: How a VAE's loss reduces over pixels and latent units (over the batch it is always the mean).
REDUCTIONS = ("sum", "mean")


@dataclass(frozen=True)
class VAEConfig:
    """Everything that decides a trained ``VAE``: its widths, its loss, its training and data.

    What ``trained`` takes for a variational autoencoder (chapter "A variational
    autoencoder"), as ``OriginalConfig`` is for the original's network. The model is
    ``VAE(latent_dim, hidden, num_input, reduction, seed)``, trained by ``fit`` with Adam on
    MNIST's 55,000 training digits, less any of ``held_out_digit``.

    Args:
        latent_dim: latent units (the code's length).
        hidden: width of the encoder's and the decoder's hidden ReLU layer.
        num_input: pixels per image.
        reduction: ``"sum"`` over pixels and latent units (the ELBO) or ``"mean"``.
        epochs: passes over the training digits.
        batch_size: images per step.
        learning_rate: Adam's.
        seed: the weights', the noise's and the shuffling's seed.
        held_out_digit: a digit (0-9) left out of the training digits, or ``None``
            (chapter "Anomaly detection" trains on nine digits).

    Raises:
        ValueError: naming the field, if a count is not a positive integer, the seed is not an
            integer >= 0, the learning rate is not positive, ``reduction`` is not one of
            ``REDUCTIONS`` or ``held_out_digit`` is not ``None`` or a digit.
    """

    latent_dim: int = 2
    hidden: int = 256
    num_input: int = 784
    reduction: str = "sum"
    epochs: int = 20
    batch_size: int = 128
    learning_rate: float = 1e-3
    seed: int = 0
    held_out_digit: int | None = None

    def __post_init__(self):
        for name in ("latent_dim", "hidden", "num_input", "epochs", "batch_size"):
            value = positive_int(f"VAEConfig.{name}", getattr(self, name))
            object.__setattr__(self, name, value)
        object.__setattr__(self, "seed", _seed("VAEConfig", self.seed))
        if not self.learning_rate > 0:
            raise ValueError(f"VAEConfig.learning_rate must be > 0, got {self.learning_rate!r}")
        if self.reduction not in REDUCTIONS:
            raise ValueError(
                f"VAEConfig.reduction must be one of {REDUCTIONS}, got {self.reduction!r}"
            )
        digit = self.held_out_digit
        if digit is not None:
            if isinstance(digit, bool) or not hasattr(digit, "__index__") or not 0 <= digit <= 9:
                raise ValueError(
                    f"VAEConfig.held_out_digit must be None or a digit 0-9, got {digit!r}"
                )
            object.__setattr__(self, "held_out_digit", int(digit))

    def to_dict(self) -> dict[str, object]:
        """Return the fields as a plain ``dict`` (for cache keys and tables).

        Returns:
            Each field's value by its name.
        """
        return asdict(self)


def _seed(owner, seed):
    """``seed`` as a plain int, or ``ValueError`` naming ``owner`` unless an integer >= 0."""
    if isinstance(seed, bool) or not hasattr(seed, "__index__") or seed < 0:
        raise ValueError(f"{owner}.seed must be an integer >= 0, got {seed!r}")
    return int(seed)
