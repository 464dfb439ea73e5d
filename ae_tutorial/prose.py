"""Numbers for the book's prose, taken from the cell that computes them (every chapter).

The chapters write a computed number into their text with myst-nb's ``{glue:text}`` role
rather than retyping it; ``glue`` stores the value in the cell's output, where nbval
compares it on every re-run and the book's build reads it.
"""


def glue(name: str, value: object) -> object:
    """Store ``value`` under ``name`` for ``{glue:text}`name``` in the book, and return it.

    Without myst-nb (a notebook opened on Colab) nothing is stored and the value is
    only returned, so every chapter also runs outside the book's tools.

    Args:
        name: the key the text refers to (``{glue:text}`name```).
        value: the value to store; the book shows what the notebook would display for it.

    Returns:
        ``value``, unchanged.
    """
    try:
        from myst_nb import glue as myst_glue
    except ImportError:
        return value
    myst_glue(name, value, display=False)
    return value
