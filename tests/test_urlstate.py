"""server.urlstate: TFP's hash rules, our extra keys, JS number semantics, and hash round trips."""
from __future__ import annotations

import random

import pytest

from engine.activations import ACTIVATIONS
from engine.datasets import DATASETS, PROBLEMS
from engine.features import FEATURE_ORDER
from engine.config import ORDERS
from engine.network import INITS, REGULARIZATIONS
from engine.optimizers import OPTIMIZERS
from engine.outputs import LOSSES, OUTPUTS
from server.schemas import Config, View
from server.urlstate import KEYS, MID_PHASES, ParsedHash, choice, format_hash, parse_hash

TFP_LINK_XOR = (
    "activation=linear&regularization=L1&batchSize=10&dataset=xor&regDataset=reg-plane&learningRate=0.03"
    "&regularizationRate=0.01&noise=20&networkShape=&seed=0.64177&showTestData=false&discretize=true"
    "&percTrainData=50&x=true&y=true&xTimesY=false&xSquared=false&ySquared=false&cosX=false&sinX=false"
    "&cosY=false&sinY=false&collectStats=false&problem=classification&initZero=false&hideText=false"
)
TFP_LINK_REGRESSION = (
    "activation=tanh&batchSize=10&dataset=circle&regDataset=reg-plane&learningRate=0.03&regularizationRate=0"
    "&noise=25&networkShape=&seed=0.27079&showTestData=false&discretize=false&percTrainData=50&x=true&y=true"
    "&xTimesY=false&xSquared=false&ySquared=false&cosX=false&sinX=false&cosY=false&sinY=false"
    "&collectStats=false&problem=regression&initZero=false&hideText=false&problem_hide=true"
)

# What TFP itself runs for a hash that mentions nothing we care about.
TFP_ALGORITHM = {
    "problem": "classification", "dataset": "circle", "num_samples": 500, "noise": 0.0, "train_percent": 50.0,
    "features": ["x", "y"], "hidden_layers": [4, 2], "activation": "tanh", "output": "tanh", "loss": "half_mse",
    "optimizer": "sgd", "learning_rate": 0.03, "regularization": "none", "regularization_rate": 0.0,
    "batch_size": 10, "init": "uniform", "order": "fixed",
}


def full(config: dict) -> dict:
    return Config.model_validate(config).model_dump()


def parsed(fragment: str) -> ParsedHash:
    """Parse and check the one invariant of every result: the config validates."""
    result = parse_hash(fragment)
    Config.model_validate(result.config)
    View.model_validate(result.view)
    return result


# The two real TFP links of issue 3 ----------------------------------------------------------------------


def test_tfp_xor_link_opens_as_tfp_would():
    result = parsed(TFP_LINK_XOR)
    expected = dict(TFP_ALGORITHM, dataset="xor", activation="linear", regularization="L1",
                    regularization_rate=0.01, noise=20.0, hidden_layers=[], seed="0.64177")
    assert result.config == expected
    assert result.view == {"show_test_data": False, "discretize": True, "hide_text": False, "hidden": []}
    assert (result.step, result.resets, result.ignored) == (0, 0, [])


def test_tfp_regression_link_opens_as_tfp_would():
    result = parsed(TFP_LINK_REGRESSION)
    expected = dict(TFP_ALGORITHM, problem="regression", dataset="reg-plane", num_samples=1200, noise=25.0,
                    hidden_layers=[], output="linear", seed="0.27079")
    assert result.config == expected
    assert result.view["hidden"] == ["problem"]
    assert result.ignored == []


@pytest.mark.parametrize("link", [TFP_LINK_XOR, TFP_LINK_REGRESSION])
def test_our_hash_of_a_tfp_link_starts_with_that_link(link):
    """TFP's keys come first, in TFP's order and spelling, so our share link pastes back into TFP."""
    result = parse_hash(link)
    ours = format_hash(result.config, result.view)
    assert ours.startswith(link.replace("&problem_hide=true", "") + "&optimizer=")
    assert ours.endswith("&problem_hide=true") == link.endswith("&problem_hide=true")


# TFP's parse rules, one table per rule -------------------------------------------------------------------


def test_empty_hash_is_an_empty_config():
    for fragment in ("", "#", " "):
        result = parse_hash(fragment)
        assert result.config == {} and result.view == View().model_dump()
        assert (result.step, result.resets, result.ignored) == (0, 0, [])


