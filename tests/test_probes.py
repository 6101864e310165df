"""The numbers the backprop views show: every one must agree with the engine's own gradients."""
from __future__ import annotations

import numpy as np
import pytest

from engine import network, probes
from engine.config import TrainConfig
from engine.objective import Objective
from engine.trainer import Trainer


def backward_done(**overrides) -> Trainer:
    trainer = Trainer(TrainConfig(seed="inspect", **overrides))
    trainer.step(30)
    trainer.forward(), trainer.loss(), trainer.backward()
    return trainer


CASES = [dict(), dict(regularization="L2", regularization_rate=0.01),
         dict(activation="relu", output="tanh", loss="half_mse", init="uniform"),
         dict(dataset="spiral3", output="softmax", hidden_layers=(5,)),
         dict(problem="regression", dataset="reg-gauss", output="linear", loss="mae")]


@pytest.mark.parametrize("overrides", CASES, ids=[str(c)[:40] for c in CASES])
def test_chain_rule_terms_multiply_out_to_the_gradient(overrides):
    trainer = backward_done(**overrides)
    index = int(trainer.batch_index[0])
    trace = probes.trace_sample(trainer, index)
    layers = trace["layers"]
    for l, layer in enumerate(layers):
        a_prev = trainer.X_train[index] if l == 0 else layers[l - 1]["a"]
        # ∂ℓ/∂w_ij = a_i · δ_j
        np.testing.assert_allclose(layer["grad_weights"], np.outer(a_prev, layer["delta"]), rtol=1e-12)
        if l < len(layers) - 1:
            # δ_j = f′(z_j) · Σ_k w_jk δ_k
            W_next = trainer.params[2 * (l + 1)]
            np.testing.assert_allclose(layer["delta"], layer["df"] * (W_next @ layers[l + 1]["delta"]),
                                       rtol=1e-12, atol=1e-300)
    out = layers[-1]
    if trace["dloss_dyhat"] is not None:  # at the output: δ = ∂ℓ/∂ŷ · f′(z)
        np.testing.assert_allclose(out["delta"], trace["dloss_dyhat"] * out["df"], rtol=1e-12)


@pytest.mark.parametrize("overrides", CASES[:3], ids=[str(c)[:40] for c in CASES[:3]])
def test_batch_gradient_is_the_mean_of_per_sample_terms_plus_penalty(overrides):
    trainer = backward_done(**overrides)
    terms = probes.batch_terms(trainer, 1, 0, 1)
    assert terms["total"] == trainer.gradients.grads[2][0, 1]
    assert terms["mean"] == pytest.approx(np.mean(terms["terms"]), rel=1e-14)
    expected_penalty = 0.0 if trainer.config.regularization == "none" else 0.01 * trainer.params[2][0, 1]
    assert terms["penalty"] == pytest.approx(expected_penalty, abs=1e-15)
    # each sample's term equals that sample's own trace
    sample = terms["indices"][3]
    trace = probes.trace_sample(trainer, sample)
    assert terms["terms"][3] == pytest.approx(trace["layers"][1]["grad_weights"][0, 1], rel=1e-12)


def test_batch_terms_need_a_backward_pass():
    assert probes.batch_terms(Trainer(TrainConfig(seed="x")), 0, 0, 0) is None


@pytest.mark.parametrize("kind, i, j", [("weight", 0, 1), ("bias", 1, None)])
def test_slice_slope_at_the_current_point_is_the_gradient(kind, i, j):
    trainer = backward_done(regularization="L1", regularization_rate=0.001)
    before = [p.copy() for p in trainer.params]
    sl = probes.loss_slice(trainer, 1, kind, i, j, span=1e-4, points=3)
    values, losses = sl["values"], sl["losses"]
    slope = (losses[2] - losses[0]) / (values[2] - values[0])
    assert slope == pytest.approx(sl["grad"], rel=1e-6, abs=1e-10)
    array = trainer.gradients.grads[2 + (kind == "bias")]
    assert sl["grad"] == pytest.approx(array[i] if kind == "bias" else array[i, j], rel=1e-12)
    assert losses[1] == pytest.approx(sl["loss"], rel=1e-15)
    assert sl["next_value"] == pytest.approx(sl["current"] - trainer.config.learning_rate * sl["grad"])
    assert all(np.array_equal(a, b) for a, b in zip(before, trainer.params)), "probe changed the params"


def test_landscape_at_the_origin_is_the_current_loss():
    trainer = backward_done()
    d1, d2 = probes.random_directions(trainer)
    result = probes.landscape(trainer, d1, d2, size=7, span=0.5)
    centre = result["loss"][3][3]
    assert centre == pytest.approx(trainer.objective.value(trainer.params, trainer.X_train, trainer.T_train), rel=1e-15)
    assert centre == pytest.approx(trainer.evaluate()["loss"]["train"], rel=1e-12)
    assert len(result["trajectory"]) >= 2
    assert result["trajectory"][-1] == pytest.approx([0.0, 0.0], abs=1e-9)


def test_random_directions_are_filter_normalised():
    trainer = backward_done()
    d1 = network.views(probes.random_directions(trainer)[0], [p.shape for p in trainer.params])
    for index in range(0, len(trainer.params), 2):
        np.testing.assert_allclose(np.linalg.norm(d1[index], axis=0),
                                   np.linalg.norm(trainer.params[index], axis=0), rtol=1e-12)
        assert not d1[index + 1].any()


def test_two_chosen_weights_span_the_plane_in_raw_units():
    trainer = backward_done()
    d1 = probes.unit_direction(trainer, 0, "weight", 0, 0)
    d2 = probes.unit_direction(trainer, 2, "bias", 0, None)
    result = probes.landscape(trainer, d1, d2, size=3, span=0.25)
    moved = [p.copy() for p in trainer.params]
    moved[0][0, 0] += 0.25
    moved[5][0] -= 0.25
    assert result["loss"][0][2] == pytest.approx(trainer.objective.value(moved, trainer.X_train, trainer.T_train))


@pytest.mark.parametrize("overrides", CASES, ids=[str(c)[:40] for c in CASES])
def test_gradient_check_reports_agreement(overrides):
    report = probes.gradient_check(backward_done(**overrides))
    assert len(report) == 2 * (len(backward_done(**overrides).params) // 2)
    assert all(r["relative_error"] < 1e-6 for r in report), report


def test_gradient_check_catches_a_wrong_gradient(monkeypatch):
    trainer = backward_done()
    real = Objective.gradients_at

    def off_by_a_bit(self, *args):
        grads = real(self, *args)
        grads[0] = grads[0] * 1.01
        return grads
    monkeypatch.setattr(Objective, "gradients_at", off_by_a_bit)
    report = probes.gradient_check(trainer)
    assert report[0]["relative_error"] > 1e-3 and report[1]["relative_error"] < 1e-6


def test_grid_maps_cover_every_layer():
    trainer = Trainer(TrainConfig(seed="g", features=("x", "y", "sinX"), hidden_layers=(3, 2)))
    maps = probes.grid_maps(trainer, 10)
    assert [m.shape for m in maps] == [(100, 3), (100, 3), (100, 2), (100, 1)]
    np.testing.assert_allclose(maps[0][:, 2], np.sin(maps[0][:, 0]))
