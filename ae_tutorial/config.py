"""A training run as data: the original's hyperparameters (``OriginalConfig``, chapter "The
data" onwards) and a variational autoencoder's (``VAEConfig``), each a frozen dataclass, and
``ALLOWED``, the one table of the values their fields may take (the command line's options are
generated from the fields and this table)."""

import math
from dataclasses import asdict, dataclass, fields

import numpy as np

#: The widest layer, and the largest image, a configuration accepts: two dense layers of ten
#: thousand units hold 0.2 billion weights (0.9 GB, and as much again for each of the
#: optimiser's slots); a wider one would fail to allocate, or take the machine's memory.
MAX_WIDTH = 10_000
#: The most training steps (and steps between printed losses) a configuration accepts, 333
#: times the original's 30,000: the loss history of ten million steps takes about a gigabyte.
MAX_STEPS = 10_000_000
#: The largest seed: NumPy's global generator, which ``keras.utils.set_random_seed`` seeds,
#: takes no larger one.
MAX_SEED = 2**32 - 1


@dataclass(frozen=True)
class Interval:
    """The numbers a field allows (scikit-learn's ``Interval`` constraint, in small).

    Args:
        kind: ``int`` (an integer, NumPy's too, never a bool) or ``float`` (a finite real
            number, an integer included).
        low: the least value allowed, or ``None`` for no bound below.
        high: the largest value allowed, or ``None`` for no bound above.
        low_open: whether ``low`` itself is refused (a learning rate must be above 0).
        or_none: whether ``None`` is allowed too.
    """

    kind: type
    low: float | None = None
    high: float | None = None
    low_open: bool = False
    or_none: bool = False

    def __str__(self) -> str:
        if self.kind is int and self.high is not None:
            text = f"an integer in {self.low:_}..{self.high:_}"
        elif self.kind is int:
            text = "a positive integer" if self.low == 1 else f"an integer >= {self.low:_}"
        else:
            bounds = [] if self.low is None else [f"{'>' if self.low_open else '>='} {self.low}"]
            bounds += [] if self.high is None else [f"<= {self.high}"]
            text = " ".join(["a finite number", " and ".join(bounds)]).rstrip()
        return f"None or {text}" if self.or_none else text

    def check(self, value: object) -> object:
        """``value`` as a plain ``int`` or ``float`` if allowed, else ``None`` if allowed.

        Args:
            value: the field's value.

        Returns:
            ``value`` as a Python ``int`` or ``float`` (a NumPy number becomes one), or
            ``None``.

        Raises:
            ValueError: if ``value`` is not allowed (the message says what is).
        """
        if value is None and self.or_none:
            return None
        number = (int, np.integer) if self.kind is int else (int, float, np.integer, np.floating)
        if isinstance(value, bool) or not isinstance(value, number):
            raise ValueError(f"must be {self}, got {value!r}")
        value = value.item() if isinstance(value, np.generic) else value
        if (
            (isinstance(value, float) and not math.isfinite(value))
            or (self.low is not None and (value <= self.low if self.low_open else value < self.low))
            or (self.high is not None and value > self.high)
        ):
            raise ValueError(f"must be {self}, got {value!r}")
        return value