@pytest.mark.parametrize("fragment", ["tutorial=x", "unknown=1", "&", "step=3", "hideText=true"])
def test_any_non_empty_hash_opens_with_tfps_algorithm(fragment):
    config = parsed(fragment).config
    assert {k: config[k] for k in TFP_ALGORITHM} == TFP_ALGORITHM
    assert "seed" not in config  # the server draws one, as TFP's Math.random().toFixed(5)


def test_leading_hash_is_optional():
    assert parse_hash("#" + TFP_LINK_XOR) == parse_hash(TFP_LINK_XOR)


@pytest.mark.parametrize("value, expected", [
    ("true", True), ("false", False), ("0", True), ("no", True), ("False", True), ("1", True),
    (" false", True), ("", False), ("  ", False),
])
def test_boolean_is_true_unless_exactly_false(value, expected):
    assert parsed(f"showTestData={value}").view["show_test_data"] is expected
    assert parsed(f"sinX={value}").config["features"] == (["x", "y", "sinX"] if expected else ["x", "y"])


@pytest.mark.parametrize("value, expected", [("false", ["y"]), ("", ["x", "y"]), ("0", ["x", "y"])])
def test_default_true_feature(value, expected):
    assert parsed(f"x={value}").config["features"] == expected


@pytest.mark.parametrize("key, value, field, default", [
    ("activation", "softplus", "activation", "tanh"),
    ("activation", "Tanh", "activation", "tanh"),
    ("activation", "relu ", "activation", "tanh"),
    ("regularization", "L3", "regularization", "none"),
    ("dataset", "moon", "dataset", "circle"),
    ("problem", "Regression", "problem", "classification"),
    ("optimizer", "adagrad", "optimizer", "sgd"),
    ("init", "orthogonal", "init", "uniform"),
    ("order", "random", "order", "fixed"),
])
def test_unknown_enum_keeps_the_default(key, value, field, default):
    result = parsed(f"{key}={value}")
    assert result.config[field] == default
    assert any(entry.startswith(f"{key}={value}") for entry in result.ignored)


def test_tfp_hidden_regression_datasets_fall_back():
    result = parsed("problem=regression&regDataset=reg-maximum")
    assert result.config["dataset"] == "reg-plane"
    assert any(entry.startswith("regDataset=reg-maximum") for entry in result.ignored)


@pytest.mark.parametrize("fragment, expected", [
    ("networkShape=", []),
    ("networkShape=%20", []),  # TFP does not decode: Number("%20") is NaN, dropped
    ("networkShape= ", []),
    ("networkShape=4,2", [4, 2]),
    ("networkShape=8,8,8,8,8,8,8,8,8,8", [8] * 10),
    ("networkShape=8,abc,3", [8, 3]),
    ("networkShape=3,0,-1,2", [3, 2]),
    ("networkShape=4,,2", [4, 2]),
    ("networkShape=2.5", [3]),
    ("networkShape=0x10", [16]),
    ("networkShape=Infinity,1", [1]),
    ("networkShape", [4, 2]),
    ("x=true", [4, 2]),
])
def test_network_shape(fragment, expected):
    assert parsed(fragment).config["hidden_layers"] == expected


def test_regularization_absent_means_none_even_with_a_rate():
    config = parsed("regularizationRate=0.3").config
    assert config["regularization"] == "none" and config["regularization_rate"] == 0.3
    assert parsed("regularization=L2&regularizationRate=0.3").config["regularization"] == "L2"
    assert parsed("regularization=none").config["regularization"] == "none"


@pytest.mark.parametrize("fragment, features, hidden", [
    ("x=true&x_hide=true", ["y"], ["x"]),
    ("xSquared=true&xSquared_hide=true&y_hide=true", ["x"], ["xSquared", "y"]),
    ("x_hide=false", ["x", "y"], []),
    ("x_hide=yes", ["x", "y"], []),
    ("x_hide=TRUE", ["x", "y"], []),
    ("x_hide=1", ["x", "y"], []),
    ("x_hide=true&y_hide=true", ["x", "y"], ["x", "y"]),  # none left: the default pair, noted
])
def test_hidden_input_feature_is_removed(fragment, features, hidden):
    result = parsed(fragment)
    assert result.config["features"] == features
    assert result.view["hidden"] == hidden


