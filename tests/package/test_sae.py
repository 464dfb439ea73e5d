"""Tests of the sparse autoencoder and its metrics (ae_tutorial/sae.py, sae_metrics.py),
against NumPy references."""

import itertools
import textwrap

import keras
import numpy as np
import pytest

import ae_tutorial as ae


def small_data(num_samples=256, seed=0):
    return ae.superposition_data(num_samples, num_features=64, dim=16, density=0.05, seed=seed)


def test_superposition_data_is_sparse_features_along_unit_directions():
    data = ae.superposition_data(2000, num_features=50, dim=10, density=0.1, seed=3)
    assert data.x.shape == (2000, 10)
    assert data.x.dtype == np.float32
    assert data.directions.shape == (50, 10)
    assert data.activations.shape == (2000, 50)
    np.testing.assert_allclose(np.linalg.norm(data.directions, axis=1), 1, atol=1e-6)
    np.testing.assert_allclose(data.x, data.activations @ data.directions, atol=1e-6)
    assert data.activations.min() >= 0
    assert data.activations.max() <= 1
    assert abs((data.activations > 0).mean() - 0.1) < 0.01
    again = ae.superposition_data(2000, num_features=50, dim=10, density=0.1, seed=3)
    np.testing.assert_array_equal(again.x, data.x)
    other = ae.superposition_data(2000, num_features=50, dim=10, density=0.1, seed=4)
    assert not np.array_equal(other.directions, data.directions)


def numpy_top_k(pre, k):
    keep = np.argsort(-pre, axis=1)[:, :k]
    out = np.zeros_like(pre)
    np.put_along_axis(out, keep, np.maximum(np.take_along_axis(pre, keep, axis=1), 0), axis=1)
    return out


def test_top_k_keeps_exactly_the_k_largest():
    pre = np.random.default_rng(0).standard_normal((50, 30)).astype(np.float32)
    for k in (1, 4, 30):
        z = np.asarray(ae.top_k(pre, k))
        np.testing.assert_array_equal(z, numpy_top_k(pre, k))
        positive = np.asarray(ae.top_k(pre - pre.min() + 1, k))  # all kept entries > 0
        assert (np.count_nonzero(positive, axis=1) == k).all()


def numpy_sae(model, x):
    w_enc, b_enc, w_dec, b_dec = (
        np.asarray(w) for w in (model.w_enc, model.b_enc, model.w_dec, model.b_dec)
    )
    pre = (x - b_dec) @ w_enc + b_enc
    z = numpy_top_k(pre, model.k) if model.activation == "topk" else np.maximum(pre, 0)
    return z, z @ w_dec + b_dec


@pytest.mark.parametrize("kwargs", [{"activation": "topk", "k": 3}, {"activation": "relu"}])
def test_forward_pass_matches_numpy(kwargs):
    model = ae.SparseAutoencoder(16, 40, seed=1, **kwargs)
    for weight in (model.b_enc, model.b_dec):  # non-zero biases, to test where they enter
        weight.assign(np.random.default_rng(2).normal(size=weight.shape).astype(np.float32))
    x = small_data(32).x
    out = model(x)
    z, x_hat = numpy_sae(model, x)
    np.testing.assert_allclose(np.asarray(out["latents"]), z, atol=1e-5)
    np.testing.assert_allclose(np.asarray(out["reconstruction"]), x_hat, atol=1e-5)
    np.testing.assert_allclose(np.asarray(model.encode(x)), z, atol=1e-5)
    np.testing.assert_allclose(np.asarray(model.decode(z)), x_hat, atol=1e-5)


def test_initial_decoder_is_unit_and_encoder_its_transpose():
    model = ae.SparseAutoencoder(16, 40, k=3)
    w_dec = np.asarray(model.w_dec)
    np.testing.assert_allclose(np.linalg.norm(w_dec, axis=1), 1, atol=1e-6)
    np.testing.assert_array_equal(np.asarray(model.w_enc), w_dec.T)
    # not the toy data's true directions of the same seed
    assert ae.match_features(w_dec, small_data().directions).cosine.mean() < 0.9


def test_loss_is_squared_error_plus_l1():
    model = ae.SparseAutoencoder(16, 40, activation="relu", l1=0.3)
    x = small_data(32).x
    z, x_hat = numpy_sae(model, x)
    expected = np.mean(np.sum((x - x_hat) ** 2, axis=1)) + 0.3 * np.mean(np.abs(z).sum(axis=1))
    loss = model.compute_loss(x, y_pred=model(x))
    np.testing.assert_allclose(float(loss), expected, rtol=1e-5)


