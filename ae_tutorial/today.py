"""The runs of the part "Autoencoders today" as data: ``SAEConfig`` (chapter "Sparse
autoencoders"), ``ScoreConfig`` (chapter "From denoising to diffusion"), ``MAEConfig``
(chapter "Masked autoencoders") and ``VQVAEConfig`` (chapter "Discrete codes").

Each is a frozen dataclass whose fields ``ALLOWED`` checks, as ``OriginalConfig`` and
``VAEConfig`` are: the presets (``ae.preset``) and the stored sweeps (``scripts/sweep.py``)
name them the same way. Nothing heavy loads here; ``sae_train``, ``score_train``,
``mae_train`` and ``vqvae_train`` train them.
"""

from dataclasses import asdict, dataclass

import numpy as np

from .config import FieldError, _check_fields


@dataclass(frozen=True)
class SAEConfig:
    """Everything that decides a trained ``SparseAutoencoder`` (chapter "Sparse autoencoders").

    Args:
        activations: what it takes apart: ``"toy"``, vectors of sparse features stored in
            superposition (``superposition_data``), or ``"dense_16"``, the activations of the
            256 units of the ``dense_16`` autoencoder's first layer on MNIST.
        sae_activation: ``"topk"`` (keep the ``k`` largest) or ``"relu"`` (with an L1 penalty).
        k: latents kept per input, for ``"topk"`` (``None`` for ``"relu"``).
        l1: the L1 penalty's weight, for ``"relu"`` (0 for ``"topk"``).
        num_latents: the dictionary's size.
        epochs: passes over the training inputs.
        batch_size: inputs per step.
        learning_rate: Adam's.
        seed: the data's (toy), the initial decoder's and the shuffling's seed.

    Raises:
        ValueError: a ``FieldError`` naming the field, if a value is not one ``ALLOWED`` gives
            it, or ``k`` and ``l1`` do not fit ``sae_activation`` or ``num_latents``.
    """

    activations: str = "toy"  # "toy" (superposition) or "dense_16" (its first layer's units)
    sae_activation: str = "topk"  # "topk" or "relu" (+ L1)
    k: int | None = 8  # latents kept per input (top-k only)
    l1: float = 0.0  # the L1 penalty's weight (ReLU only)
    num_latents: int = 512  # the dictionary's size
    epochs: int = 20  # passes over the training inputs
    batch_size: int = 256  # inputs per step
    learning_rate: float = 3e-3  # Adam's
    seed: int = 0  # the toy data's, the initial decoder's and the shuffling's

    def __post_init__(self):
        _check_fields(self)
        topk = self.sae_activation == "topk"
        if topk and (self.k is None or self.k > self.num_latents):
            reason = f"must be an integer from 1 to num_latents = {self.num_latents} for top-k"
            raise FieldError("SAEConfig", "k", f"{reason}, got {self.k!r}")
        if not topk and self.k is not None:
            raise FieldError("SAEConfig", "k", f"applies to top-k only, got {self.k!r}")
        if topk and self.l1:
            raise FieldError("SAEConfig", "l1", f"applies to 'relu' only, got {self.l1!r}")

    def to_dict(self) -> dict[str, object]:
        """Return the fields as a plain ``dict`` (for tables)."""
        return asdict(self)


@dataclass(frozen=True)
class ScoreConfig:
    """Everything that decides a trained ``Denoiser`` (chapter "From denoising to diffusion").

    The noise levels are ``num_sigmas`` levels spaced evenly on a log scale from
    ``sigma_max`` down to ``sigma_min`` (``sigmas``); each training example draws one.

    Args:
        data: ``"mixture"`` (the 2-D ``GaussianMixture``, an MLP denoiser) or ``"mnist"``
            (MNIST's training digits, a convolutional denoiser).
        sigma_max: the largest noise level.
        sigma_min: the smallest noise level.
        num_sigmas: how many levels.
        data_std: the data's standard deviation for Karras et al.'s preconditioning, or
            ``None`` for Song and Ermon's scaling.
        num_steps: Adam steps.
        batch_size: examples per step.
        learning_rate: Adam's.
        seed: the weights', the batches' and the noise's seed.

    Raises:
        ValueError: a ``FieldError`` naming the field, if a value is not one ``ALLOWED`` gives
            it, or ``sigma_min`` is above ``sigma_max``.
    """

    data: str = "mnist"  # "mixture" (2-D) or "mnist"
    sigma_max: float = 1.0  # the largest noise level
    sigma_min: float = 0.01  # the smallest noise level
    num_sigmas: int = 10  # levels, evenly spaced on a log scale
    data_std: float | None = 0.3  # Karras et al.'s sigma_data, or None (Song and Ermon)
    num_steps: int = 500  # Adam steps
    batch_size: int = 128  # examples per step
    learning_rate: float = 1e-3  # Adam's
    seed: int = 0  # the weights', the batches' and the noise's

    def __post_init__(self):
        _check_fields(self)
        if self.sigma_min > self.sigma_max:
            raise FieldError(
                "ScoreConfig", "sigma_min", f"must be at most sigma_max, got {self.sigma_min!r}"
            )

    @property
    def sigmas(self) -> np.ndarray:
        """Return the noise levels, largest first (``np.geomspace(sigma_max, sigma_min,
        num_sigmas)``)."""
        return np.geomspace(self.sigma_max, self.sigma_min, self.num_sigmas)

    def to_dict(self) -> dict[str, object]:
        """Return the fields as a plain ``dict`` (for tables)."""
        return asdict(self)


