"""The one-class benchmark's protocol, preprocessing and scorers, against NumPy references."""

import numpy as np
import pytest

import ae_tutorial as ae
from ae_tutorial import sweeps


def _auc_reference(scores, anomalous):
    """The AUC as a probability: over every (anomaly, normal) pair, 1 when the anomaly scores
    higher, 1/2 for a tie (Mann-Whitney)."""
    high, low = scores[anomalous][:, None], scores[~anomalous][None, :]
    return float(np.mean((high > low) + 0.5 * (high == low)))


@pytest.mark.parametrize("digit", [0, 7])
def test_the_split_trains_on_one_digit_and_scores_every_test_image(mnist, digit):
    split = ae.one_class_split(mnist, digit)
    np.testing.assert_array_equal(split.train, mnist.train.images[mnist.train.labels == digit])
    np.testing.assert_array_equal(
        split.validation, mnist.validation.images[mnist.validation.labels == digit]
    )
    np.testing.assert_array_equal(split.test, mnist.test.images)  # all 10,000
    np.testing.assert_array_equal(split.is_anomaly, mnist.test.labels != digit)
    assert len(split.train) == np.sum(mnist.train.labels == digit) > 0


def test_the_auc_is_the_share_of_anomaly_normal_pairs_ranked_right():
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 10, 500)
    scores = np.round(rng.normal(size=500) + (labels != 3), 1)  # ties too
    assert ae.one_class_auc(scores, labels, 3) == pytest.approx(
        _auc_reference(scores, labels != 3), abs=1e-12
    )


def test_a_score_that_is_a_known_function_of_the_digit_gives_a_known_table():
    """Score each image by its digit: for the normal digit d, an anomaly scores above a d when
    its digit is larger, so the AUC is the share of the anomalies above d (ties count half)."""
    labels = np.repeat(np.arange(10), [5, 6, 7, 8, 9, 10, 11, 12, 13, 14])
    for digit in ae.DIGITS:
        anomalies = labels[labels != digit]
        expected = np.mean(anomalies > digit)
        assert ae.one_class_auc(labels.astype(float), labels, digit) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("digit", "labels", "message"),
    [(10, [0, 1], "0 to 9"), (True, [0, 1], "0 to 9"), (1, [1, 1], "of other digits")],
)
def test_the_auc_refuses_what_it_cannot_rank(digit, labels, message):
    with pytest.raises(ValueError, match=message):
        ae.one_class_auc(np.zeros(len(labels)), np.array(labels), digit)


def test_gcn_min_max_is_the_papers_formula():
    rng = np.random.default_rng(1)
    train, test = rng.random((20, 784)), rng.random((7, 784))

    def gcn(x):  # per image: minus its mean, over its mean absolute deviation (L1 scale)
        c = x - x.mean(axis=1, keepdims=True)
        return c / np.abs(c).mean(axis=1, keepdims=True)

    low, high = gcn(train).min(), gcn(train).max()
    got_train, got_test = ae.gcn_min_max(train, test)
    np.testing.assert_allclose(got_train, (gcn(train) - low) / (high - low), rtol=1e-6)
    np.testing.assert_allclose(got_test, (gcn(test) - low) / (high - low), rtol=1e-6)
    assert got_train.min() == 0
    assert got_train.max() == 1
    assert got_test.dtype == np.float32


def test_gcn_refuses_a_constant_image():
    with pytest.raises(ValueError, match="1 constant images"):
        ae.gcn_min_max(np.r_[np.ones((1, 4)), np.arange(4.0)[None]])


def test_the_pca_scorer_is_the_error_of_the_projection_on_the_top_components():
    rng = np.random.default_rng(2)
    train = rng.random((200, 30)) @ rng.random((30, 30))
    test = rng.random((50, 30)) @ rng.random((30, 30))
    mean = train.mean(axis=0)
    v = np.linalg.svd(train - mean, full_matrices=False)[2][:4]  # the top 4 directions
    reconstruction = mean + (test - mean) @ v.T @ v
    expected = np.mean((test - reconstruction) ** 2, axis=1)
    np.testing.assert_allclose(ae.pca_scorer(train, 4)(test), expected, rtol=1e-6)


def test_an_autoencoders_scorer_is_the_error_of_the_network_trained_as_train_does(mnist):
    """``fit_scorer`` trains as ``ae.train`` on a ``DataSet`` seeded by the config."""
    config = ae.preset("one_class_dense_16", num_steps=3, seed=4)
    images = mnist.train.images[mnist.train.labels == 5][:600]
    scores = ae.fit_scorer(config, images)(mnist.test.images[:100])
    model = ae.Autoencoder(config)
    labels = np.zeros(len(images), dtype=np.uint8)
    ae.train(model, ae.DataSet(images, labels, seed=4), config, verbose=False, fast=False)
    expected = ae.reconstruction_errors(model, mnist.test.images[:100])
    np.testing.assert_allclose(scores, expected, rtol=1e-5)


def test_a_vaes_scorer_is_its_negative_elbo(mnist):
    config = ae.preset("one_class_vae_16", epochs=1, seed=3)
    images = mnist.train.images[mnist.train.labels == 5][:600]
    scores = ae.fit_scorer(config, images)(mnist.test.images[:50])
    vae = ae.build_vae(config)
    ae.train_vae(vae, images, config)
    np.testing.assert_allclose(scores, ae.negative_elbo(vae, mnist.test.images[:50]), rtol=1e-5)


def test_a_one_class_sweep_stores_ten_aucs_and_a_held_out_sweep_its_shares():
    assert sweeps.run_kind("one_class") == "one_class"
    assert sweeps.columns("one_class")[len(sweeps.LEADING) :] == tuple(
        f"auc_{d}" for d in range(10)
    )
    assert sweeps.run_kind("held_out_2") == "held_out"
    assert sweeps.columns("held_out_2")[len(sweeps.LEADING) :] == sweeps.HELD_OUT_MEASURES
    # every one-class preset is its recipe, shortened to about 11 epochs of one digit
    assert ae.preset("one_class_dense_16") == ae.preset("dense_16", num_steps=250)
    assert ae.preset("one_class_conv_16") == ae.preset("conv_16", num_steps=250)
    assert ae.preset("one_class_vae_16") == ae.preset("vae_16", epochs=11)


def test_a_one_class_row_is_read_back_and_a_damaged_auc_refused(tmp_path):
    header = sweeps.columns("one_class")
    row = dict.fromkeys(header, "")
    row |= {"name": "one_class_vae_16", "seed": "1", "config": "{}", "seconds": "1.0"}
    row |= {f"auc_{d}": "0.912345" for d in range(10)}
    path = tmp_path / "sweep_one_class.csv"
    sweeps.store_row(path, header, row)
    assert sweeps.read_rows(path, header)[0]["auc_9"] == "0.912345"
    path.write_text(path.read_text().replace("0.912345", "0.91", 1))
    with pytest.raises(sweeps.SweepFileError, match=r"auc_0 '0\.91'"):
        sweeps.read_rows(path, header)
