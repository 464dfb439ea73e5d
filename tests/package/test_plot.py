import numpy as np
import pytest
from matplotlib.colors import to_rgba_array
from matplotlib.figure import Figure

import ae_tutorial as ae


def original_canvas(images, n):
    """The original's loop: row i holds the i-th call of next_batch(n)."""
    out = np.empty((28 * n, 28 * n))
    for i in range(n):
        for j in range(n):
            out[i * 28 : (i + 1) * 28, j * 28 : (j + 1) * 28] = images[i * n + j].reshape(28, 28)
    return out


def test_canvas_is_the_original_layout():
    images = np.random.default_rng(0).random((16, 784))
    np.testing.assert_array_equal(ae.canvas(images, 4), original_canvas(images, 4))
    with pytest.raises(ValueError, match=r"16 images .* got array \(15, 784\)"):
        ae.canvas(images[:15], 4)


def test_figures():
    images = np.random.default_rng(1).random((16, 784))
    fig = ae.plot_canvas(images, 4, title="Reconstructed Images")
    assert isinstance(fig, Figure)
    assert fig.axes[0].get_title() == "Reconstructed Images"
    assert fig.axes[0].images[0].get_array().shape == (112, 112)
    fig = ae.plot_reconstructions(images[:10], images[:10])
    assert isinstance(fig, Figure)
    assert len(fig.axes) == 20
    fig = ae.plot_loss([(1, 0.4), (2, 0.3)], reference=[(1, 0.44)])
    assert [line.get_label() for line in fig.axes[0].lines] == ["ae_tutorial", "the original"]
    with pytest.raises(ValueError, match="one \\(k, 784\\) shape"):
        ae.plot_reconstructions(images[:10], images[:9])


def test_canvases_side_by_side_with_labels():
    images = np.random.default_rng(4).random((16, 784))
    labels = np.arange(16) % 10
    fig = ae.plot_canvases(
        {"Original Images": images, "Reconstructed Images": 1 - images}, 4, labels=labels
    )
    assert [ax.get_title() for ax in fig.axes] == ["Original Images", "Reconstructed Images"]
    np.testing.assert_array_equal(fig.axes[1].images[0].get_array(), ae.canvas(1 - images))
    for ax in fig.axes:  # each tile's label in its top-left corner, row by row
        assert [t.get_text() for t in ax.texts] == [str(d) for d in labels]
        assert ax.texts[5].get_position() == (28 * 1 + 1.5, 28 * 1 + 1.5)
    with pytest.raises(ValueError, match=r"need 16 labels .* got 15"):
        ae.plot_canvas(images, 4, labels=labels[:15])


def test_plot_codes_2d_draws_every_point_in_its_panel():
    rng = np.random.default_rng(2)
    labels = np.repeat(np.arange(10), 5)
    projections = {"PCA": rng.random((50, 2)), "t-SNE": rng.random((50, 2))}
    fig = ae.plot_codes_2d(projections, labels)
    assert len(fig.axes) == 2
    assert [ax.get_title() for ax in fig.axes] == ["PCA", "t-SNE"]
    for ax, points in zip(fig.axes, projections.values(), strict=True):
        np.testing.assert_array_equal(ax.collections[0].get_offsets(), points)
        np.testing.assert_array_equal(ax.collections[0].get_array(), labels)
        assert sorted(text.get_text() for text in ax.texts) == [str(d) for d in range(10)]


def test_every_scatter_colours_each_digit_with_its_own_colour():
    assert len(ae.DIGIT_COLORS) == len(set(ae.DIGIT_COLORS)) == 10
    assert ae.DIGIT_COLORS is ae.explorer.PALETTE  # the latent explorer's too
    labels = np.array([7, 3, 7, 1, 9, 0])  # a few digits only: each keeps its colour
    fig = ae.plot_codes_2d({"codes": np.random.default_rng(5).random((6, 2))}, labels)
    dots = fig.axes[0].collections[0]
    np.testing.assert_allclose(
        dots.to_rgba(dots.get_array()), to_rgba_array(ae.DIGIT_COLORS)[labels]
    )
    for bad in (np.array([0, 10]), np.array([-1, 2]), np.zeros((2, 1), int)):
        with pytest.raises(ValueError, match=r"labels must be digits 0 to 9 of shape \(N,\)"):
            ae.plot_codes_2d({"codes": np.zeros((2, 2))}, bad)


def test_the_digit_colors_are_matplotlibs_petroff10():
    style = pytest.importorskip("matplotlib.style")
    if "petroff10" not in style.library:
        pytest.skip("matplotlib before 3.10 has no petroff10 style")
    cycle = style.library["petroff10"]["axes.prop_cycle"].by_key()["color"]
    assert list(ae.DIGIT_COLORS) == [c.lower() for c in cycle]


def test_plot_neighbours_puts_each_query_before_its_neighbours():
    rng = np.random.default_rng(3)
    queries, neighbours = rng.random((3, 784)), rng.random((3, 4, 784))
    fig = ae.plot_neighbours(queries, neighbours, query_titles=["a", "b", "c"])
    assert len(fig.axes) == 3 * 5
    shown = [ax.images[0].get_array() for ax in fig.axes]
    np.testing.assert_array_equal(shown[5], queries[1].reshape(28, 28))
    np.testing.assert_array_equal(shown[5 + 3], neighbours[1, 2].reshape(28, 28))
    assert fig.axes[10].get_title() == "c"
    with pytest.raises(ValueError, match=r"neighbours \(Q, k, 784\)"):
        ae.plot_neighbours(queries, neighbours[:2])


def test_plot_rows_draws_each_row_under_its_title():
    rng = np.random.default_rng(4)
    rows = [rng.random((6, 784)) for _ in range(3)]
    fig = ae.plot_rows(rows, ["noisy", "denoised", "clean"])
    assert len(fig.axes) == 18
    assert [fig.axes[6 * r].get_title(loc="left") for r in range(3)] == [
        "noisy",
        "denoised",
        "clean",
    ]
    np.testing.assert_array_equal(fig.axes[6 + 4].images[0].get_array(), rows[1][4].reshape(28, 28))
    with pytest.raises(ValueError, match="one title per row"):
        ae.plot_rows(rows, ["noisy", "clean"])