def test_hide_flags_keep_order_and_drop_bad_names():
    result = parsed("noise_hide=true&problem_hide=true&noise_hide=true&_hide=true&a%3Cb_hide=true")
    assert result.view["hidden"] == ["noise", "problem"]
    assert len([e for e in result.ignored if "bad control name" in e]) == 2


@pytest.mark.parametrize("value, expected", [
    ("90", 50.0), ("81", 50.0), ("80", 80.0), ("80.5", 50.0), ("25", 25.0), ("-5", 0.0),
    ("abc", 0.0), ("Infinity", 50.0), ("1e1", 10.0), ("", 0.0),
])
def test_noise(value, expected):
    assert parsed(f"noise={value}").config["noise"] == expected


@pytest.mark.parametrize("key, value, field, expected", [
    ("percTrainData", "5", "train_percent", 10.0),
    ("percTrainData", "95", "train_percent", 90.0),
    ("percTrainData", "70", "train_percent", 70.0),
    ("batchSize", "0", "batch_size", 1),
    ("batchSize", "-3", "batch_size", 1),
    ("batchSize", "2.5", "batch_size", 3),
    ("batchSize", "30", "batch_size", 30),
    ("batchSize", "Infinity", "batch_size", 10),
    ("batchSize", "ten", "batch_size", 10),
    ("learningRate", "0", "learning_rate", 0.03),
    ("learningRate", "-1", "learning_rate", 0.03),
    ("learningRate", "1e-3", "learning_rate", 0.001),
    ("learningRate", ".3", "learning_rate", 0.3),
    ("learningRate", "abc", "learning_rate", 0.03),
    ("learningRate", "1e9", "learning_rate", 100.0),
    ("learningRate", " 3 ", "learning_rate", 3.0),
    ("regularizationRate", "-0.1", "regularization_rate", 0.0),
    ("regularizationRate", "0x10", "regularization_rate", 16.0),
    ("samples", "9", "num_samples", 10),
    ("samples", "1000", "num_samples", 1000),
])
def test_numbers(key, value, field, expected):
    config = parsed(f"{key}={value}").config
    assert config[field] == expected and type(config[field]) is type(expected)


@pytest.mark.parametrize("fragment", ["learningRate=abc", "noise=90", "batchSize=2.5", "bogus=1", "x=",
                                      "tutorial=neurons", "networkShape=3,a"])
def test_dropped_or_adjusted_values_are_reported(fragment):
    key = fragment.split("=")[0]
    assert [e for e in parsed(fragment).ignored if e.startswith(key)]


def test_silent_tfp_keys_are_not_reported():
    assert parsed("cosX=true&cosY=&collectStats=true").ignored == []
    assert parsed("cosX=true").config["features"] == ["x", "y"]


def test_unknown_keys_are_dropped():
    result = parsed("foo=bar&activation=relu&Activation=sigmoid&=5")
    assert result.config["activation"] == "relu"
    assert sorted(e.split(" ")[0] for e in result.ignored) == ["Activation=sigmoid", "foo=bar"]


def test_duplicates_last_wins():
    assert parsed("activation=relu&activation=sigmoid").config["activation"] == "sigmoid"
    assert parsed("noise=10&noise=").config["noise"] == 0.0  # the later, empty one wins: ignored
    assert parsed("networkShape=&networkShape=3").config["hidden_layers"] == [3]


def test_extra_equals_signs_cut_the_value_like_js_split():
    assert parsed("activation=relu=x").config["activation"] == "relu"


@pytest.mark.parametrize("raw, seed", [
    ("0.64177", "0.64177"), ("0.10", "0.10"), ("abc", "abc"), ("a%20b", "a b"), ("%41%", "A%"),
    ("%zz", "%zz"), ("%ff", "%ff"),
])
def test_seed_is_a_string(raw, seed):
    assert parsed(f"seed={raw}").config["seed"] == seed


def test_seed_absent_empty_or_too_long_is_left_to_the_server():
    for fragment in ("x=true", "seed=", "seed=" + "9" * 65):
        assert "seed" not in parsed(fragment).config


# Our keys -----------------------------------------------------------------------------------------------


