import numpy as np
import pytest
from matplotlib.figure import Figure

import ae_tutorial as ae


def seed_canvas(images, n):
    """The seed's loop: row i holds the i-th call of next_batch(n)."""
    out = np.empty((28 * n, 28 * n))
    for i in range(n):
        for j in range(n):
            out[i * 28:(i + 1) * 28, j * 28:(j + 1) * 28] = images[i * n + j].reshape(28, 28)
    return out


def test_canvas_is_the_seed_layout():
    images = np.random.default_rng(0).random((16, 784))
    np.testing.assert_array_equal(ae.canvas(images, 4), seed_canvas(images, 4))
    with pytest.raises(ValueError, match=r"16 images .* got array \(15, 784\)"):
        ae.canvas(images[:15], 4)


def test_figures():
    images = np.random.default_rng(1).random((16, 784))
    fig = ae.plot_canvas(images, 4, title="Reconstructed Images")
    assert isinstance(fig, Figure) and fig.axes[0].get_title() == "Reconstructed Images"
    assert fig.axes[0].images[0].get_array().shape == (112, 112)
    fig = ae.plot_reconstructions(images[:10], images[:10])
    assert isinstance(fig, Figure) and len(fig.axes) == 20
    fig = ae.plot_loss([(1, 0.4), (2, 0.3)], reference=[(1, 0.44)])
    assert [line.get_label() for line in fig.axes[0].lines] == ["ae_tutorial", "TF1 seed"]
    with pytest.raises(ValueError, match="same shape"):
        ae.plot_reconstructions(images[:10], images[:9])
