import dataclasses
import re

import pytest

import ae_tutorial as ae
from ae_tutorial import OriginalConfig, VAEConfig, config
from ae_tutorial.config import ALLOWED, CHOICES, MAX_SEED, MAX_STEPS, MAX_WIDTH, NEEDS, FieldError


def test_defaults_are_the_originals():
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
        ("activation", "softmax"),
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


def test_variants_default_to_the_original():
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
    for field in dataclasses.fields(OriginalConfig):
        for value in CHOICES.get(field.name, ()):
            extra = NEEDS.get(value, {}) if field.name == "architecture" else {}
            assert getattr(OriginalConfig(**{field.name: value, **extra}), field.name) == value
    for value in CHOICES["reduction"]:
        assert VAEConfig(reduction=value).reduction == value


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
            "num_input must be 784 for architecture 'conv', got 900",
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
    with pytest.raises(ValueError, match=r"OriginalConfig\.seed must be an integer in 0\.\."):
        OriginalConfig(seed=seed)


def test_a_numpy_seed_becomes_a_plain_int():
    import numpy as np

    assert type(OriginalConfig(seed=np.int64(3)).seed) is int


def test_one_table_holds_every_fields_allowed_values():
    """``ALLOWED`` has an entry for each field of the six configurations and no other; the
    string fields' choices and the VAE's reductions are its tuples."""
    classes = (OriginalConfig, VAEConfig, ae.SAEConfig, ae.ScoreConfig, ae.MAEConfig)
    classes += (ae.VQVAEConfig,)
    names = {f.name for cls in classes for f in dataclasses.fields(cls)}
    assert set(ALLOWED) == names
    assert CHOICES == {k: v for k, v in ALLOWED.items() if isinstance(v, tuple)}
    assert config.REDUCTIONS is CHOICES["reduction"] == ("sum", "mean")


@pytest.mark.parametrize(
    ("cls", "field", "value", "message"),
    [
        (OriginalConfig, "num_hidden_2", 10**12, "an integer in 1..10_000, got 1000000000000"),
        (OriginalConfig, "num_hidden_1", MAX_WIDTH + 1, "an integer in 1..10_000, got 10001"),
        (OriginalConfig, "num_input", 10**6, "an integer in 1..10_000"),
        (OriginalConfig, "num_steps", MAX_STEPS + 1, "an integer in 1..10_000_000"),
        (OriginalConfig, "display_step", 10**12, "an integer in 1..10_000_000"),
        (OriginalConfig, "seed", MAX_SEED + 1, "an integer in 0..4_294_967_295"),
        (OriginalConfig, "learning_rate", float("inf"), "a finite number > 0, got inf"),
        (OriginalConfig, "learning_rate", float("nan"), "a finite number > 0, got nan"),
        (OriginalConfig, "learning_rate", "0.01", "a finite number > 0, got '0.01'"),
        (OriginalConfig, "init_stddev", -1.0, "a finite number >= 0, got -1.0"),
        (OriginalConfig, "init_mean", float("nan"), "a finite number, got nan"),
        (OriginalConfig, "noise_level", float("inf"), "a finite number >= 0, got inf"),
        (OriginalConfig, "loss", 1, "one of ('mse', 'bce'), got 1"),
        (VAEConfig, "latent_dim", 10**12, "an integer in 1..10_000"),
        (VAEConfig, "hidden", 10**5, "an integer in 1..10_000"),
        (VAEConfig, "seed", 2**40, "an integer in 0..4_294_967_295"),
        (VAEConfig, "learning_rate", 0, "a finite number > 0, got 0"),
        (VAEConfig, "reduction", "max", "one of ('sum', 'mean'), got 'max'"),
        (VAEConfig, "held_out_digit", 10, "None or an integer in 0..9, got 10"),
        (VAEConfig, "held_out_digit", True, "None or an integer in 0..9, got True"),
    ],
)
def test_values_outside_the_table_are_refused_naming_field_and_value(cls, field, value, message):
    """Sizes that no machine could allocate (a code of 10^12 units) or that would take its
    memory (10^12 steps' history) are refused with the field's name, not by the allocator."""
    with pytest.raises(FieldError, match=f"^{cls.__name__}.{field} must be {re.escape(message)}"):
        cls(**{field: value})


def test_a_field_error_carries_the_field_and_the_reason():
    with pytest.raises(ValueError, match="num_steps") as caught:
        OriginalConfig(num_steps=0)
    assert isinstance(caught.value, FieldError)
    assert caught.value.field == "num_steps"
    assert caught.value.reason == "must be an integer in 1..10_000_000, got 0"


def test_the_bounds_themselves_are_accepted():
    limits = OriginalConfig(num_hidden_1=MAX_WIDTH, num_steps=MAX_STEPS, seed=MAX_SEED)
    assert (limits.num_hidden_1, limits.num_steps, limits.seed) == (MAX_WIDTH, MAX_STEPS, MAX_SEED)
    assert VAEConfig(latent_dim=MAX_WIDTH, held_out_digit=0).held_out_digit == 0


def test_numpy_floats_become_plain_floats():
    import json

    import numpy as np

    config = OriginalConfig(learning_rate=np.float64(0.02), noise_level=np.float32(0.5))
    assert type(config.learning_rate) is float
    assert type(config.noise_level) is float
    assert config == OriginalConfig(learning_rate=0.02, noise_level=0.5)
    json.dumps(config.to_dict())  # the cache key's JSON takes it
    assert type(VAEConfig(learning_rate=np.float32(0.5)).learning_rate) is float


def test_every_architecture_needs_what_the_table_says():
    """``NEEDS`` is the only statement of what a convolutional architecture needs: each of
    its fields, set otherwise, is refused, and the fields it names make a valid config."""
    assert set(NEEDS) == {"conv", "conv_wide", "deep"}
    for architecture, needs in NEEDS.items():
        assert OriginalConfig(architecture=architecture, **needs).architecture == architecture
        for field in needs:
            other = {"initializer": "normal", "num_input": 900}[field]
            with pytest.raises(FieldError, match=f"must be {needs[field]!r} for architecture"):
                OriginalConfig(**{"architecture": architecture, **needs, field: other})


def test_to_dict_is_unchanged():
    """The cache keys are digests of ``to_dict()``: the default's fields, in order, with
    their types."""
    assert list(OriginalConfig().to_dict().items()) == [
        ("learning_rate", 0.01),
        ("num_steps", 30000),
        ("batch_size", 256),
        ("display_step", 1000),
        ("examples_to_show", 10),
        ("num_hidden_1", 256),
        ("num_hidden_2", 128),
        ("num_input", 784),
        ("init_mean", 0.0),
        ("init_stddev", 1.0),
        ("seed", 0),
        ("initializer", "normal"),
        ("optimizer", "rmsprop"),
        ("noise", "none"),
        ("noise_level", 0.0),
        ("loss", "mse"),
        ("activation", "sigmoid"),
        ("architecture", "dense"),
    ]
    assert [type(v) for v in OriginalConfig().to_dict().values()] == [
        type(f.default) for f in dataclasses.fields(OriginalConfig)
    ]