def test_our_keys_add_to_tfp():
    result = parsed("optimizer=adam&beta1=0.8&beta2=0.99&eps=1e-6&output=sigmoid&loss=cross_entropy"
                    "&init=he&order=shuffle&samples=300&activation=leaky_relu&momentum=0.5&alpha=0.9"
                    "&step=120&resets=2")
    assert {k: result.config[k] for k in ("optimizer", "beta1", "beta2", "eps", "output", "loss", "init",
                                          "order", "num_samples", "activation", "momentum", "alpha")} == {
        "optimizer": "adam", "beta1": 0.8, "beta2": 0.99, "eps": 1e-6, "output": "sigmoid",
        "loss": "cross_entropy", "init": "he", "order": "shuffle", "num_samples": 300,
        "activation": "leaky_relu", "momentum": 0.5, "alpha": 0.9}
    assert (result.step, result.resets, result.ignored) == (120, 2, [])


@pytest.mark.parametrize("key, value", [("momentum", "1"), ("beta2", "-0.1"), ("eps", "0"), ("eps", "2"),
                                        ("alpha", "x")])
def test_bad_optimizer_constants_are_left_out(key, value):
    result = parsed(f"{key}={value}")
    assert key not in result.config and result.ignored


@pytest.mark.parametrize("value, expected", [("5", 5), ("1e3", 1000), ("0", 0), ("-1", 0), ("2.5", 0),
                                             ("x", 0), ("Infinity", 0)])
def test_step_and_resets(value, expected):
    result = parsed(f"step={value}&resets={value}")
    assert (result.step, result.resets) == (expected, expected)


@pytest.mark.parametrize("fragment, init", [
    ("initZero=true", "zeros"), ("initZero=false", "uniform"), ("initZero=true&init=he", "he"),
    ("init=xavier", "xavier"),
])
def test_init(fragment, init):
    assert parsed(fragment).config["init"] == init


@pytest.mark.parametrize("fragment, output, loss, noted", [
    ("dataset=spiral3", "softmax", "cross_entropy", None),
    ("dataset=spiral3&loss=mse", "softmax", "mse", None),
    ("dataset=spiral3&output=tanh", "softmax", "cross_entropy", "output"),
    ("loss=cross_entropy", "sigmoid", "cross_entropy", None),
    ("output=softmax", "softmax", "half_mse", None),
    ("output=tanh&loss=cross_entropy", "tanh", "half_mse", "loss"),
    ("output=linear", "tanh", "half_mse", "output"),
    ("problem=regression&output=sigmoid", "linear", "half_mse", "output"),
    ("problem=regression&loss=cross_entropy", "linear", "half_mse", "loss"),
    ("problem=regression&loss=mae", "linear", "mae", None),
])
def test_output_head_falls_back_to_a_valid_one(fragment, output, loss, noted):
    result = parsed(fragment)
    assert (result.config["output"], result.config["loss"]) == (output, loss)
    assert [e.split("=")[0] for e in result.ignored] == ([noted] if noted else [])


@pytest.mark.parametrize("fragment, dataset", [
    ("dataset=moons", "moons"), ("dataset=spiral3", "spiral3"), ("dataset=reg-gauss", "circle"),
    ("problem=regression&regDataset=reg-gauss", "reg-gauss"),
    ("problem=regression&dataset=xor", "reg-plane"),  # dataset is the classification key
    ("regDataset=reg-gauss&dataset=gauss", "gauss"),
])
def test_dataset_key_follows_the_problem(fragment, dataset):
    assert parsed(fragment).config["dataset"] == dataset


@pytest.mark.parametrize("fragment, points, output", [
    ("dataset=custom&points=1,2,1;-3.5,0.25,0", [(1.0, 2.0, 1.0), (-3.5, 0.25, 0.0)], "tanh"),
    ("dataset=custom&points=1,2,1;0,0,2", [(1.0, 2.0, 1.0), (0.0, 0.0, 2.0)], "softmax"),
    ("dataset=custom&points=1,2,1;7,0,0;1,1;a,1,0;1,1,0.5;1,1,3;;2,2,0;", [(1.0, 2.0, 1.0), (2.0, 2.0, 0.0)],
     "tanh"),
    ("problem=regression&regDataset=custom&points=1,2,0.75;-6,6,-3", [(1.0, 2.0, 0.75), (-6.0, 6.0, -3.0)],
     "linear"),
])
def test_custom_points(fragment, points, output):
    config = parsed(fragment).config
    assert config["dataset"] == "custom"
    assert config["points"] == points and config["output"] == output


