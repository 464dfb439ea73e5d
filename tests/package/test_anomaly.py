import subprocess
import sys

import numpy as np
import pytest
from sklearn.metrics import precision_score, recall_score

import ae_tutorial as ae


def images(n=37, width=784, seed=0):
    return np.random.default_rng(seed).random((n, width), dtype=np.float32)


def test_reconstruction_errors_are_each_images_mse_in_batches():
    x = images()
    w = np.random.default_rng(1).normal(size=(784, 784)) / 28  # any map from images to images
    errors = ae.reconstruction_errors(lambda batch: batch @ w, x, batch_size=10)  # 10+10+10+7
    assert errors.shape == (37,)
    assert errors.dtype == np.float64
    np.testing.assert_allclose(errors, np.mean((x - x @ w) ** 2, axis=1), rtol=1e-6)
    for i in (0, 36):  # the package's batch loss on one image is its score
        np.testing.assert_allclose(
            errors[i], float(ae.mse(x[i : i + 1], x[i : i + 1] @ w, bounded=False)), 1e-5
        )


def test_a_perfect_reconstruction_scores_zero():
    assert not ae.reconstruction_errors(lambda batch: batch, images()).any()


def test_reconstruction_errors_refuse_bad_arguments():
    x = images()
    with pytest.raises(ValueError, match="images"):
        ae.reconstruction_errors(lambda b: b, x[0])  # one image, not (N, D)
    with pytest.raises(ValueError, match="images"):
        ae.reconstruction_errors(lambda b: b, (x * 255).astype(np.uint8))
    with pytest.raises(ValueError, match="batch_size"):
        ae.reconstruction_errors(lambda b: b, x, batch_size=0)
    with pytest.raises(ValueError, match="reconstruct returned shape"):
        ae.reconstruction_errors(lambda b: b[:, :10], x)


def test_noise_is_uniform_whatever_the_images_and_repeatable():
    x = images(500)
    noise = ae.make_outliers(x, "noise", seed=3)
    assert noise.shape == x.shape
    assert noise.dtype == np.float32
    assert 0 <= noise.min()
    assert noise.max() < 1
    assert abs(noise.mean() - 0.5) < 0.01
    np.testing.assert_array_equal(noise, ae.make_outliers(np.zeros_like(x), "noise", seed=3))
    assert not np.array_equal(noise, ae.make_outliers(x, "noise", seed=4))


def test_inverted_images_are_one_minus_the_image():
    x = images()
    np.testing.assert_array_equal(ae.make_outliers(x, "inverted"), 1 - x)


def test_shuffled_images_share_one_permutation_of_their_pixels():
    x = images(5, width=50)
    shuffled = ae.make_outliers(x, "shuffled", seed=2)
    where = [int(np.flatnonzero(x[0] == value)[0]) for value in shuffled[0]]  # the permutation
    assert sorted(where) == list(range(50))
    assert where != list(range(50))
    np.testing.assert_array_equal(shuffled, x[:, where])  # the same one for every image
    np.testing.assert_array_equal(shuffled, ae.make_outliers(x, "shuffled", seed=2))
    assert not np.array_equal(shuffled, ae.make_outliers(x, "shuffled", seed=5))


def test_make_outliers_names_a_bad_kind():
    with pytest.raises(ValueError, match="kind must be one of"):
        ae.make_outliers(images(), "upside-down")
    assert ae.OUTLIER_KINDS == ("noise", "inverted", "shuffled")


def test_threshold_at_flags_the_share_asked_for():
    scores = np.random.default_rng(0).exponential(size=10_000)
    threshold = ae.threshold_at(scores, 0.05)
    assert threshold == pytest.approx(np.quantile(scores, 0.95))
    assert np.mean(scores > threshold) == pytest.approx(0.05, abs=1e-4)


@pytest.mark.parametrize("rate", [0, 1, -0.1, 5])
def test_threshold_at_refuses_a_rate_outside_zero_one(rate):
    with pytest.raises(ValueError, match="false_alarm_rate"):
        ae.threshold_at(np.arange(10.0), rate)


@pytest.mark.parametrize("scores", [[], [[1.0, 2.0]], [1.0, np.nan]])
def test_threshold_at_refuses_bad_scores(scores):
    with pytest.raises(ValueError, match="scores"):
        ae.threshold_at(scores, 0.05)


def test_detection_rates_agree_with_scikit_learn():
    rng = np.random.default_rng(1)
    normal, anomalous = rng.normal(size=900), rng.normal(1.5, size=100)
    rates = ae.detection_rates(normal, anomalous, threshold=1.0)
    truth = np.r_[np.zeros(900), np.ones(100)]
    flagged = np.r_[normal, anomalous] > 1.0
    assert rates.precision == pytest.approx(precision_score(truth, flagged))
    assert rates.recall == pytest.approx(recall_score(truth, flagged))
    assert rates.false_alarm_rate == pytest.approx(np.mean(normal > 1.0))


def test_detection_rates_when_nothing_is_flagged_or_nothing_is_given():
    rates = ae.detection_rates([0.1, 0.2], [0.3], threshold=1.0)
    assert np.isnan(rates.precision)
    assert rates.recall == 0
    assert rates.false_alarm_rate == 0
    with pytest.raises(ValueError, match="anomaly_scores"):
        ae.detection_rates([0.1], [], threshold=0.0)


def test_the_module_loads_without_tensorflow():
    code = "import sys, ae_tutorial as ae; ae.make_outliers; print('tensorflow' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120
    )
    assert result.stdout.strip() == "False", result.stderr


@pytest.mark.parametrize(
    ("normal", "anomalous", "threshold", "message"),
    [
        ([0.1, float("nan")], [0.5], 0.2, "normal_scores: 1 NaN scores"),
        ([0.1], [float("nan"), float("nan")], 0.2, "anomaly_scores: 2 NaN scores"),
        ([0.1], [0.5], float("nan"), "threshold is NaN"),
    ],
)
def test_detection_rates_refuses_nan(normal, anomalous, threshold, message):
    with pytest.raises(ValueError, match=message):
        ae.detection_rates(np.array(normal), np.array(anomalous), threshold)
