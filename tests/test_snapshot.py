"""server.snapshot: a trainer as wire dictionaries — the numbers a learner reads are the trainer's own,
NaN and infinities travel as null, and the maps are quantised as docs/api.md says."""
from __future__ import annotations

import math

import numpy as np
import pytest

from engine.config import TrainConfig
from engine.trainer import PHASES, Trainer
from server import snapshot


def after_phases(count: int, **overrides) -> Trainer:
    trainer = Trainer(TrainConfig(seed="snap", hidden_layers=(3, 2), batch_size=5, **overrides))
    trainer.step(3)
    for _ in range(count):
        trainer.advance_phase()
    return trainer


def test_layers_carry_the_trainers_own_numbers():
    trainer = after_phases(4)
    layers = snapshot.state(trainer)["layers"]
    assert len(layers) == 3
    for l, layer in enumerate(layers):
        assert layer["weights"] == trainer.params[2 * l].tolist()
        assert layer["biases"] == trainer.params[2 * l + 1].tolist()
        assert layer["grad_weights"] == trainer.gradients.grads[2 * l].tolist()
        assert layer["step_weights"] == trainer.steps[2 * l].tolist()
        assert layer["step_biases"] == trainer.steps[2 * l + 1].tolist()
        assert layer["a"] == trainer.cache.a[l + 1].mean(axis=0).tolist()
        # δ = ∂ℓ/∂z per sample: the batch mean of d cost / dz times the batch size
        np.testing.assert_allclose(layer["delta"], trainer.gradients.dz[l + 1].mean(axis=0) * 5, rtol=1e-15)


@pytest.mark.parametrize("count", range(len(PHASES) + 1))
def test_each_phase_shows_what_it_has_computed_and_nothing_more(count):
    trainer = Trainer(TrainConfig(seed="snap"))
    for _ in range(count):
        trainer.advance_phase()
    state = snapshot.state(trainer)
    layer, batch = state["layers"][0], state["batch"]
    assert (batch is None) == (count == 0)
    assert (layer["a"] is None) == (count == 0)
    assert (batch is None or batch["losses"] is None) == (count < 2)
    assert (layer["grad_weights"] is None) == (count < 3) == (state["grad_norms"] is None)
    assert (layer["step_weights"] is None) == (count < 4)


def test_the_batch_names_its_points_and_their_targets():
    trainer = after_phases(2)
    batch = snapshot.state(trainer)["batch"]
    assert batch["indices"] == trainer.batch_index.tolist()
    assert batch["inputs"] == trainer.X_train[trainer.batch_index].tolist()
    assert batch["targets"] == trainer.y_train[trainer.batch_index].tolist()  # 0/1 labels for a sigmoid head
    assert batch["cost"] == pytest.approx(float(np.mean(batch["losses"])), rel=1e-15)


def test_a_batch_is_left_out_on_request():
    assert snapshot.state(after_phases(1), with_batch=False)["batch"] is None


def test_non_finite_numbers_travel_as_null():
    assert snapshot.to_list(np.array([[1.0, math.nan], [math.inf, -math.inf]])) == [[1.0, None], [None, None]]
    assert snapshot.finite({"a": [1.5, math.nan], "b": (math.inf,), "c": "text"}) == {
        "a": [1.5, None], "b": [None], "c": "text"}
    assert snapshot.to_list(None) is None


def test_quantised_bytes_follow_the_documented_scale():
    values = np.array([-2.0, -1.0, 0.0, 1.0, 3.0, math.nan, math.inf])
    assert snapshot.quantise_bytes(values).tolist() == [0, 0, 128, 255, 255, 128, 255]


def test_heatmaps_cover_the_grid_and_every_neuron():
    trainer = after_phases(0)
    maps = snapshot.heatmap_bytes(trainer, 12, 6)
    assert maps["output"].shape == (144,) and maps["classes"] is None
    assert [layer.shape for layer in maps["neurons"]] == [(2, 36), (3, 36), (2, 36), (1, 36)]
    softmax = snapshot.heatmap_bytes(Trainer(TrainConfig(dataset="spiral3", output="softmax", seed="s")), 8, 4)
    assert softmax["classes"].shape == (3, 64)
