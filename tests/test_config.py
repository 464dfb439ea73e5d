import dataclasses

import pytest

from ae_tutorial import OriginalConfig
from ae_tutorial.config import CHOICES


def test_defaults_are_the_seed():
    c = OriginalConfig()
    assert (c.learning_rate, c.num_steps, c.batch_size, c.display_step) == (
        0.01,
        30_000,
        256,
        1_000,
    )
    assert (c.examples_to_show, c.num_hidden_1, c.num_hidden_2, c.num_input) == (10, 256, 128, 784)
    assert (c.init_mean, c.init_stddev) == (0.0, 1.0)


def test_frozen_and_comparable():
    c = OriginalConfig()
    with pytest.raises(dataclasses.FrozenInstanceError):
        c.learning_rate = 0.1
    assert dataclasses.replace(c, seed=3) == OriginalConfig(seed=3) != c
    assert c.to_dict()["batch_size"] == 256


@pytest.mark.parametrize(
    ("field", "value"),
    [("num_steps", 0), ("batch_size", -1), ("num_hidden_2", 2.5), ("learning_rate", 0.0)],
)
def test_bad_values_name_the_field(field, value):
    with pytest.raises(ValueError, match=field):
        OriginalConfig(**{field: value})


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("initializer", "he"),
        ("optimizer", "sgd"),
        ("noise", "salt"),
        ("noise_level", -0.1),
        ("loss", "mae"),
        ("activation", "tanh"),
        ("architecture", "rnn"),
    ],
)
def test_bad_variants_name_the_field(field, value):
    with pytest.raises(ValueError, match=field):
        OriginalConfig(**{field: value})


def test_mask_fraction_must_be_below_one():
    OriginalConfig(noise="gaussian", noise_level=1.5)
    with pytest.raises(ValueError, match="noise_level"):
        OriginalConfig(noise="mask", noise_level=1.0)


def test_variants_default_to_the_seed():
    c = OriginalConfig()
    assert (c.initializer, c.optimizer, c.noise, c.noise_level) == (
        "normal",
        "rmsprop",
        "none",
        0.0,
    )
    assert (c.loss, c.activation, c.architecture) == ("mse", "sigmoid", "dense")
    assert c.output_activation == "sigmoid"


def test_every_choice_is_accepted():
    for field, allowed in CHOICES.items():
        for value in allowed:
            extra = {"initializer": "glorot"} if value.startswith("conv") else {}
            assert getattr(OriginalConfig(**{field: value, **extra}), field) == value


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (dict(loss="bce", activation="linear"), r"loss 'bce' needs outputs in \(0, 1\)"),
        (dict(architecture="conv"), "initializer must be 'glorot' for architecture 'conv'"),
        (
            dict(architecture="conv_wide"),
            "initializer must be 'glorot' for architecture 'conv_wide'",
        ),
        (
            dict(architecture="conv", initializer="glorot", num_input=900),
            "num_input must be 784 .* for architecture 'conv', got 900",
        ),
    ],
)
def test_fields_that_do_not_go_together_name_the_field(fields, message):
    with pytest.raises(ValueError, match=f"^OriginalConfig.{message}"):
        OriginalConfig(**fields)


@pytest.mark.parametrize(
    ("fields", "output"),
    [
        (dict(activation="linear"), "linear"),  # the linear autoencoder: every layer linear
        (dict(activation="relu"), "sigmoid"),
        (dict(architecture="conv", initializer="glorot", activation="linear"), "sigmoid"),
    ],
)
def test_output_activation(fields, output):
    assert OriginalConfig(**fields).output_activation == output


def test_bce_suits_a_linear_conv_code_whose_output_is_still_sigmoid():
    config = OriginalConfig(architecture="conv", initializer="glorot", activation="linear")
    assert OriginalConfig(**{**config.to_dict(), "loss": "bce"}).loss == "bce"


def test_numpy_integers_become_plain_ints():
    import json

    import numpy as np

    config = OriginalConfig(num_steps=np.int64(5), batch_size=np.int32(8))
    assert type(config.num_steps) is int
    assert type(config.batch_size) is int
    assert config == OriginalConfig(num_steps=5, batch_size=8)
    json.dumps(config.to_dict())  # the cache key's JSON takes it


@pytest.mark.parametrize("seed", [-1, 1.5, True, "0"])
def test_a_bad_seed_is_refused_by_name(seed):
    with pytest.raises(ValueError, match=r"OriginalConfig\.seed must be an integer >= 0"):
        OriginalConfig(seed=seed)


def test_a_numpy_seed_becomes_a_plain_int():
    import numpy as np

    assert type(OriginalConfig(seed=np.int64(3)).seed) is int
