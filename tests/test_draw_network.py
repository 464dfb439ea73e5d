"""book/images/network.svg is what scripts/draw_network.py draws, byte for byte, and its
parameter counts are the package's model's."""

import importlib.util
import re
from pathlib import Path

import matplotlib
import pytest

ROOT = Path(__file__).resolve().parent.parent
SVG = ROOT / "book" / "images" / "network.svg"


def load_script():
    spec = importlib.util.spec_from_file_location(
        "draw_network", ROOT / "scripts" / "draw_network.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_counts_are_in_times_out_plus_out():
    widths, counts = load_script().parameter_counts()
    assert widths == (784, 256, 128, 256, 784)
    assert counts == [(200_704, 256), (32_768, 128), (32_768, 256), (200_704, 784)]
    assert sum(k + b for k, b in counts) == 468_368


def test_the_committed_figure_is_what_the_script_draws(tmp_path):
    committed = SVG.read_bytes()
    [drawn_with] = re.findall(rb"Matplotlib v([0-9][^,]*), https://matplotlib\.org", committed)
    if drawn_with.decode() != matplotlib.__version__:  # its SVG writer changes between releases
        pytest.skip(
            f"network.svg was drawn with Matplotlib {drawn_with.decode()}, this is "
            f"{matplotlib.__version__}: run python scripts/draw_network.py to compare"
        )
    load_script().main(tmp_path / "network.svg")
    assert (tmp_path / "network.svg").read_bytes() == committed, (
        "book/images/network.svg differs from what scripts/draw_network.py draws: run "
        "python scripts/draw_network.py"
    )
