import dataclasses

import pytest

from ae_tutorial import OriginalConfig


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
    "field, value",
    [("num_steps", 0), ("batch_size", -1), ("num_hidden_2", 2.5), ("learning_rate", 0.0)],
)
def test_bad_values_name_the_field(field, value):
    with pytest.raises(ValueError, match=field):
        OriginalConfig(**{field: value})


@pytest.mark.parametrize(
    "field, value",
    [("initializer", "he"), ("optimizer", "sgd"), ("noise", "salt"), ("noise_level", -0.1)],
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
