"""The variational autoencoder (ae_tutorial/vae.py): its loss, its cache, and both backends."""

import dataclasses
import textwrap

import numpy as np
import pytest

import ae_tutorial as ae
from ae_tutorial import tf  # TensorFlow first, quietly
from ae_tutorial import vae as vae_module
from tools.digest import code_digest

#: ``VAE_VERSION`` -> digest of vae.py's code. When the test below fails: bump
#: ``vae.VAE_VERSION`` if the change alters what a training computes (the cache key), and
#: record the new digest; if not, put the new digest under the current version.
VAE_CODE = {1: "b895bbc769d54198"}  # one cache, formulas named, seeds restored: the same training


def _images(n=64, seed=0):
    return np.random.default_rng(seed).random((n, 784), dtype=np.float32)


def test_vae_code_change_needs_a_new_version():
    digest = code_digest(("vae.py", "seeds.py"))
    assert VAE_CODE.get(vae_module.VAE_VERSION) == digest, (
        f"vae.py changed (digest {digest}): bump VAE_VERSION if it changes a training's result"
    )


def test_outputs_and_shapes():
    vae = ae.VAE(latent_dim=3, hidden=16)
    out = vae(_images(5))
    assert set(out) == {"reconstruction", "logits", "mean", "log_var", "z", "x"}
    assert tuple(out["reconstruction"].shape) == (5, 784)
    assert tuple(out["z"].shape) == (5, 3)
    probs = np.asarray(out["reconstruction"])
    assert np.all((probs > 0) & (probs < 1))


def test_default_layers_keep_their_seeds_and_deeper_ones_get_their_own():
    import keras

    vae = ae.VAE(latent_dim=3, hidden=16, seed=3)  # seeds 3 * 4 + i, as before hidden_layers
    expected = keras.initializers.GlorotUniform(seed=3 * 4 + 2)((3, 16))
    np.testing.assert_array_equal(vae.decoder.layers[0].kernel, np.asarray(expected))
    deep = ae.VAE(latent_dim=3, hidden=16, hidden_layers=2, activation="tanh", seed=3)
    assert [w.shape[1] for w in deep.encoder.weights[::2]] == [16, 16, 6]
    assert [w.shape[1] for w in deep.decoder.weights[::2]] == [16, 16, 784]
    assert all(layer.activation.__name__ == "tanh" for layer in deep.encoder.layers[:2])
    kernels = [np.asarray(w) for m in (deep, ae.VAE(3, 16, hidden_layers=2, seed=4))
               for w in m.weights if tuple(w.shape) == (16, 16)]  # fmt: skip
    assert len(kernels) == 4
    assert len({k.tobytes() for k in kernels}) == 4  # no layer shares another's seed


def test_dynamic_binarisation_draws_the_training_images_anew():
    vae = ae.VAE(latent_dim=2, hidden=8, binarize="dynamic")
    x = _images(200)
    first, second = (np.asarray(vae(x, training=True)["x"]) for _ in range(2))
    assert set(np.unique(first)) == {0.0, 1.0}
    assert abs(first.mean() - x.mean()) < 0.01  # 1 with probability the grey value
    assert not np.array_equal(first, second)  # drawn anew at each call
    np.testing.assert_array_equal(np.asarray(vae(x)["x"]), x)  # not when not training
    out = vae(x, training=True)
    rec, kl = (np.mean(np.asarray(t)) for t in vae.loss_terms(out["x"], out))
    np.testing.assert_allclose(float(vae.compute_loss(x, y_pred=out)), rec + kl, rtol=1e-5)
    with pytest.raises(ValueError, match="binarize"):
        ae.VAE(binarize="static")


@pytest.mark.parametrize(
    ("field", "value"), [("hidden_layers", 0), ("activation", "softmax"), ("binarize", "once")]
)
def test_vae_config_refuses_new_fields_bad_values(field, value):
    with pytest.raises(ValueError, match=f"VAEConfig.{field}"):
        ae.VAEConfig(**{field: value})


def test_loss_terms_match_the_formulas():
    vae = ae.VAE(latent_dim=3, hidden=16)
    x = _images(4)
    out = vae(x)
    rec, kl = (np.asarray(t) for t in vae.loss_terms(x, out))
    logits, mean, log_var = (np.asarray(out[k], np.float64) for k in ("logits", "mean", "log_var"))
    p = 1 / (1 + np.exp(-logits))
    bce = -(x * np.log(p) + (1 - x) * np.log(1 - p)).sum(axis=1)
    kl_np = 0.5 * (np.exp(log_var) + mean**2 - 1 - log_var).sum(axis=1)
    np.testing.assert_allclose(rec, bce, rtol=1e-4)
    np.testing.assert_allclose(kl, kl_np, rtol=1e-4, atol=1e-6)
    assert np.all(kl >= 0)


