"""ae_tutorial: the classic TF1 MNIST autoencoder, faithfully on TensorFlow 2 / Keras 3.

The companion package of the ae-tutorial book. Every public name is listed in ``__all__``
and the book's chapters use only these (``import ae_tutorial as ae``, then ``ae.train``).

Importing the package loads nothing heavy: each name is imported on first use, so
``python -m ae_tutorial train --help`` answers without TensorFlow. TensorFlow itself loads
through ``ae_tutorial.tf``, quietly: if ``TF_CPP_MIN_LOG_LEVEL`` is unset it is set to ``1``
(TensorFlow's INFO lines off, warnings and errors on), and the few INFO lines the wheel
prints before that takes effect are dropped (see ``ae_tutorial._tf``). Nothing else in the
process is changed.
"""

import importlib
import os

__version__ = "0.1.0"

#: Each public name and the module that defines it.
_HOME = {
    "tf": "_tf",
    "OriginalConfig": "config",
    "VAEConfig": "config",
    "SAEConfig": "today",
    "ScoreConfig": "today",
    "MAEConfig": "today",
    "VQVAEConfig": "today",
    "PRESETS": "runs",
    "SWEEPS": "runs",
    "preset": "runs",
    "DataSet": "data",
    "Datasets": "data",
    "read_data_sets": "data",
    "mse": "losses",
    "bce": "losses",
    "make_loss": "losses",
    "Autoencoder": "model",
    "Decoder": "model",
    "Encoder": "model",
    "ConvEncoder": "conv",
    "ConvDecoder": "conv",
    "multiply_adds": "conv",
    "DeepEncoder": "deep",
    "DeepDecoder": "deep",
    "DEEP_WIDTHS": "deep",
    "squared_error_per_image": "deep",
    "ORIGINAL_NAMES": "model",
    "LAYER_NAMES": "model",
    "RMSProp": "optim",
    "make_optimizer": "optim",
    "Corruption": "noise",
    "make_corruption": "noise",
    "DIGIT_COLORS": "plot",
    "canvas": "plot",
    "plot_canvas": "plot",
    "plot_canvases": "plot",
    "plot_loss": "plot",
    "plot_reconstructions": "plot",
    "plot_codes_2d": "plot",
    "plot_neighbours": "plot",
    "plot_rows": "plot",
    "encode": "codes",
    "nearest_neighbours": "codes",
    "pca_reconstruct": "codes",
    "PCABaseline": "codes",
    "make_train_step": "training",
    "train": "training",
    "Trained": "cache",
    "trained": "cache",
    "traced": "traces",
    "Trace": "traces",
    "TF1_PRINTED_LOSSES": "reference",
    "OriginalRun": "reference",
    "run_original": "reference",
    "tf1_losses": "reference",
    "SATURATION_MARGIN": "diagnostics",
    "gradient_norms": "diagnostics",
    "layer_outputs": "diagnostics",
    "dead_units": "diagnostics",
    "DEAD_SHARE": "diagnostics",
    "saturation": "diagnostics",
    "glue": "prose",
    "shown": "prose",
    "sci": "prose",
    "training_seed": "seeds",
    "seed_shift": "seeds",
    "read_sweep": "sweeps",
    "prediction_interval": "sweeps",
    "VAE": "vae",
    "build_vae": "vae",
    "kl_divergence": "vae",
    "bernoulli_cross_entropy": "vae",
    "train_vae": "vae",
    "vae_predict": "vae",
    "negative_elbo": "vae",
    "binarized": "likelihood",
    "importance_weighted_bound": "likelihood",
    "standard_error": "likelihood",
    "latent_explorer": "explorer",
    "LatentExplorer": "explorer",
    "OUTLIER_KINDS": "anomaly",
    "reconstruction_errors": "anomaly",
    "make_outliers": "anomaly",
    "threshold_at": "anomaly",
    "detection_rates": "anomaly",
    "DetectionRates": "anomaly",
    "DIGITS": "one_class",
    "OneClassSplit": "one_class",
    "one_class_split": "one_class",
    "one_class_auc": "one_class",
    "gcn_min_max": "one_class",
    "pca_scorer": "one_class",
    "fit_scorer": "one_class",
    "superposition_data": "sae",
    "ToyData": "sae",
    "SparseAutoencoder": "sae",
    "SAE_ACTIVATIONS": "sae",
    "top_k": "sae",
    "l0": "sae_metrics",
    "normalized_mse": "sae_metrics",
    "dead_latents": "sae_metrics",
    "shrinkage": "sae_metrics",
    "match_features": "sae_metrics",
    "FeatureMatch": "sae_metrics",
    "label_selectivity": "sae_metrics",
    "Selectivity": "sae_metrics",
    "SAEInputs": "sae_train",
    "sae_inputs": "sae_train",
    "train_sae": "sae_train",
    "sae_predict": "sae_train",
    "sae_measures": "sae_train",
    "selective": "sae_train",
    "pixel_error": "sae_train",
    "RECOVERED_COSINE": "sae_train",
    "SELECTIVE_MIN_FIRES": "sae_train",
    "SELECTIVE_PRECISION": "sae_train",
    "GaussianMixture": "score_reference",
    "score_from_denoiser": "score_reference",
    "denoiser_from_score": "score_reference",
    "relative_score_error": "score_reference",
    "WienerDenoiser": "score_reference",
    "Denoiser": "score",
    "mlp_network": "score",
    "conv_network": "score",
    "train_denoiser": "score",
    "annealed_langevin": "score",
    "score_data": "score_train",
    "train_score": "score_train",
    "draw_samples": "score_train",
    "STEPS_PER_SIGMA": "score_train",
    "STEP_SIZE": "score_train",
    "SWEEP_SAMPLES": "score_train",
    "mixture_errors": "score_train",
    "denoising_mse": "score_train",
    "mse_ratios": "score_train",
    "score_measures": "score_train",
    "frechet_distance": "sample_quality",
    "digit_classifier": "sample_quality",
    "SampleYardsticks": "sample_quality",
    "VQVAE": "vqvae",
    "VectorQuantizer": "vqvae",
    "CodePrior": "vqvae",
    "vq_losses": "vqvae",
    "sample_prior": "vqvae",
    "train_vqvae": "vqvae_train",
    "restart_dead": "vqvae_train",
    "RESTART_IMAGES": "vqvae_train",
    "vqvae_codes": "vqvae_train",
    "vqvae_predict": "vqvae_train",
    "code_usage": "vqvae_train",
    "independent_prior": "vqvae_train",
    "independent_bits": "vqvae_train",
    "sample_independent": "vqvae_train",
    "train_prior": "vqvae_train",
    "prior_bits": "vqvae_train",
    "vqvae_measures": "vqvae_train",
    "patchify": "mae",
    "unpatchify": "mae",
    "num_visible": "mae",
    "random_masking": "mae",
    "masked_mse": "mae",
    "sincos_positions": "mae",
    "MaskedAutoencoder": "mae",
    "train_mae": "mae_train",
    "build_mae": "mae_train",
    "encode_pooled": "mae_train",
    "fixed_masks": "mae_train",
    "masked_test_mse": "mae_train",
    "probe_order": "codes",
    "linear_probe": "codes",
    "mae_measures": "mae_train",
    "PROBE_LABELS": "mae_train",
    "FIXED_MASK_SEED": "mae_train",
}
__all__ = list(_HOME)
#: Modules that load without TensorFlow; any other is imported after ``_tf``, quietly.
_LIGHT = {
    "config", "runs", "checks", "prose", "cli", "npz", "mnist", "sweeps", "sweep_runner",
    "explorer", "anomaly", "seeds", "one_class",
    "sae_metrics", "score_reference",
}  # fmt: skip
#: Modules written for any Keras backend: TensorFlow is loaded first only when it is Keras'.
_ANY_BACKEND = {
    "vqvae", "vqvae_train", "mae", "mae_train",
    "vae", "cache", "data", "likelihood", "sae", "sae_train", "score", "score_train",
    "sample_quality",
}  # fmt: skip


def __getattr__(name: str) -> object:
    """Import ``name`` (a public name or a submodule) on first use."""
    module = _HOME.get(name, name)
    if name not in _HOME and not os.path.exists(os.path.join(__path__[0], f"{name}.py")):
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    tensorflow_backend = os.environ.get("KERAS_BACKEND", "tensorflow") == "tensorflow"
    if module not in _LIGHT and (module not in _ANY_BACKEND or tensorflow_backend):
        importlib.import_module("._tf", __name__)
    loaded = importlib.import_module(f".{module}", __name__)
    value = getattr(loaded, name) if name in _HOME else loaded
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
