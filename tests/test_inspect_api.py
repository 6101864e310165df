"""The backprop views' endpoints: numbers consistent with the session's state."""
from __future__ import annotations

import pytest


def url(session: dict, tail: str) -> str:
    return f"/api/sessions/{session['id']}{tail}"


def to_backward(client, session) -> dict:
    client.post(url(session, "/step"), json={"steps": 20})
    for _ in range(3):
        state = client.post(url(session, "/phase")).json()
    assert state["phase"] == "backward"
    return state


def test_inspect_gives_a_sample_trace_and_batch_terms(client, session):
    state = to_backward(client, session)
    sample = state["batch"]["indices"][0]
    result = client.get(url(session, f"/inspect?sample={sample}&layer=1&i=0&j=1")).json()
    assert len(result["layers"]) == 3 and result["index"] == sample
    terms = result["batch_terms"]
    assert terms["total"] == state["layers"][1]["grad_weights"][0][1]
    assert sum(terms["terms"]) / len(terms["terms"]) == pytest.approx(terms["mean"], rel=1e-12)
    assert terms["indices"] == state["batch"]["indices"]


def test_slice_endpoint_slope_matches_the_reported_gradient(client, session):
    state = to_backward(client, session)
    result = client.get(url(session, "/slice?layer=2&kind=weight&i=1&j=0&span=0.0001&points=3")).json()
    assert result["grad"] == pytest.approx(state["layers"][2]["grad_weights"][1][0], rel=1e-12)
    slope = (result["losses"][2] - result["losses"][0]) / (result["values"][2] - result["values"][0])
    assert slope == pytest.approx(result["grad"], rel=1e-5)
    assert result["current"] == state["layers"][2]["weights"][1][0]


def test_landscape_endpoint_centre_is_the_train_loss(client, session):
    client.post(url(session, "/step"), json={"steps": 40})
    state = client.get(url(session, "")).json()["state"]
    result = client.get(url(session, "/landscape?size=5&span=0.5")).json()
    assert result["loss"][2][2] == pytest.approx(state["loss"]["train"], rel=1e-12)
    params = client.get(url(session, "/landscape?size=3&span=0.1&mode=params&p1=0,weight,0,0&p2=2,bias,0")).json()
    assert params["loss"][1][1] == pytest.approx(state["loss"]["train"], rel=1e-12)


def test_gradcheck_endpoint_agrees(client, session):
    to_backward(client, session)
    report = client.get(url(session, "/gradcheck")).json()
    assert [r["kind"] for r in report] == ["weight", "bias"] * 3
    assert all(r["relative_error"] < 1e-6 for r in report)


def test_every_probe_answers_on_a_diverged_session(client):
    created = client.post("/api/sessions", json={"config": {
        "problem": "regression", "activation": "relu", "learning_rate": 50, "seed": "boom"}}).json()
    assert client.post(url(created, "/step"), json={"steps": 300}).json()["status"] == "diverged"
    for tail in ("/heatmaps", "/slice?layer=0&i=0&j=0", "/landscape?size=5", "/gradcheck", "/inspect?sample=0",
                 "/landscape?size=3&mode=params&p1=0,weight,0,0&p2=0,bias,1"):
        response = client.get(url(created, tail))
        assert response.status_code == 200, (tail, response.text)


def test_inspect_at_backward_explains_the_gradient_after_the_update(client, session):
    """After an update the weights have moved; ``at=backward`` traces at the weights the gradient was
    computed with, so one sample's chain rule matches its term of the batch gradient."""
    client.post(url(session, "/step"), json={"steps": 5})
    state = client.get(url(session, "")).json()["state"]
    assert state["phase"] == "update"
    position = 2
    sample = state["batch"]["indices"][position]
    before = client.get(url(session, f"/inspect?sample={sample}&layer=1&i=0&j=1&at=backward")).json()
    now = client.get(url(session, f"/inspect?sample={sample}&layer=1&i=0&j=1")).json()
    assert (before["at"], now["at"]) == ("backward", "now")
    terms = before["batch_terms"]
    assert terms["total"] == state["layers"][1]["grad_weights"][0][1]
    assert before["layers"][1]["grad_weights"][0][1] == pytest.approx(terms["terms"][position], rel=1e-9)
    assert now["layers"][1]["grad_weights"][0][1] != pytest.approx(terms["terms"][position], rel=1e-9)
    # the trace carries the weights it used: the current ones minus the step just taken
    layer = state["layers"][1]
    assert before["layers"][1]["weights"][0][1] == pytest.approx(
        layer["weights"][0][1] - layer["step_weights"][0][1], rel=1e-12)
    assert now["layers"][1]["weights"] == layer["weights"]
    # δ_j = f′(z_j) · Σ_k w_jk δ_k with the weights the trace reports
    hidden, following = before["layers"][0], before["layers"][1]
    for j, delta in enumerate(hidden["delta"]):
        back = sum(w * d for w, d in zip(following["weights"][j], following["delta"]))
        assert delta == pytest.approx(hidden["df"][j] * back, rel=1e-12, abs=1e-300)


