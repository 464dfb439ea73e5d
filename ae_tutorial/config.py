"""The original's hyperparameters in one frozen dataclass (chapter "The data" onwards)."""

from dataclasses import asdict, dataclass


#: The allowed values of ``OriginalConfig``'s string fields.
CHOICES = {"initializer": ("normal", "glorot"),
           "optimizer": ("rmsprop", "keras_rmsprop", "adam"),
           "noise": ("none", "gaussian", "mask")}


@dataclass(frozen=True)
class OriginalConfig:
    """Every number of the original TF1 program, plus the random seed that makes a run repeatable.

    Introduced in the book's first chapter; ``OriginalConfig()`` is the original exactly. The last
    four fields depart from the original on purpose: another initialiser or optimiser (chapter
    "Why the original plateaus") and noisy inputs for a denoising autoencoder (chapter "What the
    code learned"); allowed values are in ``CHOICES``.
    """

    learning_rate: float = 0.01  # RMSPropOptimizer(learning_rate)
    num_steps: int = 30_000  # training steps (one minibatch each)
    batch_size: int = 256  # images per minibatch
    display_step: int = 1_000  # print the minibatch loss every this many steps
    examples_to_show: int = 10  # defined by the seed, never used there
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

    def __post_init__(self):
        for name in ("num_steps", "batch_size", "display_step", "num_hidden_1",
                     "num_hidden_2", "num_input"):
            value = getattr(self, name)
            if not isinstance(value, int) or value <= 0:
                raise ValueError(f"OriginalConfig.{name} must be a positive integer, got {value!r}")
        if not self.learning_rate > 0:
            raise ValueError(f"OriginalConfig.learning_rate must be > 0, got {self.learning_rate!r}")
        for name, allowed in CHOICES.items():
            if getattr(self, name) not in allowed:
                raise ValueError(f"OriginalConfig.{name} must be one of {allowed}, "
                                 f"got {getattr(self, name)!r}")
        if not 0 <= self.noise_level < (1 if self.noise == "mask" else float("inf")):
            raise ValueError(f"OriginalConfig.noise_level {self.noise_level!r} is out of range "
                             f"for noise {self.noise!r}")

    def to_dict(self):
        """Return the fields as a plain ``dict`` (for cache keys and tables)."""
        return asdict(self)