def fit(model, data, epochs):
    model.compile(optimizer=keras.optimizers.Adam(1e-2))
    return model.fit(data.x, epochs=epochs, batch_size=64, verbose=0).history


@pytest.mark.parametrize("kwargs", [{"k": 3}, {"activation": "relu", "l1": 0.5}])
def test_training_lowers_loss_keeps_unit_decoder_and_finds_features(kwargs):
    keras.utils.set_random_seed(0)
    data = small_data(4096)
    model = ae.SparseAutoencoder(16, 128, **kwargs)
    before = ae.match_features(np.asarray(model.w_dec), data.directions).cosine
    history = fit(model, data, epochs=5)  # 320 steps
    assert history["l0"][-1] <= kwargs.get("k", 128)
    assert history["loss"][-1] < 0.7 * history["loss"][0], history["loss"]
    w_dec = np.asarray(model.w_dec)
    np.testing.assert_allclose(np.linalg.norm(w_dec, axis=1), 1, atol=1e-5)
    after = ae.match_features(w_dec, data.directions).cosine
    assert after.mean() > before.mean() + 0.05, (before.mean(), after.mean())
    if "k" in kwargs:  # the L1 penalty recovers features more slowly
        assert (after > 0.9).sum() > (before > 0.9).sum() + 10


def test_top_k_training_keeps_k_active():
    model = ae.SparseAutoencoder(16, 128, k=3)
    fit(model, small_data(512), epochs=1)
    latents = np.asarray(model.encode(small_data(100, seed=1).x))
    assert (np.count_nonzero(latents, axis=1) <= 3).all()
    assert ae.l0(latents) > 2


BAD_MODELS = [
    ({"dim": 0}, "dim must be a positive integer"),
    ({"num_latents": 2.5}, "num_latents must be a positive integer"),
    ({"k": None}, "k must be a positive integer"),
    ({"k": 41}, "k must be at most num_latents = 40"),
    ({"k": 3, "l1": 0.1}, "l1 applies to activation='relu' only"),
    ({"activation": "relu"}, "k applies to activation='topk' only"),
    ({"activation": "relu", "k": None, "l1": -0.1}, "l1 must be >= 0"),
    ({"activation": "relu", "k": None, "l1": float("nan")}, "l1 must be >= 0"),
    ({"activation": "gelu"}, "activation must be one of"),
]


@pytest.mark.parametrize(("changes", "message"), BAD_MODELS)
def test_bad_arguments_are_refused_by_name(changes, message):
    kwargs = {"dim": 16, "num_latents": 40, "activation": "topk", "k": 3, **changes}
    with pytest.raises(ValueError, match=message):
        ae.SparseAutoencoder(**kwargs)


def test_encode_refuses_inputs_of_the_wrong_width():
    with pytest.raises(ValueError, match=r"x must have shape \(N, 16\), got \(4, 15\)"):
        ae.SparseAutoencoder(16, 40, k=3).encode(np.zeros((4, 15), np.float32))


def test_bad_data_arguments_are_refused_by_name():
    with pytest.raises(ValueError, match="density must be in"):
        ae.superposition_data(10, density=0)
    with pytest.raises(ValueError, match="num_features must be a positive integer"):
        ae.superposition_data(10, num_features=-1)


def test_l0_dead_latents_and_shrinkage_match_numpy_loops():
    rng = np.random.default_rng(0)
    latents = rng.random((20, 8)) * (rng.random((20, 8)) < 0.3)
    latents[:, 2] = 0
    assert ae.l0(latents) == pytest.approx(np.mean([sum(v != 0 for v in row) for row in latents]))
    dead = ae.dead_latents(latents)
    assert dead.dtype == bool
    assert dead[2]
    np.testing.assert_array_equal(dead, [all(latents[:, j] == 0) for j in range(8)])
    x = rng.standard_normal((20, 5))
    assert ae.shrinkage(x, 0.7 * x) == pytest.approx(0.7)
    x_hat = rng.standard_normal((20, 5))
    norms = [np.sqrt(sum(v**2 for v in row)) for row in (*x, *x_hat)]
    assert ae.shrinkage(x, x_hat) == pytest.approx(np.mean(norms[20:]) / np.mean(norms[:20]))


def test_normalized_mse_is_error_over_the_mean_predictors():
    rng = np.random.default_rng(1)
    x, x_hat = rng.standard_normal((30, 4)) + 5, rng.standard_normal((30, 4))
    baseline = sum(((row - x.mean(axis=0)) ** 2).sum() for row in x)
    expected = sum(((a - b) ** 2).sum() for a, b in zip(x, x_hat, strict=True)) / baseline
    assert ae.normalized_mse(x, x_hat) == pytest.approx(expected)
    assert ae.normalized_mse(x, np.tile(x.mean(axis=0), (30, 1))) == pytest.approx(1)
    assert ae.normalized_mse(x, x) == 0


