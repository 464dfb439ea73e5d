"""Numbers for the prose (ae_tutorial/prose.py): glue, shown and sci."""

import numpy as np
import pytest

import ae_tutorial as ae


@pytest.fixture
def stored(monkeypatch):
    """What ``glue`` hands to myst-nb, as ``{name: value}``."""
    import myst_nb

    found = {}
    monkeypatch.setattr(myst_nb, "glue", lambda name, value, display: found.update({name: value}))
    return found


def test_glue_stores_one_value_and_returns_it(stored):
    assert ae.glue("loss", 0.25) == 0.25
    assert stored == {"loss": 0.25}


def test_glue_stores_keywords_and_displays_nothing(stored):
    assert ae.glue(low=1, high=2.5) is None  # a cell ending in it shows no output
    assert stored == {"low": 1, "high": 2.5}


@pytest.mark.parametrize("call", [lambda: ae.glue(), lambda: ae.glue("a", 1, b=2)])
def test_glue_wants_a_name_or_keywords(call, stored):
    with pytest.raises(TypeError, match="a name and a value, or keyword values"):
        call()
    assert stored == {}


@pytest.mark.parametrize(
    ("value", "spec", "expected"),
    [(0.0123456789, ".6f", 0.012346), (2.5e-7, ".0e", 2e-7), (123.456, ".1f", 123.5)],
)
def test_shown_rounds_as_the_text_shows(value, spec, expected):
    assert ae.shown(value, spec) == expected


@pytest.mark.parametrize(
    ("value", "digits", "expected"),
    [(1e-6, 0, "1e-6"), (1.5e-7, 1, "1.5e-7"), (3e8, 0, "3e8"), (0.00042, 1, "4.2e-4")],
)
def test_sci_writes_powers_of_ten_without_padding(value, digits, expected):
    assert ae.sci(value, digits) == expected


def test_glue_stores_a_numpy_number_as_a_python_one(stored):
    ae.glue(auc=np.float64(0.95), steps=np.int64(250))
    assert type(stored["auc"]) is float
    assert type(stored["steps"]) is int