@dataclass(frozen=True)
class MAEConfig:
    """Everything that decides a trained masked autoencoder (chapter "Masked autoencoders").

    A digit is cut into 49 patches of 4 x 4 pixels; each training image hides a random
    ``mask_ratio`` of them. A small transformer encodes the visible patches only, a lighter
    one predicts the pixels of the hidden ones, and the loss counts the hidden patches only.

    Args:
        mask_ratio: the share of the 49 patches hidden in each image (above 0, below 1).
        embed_dim: the encoder's width (numbers per patch).
        depth: the encoder's transformer blocks.
        num_heads: attention heads in each block (encoder and decoder).
        decoder_dim: the decoder's width.
        decoder_depth: the decoder's transformer blocks.
        num_steps: Adam steps.
        batch_size: images per step.
        learning_rate: Adam's.
        seed: the weights', the batches' and the masks' seed.

    Raises:
        ValueError: a ``FieldError`` naming the field, if a value is not one ``ALLOWED`` gives
            it, or a width is not a multiple of ``num_heads``.
    """

    mask_ratio: float = 0.75  # the share of patches hidden
    embed_dim: int = 64  # the encoder's width
    depth: int = 2  # the encoder's transformer blocks
    num_heads: int = 4  # attention heads per block
    decoder_dim: int = 32  # the decoder's width
    decoder_depth: int = 1  # the decoder's transformer blocks
    num_steps: int = 1_000  # Adam steps
    batch_size: int = 64  # images per step
    learning_rate: float = 1e-3  # Adam's
    seed: int = 0  # the weights', the batches' and the masks'

    def __post_init__(self):
        _check_fields(self)
        for field in ("embed_dim", "decoder_dim"):
            if getattr(self, field) % self.num_heads:
                reason = f"must be a multiple of num_heads = {self.num_heads}"
                raise FieldError("MAEConfig", field, f"{reason}, got {getattr(self, field)!r}")

    def to_dict(self) -> dict[str, object]:
        """Return the fields as a plain ``dict`` (for tables)."""
        return asdict(self)


@dataclass(frozen=True)
class VQVAEConfig:
    """Everything that decides a trained VQ-VAE (chapter "Discrete codes").

    A convolutional encoder maps a digit to a 7 x 7 grid of vectors; each is replaced by the
    nearest of ``num_codes`` codebook vectors, so an image becomes 49 code indices. The
    gradient passes the lookup straight through; the codebook and commitment losses (weight
    ``beta``) pull codes and encoder outputs together.

    Args:
        num_codes: the codebook's size.
        code_dim: numbers per code vector.
        beta: the commitment loss's weight (0.25 in van den Oord et al.).
        num_steps: Adam steps.
        batch_size: images per step.
        learning_rate: Adam's.
        prior_steps: Adam steps of the autoregressive prior over the 7 x 7 codes trained
            after the VQ-VAE (0: none).
        restart_every: every this many steps in the first half of training, codes no
            recent digit picks move onto encoder outputs (0: no restarts).
        seed: the weights', the batches' and the prior's seed.

    Raises:
        ValueError: a ``FieldError`` naming the field, if a value is not one ``ALLOWED`` gives
            it.
    """

    num_codes: int = 128  # the codebook's size
    code_dim: int = 16  # numbers per code vector
    beta: float = 0.25  # the commitment loss's weight
    num_steps: int = 2_000  # Adam steps
    batch_size: int = 64  # images per step
    learning_rate: float = 2e-3  # Adam's
    prior_steps: int = 0  # the autoregressive prior's Adam steps (0: none)
    restart_every: int = 100  # steps between dead-code restarts (0: none)
    seed: int = 0  # the weights', the batches' and the prior's

    def __post_init__(self):
        _check_fields(self)

    def to_dict(self) -> dict[str, object]:
        """Return the fields as a plain ``dict`` (for tables)."""
        return asdict(self)