def test_mean_reduction_divides_by_pixels_and_latent_units():
    x = _images(4)
    total, averaged = ae.VAE(latent_dim=3, hidden=16), ae.VAE(3, 16, reduction="mean")
    averaged.set_weights(total.get_weights())
    out = total(x)
    rec_sum, kl_sum = (np.asarray(t) for t in total.loss_terms(x, out))
    rec_mean, kl_mean = (np.asarray(t) for t in averaged.loss_terms(x, out))
    np.testing.assert_allclose(rec_mean, rec_sum / 784, rtol=1e-5)
    np.testing.assert_allclose(kl_mean, kl_sum / 3, rtol=1e-5)


def test_sampling_is_the_reparameterisation():
    vae = ae.VAE(latent_dim=2, hidden=8, seed=3)
    mean = np.array([[1.0, -2.0]] * 20_000, np.float32)
    log_var = np.log(np.array([[0.25, 4.0]] * 20_000, np.float32))
    z = np.asarray(vae.sample(mean, log_var))
    np.testing.assert_allclose(z.mean(axis=0), [1.0, -2.0], atol=0.05)
    np.testing.assert_allclose(z.std(axis=0), [0.5, 2.0], rtol=0.03)


@pytest.mark.parametrize(
    ("kwargs", "named"),
    [({"latent_dim": 0}, "latent_dim"), ({"hidden": 2.5}, "hidden"), ({"reduction": "max"}, "max")],
)
def test_bad_arguments_are_named(kwargs, named):
    with pytest.raises(ValueError, match=named):
        ae.VAE(**kwargs)


def test_vae_predict_decodes_the_mean():
    vae, x = ae.VAE(latent_dim=2, hidden=16), _images(7)
    got = ae.vae_predict(vae, x, batch_size=3)
    assert got["mean"].shape == (7, 2)
    assert got["log_var"].shape == (7, 2)
    np.testing.assert_allclose(
        got["reconstruction"], np.asarray(vae.decode(got["mean"])), rtol=1e-5, atol=1e-6
    )


def test_negative_elbo_sums_the_terms_and_keeps_the_reduction():
    vae = ae.VAE(latent_dim=2, hidden=16, reduction="mean")
    x = _images(6)
    scores = ae.negative_elbo(vae, x, samples=50, batch_size=4)
    assert scores.shape == (6,)
    assert vae.reduction == "mean"
    mean_scores = ae.negative_elbo(vae, x, samples=1)
    assert np.all(scores > 784 * 0.3)
    assert np.all(np.abs(scores - mean_scores) < 0.1 * scores)
    np.testing.assert_array_equal(scores, ae.negative_elbo(vae, x, samples=50, batch_size=4))
    vae(x)  # the model's own noise moves on; the scores do not
    np.testing.assert_array_equal(scores, ae.negative_elbo(vae, x, samples=50, batch_size=4))
    assert not np.array_equal(scores, ae.negative_elbo(vae, x, samples=50, seed=1))
    with pytest.raises(ValueError, match="samples"):
        ae.negative_elbo(vae, x, samples=0)


SMALL = ae.VAEConfig(latent_dim=2, hidden=16, epochs=1, batch_size=512)


def test_trained_serves_a_vae_from_the_one_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("AE_TUTORIAL_CACHE", str(tmp_path))
    first = ae.trained(SMALL, verbose=False)
    assert not first.from_cache
    assert isinstance(first.model, ae.VAE)
    assert first.model.config == SMALL
    assert set(first.history) == {"loss", "reconstruction", "kl"}
    h = first.history  # epoch means of the terms add up to the loss's, up to their averaging
    np.testing.assert_allclose(np.add(h["reconstruction"], h["kl"]), h["loss"], rtol=1e-2)
    [entry] = ae.cache.entries(tmp_path)  # listed beside the original's entries
    assert entry.current
    assert entry.meta["kind"] == "vae"
    assert entry.meta["config"] == SMALL.to_dict()
    again = ae.trained(SMALL, verbose=False)
    assert again.from_cache
    assert again.history == first.history
    for a, b in zip(again.model.get_weights(), first.model.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)
    assert not ae.trained(dataclasses.replace(SMALL, seed=1), verbose=False).from_cache
    assert len(ae.cache.entries(tmp_path)) == 2


def test_a_held_out_digit_is_left_out_of_the_training(tmp_path, monkeypatch):
    monkeypatch.setenv("AE_TUTORIAL_CACHE", str(tmp_path))
    seen = []
    monkeypatch.setattr(
        vae_module, "train_vae", lambda model, images, config, verbose: seen.append(images) or {}
    )
    ae.trained(dataclasses.replace(SMALL, held_out_digit=2), verbose=False, cache=False)
    train = ae.read_data_sets(seed=0).train
    np.testing.assert_array_equal(seen[0], train.images[train.labels != 2])


def test_training_a_vae_leaves_the_global_generators_as_they_were(tmp_path, monkeypatch):
    import random

    import keras

    monkeypatch.setenv("AE_TUTORIAL_CACHE", str(tmp_path))

    def draws():
        return (
            np.random.rand(),
            random.random(),
            float(tf.random.uniform([])),
            float(keras.random.uniform([])),
        )

    keras.utils.set_random_seed(5)
    expected = draws(), draws()
    keras.utils.set_random_seed(5)
    assert draws() == expected[0]
    ae.trained(SMALL, verbose=False)  # a miss: fit shuffles under global_seed(seed)
    assert draws() == expected[1]