@pytest.mark.parametrize("fragment, dataset", [
    ("dataset=custom", "circle"), ("dataset=custom&points=", "circle"), ("dataset=custom&points=9,9,1", "circle"),
    ("dataset=xor&points=1,1,1", "xor"), ("problem=regression&regDataset=custom&points=x", "reg-plane"),
])
def test_custom_without_usable_points_falls_back(fragment, dataset):
    result = parsed(fragment)
    assert result.config["dataset"] == dataset and "points" not in result.config
    assert any(e.startswith("points") for e in result.ignored)


def test_garbage_never_breaks_the_config():
    rng = random.Random(7)
    keys = ["activation", "dataset", "regDataset", "problem", "output", "loss", "networkShape", "noise",
            "batchSize", "learningRate", "x", "y", "sinX", "points", "init", "initZero", "seed", "samples",
            "eps", "momentum", "x_hide", "y_hide", "regularization", "step", "order", "optimizer"]
    values = ["", "true", "false", "-1", "0", "1e400", "NaN", "custom", "spiral3", "softmax", "cross_entropy",
              "regression", "1,2,2", "0,0,1;1,1,0", "9,,x", "linear", "tanh", "%", "zeros", "0.5", "=="]
    for _ in range(500):
        fragment = "&".join(f"{rng.choice(keys)}={rng.choice(values)}" for _ in range(rng.randint(1, 8)))
        result = parsed(fragment)
        # The table's own rules dealt with every bad value: the last-resort safety net never had to drop one.
        assert not [note for note in result.ignored if "(rejected by Config)" in note], fragment


def test_the_safety_net_drops_what_config_still_rejects():
    # The net's own check: were a row's rule to let a bad value through, the net drops it and says so.
    from server import urlstate
    reader = urlstate._Reader("")
    config = {"learning_rate": -1.0, "activation": "tanh"}
    assert urlstate._validated(config, reader) == {"activation": "tanh"}
    assert list(reader.notes.values()) == ["learning_rate (rejected by Config)"]


# Formatting ---------------------------------------------------------------------------------------------


def test_key_order_is_tfps_then_ours_then_hide_flags():
    config = {"dataset": "custom", "points": [[1, 1, 1], [0, 0, 0]], "regularization": "L2", "seed": "s"}
    hash_ = format_hash(config, {"hidden": ["noise"]}, step=5, resets=1)
    assert [pair.split("=")[0] for pair in hash_.split("&")] == [
        "activation", "regularization", "batchSize", "dataset", "regDataset", "learningRate",
        "regularizationRate", "noise", "networkShape", "seed", "showTestData", "discretize", "percTrainData",
        "x", "y", "xTimesY", "xSquared", "ySquared", "cosX", "sinX", "cosY", "sinY", "collectStats", "problem",
        "initZero", "hideText", "optimizer", "loss", "output", "init", "order", "samples", "momentum", "beta1",
        "beta2", "alpha", "eps", "points", "resets", "step", "noise_hide"]
    assert "&points=1,1,1;0,0,0&" in hash_


@pytest.mark.parametrize("config, expected", [
    ({}, "activation=tanh&batchSize=10&dataset=circle&regDataset=reg-plane&learningRate=0.1"),
    ({"problem": "regression", "dataset": "reg-gauss"}, "dataset=circle&regDataset=reg-gauss&"),
    ({"init": "zeros"}, "&initZero=true&"),
    ({"eps": 1e-8}, "&eps=1e-8"),
    ({"learning_rate": 1e-7}, "&learningRate=1e-7&"),
    ({"noise": 20}, "&noise=20&"),
    ({"hidden_layers": []}, "&networkShape=&"),
    ({"seed": "a b&c=d#e%"}, "&seed=a%20b%26c%3Dd%23e%25&"),
    ({"features": ["sinY", "x"]}, "&x=true&y=false&xTimesY=false&xSquared=false&ySquared=false&cosX=false"
                                  "&sinX=false&cosY=false&sinY=true&"),
])
def test_format_writes_as_tfp_does(config, expected):
    hash_ = format_hash(config, {})
    assert expected in hash_
    assert "&regularization=" not in hash_  # "none" is left out, as TFP does
    assert "step=" not in hash_ and "resets=" not in hash_
    assert ("&seed=" in hash_) == ("seed" in config)


