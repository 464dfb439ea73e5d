"""Numbers for the book's prose, taken from the cell that computes them (every chapter).

The chapters write a computed number into their text with myst-nb's ``{glue:text}`` role
rather than retyping it; ``glue`` stores the value in the cell's output, where nbval
compares it on every re-run and the book's build reads it. ``shown`` and ``sci`` format a
number the way the text writes it, before it is glued.
"""

import numpy as np


def glue(name: str | None = None, value: object = None, /, **values: object) -> object | None:
    """Store values for ``{glue:text}`name``` in the book; return the value given with a name.

    ``glue("key", value)`` stores one value and returns it; ``glue(key=value, ...)`` stores
    each keyword's value under its name and returns ``None``, so that a cell ending in it
    displays nothing. Without myst-nb (a
    notebook opened on Colab) nothing is stored and the values are only returned, so every
    chapter also runs outside the book's tools.

    Args:
        name: the key the text refers to (``{glue:text}`name```), or ``None`` when the
            values come as keywords.
        value: the value to store under ``name``; the book shows what the notebook would
            display for it (a NumPy number is stored as the Python number it holds).
        **values: more values, each stored under its keyword.

    Returns:
        ``value`` when called with a name, else ``None``.

    Raises:
        TypeError: if both a name and keywords are given, or neither.
    """
    if (name is None) == (not values):
        raise TypeError("glue takes a name and a value, or keyword values, not both or neither")
    try:
        from myst_nb import glue as myst_glue
    except ImportError:
        myst_glue = None
    pairs = values.items() if name is None else ((name, value),)
    for key, item in pairs:
        if myst_glue is not None:  # a NumPy number as a plain one, which the book can format
            myst_glue(key, item.item() if isinstance(item, np.generic) else item, display=False)
    return value


def shown(value: float, spec: str) -> float:
    """``value`` rounded as the text shows it, ``format(value, spec)``, as a float.

    Glue the shown value rather than the computed one where its last bits may differ between
    machines (a float32 sum, say): nbval compares what is glued.

    Args:
        value: the number.
        spec: a format specification, such as ``".6f"`` or ``".0e"``.

    Returns:
        The rounded number.
    """
    return float(format(float(value), spec))


def sci(value: float, digits: int = 0) -> str:
    """``value`` as the text writes a power of ten: ``1e-6``, ``1.5e-7`` (not ``1e-06``).

    Args:
        value: the number.
        digits: digits after the mantissa's point.

    Returns:
        The text.
    """
    mantissa, exponent = f"{value:.{digits}e}".split("e")
    return f"{mantissa}e{int(exponent)}"
