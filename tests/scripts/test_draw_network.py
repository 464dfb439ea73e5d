"""book/images/network.svg is what scripts/draw_network.py draws (tools/network_figure.py),
byte for byte, and its parameter counts are the package's model's."""

import re

import matplotlib
import pytest

from tools import network_figure

SVG = network_figure.OUT


def test_the_counts_are_in_times_out_plus_out():
    widths, counts = network_figure.parameter_counts()
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
    network_figure.save(tmp_path / "network.svg")
    assert (tmp_path / "network.svg").read_bytes() == committed, (
        "book/images/network.svg differs from what scripts/draw_network.py draws: run "
        "python scripts/draw_network.py"
    )