# Round trips --------------------------------------------------------------------------------------------


ROUND_TRIP_TABLE = [
    ({}, {}, 0, 0),
    ({"seed": "0.64177"}, {"discretize": True}, 0, 0),
    ({"problem": "regression", "dataset": "reg-gauss", "seed": "x"}, {"hidden": ["problem"]}, 10, 0),
    ({"dataset": "spiral3", "hidden_layers": [8, 8, 8], "optimizer": "adam", "seed": "1"}, {}, 0, 3),
    ({"dataset": "custom", "points": [[0.1, -5.999, 1], [3, 3, 0], [1e-7, 0, 2]], "output": "softmax",
      "seed": "p"}, {}, 1, 1),
    ({"problem": "regression", "dataset": "custom", "points": [[0, 0, 0.1 + 0.2]], "seed": "r"}, {}, 0, 0),
    ({"init": "zeros", "regularization": "L1", "regularization_rate": 0.003, "hidden_layers": []},
     {"hide_text": True, "show_test_data": True, "hidden": ["learningRate", "sinX"]}, 0, 0),
    ({"features": ["y", "sinX"], "output": "tanh", "loss": "mae", "order": "shuffle", "seed": "a b&c=d#%"},
     {}, 0, 0),
    ({"learning_rate": 1e-7, "eps": 1e-12, "noise": 80, "train_percent": 10, "num_samples": 10,
      "batch_size": 1, "seed": " "}, {}, 0, 0),
]


def assert_round_trip(config: dict, view: dict, step: int, resets: int) -> None:
    hash_ = format_hash(config, view, step, resets)
    result = parse_hash(hash_)
    assert full(result.config) == full(config), hash_
    assert result.view == View.model_validate(view).model_dump(), hash_
    assert (result.step, result.resets, result.ignored) == (step, resets, []), hash_
    assert format_hash(result.config, result.view, result.step, result.resets) == hash_


@pytest.mark.parametrize("config, view, step, resets", ROUND_TRIP_TABLE)
def test_round_trip_table(config, view, step, resets):
    assert_round_trip(config, view, step, resets)


def random_config(rng: random.Random) -> dict:
    problem = rng.choice(["classification", "regression"])
    names = [n for n, d in DATASETS.items() if d.problem == problem] + ["custom"]
    config = {"problem": problem, "dataset": rng.choice(names)}
    num_classes = 0 if problem == "regression" else DATASETS.get(config["dataset"], DATASETS["circle"]).num_classes
    if config["dataset"] == "custom":
        num_classes = 0 if problem == "regression" else rng.choice([2, 3])
        config["points"] = [
            (rng.uniform(-6, 6), round(rng.uniform(-6, 6), rng.randint(0, 3)),
             rng.uniform(-3, 3) if problem == "regression" else rng.randrange(num_classes))
            for _ in range(rng.randint(1, 20))]
    outputs = [o for o, head in OUTPUTS.items() if problem in head.problems and (num_classes < 3 or o == "softmax")]
    config["output"] = rng.choice(outputs)
    config["loss"] = rng.choice([n for n in LOSSES
                                 if n != "cross_entropy" or config["output"] in ("sigmoid", "softmax")])
    config.update(
        num_samples=rng.randint(10, 5000), noise=rng.choice([0.0, 25.0, rng.uniform(0, 80)]),
        train_percent=rng.uniform(10, 90), features=rng.sample(FEATURE_ORDER, rng.randint(1, 7)),
        hidden_layers=[rng.randint(1, 32) for _ in range(rng.randint(0, 6))],
        activation=rng.choice(list(ACTIVATIONS)), optimizer=rng.choice(list(OPTIMIZERS)),
        learning_rate=rng.choice([0.03, 10 ** rng.uniform(-6, 2)]), momentum=rng.uniform(0, 0.999),
        beta1=rng.uniform(0, 0.999), beta2=rng.uniform(0, 0.9999), alpha=rng.uniform(0, 0.999),
        eps=10 ** rng.uniform(-12, 0), regularization=rng.choice(list(REGULARIZATIONS)),
        regularization_rate=rng.choice([0.0, 0.001, rng.uniform(0, 10)]), batch_size=rng.randint(1, 1000),
        init=rng.choice(list(INITS)), order=rng.choice(list(ORDERS)),
        seed=rng.choice([None, f"{rng.random():.5f}", "".join(rng.choice("az09 &=#%+;,?é/")
                                                                 for _ in range(rng.randint(1, 64)))]),
    )
    return config