def test_metrics_refuse_bad_inputs_by_name():
    x = np.ones((3, 4))
    with pytest.raises(ValueError, match="every row of x is the same"):
        ae.normalized_mse(x, x)
    with pytest.raises(ValueError, match="every row of x is zero"):
        ae.shrinkage(0 * x, x)
    with pytest.raises(ValueError, match=r"share a shape \(N, dim\)"):
        ae.shrinkage(x, x[:2])
    with pytest.raises(ValueError, match="directions differ in dim"):
        ae.match_features(x, np.ones((3, 5)))
    with pytest.raises(ValueError, match="decoder directions hold a zero row"):
        ae.match_features(0 * x, x)
    with pytest.raises(ValueError, match=r"labels must be in \[0, 10\)"):
        ae.label_selectivity(np.ones((2, 3), bool), np.array([0, 10]))


def test_matching_recovers_a_permuted_noisy_copy():
    truth = ae.superposition_data(1, num_features=30, dim=12).directions
    rng = np.random.default_rng(5)
    order, signs = rng.permutation(40), rng.choice([-1, 1], size=(30, 1))
    learned = rng.standard_normal((40, 12))  # 10 extra latents
    learned[order[:30]] = signs * truth + 0.02 * rng.standard_normal((30, 12))
    found = ae.match_features(learned, truth, absolute=True)
    np.testing.assert_array_equal(found.latent, order[:30])
    assert found.cosine.min() > 0.99
    signed = ae.match_features(learned, truth)
    assert (signed.cosine[signs[:, 0] > 0] > 0.99).all()
    assert signed.cosine[signs[:, 0] < 0].max() < 0.9  # a flipped direction is not the feature


def test_matching_equals_brute_force_and_handles_fewer_latents():
    rng = np.random.default_rng(7)
    truth, learned = rng.standard_normal((4, 3)), rng.standard_normal((4, 3))
    cosines = (truth / np.linalg.norm(truth, axis=1, keepdims=True)) @ (
        learned / np.linalg.norm(learned, axis=1, keepdims=True)
    ).T
    best = max(
        itertools.permutations(range(4)), key=lambda p: sum(cosines[i, p[i]] for i in range(4))
    )
    found = ae.match_features(learned, truth)
    np.testing.assert_array_equal(found.latent, best)
    np.testing.assert_allclose(found.cosine, cosines[range(4), best])
    fewer = ae.match_features(learned[:2], truth)
    assert (fewer.latent == -1).sum() == 2
    assert (fewer.cosine[fewer.latent == -1] == 0).all()


def test_label_selectivity_matches_counting():
    rng = np.random.default_rng(2)
    active, labels = rng.random((200, 6)) < 0.3, rng.integers(0, 4, 200)
    active[:, 5] = False  # a dead latent: precision 0
    result = ae.label_selectivity(active, labels, num_labels=4)
    assert result.precision.shape == result.recall.shape == (6, 4)
    for j, c in itertools.product(range(5), range(4)):
        hits = np.sum(active[:, j] & (labels == c))
        assert result.precision[j, c] == pytest.approx(hits / active[:, j].sum())
        assert result.recall[j, c] == pytest.approx(hits / (labels == c).sum())
    assert (result.precision[5] == 0).all()


# One train step and a forward pass in a fresh process per backend (fixed at import).
BACKEND_SCRIPT = textwrap.dedent(
    """
    import json
    import keras
    import numpy as np
    import ae_tutorial as ae

    data = ae.superposition_data(256, num_features=32, dim=8)
    model = ae.SparseAutoencoder(8, 48, k=2)
    model.compile(optimizer=keras.optimizers.Adam(1e-2))
    history = model.fit(data.x, epochs=2, batch_size=64, verbose=0).history
    z = np.asarray(model.encode(data.x))
    norms = np.linalg.norm(np.asarray(model.w_dec), axis=1)
    print(json.dumps({"backend": keras.backend.backend(), "loss": history["loss"],
                      "max_active": int((z != 0).sum(axis=1).max()),
                      "norm_error": float(np.abs(norms - 1).max())}))
    """
)


@pytest.mark.slow  # starts a process: about 10 s
def test_trains_under_jax(run_on_backend):
    result = run_on_backend(BACKEND_SCRIPT, "jax", timeout=120)
    assert np.all(np.isfinite(result["loss"]))
    assert result["loss"][-1] < result["loss"][0]
    assert result["max_active"] <= 2
    assert result["norm_error"] < 1e-5
