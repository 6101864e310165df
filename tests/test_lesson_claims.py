"""Every lesson's promise, checked by training: each claim of each stage (server/lessons/*.json) opens that
stage's setup on the engine — the same share hash the page opens, replayed to its step=N — measures one
thing and compares it with the claim's bound.

A claim reads ``{"measure": name, [params], [after: N], [relative_to: stage], bound...}``:
``after`` trains N more steps before measuring; ``relative_to`` divides by the same measure of another stage
of the lesson; the bounds are ``at_least``, ``at_most`` and ``near`` (± ``tol``).
"""
from __future__ import annotations

import math

import numpy as np
import pytest

from engine import features, network, probes
from engine.trainer import Trainer
from server.lessons import open_setup, raw_lessons


# ----- measures: trainer, claim -> number ---------------------------------------------------------------


def _outputs(t: Trainer, X) -> np.ndarray:
    return network.forward(t.params, X, t.hidden, t.head).a[-1]


def loss(t, claim):
    return t.evaluate()["loss"][claim.get("split", "train")]


def accuracy(t, claim):
    return t.evaluate()["accuracy"][claim.get("split", "train")]


def overfitting(t, claim):
    """Test loss over train loss."""
    result = t.evaluate()["loss"]
    return result["test"] / result["train"]


def prediction(t, claim):
    x, y = claim["at"]
    return float(_outputs(t, features.transform(np.array([[x, y]], dtype=float), t.config.features))[0, 0])


def parameters(t, claim):
    return sum(p.size for p in t.params)


def loss_ratio(t, claim):
    before = loss(t, claim)
    t.step(claim["after"])
    return loss(t, claim) / before


def diverged(t, claim):
    t.step(claim["after"])
    t.evaluate()  # as the page's state does: a loss that is no longer finite marks the run diverged
    return float(t.status == "diverged")


def rises(t, claim):
    """The fraction of ``steps`` single steps after which the train loss is higher than before."""
    before, up = loss(t, claim), 0
    for _ in range(claim["steps"]):
        t.step(1)
        now = loss(t, claim)
        up += now > before
        before = now
    return up / claim["steps"]


def batch_gradient_norm(t, claim):
    """‖∇‖ of the first mini-batch's cost, from the backward phase."""
    for phase in ("forward", "loss", "backward"):
        getattr(t, phase)()
    return float(np.sqrt(sum(np.sum(g * g) for g in t.gradients.grads)))


def gradient_ratio(t, claim):
    """‖dW‖ of the first layer over ‖dW‖ of the last, on the whole train set."""
    grads = t.objective.gradients_at([p.copy() for p in t.params], t.X_train, t.T_train)
    norms = [np.linalg.norm(g) for g in grads[0::2]]
    return float(norms[0] / norms[-1])


def slope_error(t, claim):
    """Backprop's ∂L/∂w against the centred difference of the loss along that one weight."""
    X, T = probes.probe_data(t)
    layer, i, j, h = claim["layer"], claim["i"], claim["j"], 1e-5
    params = [p.copy() for p in t.params]
    analytic = t.objective.gradients_at(params, X, T)[2 * layer][i, j]
    saved = params[2 * layer][i, j]
    params[2 * layer][i, j] = saved + h
    plus = t.objective.value(params, X, T)
    params[2 * layer][i, j] = saved - h
    minus = t.objective.value(params, X, T)
    numeric = (plus - minus) / (2 * h)
    return abs(analytic - numeric) / max(abs(analytic) + abs(numeric), 1e-8)


def downhill(t, claim):
    """The loss after moving one weight by −learning rate × its slope, minus the loss now."""
    result = probes.loss_slice(t, claim["layer"], "weight", claim["i"], claim["j"])
    X, T = probes.probe_data(t)
    params = [p.copy() for p in t.params]
    params[2 * claim["layer"]][claim["i"], claim["j"]] = result["next_value"]
    return t.objective.value(params, X, T) - result["loss"]


def _to_backward(t) -> None:
    """Run single phases until the last completed one is backward (a stage may open there already)."""
    while t.phase != "backward":
        t.advance_phase()