@pytest.mark.cpu_bits
def test_training_a_vae_repeats_bit_for_bit(tmp_path, monkeypatch):
    monkeypatch.setenv("AE_TUTORIAL_CACHE", str(tmp_path))
    np.random.seed(1)  # the caller's generators do not matter
    first = ae.trained(SMALL, verbose=False, cache=False)
    np.random.seed(2)
    again = ae.trained(SMALL, verbose=False, cache=False)
    assert again.history == first.history
    for a, b in zip(again.model.get_weights(), first.model.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)
    assert not list(tmp_path.glob("*.npz"))  # cache=False stores nothing


# The same script on each backend, in a fresh process (the backend is fixed at import).
BACKEND_SCRIPT = textwrap.dedent(
    """
    import json
    import keras
    import ae_tutorial as ae

    config = ae.VAEConfig(latent_dim=2, hidden=64, epochs=4, batch_size=1024)
    result = ae.trained(config, verbose=False, cache=False)
    print(json.dumps({"backend": keras.backend.backend(), **result.history}))
    """
)


@pytest.mark.slow
@pytest.mark.real_mnist  # its process reads MNIST itself
@pytest.mark.parametrize("backend", ["tensorflow", "jax"])
def test_trains_on_each_backend(backend, run_on_backend):
    result = run_on_backend(BACKEND_SCRIPT, backend)
    for key in ("loss", "reconstruction", "kl"):
        assert np.all(np.isfinite(result[key])), (key, result[key])
    loss = np.array(result["loss"])
    assert loss[-1] < 0.8 * loss[0], loss  # it learns (not: every epoch)
    assert loss[-1] < 250, loss


BAD_IMAGES = [
    (np.full((4, 784), 255, np.uint8), "float tensor of pixels in"),  # uint8, unscaled
    (np.full((4, 784), -0.5, np.float32), r"values from -0.5 to -0.5; pixels must be in \[0, 1\]"),
    (np.full((4, 784), np.nan, np.float32), "NaN or infinite"),
    (np.zeros((0, 784), np.float32), "at least one image"),
    (np.zeros((4, 100), np.float32), r"shape \(batch, 784\)"),
]


@pytest.mark.parametrize(("images", "message"), BAD_IMAGES)
def test_vae_functions_refuse_bad_images_by_name(images, message):
    model = vae_module.VAE(latent_dim=2)
    for call in (
        lambda: vae_module.vae_predict(model, images),
        lambda: vae_module.negative_elbo(model, images, samples=1),
    ):
        with pytest.raises(ValueError, match=message):
            call()


@pytest.mark.parametrize("batch_size", [0, -3, 2.5])
def test_vae_functions_refuse_a_bad_batch_size(batch_size):
    model, images = vae_module.VAE(latent_dim=2), _images(4)
    for call in (vae_module.vae_predict, vae_module.negative_elbo):
        with pytest.raises(ValueError, match="batch_size must be a positive integer"):
            call(model, images, batch_size=batch_size)


def test_train_vae_refuses_unscaled_images():
    model = vae_module.build_vae(SMALL)
    with pytest.raises(ValueError, match="float tensor of pixels in"):
        vae_module.train_vae(model, np.full((8, 784), 255, np.uint8), SMALL)


@pytest.mark.cpu_bits
def test_a_damaged_or_misnamed_vae_entry_is_retrained(tmp_path, monkeypatch):
    monkeypatch.setenv("AE_TUTORIAL_CACHE", str(tmp_path))
    first = ae.trained(SMALL, verbose=False)
    [path] = tmp_path.glob("*.npz")
    path.write_bytes(path.read_bytes()[:-50])  # truncated: its digest no longer matches
    with pytest.warns(UserWarning, match="is damaged"):
        again = ae.trained(SMALL, verbose=False)
    assert not again.from_cache
    assert again.history == first.history  # retrained to the same bits
    other_config = dataclasses.replace(SMALL, hidden=8)
    other = ae.trained(other_config, verbose=False)
    [other_path] = set(tmp_path.glob("*.npz")) - {path}
    other_path.write_bytes(path.read_bytes())  # another entry's file under this name
    with pytest.warns(UserWarning, match="records another configuration"):
        assert not ae.trained(other_config, verbose=False).from_cache
    assert other.history


def test_a_vae_entry_with_a_nan_weight_is_not_used(tmp_path, monkeypatch):
    from ae_tutorial.npz import load_npz, save_npz

    monkeypatch.setenv("AE_TUTORIAL_CACHE", str(tmp_path))
    ae.trained(SMALL, verbose=False)
    [path] = tmp_path.glob("*.npz")
    arrays = {k: v for k, v in load_npz(path).items() if k != "sha256"}
    arrays["weight_0"] = np.full_like(arrays["weight_0"], np.nan)
    save_npz(path, arrays)  # a verified file, but a NaN weight
    with pytest.warns(UserWarning, match="a weight is not finite"):
        assert not ae.trained(SMALL, verbose=False).from_cache
