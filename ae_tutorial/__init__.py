"""ae_tutorial: the classic TF1 MNIST autoencoder, faithfully on TensorFlow 2 / Keras 3.

The companion package of the ae-tutorial book. Every public name is re-exported here;
the book's chapters use only these.
"""

from ._tf import tf  # noqa: F401  (first: imports TensorFlow without its start-up noise)
from .cache import Trained, trained
from .codes import encode, nearest_neighbours, pca_reconstruct
from .config import OriginalConfig
from .data import DataSet, Datasets, read_data_sets
from .diagnostics import (LAYER_NAMES, ORIGINAL_NAMES, SATURATION_MARGIN, gradient_norms,
                          layer_outputs, saturation)
from .prose import glue
from .losses import mse
from .model import Autoencoder, Decoder, Encoder
from .noise import Corruption, make_corruption
from .optim import RMSProp, make_optimizer
from .plot import (canvas, plot_canvas, plot_canvases, plot_codes_2d, plot_loss, plot_neighbours,
                   plot_reconstructions, plot_rows)
from .reference import TF1_PRINTED_LOSSES, OriginalRun, run_original, tf1_losses
from .train import make_train_step, train

__version__ = "0.1.0"
__all__ = [
    "OriginalConfig", "DataSet", "Datasets", "read_data_sets", "mse", "Autoencoder", "Decoder",
    "Encoder", "RMSProp", "make_optimizer", "Corruption", "make_corruption", "canvas",
    "plot_canvas", "plot_canvases", "plot_loss", "plot_reconstructions", "plot_codes_2d", "plot_neighbours",
    "plot_rows", "encode", "nearest_neighbours", "pca_reconstruct", "make_train_step", "train",
    "Trained", "trained", "TF1_PRINTED_LOSSES", "OriginalRun", "run_original", "tf1_losses",
    "LAYER_NAMES", "ORIGINAL_NAMES", "SATURATION_MARGIN", "gradient_norms", "layer_outputs",
    "saturation", "glue",
]