def test_inspect_at_backward_is_the_current_trace_before_an_update(client, session):
    state = to_backward(client, session)
    sample = state["batch"]["indices"][0]
    before = client.get(url(session, f"/inspect?sample={sample}&at=backward")).json()
    now = client.get(url(session, f"/inspect?sample={sample}")).json()
    assert before["layers"] == now["layers"]
    assert client.get(url(session, "/inspect?at=later")).status_code == 422


def _assert_every_number_is_at_the_current_weights(client, session, state, layer, i, j):
    """The State and /inspect agree: no step, the gradient at these weights, sums that add up."""
    for entry in state["layers"]:
        assert entry["step_weights"] is None and entry["step_biases"] is None
    grad = state["layers"][layer]["grad_weights"]
    if grad is None:
        return
    # the gradient is the slope of the objective at the current weights, on the same batch
    slope = client.get(url(session, f"/slice?layer={layer}&kind=weight&i={i}&j={j}&span=0.0001&points=3")).json()
    assert slope["current"] == state["layers"][layer]["weights"][i][j]
    numeric = (slope["losses"][2] - slope["losses"][0]) / (slope["values"][2] - slope["values"][0])
    assert numeric == pytest.approx(grad[i][j], rel=1e-5, abs=1e-10)
    for sample in state["batch"]["indices"]:
        trace = client.get(url(session, f"/inspect?sample={sample}&layer={layer}&i={i}&j={j}&at=backward")).json()
        assert trace["layers"][layer]["weights"] == state["layers"][layer]["weights"]  # traced at the new weights
        terms = trace["batch_terms"]
        assert terms["total"] == grad[i][j]
        assert terms["mean"] + terms["penalty"] == pytest.approx(terms["total"], rel=1e-12, abs=1e-15)
        assert sum(terms["terms"]) / len(terms["terms"]) == pytest.approx(terms["mean"], rel=1e-12, abs=1e-15)
        k = terms["indices"].index(sample)  # the point alone and its row in the batch table: the same numbers
        assert trace["layers"][layer]["delta"][j] == pytest.approx(terms["delta"][k], rel=1e-12, abs=1e-15)
        assert trace["layers"][layer]["grad_weights"][i][j] == pytest.approx(terms["terms"][k], rel=1e-12, abs=1e-15)


@pytest.mark.parametrize("phases", [0, 3])  # edit after a whole step (phase update), after the backward phase
def test_after_a_hand_edit_the_state_and_inspect_describe_the_new_weights(client, phases):
    session = client.post("/api/sessions", json={"config": {"seed": "edit", "hidden_layers": [3, 2],
                                                           "regularization": "L2", "regularization_rate": 0.01}}).json()
    state = client.post(url(session, "/step"), json={"steps": 5}).json()
    for _ in range(phases):
        state = client.post(url(session, "/phase")).json()
    assert state["layers"][1]["step_weights"] is not None or phases
    state = client.put(url(session, "/parameters"),
                       json={"layer": 1, "kind": "weight", "i": 0, "j": 0, "value": 2}).json()
    assert state["layers"][1]["weights"][0][0] == 2 and state["phase"] == ("update" if not phases else "backward")
    assert state["layers"][1]["grad_weights"] is not None
    _assert_every_number_is_at_the_current_weights(client, session, state, 1, 0, 0)
    state = client.put(url(session, "/parameters"), json={"layer": 0, "biases": [0.5, -0.5, 0.25]}).json()
    _assert_every_number_is_at_the_current_weights(client, session, state, 0, 1, 2)


def test_an_edit_before_the_backward_phase_leaves_no_gradient(client, session):
    client.post(url(session, "/step"), json={"steps": 3})
    client.post(url(session, "/phase"))  # forward of a new batch
    state = client.put(url(session, "/parameters"), json={"layer": 0, "kind": "bias", "i": 1, "value": 1}).json()
    assert state["phase"] == "forward"
    assert all(layer["grad_weights"] is None and layer["step_weights"] is None for layer in state["layers"])
