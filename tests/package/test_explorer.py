import base64
import fnmatch
import hashlib
import io
import json
import tomllib
from importlib import resources
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

import ae_tutorial as ae
from ae_tutorial.explorer import PALETTE

ROOT = Path(__file__).resolve().parents[2]

LIMIT = 3.0


def coordinates(z, side=4, limit=LIMIT):
    """A decoder whose image spells its input: the top half is z1's, the bottom half z2's place
    in [-limit, limit], as a gray level in [0, 1]."""
    z = np.asarray(z)
    assert z.dtype == np.float32
    assert z.ndim == 2
    assert z.shape[1] == 2
    place = (z + limit) / (2 * limit)
    half = side * side // 2
    return np.concatenate([np.repeat(place[:, :1], half, 1), np.repeat(place[:, 1:], half, 1)], 1)


def blobs(z):
    """A smooth 28 x 28 image per code, a bright spot that moves with z (compresses like digits)."""
    rows, cols = np.mgrid[:28, :28]
    r = 14 + 3 * np.asarray(z)[:, 1, None, None]
    c = 14 + 3 * np.asarray(z)[:, 0, None, None]
    return np.exp(-((rows - r) ** 2 + (cols - c) ** 2) / 18).reshape(len(z), 784)


def embedded(data):
    """``data`` as the page embeds it: compact JSON, keys sorted."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"))


def sprite(explorer):
    """The embedded sprite sheet, decoded (base64 -> PNG -> uint8 array) and its PNG bytes."""
    png = base64.b64decode(explorer.data["sprite"])
    return np.asarray(Image.open(io.BytesIO(png))), png


def codes_and_labels(n=500, seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, 2)), rng.integers(0, 10, size=n)


def test_the_sprite_decodes_back_to_the_grid_within_the_quantisation():
    codes, labels = codes_and_labels()
    for levels in (16, 256):
        explorer = ae.latent_explorer(blobs, codes, labels, steps=9, levels=levels)
        sheet, _ = sprite(explorer)
        assert sheet.shape == (9 * 28, 9 * 28)
        assert sheet.dtype == np.uint8
        tiles = sheet.reshape(9, 28, 9, 28).transpose(0, 2, 1, 3).reshape(9, 9, 784) / 255
        np.testing.assert_allclose(explorer.tiles, blobs(_grid_codes(explorer)).reshape(9, 9, -1))
        np.testing.assert_allclose(tiles, explorer.tiles, atol=0.5 / (levels - 1) + 0.5 / 255)
        assert len(np.unique(sheet)) <= levels


def _grid_codes(explorer):
    z1, z2 = np.meshgrid(explorer.grid, explorer.grid[::-1])
    return np.stack([z1.ravel(), z2.ravel()], axis=1)


def test_tile_i_j_is_the_decoding_of_z1_from_the_left_and_z2_from_the_bottom():
    steps, codes, labels = 7, *codes_and_labels(20)
    explorer = ae.latent_explorer(coordinates, codes, labels, steps=steps, levels=256)
    np.testing.assert_allclose(explorer.grid, np.linspace(-LIMIT, LIMIT, steps))
    sheet, _ = sprite(explorer)
    for i in range(steps):
        for j in range(steps):
            tile = sheet[i * 4 : (i + 1) * 4, j * 4 : (j + 1) * 4] / 255
            z1, z2 = explorer.grid[j], explorer.grid[steps - 1 - i]
            np.testing.assert_allclose(tile[:2], (z1 + LIMIT) / (2 * LIMIT), atol=0.5 / 255)
            np.testing.assert_allclose(tile[2:], (z2 + LIMIT) / (2 * LIMIT), atol=0.5 / 255)
    assert explorer.data["side"] == 4
    assert explorer.data["steps"] == steps
    assert explorer.data["limit"] == LIMIT


def test_the_codes_are_embedded_with_their_labels_and_those_outside_left_out():
    codes = np.array([[0.0, 0.0], [-3.0, 3.0], [2.9, -1.2], [3.5, 0.0], [0.0, -9.0]])
    labels = np.array([7, 3, 7, 1, 1])
    explorer = ae.latent_explorer(blobs, codes, labels, steps=3)
    d = explorer.data
    points = np.frombuffer(base64.b64decode(d["points"]), np.uint8).reshape(-1, 3)
    assert explorer.shown == 3
    assert len(points) == 3
    np.testing.assert_allclose(points[:, :2] / 255 * 6 - 3, codes[:3], atol=3 / 255)
    assert d["classes"] == ["1", "3", "7"]
    assert list(points[:, 2]) == [2, 1, 2]
    legend = "".join(
        f'<li><span style="background:{color}"></span>{name}</li>'
        for color, name in zip(d["colors"], "137", strict=True)
    )
    assert f'aria-label="Colour of each label">{legend}</ul>' in explorer.html


def test_each_digit_has_its_colour_in_every_scatter():
    codes = np.zeros((5, 2))
    explorer = ae.latent_explorer(blobs, codes, np.array([7, 3, 7, 1, 1]), steps=3)
    assert explorer.data["colors"] == [ae.DIGIT_COLORS[d] for d in (1, 3, 7)]
    assert PALETTE is ae.DIGIT_COLORS  # chapter "A variational autoencoder" uses both names
    every = ae.latent_explorer(blobs, np.zeros((10, 2)), np.arange(10)[::-1], steps=3)
    assert every.data["colors"] == list(ae.DIGIT_COLORS)
    other = ae.latent_explorer(blobs, codes, np.array([12, 3, 40, -1, 3]), steps=3)
    assert other.data["classes"] == ["-1", "3", "12", "40"]  # not digits: colours in order
    assert other.data["colors"] == list(ae.DIGIT_COLORS[:4])


def test_the_html_stays_small_and_holds_the_sprite_once():
    codes, labels = codes_and_labels(10_000)
    explorer = ae.latent_explorer(blobs, codes, labels)  # the defaults: 31 x 31, 16 levels
    d = explorer.data
    assert explorer.size == len(explorer.html.encode()) < 300_000
    assert explorer.html.count(d["sprite"]) == 1
    assert explorer.size - len(d["sprite"]) - len(d["points"]) < 12_000  # the page around it


def test_the_same_inputs_give_the_same_bytes():
    codes, labels = codes_and_labels()
    first, second = (ae.latent_explorer(blobs, codes, labels, steps=5) for _ in range(2))
    assert first.html == second.html
    assert repr(first) == repr(second)
    assert first._repr_html_() == first.html
    assert repr(first) == f"LatentExplorer(5 x 5 grid, {first.shown} codes, {first.size:,} bytes)"
    _, png = sprite(first)  # no time stamp or text chunk: only IHDR, IDAT and IEND
    chunks, at = [], 8
    while at < len(png):
        length = int.from_bytes(png[at : at + 4], "big")
        chunks.append(png[at + 4 : at + 8].decode())
        at += 12 + length
    assert set(chunks) == {"IHDR", "IDAT", "IEND"}
    other = ae.latent_explorer(blobs, codes[::-1], labels, steps=5)
    keys = [hashlib.sha256(embedded(e.data).encode()).hexdigest()[:12] for e in (first, other)]
    assert keys[0] != keys[1]
    for explorer, key in zip((first, other), keys, strict=True):
        assert f'data-ae-key="{key}"' in explorer.html
        assert f'.ae-latent-explorer[data-ae-key="{key}"]' in explorer.html


def test_the_page_is_the_package_data_file_with_its_slots_filled():
    page = resources.files("ae_tutorial").joinpath("explorer.html").read_text(encoding="utf-8")
    slots = ("__KEY__", "__PLANE__", "__LEGEND__", "__STEPS__", "__DATA__")
    assert all(slot in page for slot in slots)
    explorer = ae.latent_explorer(blobs, *codes_and_labels(), steps=3)
    assert not any(slot in explorer.html for slot in slots)
    assert explorer.html.count(f"const D = {embedded(explorer.data)};\n") == 1
    for slot in slots:
        page = page.replace(slot, "\0")
    pieces = page.removesuffix("\n").split("\0")  # the page's own text, kept verbatim, in order
    assert explorer.html.startswith(pieces[0])
    assert explorer.html.endswith(pieces[-1])
    at = 0
    for piece in pieces:
        at = explorer.html.index(piece, at) + len(piece)


def test_every_data_file_of_the_package_is_installed_with_it():
    setuptools = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    patterns = setuptools.get("package-data", {}).get("ae_tutorial", [])
    files = [p.name for p in (ROOT / "ae_tutorial").iterdir() if p.is_file()]
    data = [name for name in files if not name.endswith((".py", ".pyc"))]
    assert "explorer.html" in data
    missing = [name for name in data if not any(fnmatch.fnmatch(name, p) for p in patterns)]
    assert not missing, f"pyproject.toml [tool.setuptools.package-data] leaves out {missing}"


def test_several_figures_on_a_page_share_no_id_or_global():
    explorer = ae.latent_explorer(blobs, *codes_and_labels(), steps=3)
    assert " id=" not in explorer.html  # found through its own script tag or its data key
    script = explorer.html.split("<script>")[1].split("</script>")[0].strip()
    assert explorer.html.count("<script>") == 1
    assert script.startswith("(() => {")
    assert script.endswith("})();")
    assert f'aria-label="Scatter of {explorer.shown} of 500 codes' in explorer.html


@pytest.mark.parametrize(
    ("change", "match"),
    [
        (dict(codes=np.zeros((5, 3))), r"codes must have shape \(N, 2\), got \(5, 3\)"),
        (dict(codes=np.zeros(10)), "codes must have shape"),
        (dict(labels=np.zeros(4, int)), r"labels must be one integer per code, shape \(5,\)"),
        (dict(labels=np.zeros(5)), "labels must be one integer per code"),
        (dict(labels=np.arange(5) * 3, codes=np.zeros((5, 2))), None),
        (dict(limit=0), "limit must be a positive number, got 0"),
        (dict(limit=-1.0), "limit must be a positive number"),
        (dict(limit=float("nan")), "limit must be a positive number"),
        (dict(steps=1), "steps must be at least 2"),
        (dict(steps=2.5), "steps must be a positive integer"),
        (dict(levels=300), "levels must be from 2 to 256"),
        (dict(decode=lambda z: np.zeros((len(z), 783))), r"decode must return .* got \(9, 783\)"),
        (dict(decode=lambda z: np.zeros((4, 784))), r"decode must return .* got \(4, 784\)"),
        (dict(decode=lambda z: np.zeros(len(z))), "decode must return one square image"),
        (dict(decode=lambda z: np.full((len(z), 784), 2.0)), r"decode must return pixels in \["),
        (dict(decode=lambda z: np.full((len(z), 784), np.nan)), "decode must return pixels"),
    ],
)
def test_bad_arguments_raise_value_errors_naming_them(change, match):
    arguments = dict(decode=blobs, codes=np.zeros((5, 2)), labels=np.arange(5), steps=3)
    arguments.update(change)
    if match is None:
        ae.latent_explorer(**arguments)  # fine: any integers, up to ten distinct
        with pytest.raises(ValueError, match="labels: at most 10 distinct values, got 11"):
            ae.latent_explorer(blobs, np.zeros((11, 2)), np.arange(11), steps=3)
        return
    with pytest.raises(ValueError, match=match):
        ae.latent_explorer(**arguments)
