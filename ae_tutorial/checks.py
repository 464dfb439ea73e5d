"""Input checks shared by the package: each raises ``ValueError`` naming what was wrong."""

import numpy as np


def positive_int(name: str, value: object) -> int:
    """``value`` as an ``int`` if it is a positive integer (not a bool); else ``ValueError``.

    Args:
        name: how the error message names the value (``"num_steps"``).
        value: the value to check.

    Returns:
        ``int(value)``.
    """
    if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value <= 0:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
    return int(value)


def check_images(x: object, width: int | None = None, what: str = "input") -> None:
    """Raise ``ValueError`` unless ``x`` is a float array or tensor of shape (batch, ``width``).

    Args:
        x: the images (NumPy array or tensor).
        width: the expected number of pixels per image; ``None`` accepts any.
        what: how the error message names ``x``.
    """
    dtype = str(getattr(x, "dtype", type(x).__name__))
    if "float" not in dtype:
        raise ValueError(
            f"{what} must be a float tensor of pixels in [0, 1], got dtype {dtype}"
            " (scale uint8 images with x.astype('float32') / 255)"
        )
    shape = tuple(x.shape)
    if len(shape) != 2 or (None not in (width, shape[1]) and shape[1] != width):
        raise ValueError(f"{what} must have shape (batch, {width or 'width'}), got {shape}")


def all_finite(arrays: object) -> bool:
    """Whether every array of ``arrays`` (weights, say) holds only finite numbers.

    Args:
        arrays: an iterable of arrays or tensors.

    Returns:
        ``False`` if any value is NaN or infinite.
    """
    return all(np.isfinite(np.asarray(a)).all() for a in arrays)


def check_pixel_values(images: object, what: str = "images") -> None:
    """Raise ``ValueError`` unless float ``images`` are finite and in [0, 1].

    Integer arrays pass, and so do symbolic tensors (inside a compiled function), whose
    values are not known yet. One pass over the data: call it once per data set, not on
    every training batch.

    Args:
        images: an array or eager tensor of any shape.
        what: how the error message names ``images``.
    """
    if (
        hasattr(images, "shape")
        and not hasattr(images, "__array_interface__")
        and not hasattr(images, "numpy")
    ):
        return  # a symbolic tensor
    images = np.asarray(images)
    if images.dtype.kind != "f" or images.size == 0:
        return
    low, high = np.min(images), np.max(images)  # NaN propagates into both
    if not (np.isfinite(low) and np.isfinite(high)):
        raise ValueError(f"{what}: NaN or infinite values; pixels must be finite, in [0, 1]")
    if low < 0 or high > 1:
        raise ValueError(
            f"{what}: values from {low} to {high}; pixels must be in [0, 1]"
            " (scale uint8 images with x.astype('float32') / 255)"
        )
