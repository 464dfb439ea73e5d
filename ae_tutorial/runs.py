"""Every training the book names, as data: presets by name and the sweeps over seeds.

A preset is a frozen ``OriginalConfig``, ``VAEConfig``, ``SAEConfig`` or ``ScoreConfig`` (seed
0), looked up by name, the way nanoGPT keeps its ``config_args`` table beside a plain
dataclass. The chapters, the command
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
from .today import MAEConfig, SAEConfig, ScoreConfig, VQVAEConfig

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
#: The steps of a one-class training: about 11 epochs of one digit's ~5,500 images, half the
#: epochs that ``CODE_SIZE_STEPS`` are of all 55,000 digits (thirty trainings a seed).
ONE_CLASS_STEPS = 250
_VAE_16 = {"latent_dim": 16, "epochs": 23, "batch_size": 256}  # about 5,000 steps of 256
#: Hinton and Salakhutdinov's 784-1000-500-250-30 with the book's recipe (chapter "How small can
#: the code be?"): Glorot, ReLU, the paper's BCE, Adam at 1e-3 decaying to 0 along a cosine
_DEEP = {**BEST, "optimizer": "adam_cosine", "activation": "relu", "loss": "bce"}
_DEEP |= {"architecture": "deep", "num_hidden_2": 30}
#: The stored deep runs' steps (37 epochs of 256 digits), and the chapter's own short run's
DEEP_STEPS, DEEP_SHORT_STEPS = 8_000, 1_000
#: Burda et al.'s one-stochastic-layer VAE, 784-200-200-50 with tanh units, on dynamically
#: binarised digits, in batches of 100 (theirs: 20), for the likelihood sweep.
_BURDA = {"latent_dim": 50, "hidden": 200, "hidden_layers": 2, "activation": "tanh"}
_BURDA |= {"binarize": "dynamic", "batch_size": 100}

#: The top-k sparse autoencoders' k and the ReLU ones' L1 weights on the toy vectors (chapter
#: "Sparse autoencoders"): the L1 weights give about the same numbers of active latents.
SAE_KS, SAE_L1S = (4, 8, 16, 32), (0.1, 0.2, 0.35, 0.5, 0.7, 0.9)
#: The sparse autoencoder on ``dense_16``'s first layer: 512 latents, k = 16, 5 epochs, Adam 1e-3.
_SAE_MNIST = {"activations": "dense_16", "k": 16, "epochs": 5, "learning_rate": 1e-3}
#: The denoisers of chapter "From denoising to diffusion": three levels on the 2-D mixture
#: (an MLP, Song and Ermon's scaling), ten on MNIST (a convolutional network, Karras et al.'s
#: preconditioning with MNIST's pixel standard deviation, 0.3).
_MIXTURE = {"data": "mixture", "sigma_min": 0.1, "num_sigmas": 3, "data_std": None}
_MIXTURE |= {"num_steps": 2_000, "batch_size": 256}

#: The masked autoencoders' mask ratios (chapter "Masked autoencoders").
MASK_RATIOS = (0.25, 0.5, 0.75, 0.9)

Config = OriginalConfig | VAEConfig | SAEConfig | ScoreConfig | MAEConfig | VQVAEConfig

#: Every named training, its name mapped to its configuration (seed 0).
PRESETS: dict[str, Config] = {
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
    # Hinton and Salakhutdinov's network: stored over seeds, and the chapter's short run
    "deep_30": OriginalConfig(**_DEEP, num_steps=DEEP_STEPS),
    "deep_30_short": OriginalConfig(**_DEEP, num_steps=DEEP_SHORT_STEPS),
    # chapter "A variational autoencoder": the likelihood in nats, 2,750 and 22,000 steps
    "vae_burda_short": VAEConfig(**_BURDA, epochs=5),
    "vae_burda": VAEConfig(**_BURDA, epochs=40),
    # the one-class benchmark (chapter "Anomaly detection"): dense_16, conv_16 and vae_16
    # for about 11 epochs of one digit's ~5,500 images: ~250 steps
    "one_class_dense_16": OriginalConfig(
        **_MODELS["dense"], num_steps=ONE_CLASS_STEPS, num_hidden_2=16
    ),
    "one_class_conv_16": OriginalConfig(
        **_MODELS["conv"], num_steps=ONE_CLASS_STEPS, num_hidden_2=16
    ),
    "one_class_vae_16": VAEConfig(**{**_VAE_16, "epochs": 11}),
    # chapter "Sparse autoencoders": toy vectors, then dense_16's first layer
    **{f"sae_toy_topk_{k}": SAEConfig(k=k) for k in SAE_KS},
    **{f"sae_toy_l1_{l1}": SAEConfig(sae_activation="relu", k=None, l1=l1) for l1 in SAE_L1S},
    "sae_dense_16": SAEConfig(**_SAE_MNIST),
    # chapter "From denoising to diffusion": the mixture, and MNIST for 500 and 3,500 steps
    "score_mixture": ScoreConfig(**_MIXTURE),
    "score_mnist_short": ScoreConfig(num_steps=500),
    "score_mnist": ScoreConfig(num_steps=3_500),
    # chapter "Masked autoencoders": one per mask ratio (mae_75 is the chapter's own run)
    **{f"mae_{round(100 * r)}": MAEConfig(mask_ratio=r) for r in MASK_RATIOS},
    # chapter "Discrete codes": 128 codes of 16 numbers, then an autoregressive prior;
    # vqvae_no_restarts is the control without dead-code restarts
    "vqvae": VQVAEConfig(),
    "vqvae_prior": VQVAEConfig(prior_steps=500),
    "vqvae_no_restarts": VQVAEConfig(prior_steps=500, restart_every=0),
}

#: The presets the chapters load through ``trained`` (seed 0): the book's weight cache. The
#: first run of the book trains them once; ``scripts/warm_cache.py`` trains them up front.
BOOK_PRESETS: tuple[str, ...] = (
    *("original", "glorot", "keras_rmsprop", "adam", "glorot_adam_1e-3", "denoiser", "masker"),
    *("linear_16", "dense_16", "dense_bce_16", "conv_16", "conv_denoiser_128"),
    *("vae_2d", "vae_2d_mean", "vae_16", "vae_16_without_2", "vae_burda_short"),
)

#: The book presets that a chapter follows from the inside (``ae.traced``, chapter "Why the
#: original learns so slowly"): ``scripts/warm_cache.py`` traces them as it trains them.
TRACED_PRESETS: tuple[str, ...] = ("original",)

#: Each sweep's name mapped to the presets it trains over seeds, into
#: ``book/data/sweep_<name>.csv``.
SWEEPS: dict[str, tuple[str, ...]] = {
    "variants": tuple(_VARIANTS),
    "code_size": tuple(f"{model}_{size}" for model in _MODELS for size in CODE_SIZES),
    "conv": ("conv_wide_16", "conv_denoiser_128"),
    "vae_baseline": ("dense_bce_16",),
    "vae": ("vae_16",),
    # chapter "A variational autoencoder": test log-likelihoods by the importance-weighted bound
    "likelihood": ("vae_burda_short", "vae_burda"),
    # chapter "Anomaly detection": each preset trained on one digit, for each digit
    "one_class": ("one_class_dense_16", "one_class_conv_16", "one_class_vae_16"),
    # chapter "Anomaly detection": trained on nine digits, scored on the held-out 2s
    "held_out_2": ("dense_16", "vae_16_without_2"),
    # chapter "How small can the code be?": the deep autoencoder against the published numbers
    "deep": ("deep_30", "deep_30_short"),
    # chapter "Sparse autoencoders": the frontier on toy vectors, and dense_16's layer
    "sae_toy": (*(f"sae_toy_topk_{k}" for k in SAE_KS), *(f"sae_toy_l1_{l1}" for l1 in SAE_L1S)),
    "sae_dense_16": ("sae_dense_16",),
    # chapter "From denoising to diffusion"
    "score_mixture": ("score_mixture",),
    "score_mnist": ("score_mnist_short", "score_mnist"),
    # chapter "Masked autoencoders": the mask ratio's sweep
    "mae": tuple(f"mae_{round(100 * r)}" for r in MASK_RATIOS),
    # chapter "Discrete codes"
    "vqvae": ("vqvae_prior", "vqvae_no_restarts"),
}


def preset(name: str, **changes: object) -> Config:
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
