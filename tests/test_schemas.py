"""server.schemas: the wire models — defaults from the engine's config, problem-dependent choices,
consistency checks, and the State every trainer snapshot validates against."""
from __future__ import annotations

from dataclasses import asdict, fields

import pytest
from pydantic import ValidationError

from engine.config import TrainConfig
from engine.trainer import Trainer
from server import snapshot
from server.schemas import Config, ParameterEdit, State, View
from server.sessions import to_train_config


def test_config_fields_and_defaults_are_the_engines():
    assert set(Config.model_fields) == {f.name for f in fields(TrainConfig)}
    default = asdict(to_train_config(Config(seed="0")))
    assert default == asdict(TrainConfig(seed="0"))


@pytest.mark.parametrize("given, dataset, output, loss", [
    ({}, "circle", "sigmoid", "cross_entropy"),
    ({"problem": "regression"}, "reg-plane", "linear", "mse"),
    ({"dataset": "spiral3"}, "spiral3", "softmax", "cross_entropy"),
    ({"output": "tanh"}, "circle", "tanh", "mse"),
    ({"dataset": "custom", "points": [[0, 0, 0], [1, 1, 2]]}, "custom", "softmax", "cross_entropy"),
])
def test_absent_choices_suit_the_problem_and_data(given, dataset, output, loss):
    config = Config.model_validate(given)
    assert (config.dataset, config.output, config.loss) == (dataset, output, loss)


@pytest.mark.parametrize("given, field", [
    ({"problem": "regression", "dataset": "circle"}, "circle"),
    ({"dataset": "custom"}, "points"),
    ({"points": [[0, 0, 1]]}, "points"),
    ({"output": "linear", "loss": "cross_entropy"}, "cross_entropy"),
    ({"hidden_layers": [3, 0]}, "hidden_layers"),
    ({"learning_rate": 0}, "learning_rate"),
    ({"momentum": 1}, "momentum"),
    ({"activation": "swish"}, "activation"),
    ({"epochs": 3}, "epochs"),
])
def test_inconsistent_or_unknown_choices_are_refused_by_name(given, field):
    with pytest.raises(ValidationError) as error:
        Config.model_validate(given)
    assert field in str(error.value)


def test_features_take_tfps_node_order_without_duplicates():
    assert Config(features=["sinY", "x", "sinY", "y"]).features == ["x", "y", "sinY"]


def test_view_and_edit_refuse_what_they_do_not_know():
    with pytest.raises(ValidationError):
        View.model_validate({"show_test": True})
    with pytest.raises(ValidationError):
        ParameterEdit.model_validate({"layer": -1})


@pytest.mark.parametrize("phases", [0, 1, 2, 3, 4])
def test_every_phase_of_a_trainer_validates_as_a_state(phases):
    trainer = Trainer(TrainConfig(seed="wire", hidden_layers=(3,)))
    for _ in range(phases):
        trainer.advance_phase()
    state = State.model_validate(snapshot.state(trainer))
    assert state.phase == trainer.phase
    assert (state.layers[0].grad_weights is None) == (phases < 3)
    assert (state.layers[0].step_weights is None) == (phases < 4)