#: The values every field of ``OriginalConfig``, ``VAEConfig`` and the configurations of
#: ``today`` (``SAEConfig``, ``ScoreConfig``, ``MAEConfig``, ``VQVAEConfig``) may take, by
#: field name: an ``Interval`` of numbers or a tuple of the strings allowed (scikit-learn's
#: ``_parameter_constraints`` is the model). Each configuration checks its fields against it,
#: and the command line's options take their choices from it.
ALLOWED: dict[str, Interval | tuple[str, ...]] = {
    "learning_rate": Interval(float, 0, low_open=True),
    "num_steps": Interval(int, 1, MAX_STEPS),
    "batch_size": Interval(int, 1),  # the data set refuses more images than it has
    "display_step": Interval(int, 1, MAX_STEPS),
    "examples_to_show": Interval(int, 1),
    "num_hidden_1": Interval(int, 1, MAX_WIDTH),
    "num_hidden_2": Interval(int, 1, MAX_WIDTH),
    "num_input": Interval(int, 1, MAX_WIDTH),
    "init_mean": Interval(float),
    "init_stddev": Interval(float, 0),
    "seed": Interval(int, 0, MAX_SEED),
    "initializer": ("normal", "glorot"),
    "optimizer": ("rmsprop", "keras_rmsprop", "adam", "adam_cosine"),
    "noise": ("none", "gaussian", "mask"),
    "noise_level": Interval(float, 0),  # and below 1 for "mask": OriginalConfig checks it
    "loss": ("mse", "bce"),
    "activation": ("sigmoid", "relu", "linear", "tanh"),
    "architecture": ("dense", "conv", "conv_wide", "deep"),
    # VAEConfig's own fields
    "latent_dim": Interval(int, 1, MAX_WIDTH),
    "hidden": Interval(int, 1, MAX_WIDTH),
    "reduction": ("sum", "mean"),
    "epochs": Interval(int, 1),
    "held_out_digit": Interval(int, 0, 9, or_none=True),
    "hidden_layers": Interval(int, 1, 10),
    "binarize": ("none", "dynamic"),
    # SAEConfig's own fields (chapter "Sparse autoencoders")
    "activations": ("toy", "dense_16"),
    "sae_activation": ("topk", "relu"),
    "k": Interval(int, 1, MAX_WIDTH, or_none=True),
    "l1": Interval(float, 0),
    "num_latents": Interval(int, 1, MAX_WIDTH),
    # ScoreConfig's own fields (chapter "From denoising to diffusion")
    "data": ("mixture", "mnist"),
    "sigma_max": Interval(float, 0, low_open=True),
    "sigma_min": Interval(float, 0, low_open=True),
    "num_sigmas": Interval(int, 1, 1_000),
    "data_std": Interval(float, 0, low_open=True, or_none=True),
    # MAEConfig's own fields (chapter "Masked autoencoders")
    "mask_ratio": Interval(float, 0, 0.99, low_open=True),  # at least one patch seen
    "embed_dim": Interval(int, 1, MAX_WIDTH),
    "depth": Interval(int, 1, 12),
    "num_heads": Interval(int, 1, 64),
    "decoder_dim": Interval(int, 1, MAX_WIDTH),
    "decoder_depth": Interval(int, 1, 12),
    # VQVAEConfig's own fields (chapter "Discrete codes")
    "num_codes": Interval(int, 2, MAX_WIDTH),
    "code_dim": Interval(int, 1, MAX_WIDTH),
    "beta": Interval(float, 0),
    "prior_steps": Interval(int, 0, MAX_STEPS),
    "restart_every": Interval(int, 0, MAX_STEPS),
}
#: The string fields' allowed values: ``ALLOWED``'s tuples.
CHOICES = {name: allowed for name, allowed in ALLOWED.items() if isinstance(allowed, tuple)}
#: How a VAE's loss reduces over pixels and latent units (over the batch it is always the mean).
REDUCTIONS = CHOICES["reduction"]
#: What an architecture needs of the other fields: the convolutional ones take 28 x 28 images
#: and Keras' default initialiser, and so does the deep one (N(0, 1) weights on its 1,000-wide
#: layers would saturate or blow up every unit). ``OriginalConfig`` refuses anything else; the
#: command line sets these for an architecture unless told otherwise.
NEEDS: dict[str, dict[str, object]] = {
    "conv": {"initializer": "glorot", "num_input": 784},
    "conv_wide": {"initializer": "glorot", "num_input": 784},
    "deep": {"initializer": "glorot", "num_input": 784},
}


class FieldError(ValueError):
    """A configuration field's value refused: ``"OriginalConfig.num_steps must be ..."``.

    Args:
        owner: the configuration's class name.
        field: the field's name (``error.field``).
        reason: what is wrong, after the field's name (``error.reason``).
    """

    def __init__(self, owner: str, field: str, reason: str) -> None:
        super().__init__(f"{owner}.{field} {reason}")
        self.field, self.reason = field, reason


def _check_fields(config) -> None:
    """Check every field of ``config`` against ``ALLOWED``; store numbers as plain ones."""
    owner = type(config).__name__
    for field in fields(config):
        allowed, value = ALLOWED[field.name], getattr(config, field.name)
        if isinstance(allowed, tuple):
            if not isinstance(value, str) or value not in allowed:
                raise FieldError(owner, field.name, f"must be one of {allowed}, got {value!r}")
            value = str(value)
        else:
            try:
                value = allowed.check(value)
            except ValueError as error:
                raise FieldError(owner, field.name, str(error)) from None
        object.__setattr__(config, field.name, value)  # a NumPy number becomes a plain one