def random_view(rng: random.Random, features: list[str]) -> dict:
    controls = ["problem", "noise", "learningRate", "dataset", "playButton", "numHiddenLayers", *FEATURE_ORDER]
    hidden = [c for c in rng.sample(controls, rng.randint(0, 5)) if c not in features]
    return {"show_test_data": rng.random() < 0.5, "discretize": rng.random() < 0.5,
            "hide_text": rng.random() < 0.5, "hidden": hidden}


@pytest.mark.parametrize("draw", range(200))
def test_round_trip_random(draw):
    rng = random.Random(1000 + draw)
    config = random_config(rng)
    view = random_view(rng, Config.model_validate(config).features)
    assert_round_trip(config, view, rng.choice([0, rng.randint(1, 10**6)]), rng.choice([0, rng.randint(1, 9)]))


def test_random_configs_cover_the_registries():
    drawn = [random_config(random.Random(1000 + draw)) for draw in range(200)]
    for field, registry in [("dataset", [*DATASETS, "custom"]), ("output", OUTPUTS), ("loss", LOSSES),
                            ("optimizer", OPTIMIZERS), ("activation", ACTIVATIONS), ("init", INITS),
                            ("regularization", REGULARIZATIONS), ("order", ORDERS)]:
        assert {c[field] for c in drawn} == set(registry), field


@pytest.mark.parametrize("config, view, field, parsed_value", [
    ({"features": ["x", "y"]}, {"hidden": ["x"]}, "features", ["y"]),  # TFP removes a hidden input
])
def test_what_the_share_url_cannot_carry(config, view, field, parsed_value):
    assert parse_hash(format_hash(config, view)).config[field] == parsed_value


# The table --------------------------------------------------------------------------------------------

CHOICE_REGISTRIES = {"activation": ACTIVATIONS, "regularization": REGULARIZATIONS, "problem": PROBLEMS,
                     "optimizer": OPTIMIZERS, "loss": LOSSES, "output": OUTPUTS, "init": INITS, "order": ORDERS,
                     "phase": MID_PHASES}


def test_every_choice_key_reads_its_registry():
    choices = {k.name: k.rule for k in KEYS.values() if k.read is choice and k.name not in ("dataset", "regDataset")}
    assert choices == CHOICE_REGISTRIES


@pytest.mark.parametrize("key, registry", CHOICE_REGISTRIES.items())
def test_every_registry_entry_survives_the_url(key, registry):
    for name in registry:
        fits = "problem=regression&" if key == "output" and "regression" in OUTPUTS[name].problems else ""
        result = parsed(f"{fits}{key}={name}")
        assert not [e for e in result.ignored if e.startswith(f"{key}=")], (key, name, result.ignored)


def test_every_config_field_has_a_key():
    fields = {k.field for k in KEYS.values() if k.field} | {"dataset", "points", "features"}
    assert {f for f in Config.model_fields} <= fields
    assert {f"view.{f}" for f in View.model_fields if f != "hidden"} <= fields


def test_format_writes_keys_in_table_order():
    hash_ = format_hash({"dataset": "custom", "points": [[0, 0, 1]], "regularization": "L1", "seed": "s"}, {}, 3, 2,
                        "loss")
    written = [pair.split("=")[0] for pair in hash_.split("&")]
    assert written == [name for name in KEYS if name in written]
    assert set(KEYS) - set(written) == {"tutorial"}


@pytest.mark.parametrize("phase", MID_PHASES)
def test_a_phase_travels_with_the_replayed_steps(phase):
    text = format_hash({"dataset": "xor", "seed": "p"}, step=7, phase=phase)
    assert text.endswith(f"&step=7&phase={phase}")
    again = parse_hash(text)
    assert (again.step, again.phase, again.ignored) == (7, phase, [])
    assert parse_hash("dataset=xor&phase=update").ignored == ["phase=update (unknown value)"]