def backward_error(t, claim):
    """The backward phase's stored gradients against centred differences of the batch cost, every entry."""
    _to_backward(t)
    params, h, worst = [p.copy() for p in t.params], 1e-5, 0.0
    for stored, p in zip(t.gradients.grads, params):
        flat, exact = p.reshape(-1), stored.reshape(-1)
        for k in range(flat.size):
            saved = flat[k]
            flat[k] = saved + h
            plus = t.objective.value(params, t.x_batch, t.t_batch)
            flat[k] = saved - h
            minus = t.objective.value(params, t.x_batch, t.t_batch)
            flat[k] = saved
            numeric = (plus - minus) / (2 * h)
            worst = max(worst, abs(exact[k] - numeric) / max(abs(exact[k]) + abs(numeric), 1e-8))
    return worst


def update_error(t, claim):
    """Largest |ΔW − (−η·∂L/∂w)| of the update phase (plain SGD)."""
    _to_backward(t)
    before = [p.copy() for p in t.params]
    grads = [g.copy() for g in t.gradients.grads]
    t.update()
    lr = t.config.learning_rate
    return max(float(np.abs((p - b) + lr * g).max()) for p, b, g in zip(t.params, before, grads))


def max_sample_loss(t, claim):
    cache = network.forward(t.params, t.X_train, t.hidden, t.head)
    return float(t.loss_fn.value(cache.z[-1], cache.a[-1], t.T_train).max())


def neuron_spread(t, claim):
    """How far apart the neurons of a layer are: the largest difference of any neuron's weights and bias
    from the first neuron's."""
    W, b = t.params[2 * claim["layer"]], t.params[2 * claim["layer"] + 1]
    return float(max(np.abs(W - W[:, :1]).max(), np.abs(b - b[0]).max()))


def weight_norm(t, claim):
    return float(np.linalg.norm(t.params[2 * claim["layer"]]))


def _weights(t) -> np.ndarray:
    return np.concatenate([W.ravel() for W in t.params[0::2]])


def small_weights(t, claim):
    return float((np.abs(_weights(t)) < claim["below"]).mean())


def largest_weight(t, claim):
    return float(np.abs(_weights(t)).max())


def probability_sum_error(t, claim):
    """Largest |Σ p − 1| of the softmax outputs over the training points."""
    return float(np.abs(_outputs(t, t.X_train).sum(axis=1) - 1).max())


MEASURES = {f.__name__: f for f in (
    loss, accuracy, overfitting, prediction, parameters, loss_ratio, diverged, rises, batch_gradient_norm,
    gradient_ratio, slope_error, downhill, backward_error, update_error, max_sample_loss, neuron_spread,
    weight_norm, small_weights, largest_weight, probability_sum_error)}
BOUNDS = {"at_least", "at_most", "near", "tol"}
PARAMS = {"measure", "after", "relative_to", "split", "at", "steps", "layer", "i", "j", "below"}


def measure(stage: dict, claim: dict) -> float:
    trainer = open_setup(stage["hash"])
    name = claim["measure"]
    if "after" in claim and name not in ("loss_ratio", "diverged"):
        trainer.step(claim["after"])
    with np.errstate(all="ignore"):
        return float(MEASURES[name](trainer, claim))


CLAIMS = [pytest.param(lesson, index, claim, id=f"{lesson['id']}-{index + 1}-{claim['measure']}")
          for lesson in raw_lessons() for index, stage in enumerate(lesson["stages"])
          for claim in stage.get("claims", [])]


@pytest.mark.parametrize("lesson, index, claim", CLAIMS)
def test_claim_holds(lesson, index, claim):
    stage = lesson["stages"][index]
    value = measure(stage, claim)
    if "relative_to" in claim:
        value /= measure(lesson["stages"][claim["relative_to"]], claim)
    shown = f"{lesson['id']} stage {index + 1} ({stage['title']}): {claim['measure']} = {value!r}; " \
            f"the stage says: {stage['notice']}"
    assert math.isfinite(value), shown
    if "at_least" in claim:
        assert value >= claim["at_least"], shown
    if "at_most" in claim:
        assert value <= claim["at_most"], shown
    if "near" in claim:
        assert abs(value - claim["near"]) <= claim["tol"], shown


@pytest.mark.parametrize("lesson", raw_lessons(), ids=lambda lesson: lesson["id"])
def test_claims_are_well_formed(lesson):
    for stage in lesson["stages"]:
        for claim in stage.get("claims", []):
            assert claim["measure"] in MEASURES, claim
            assert claim.keys() <= PARAMS | BOUNDS, claim
            assert claim.keys() & {"at_least", "at_most", "near"}, f"a claim without a bound: {claim}"
            assert ("near" in claim) == ("tol" in claim), claim
            assert claim.get("relative_to", 0) < len(lesson["stages"]), claim