@dataclass(frozen=True)
class OriginalConfig:
    """Every number of the original TF1 program, plus the random seed that makes a run repeatable.

    Introduced in the book's first chapter; ``OriginalConfig()`` is the original exactly. The last
    seven fields depart from the original on purpose: another initialiser or optimiser
    (chapter "Why the original learns so slowly"), noisy inputs for a denoising autoencoder
    (chapter "What the code learned"), and another loss, activation or architecture.
    ``ALLOWED`` lists the values each field may take, and ``NEEDS`` what an architecture needs
    of the others. Every field is a keyword argument; the comment beside each field in the
    source says what the original calls it, and ``python -m ae_tutorial train`` has an option
    for each (its help is the description below).

    Args:
        learning_rate: the optimiser's learning rate (the original's RMSProp's).
        num_steps: training steps, one minibatch each.
        batch_size: images per minibatch.
        display_step: the loss is printed at step 1 and every ``display_step`` steps.
        examples_to_show: defined by the original, never used there.
        num_hidden_1: width of the first hidden layer.
        num_hidden_2: width of the second hidden layer: the length of the code.
        num_input: pixels per image (28 * 28).
        init_mean: mean of the normal distribution the weights and biases are drawn from.
        init_stddev: the standard deviation of that normal distribution.
        seed: seeds the initial weights and the batch order.
        initializer: ``"normal"`` (N(``init_mean``, ``init_stddev``)) or ``"glorot"``
            (Keras' default: Glorot-uniform weights, zero biases).
        optimizer: ``"rmsprop"`` (TF1's), ``"keras_rmsprop"``, ``"adam"``, or
            ``"adam_cosine"``: Adam whose rate falls from ``learning_rate`` to 0 along half a
            cosine over ``num_steps``.
        noise: how the inputs are corrupted: ``"none"``, ``"gaussian"`` or ``"mask"``.
        noise_level: the Gaussian noise's standard deviation, or the fraction of pixels
            zeroed (below 1).
        loss: ``"mse"`` (the original's mean squared error) or ``"bce"`` (binary
            cross-entropy, the mean over pixels and images).
        activation: the hidden units' activation, ``"sigmoid"``, ``"relu"``, ``"tanh"`` or
            ``"linear"``.
            For ``"dense"``, every hidden layer's, the code's included, and ``"linear"`` makes
            every layer linear, the output too: a linear autoencoder, which learns PCA's
            subspace. For the convolutional ones, the code layer's only (their convolutions
            are ReLU, their output sigmoid); for ``"deep"``, the six hidden layers' (its code
            is linear, its output sigmoid).
        architecture: ``"dense"`` (the original's 784-256-128-256-784, widths from
            ``num_input``, ``num_hidden_1`` and ``num_hidden_2``), or ``"conv"``:
            convolutions with 16 and 32 filters on the 28 x 28 image and a code of
            ``num_hidden_2`` numbers (``num_hidden_1`` unused); ``"conv_wide"`` has twice
            the filters; or ``"deep"``: Hinton and Salakhutdinov's 784-1000-500-250-code
            network and its mirror image (chapter "How small can the code be?"), hidden units
            with ``activation``, a linear code of ``num_hidden_2`` numbers as in the paper, a
            sigmoid output (``num_hidden_1`` unused). All three need
            ``initializer="glorot"`` and ``num_input=784``.

    Raises:
        ValueError: a ``FieldError`` naming the field, if a value is not one that ``ALLOWED``
            gives it (a count that is not a positive integer or is above its bound, a seed
            outside 0..2**32 - 1, a learning rate that is not a finite number above 0, a
            string not among its choices), ``noise_level`` is not below 1 for
            ``noise="mask"``, ``loss="bce"`` is asked of a linear output, or a field is not
            what the architecture ``NEEDS``.
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
    optimizer: str = "rmsprop"  # "rmsprop" (TF1's), "keras_rmsprop", "adam" or "adam_cosine"
    noise: str = "none"  # corrupt the inputs: "none", "gaussian" (stddev) or "mask" (fraction)
    noise_level: float = 0.0  # the Gaussian noise's stddev, or the fraction of pixels zeroed
    loss: str = "mse"  # "mse" (the original's) or "bce" (binary cross-entropy)
    activation: str = "sigmoid"  # the hidden units': "sigmoid", "relu" or "linear" (all linear)
    architecture: str = "dense"  # "dense" (the original's), "conv", "conv_wide" or "deep"

    def __post_init__(self):
        _check_fields(self)
        if self.noise == "mask" and not self.noise_level < 1:
            raise FieldError(
                "OriginalConfig",
                "noise_level",
                f"{self.noise_level!r} is out of range for noise 'mask' (a fraction below 1)",
            )
        self._check_combination()

    def _check_combination(self):
        """Raise ``FieldError`` for field values that do not go together."""
        if self.loss == "bce" and self.output_activation == "linear":
            raise FieldError(
                "OriginalConfig",
                "loss",
                "'bce' needs outputs in (0, 1); a linear autoencoder's are not (use loss='mse')",
            )
        for name, needed in NEEDS.get(self.architecture, {}).items():
            if getattr(self, name) != needed:
                raise FieldError(
                    "OriginalConfig",
                    name,
                    f"must be {needed!r} for architecture {self.architecture!r}, "
                    f"got {getattr(self, name)!r}",
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


@dataclass(frozen=True)
class VAEConfig:
    """Everything that decides a trained ``VAE``: its widths, its loss, its training and data.

    What ``trained`` takes for a variational autoencoder (chapter "A variational
    autoencoder"), as ``OriginalConfig`` is for the original's network. The model is
    ``VAE(latent_dim, hidden, num_input, reduction, seed, hidden_layers, activation,
    binarize)``, trained by ``fit`` with Adam on MNIST's 55,000 training digits, less any of
    ``held_out_digit``.

    Args:
        latent_dim: latent units (the code's length).
        hidden: width of the encoder's and the decoder's hidden layers.
        num_input: pixels per image.
        reduction: ``"sum"`` over pixels and latent units (the ELBO) or ``"mean"``.
        epochs: passes over the training digits.
        batch_size: images per step.
        learning_rate: Adam's.
        seed: the weights', the noise's and the shuffling's seed.
        held_out_digit: a digit (0-9) left out of the training digits, or ``None``
            (chapter "Anomaly detection" trains on nine digits).
        hidden_layers: hidden layers of width ``hidden`` in the encoder, and as many in the
            decoder (Burda et al.'s VAE has two).
        activation: the hidden units' activation (``ALLOWED["activation"]``).
        binarize: ``"none"`` (grey pixels) or ``"dynamic"``: each training image's pixels
            drawn anew as 0 or 1, Bernoulli of their grey value, every time it is seen
            (section "Measure the likelihood in nats").

    Raises:
        ValueError: a ``FieldError`` naming the field, if a value is not one that ``ALLOWED``
            gives it (a count that is not a positive integer or is above its bound, a seed
            outside 0..2**32 - 1, a learning rate that is not a finite number above 0,
            ``reduction`` not in ``REDUCTIONS``, ``held_out_digit`` neither ``None`` nor a
            digit).
    """

    latent_dim: int = 2  # latent units: the code's length
    hidden: int = 256  # width of the encoder's and the decoder's hidden layers
    num_input: int = 784  # pixels per image (28 * 28)
    reduction: str = "sum"  # "sum" (the ELBO) or "mean" over pixels and latent units
    epochs: int = 20  # passes over the training digits
    batch_size: int = 128  # images per step
    learning_rate: float = 1e-3  # Adam's
    seed: int = 0  # the weights', the sampling noise's and the shuffling's
    held_out_digit: int | None = None  # a digit left out of the training digits, or None
    hidden_layers: int = 1  # hidden layers in the encoder, and as many in the decoder
    activation: str = "relu"  # the hidden units': "relu", "tanh", "sigmoid" or "linear"
    binarize: str = "none"  # "dynamic": pixels drawn as 0/1 from their grey value, every batch

    def __post_init__(self):
        _check_fields(self)

    def to_dict(self) -> dict[str, object]:
        """Return the fields as a plain ``dict`` (for cache keys and tables).

        Returns:
            Each field's value by its name.
        """
        return asdict(self)
