"""Every training the book names, as data: presets by name and the sweeps over seeds.

A preset is a frozen ``OriginalConfig`` or ``VAEConfig`` (seed 0), looked up by name, the way
nanoGPT keeps its ``config_args`` table beside a plain dataclass. The chapters, the command
line (``--preset NAME``), ``scripts/sweep.py`` and the benchmarks refer to a training by its
preset's name instead of retyping its fields, and a stored sweep's rows carry the same names,
so a test can check that each stored configuration is its preset's::

    config = ae.preset("dense_16")              # Glorot + Adam 1e-3, ReLU, code of 16, 5,000 steps
    run = ae.trained(ae.preset("vae_16", seed=1))

A sweep (``SWEEPS``) is a tuple of preset names, trained over several seeds by
``scripts/sweep.py`` into ``book/data/sweep_<name>.csv``.
"""

from dataclasses import replace

from .config import OriginalConfig, VAEConfig

#: The training that the variants find best: Glorot initial weights, Adam at 1e-3.
BEST = {"initializer": "glorot", "optimizer": "adam", "learning_rate": 0.001}
#: The code sizes of the code-size sweep.
CODE_SIZES = (2, 4, 8, 16, 32, 64, 128)
#: The steps of each code-size training: 5,000 steps of 256 digits are 23 epochs, about what
#: tutorials train a convolutional autoencoder for (the original's 30,000 take a convolutional
#: model about 14 minutes on a 2-core CPU, 5,000 about 2.5).
CODE_SIZE_STEPS = 5_000

_VARIANTS = {  # the original, and the original with one or two changes
    "original": {},
    "glorot": {"initializer": "glorot"},
    "keras_rmsprop": {"optimizer": "keras_rmsprop"},
    "adam": {"optimizer": "adam"},
    "adam_1e-3": {"optimizer": "adam", "learning_rate": 0.001},
    "glorot_adam_1e-3": BEST,
    "bce": {"loss": "bce"},
    "relu": {"activation": "relu"},
    "glorot_adam_1e-3_bce": {**BEST, "loss": "bce"},
    "glorot_adam_1e-3_relu": {**BEST, "activation": "relu"},
}
_MODELS = {  # the code-size sweep's models, each at every size in CODE_SIZES
    "linear": {**BEST, "activation": "linear"},  # every layer linear: PCA's rival
    "dense": {**BEST, "activation": "relu"},  # the best dense recipe of the variants
    # ReLU units as in "dense", the code too: a sigmoid code starts too flat here, its units
    # saturate within a few hundred steps and the network learns only the mean image
    "conv": {**BEST, "activation": "relu", "architecture": "conv"},
}
_SHORT = {"num_steps": CODE_SIZE_STEPS}
_VAE_16 = {"latent_dim": 16, "epochs": 23, "batch_size": 256}  # about 5,000 steps of 256

#: Every named training, its name mapped to its configuration (seed 0).
PRESETS: dict[str, OriginalConfig | VAEConfig] = {
    **{name: OriginalConfig(**fields) for name, fields in _VARIANTS.items()},
    **{
        f"{model}_{size}": OriginalConfig(**fields, **_SHORT, num_hidden_2=size)
        for model, fields in _MODELS.items()
        for size in CODE_SIZES
    },
    # twice the filters of conv_16, and a convolutional denoiser (chapters 10 and 11)
    "conv_wide_16": OriginalConfig(
        **{**_MODELS["conv"], "architecture": "conv_wide"}, **_SHORT, num_hidden_2=16
    ),
    "conv_denoiser_128": OriginalConfig(
        **_MODELS["conv"], **_SHORT, noise="gaussian", noise_level=0.5
    ),
    # the original's network on corrupted inputs (chapter "What the code learned")
    "denoiser": OriginalConfig(noise="gaussian", noise_level=0.5),
    "masker": OriginalConfig(noise="mask", noise_level=0.25),
    # the dense 16 with the VAE's loss (chapter "A variational autoencoder")
    "dense_bce_16": OriginalConfig(**_MODELS["dense"], **_SHORT, num_hidden_2=16, loss="bce"),
    "vae_2d": VAEConfig(latent_dim=2, epochs=30, batch_size=128),
    "vae_2d_mean": VAEConfig(latent_dim=2, reduction="mean", epochs=30, batch_size=128),
    "vae_16": VAEConfig(**_VAE_16),
    # chapter "Anomaly detection": nine digits, the 2s held out
    "vae_16_without_2": VAEConfig(**_VAE_16, held_out_digit=2),
}

#: The presets the chapters load through ``trained`` (seed 0): the book's weight cache. The
#: first run of the book trains them once; ``scripts/warm_cache.py`` trains them up front.
BOOK_PRESETS: tuple[str, ...] = (
    *("original", "glorot", "keras_rmsprop", "adam", "glorot_adam_1e-3", "denoiser", "masker"),
    *("linear_16", "dense_16", "dense_bce_16", "conv_16", "conv_denoiser_128"),
    *("vae_2d", "vae_2d_mean", "vae_16", "vae_16_without_2"),
)

#: Each sweep's name mapped to the presets it trains over seeds, into
#: ``book/data/sweep_<name>.csv``.
SWEEPS: dict[str, tuple[str, ...]] = {
    "variants": tuple(_VARIANTS),
    "code_size": tuple(f"{model}_{size}" for model in _MODELS for size in CODE_SIZES),
    "conv": ("conv_wide_16", "conv_denoiser_128"),
    "vae_baseline": ("dense_bce_16",),
    "vae": ("vae_16",),
}


def preset(name: str, **changes: object) -> OriginalConfig | VAEConfig:
    """The configuration named ``name`` in ``PRESETS``, with ``changes`` applied.

    Args:
        name: a key of ``PRESETS``.
        **changes: fields to change, such as ``seed=1`` (checked as the config checks them).

    Returns:
        A new frozen configuration.

    Raises:
        ValueError: if ``name`` is not a preset (the message lists them), a field is unknown
            or a value is refused.
    """
    if name not in PRESETS:
        raise ValueError(f"no preset {name!r}; the presets are: {', '.join(PRESETS)}")
    try:
        return replace(PRESETS[name], **changes)
    except TypeError as error:  # a field the configuration does not have
        raise ValueError(f"preset {name!r}: {error}") from None
