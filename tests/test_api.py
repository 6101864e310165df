"""REST API in-process: shapes, phases, live changes, limits and bad input (never a 500)."""
from __future__ import annotations

import json
import math
import random

import numpy as np
import pytest

from engine import network
from engine.activations import ACTIVATIONS
from engine.outputs import OUTPUTS
from server.app import create_app
from server.schemas import Config
from server.settings import Settings
from tests.conftest import TestClient


def url(session: dict, tail: str = "") -> str:
    return f"/api/sessions/{session['id']}{tail}"


def test_create_returns_the_documented_shape(session):
    assert set(session) >= {"id", "config", "view", "share_hash", "trained_hash", "data", "features", "state"}
    state = session["state"]
    assert (state["step"], state["epoch"], state["phase"], state["status"]) == (0, 0, "ready", "ok")
    assert state["batch"] is None
    sizes = [2, 4, 2, 1]
    assert len(state["layers"]) == 3
    for layer, fan_in, fan_out in zip(state["layers"], sizes, sizes[1:]):
        assert len(layer["weights"]) == fan_in and len(layer["weights"][0]) == fan_out
        assert len(layer["biases"]) == fan_out
        assert layer["grad_weights"] is None and layer["grad_biases"] is None
    assert 0.3 < state["loss"]["train"] < 1.5
    assert len(session["data"]["train"]["x"]) == 250 and len(session["data"]["test"]["x"]) == 250


def test_get_returns_the_same_session(client, session):
    again = client.get(url(session)).json()
    assert again["state"]["layers"] == session["state"]["layers"]
    assert again["share_hash"] == session["share_hash"]


def test_phases_advance_one_at_a_time_and_leave_their_results(client, session):
    seen = []
    for _ in range(4):
        state = client.post(url(session, "/phase")).json()
        seen.append(state["phase"])
        if state["phase"] == "forward":
            assert state["batch"]["losses"] is None and len(state["batch"]["inputs"]) == 10
            assert state["layers"][0]["grad_weights"] is None
        if state["phase"] == "loss":
            losses = state["batch"]["losses"]
            assert math.isclose(state["batch"]["cost"], sum(losses) / len(losses), rel_tol=1e-12)
        if state["phase"] == "backward":
            backward = state
            assert state["layers"][0]["grad_weights"] is not None and state["step"] == 0
    assert seen == ["forward", "loss", "backward", "update"]
    assert state["step"] == 1
    for before, grads, after in zip(backward["layers"], backward["layers"], state["layers"]):
        # plain SGD: new = old - lr * grad, exactly what the backward phase reported
        for w_row, g_row, new_row, d_row in zip(before["weights"], grads["grad_weights"], after["weights"],
                                                after["step_weights"]):
            for w, g, new, d in zip(w_row, g_row, new_row, d_row):
                assert new == pytest.approx(w - 0.1 * g, abs=1e-15)
                assert d == pytest.approx(new - w, abs=1e-15)


def test_step_trains_the_circle(client, session):
    state = client.post(url(session, "/step"), json={"steps": 2500}).json()
    assert state["step"] == 2500 and state["epoch"] == 100
    assert state["loss"]["train"] < 0.1 and state["accuracy"]["train"] > 0.95


def test_live_changes_keep_weights_and_shape_changes_reinitialise(client, session):
    client.post(url(session, "/step"), json={"steps": 50})
    before = client.get(url(session)).json()
    for patch in ({"learning_rate": 0.1}, {"regularization": "L2", "regularization_rate": 0.001},
                  {"batch_size": 5}, {"optimizer": "adam"}):
        after = client.patch(url(session), json={"config": patch}).json()
        assert after["state"]["layers"][0]["weights"] == before["state"]["layers"][0]["weights"], patch
        assert after["state"]["step"] == 50
        for key, value in patch.items():
            assert after["config"][key] == value
    reshaped = client.patch(url(session), json={"config": {"hidden_layers": [3]}}).json()
    assert reshaped["state"]["step"] == 0 and len(reshaped["state"]["layers"]) == 2
    assert reshaped["data"] == before["data"]
    assert "networkShape=3" in reshaped["share_hash"]


def test_changing_problem_picks_fitting_defaults(client, session):
    regression = client.patch(url(session), json={"config": {"problem": "regression"}}).json()
    config = regression["config"]
    assert (config["dataset"], config["output"], config["loss"]) == ("reg-plane", "linear", "mse")
    assert regression["state"]["accuracy"] is None
    three = client.patch(url(session), json={"config": {"problem": "classification", "dataset": "spiral3"}}).json()
    assert three["config"]["output"] == "softmax" and len(three["state"]["layers"][-1]["biases"]) == 3


def test_reset_draws_new_weights_on_the_same_data(client, session):
    client.post(url(session, "/step"), json={"steps": 10})
    reset = client.post(url(session, "/reset")).json()
    assert reset["state"]["step"] == 0
    assert reset["state"]["layers"][0]["weights"] != session["state"]["layers"][0]["weights"]
    assert reset["data"] == session["data"]
    assert "resets=1" in reset["share_hash"]


def test_regenerate_draws_new_data(client, session):
    fresh = client.post(url(session, "/regenerate")).json()
    assert fresh["data"] != session["data"] and fresh["config"]["seed"] != session["config"]["seed"]


def test_set_parameters_by_entry_and_by_layer(client, session):
    state = client.put(url(session, "/parameters"),
                       json={"layer": 1, "kind": "weight", "i": 2, "j": 1, "value": 0.75}).json()
    assert state["layers"][1]["weights"][2][1] == 0.75
    state = client.put(url(session, "/parameters"), json={"layer": 2, "biases": [0.5]}).json()
    assert state["layers"][2]["biases"] == [0.5]
    bad = client.put(url(session, "/parameters"), json={"layer": 2, "biases": [0.5, 1.0]})
    assert bad.status_code == 409 and bad.json()["detail"][0]["loc"][-1] == "biases"


def test_delete_then_404(client, session):
    assert client.delete(url(session)).status_code == 204
    assert client.get(url(session)).status_code == 404
    assert client.delete(url(session)).status_code == 404
    assert client.post(url(session, "/step"), json={"steps": 1}).status_code == 404


def test_determinism_across_two_app_instances():
    results = []
    for _ in range(2):
        with TestClient(create_app(Settings())) as c:
            created = c.post("/api/sessions", json={"config": {"seed": "same", "dataset": "spiral",
                                                               "noise": 10, "optimizer": "adam"}}).json()
            state = c.post(f"/api/sessions/{created['id']}/step", json={"steps": 300}).json()
            results.append((created["data"], state["layers"], state["loss"]))
    assert results[0] == results[1]


def test_a_trained_hash_replays_the_same_state(client, session):
    trained = client.post(url(session, "/step"), json={"steps": 123}).json()
    shared = client.get(url(session)).json()["trained_hash"]
    assert "step=123" in shared
    opened = client.post("/api/sessions", json={"hash": shared}).json()
    assert opened["state"]["step"] == 123
    assert opened["state"]["layers"][0]["weights"] == trained["layers"][0]["weights"]


def test_eviction_keeps_at_most_max_sessions(client, settings):
    ids = [client.post("/api/sessions", json={}).json()["id"] for _ in range(settings.max_sessions + 2)]
    assert client.get(f"/api/sessions/{ids[0]}").status_code == 404
    assert client.get(f"/api/sessions/{ids[-1]}").status_code == 200
    assert len(client.app.state.store) == settings.max_sessions


def test_idle_sessions_expire():
    with TestClient(create_app(Settings(session_ttl=0.01))) as c:
        first = c.post("/api/sessions", json={}).json()["id"]
        import time
        time.sleep(0.05)
        assert c.get(f"/api/sessions/{first}").status_code == 404


BAD_CONFIGS = [
    ({"hidden_layers": [4] * 11}, "hidden_layers", "10"),
    ({"hidden_layers": [33]}, "hidden_layers", "32"),
    ({"hidden_layers": [0]}, "hidden_layers", "at least 1"),
    ({"num_samples": 10**7}, "num_samples", "5000"),
    ({"batch_size": 10**6}, "batch_size", "1000"),
    ({"batch_size": 0}, "batch_size", "1"),
    ({"noise": 81}, "noise", "80"),
    ({"train_percent": 5}, "train_percent", "10"),
    ({"learning_rate": -1}, "learning_rate", "0"),
    ({"activation": "swish"}, "activation", "tanh"),
    ({"dataset": "mnist"}, "dataset", "circle"),
    ({"features": []}, "features", "1"),
    ({"features": ["z"]}, "features", "x"),
    ({"optimizer": "lbfgs"}, "optimizer", "adam"),
    ({"unknown_field": 1}, "unknown_field", "Extra"),
    ({"dataset": "spiral3", "output": "sigmoid"}, "config", "softmax"),
    ({"loss": "cross_entropy", "output": "tanh"}, "config", "cross_entropy"),
    ({"dataset": "reg-plane"}, "config", "regression"),
    ({"dataset": "custom"}, "config", "points"),
    ({"dataset": "custom", "points": [[9, 0, 1]]}, "points", "[-6, 6]"),
    ({"seed": "x" * 65}, "seed", "64"),
]


@pytest.mark.parametrize("config, field, limit", BAD_CONFIGS, ids=[repr(c)[:40] for c, _, _ in BAD_CONFIGS])
def test_bad_config_is_a_422_naming_the_field_and_the_limit(client, config, field, limit):
    response = client.post("/api/sessions", json={"config": config})
    assert response.status_code == 422, response.text
    detail = response.json()["detail"]
    assert any(field in map(str, d["loc"]) for d in detail), detail
    assert any(limit in d["msg"] for d in detail), detail


@pytest.mark.parametrize("patch, field", [({"hidden_layers": [64]}, "hidden_layers"), ({"noise": -1}, "noise"),
                                          ({"activation": 3}, "activation")])
def test_bad_patch_is_a_422_and_loses_nothing(client, session, patch, field):
    client.post(url(session, "/step"), json={"steps": 20})
    before = client.get(url(session)).json()
    response = client.patch(url(session), json={"config": patch})
    assert response.status_code == 422
    assert field in str(response.json()["detail"])
    assert client.get(url(session)).json()["state"] == before["state"]


BAD_REQUESTS = [
    ("post", "/step", {"steps": 0}, "steps"),
    ("post", "/step", {"steps": 10**9}, "steps"),
    ("post", "/step", {"steps": "many"}, "steps"),
    ("get", "/heatmaps?size=100000", None, "size"),
    ("get", "/heatmaps?size=1", None, "size"),
    ("get", "/slice?layer=11", None, "layer"),
    ("get", "/slice?layer=0&i=0&j=99", None, "j"),
    ("get", "/slice?layer=0&i=0&j=0&points=100000", None, "points"),
    ("get", "/landscape?size=10000", None, "size"),
    ("get", "/landscape?mode=params&p1=0,weight,0,0&p2=nonsense", None, "p2"),
    ("get", "/landscape?p2=", None, "p2"),  # given, even empty, it must read as an address
    ("get", "/inspect?sample=100000", None, "sample"),
    ("get", "/inspect?sample=-1", None, "sample"),
    ("put", "/parameters", {"layer": 0, "kind": "weight", "i": 0, "j": 0, "value": "NaN-ish"}, "value"),
    ("put", "/parameters", {"layer": 0, "i": 10**6}, "i"),  # beyond every network, with or without a kind
]
# Within every limit (so the schema allows them), but not within this session's 2-4-2-1 network of 250
# train points: a 409 naming the field.
MISMATCHED_REQUESTS = [
    ("get", "/slice?layer=9", None, "layer"),
    ("get", "/slice?layer=0&i=0&j=9", None, "j"),
    ("get", "/landscape?mode=params&p1=0,weight,0,0&p2=5,bias,0", None, "p2"),
    ("get", "/inspect?sample=400", None, "sample"),
    ("put", "/parameters", {"layer": 7, "kind": "bias", "i": 0, "value": 1}, "layer"),
    ("put", "/parameters", {"layer": 0, "kind": "weight", "i": 0, "j": 9, "value": 1}, "j"),
    ("put", "/parameters", {"layer": 0, "weights": [[1.0]]}, "weights"),
    ("put", "/parameters", {"layer": 0, "weights": [[1.0, 2.0, 3.0, 4.0], [1.0]]}, "weights"),  # ragged rows
]


@pytest.mark.parametrize("method, tail, body, field", BAD_REQUESTS, ids=[t for _, t, _, _ in BAD_REQUESTS])
def test_bad_requests_are_422_naming_the_field(client, session, method, tail, body, field):
    kwargs = {"json": body} if body is not None else {}
    response = getattr(client, method)(url(session, tail), **kwargs)
    assert response.status_code == 422, response.text
    assert field in str(response.json()["detail"])


@pytest.mark.parametrize("method, tail, body, field", MISMATCHED_REQUESTS,
                         ids=[t for _, t, _, _ in MISMATCHED_REQUESTS])
def test_requests_that_do_not_fit_the_network_are_409_naming_the_field(client, session, method, tail, body,
                                                                       field):
    kwargs = {"json": body} if body is not None else {}
    response = getattr(client, method)(url(session, tail), **kwargs)
    assert response.status_code == 409, response.text
    assert field in str(response.json()["detail"])


def test_a_request_that_names_no_size_gets_the_default_or_the_servers_smaller_limit():
    with TestClient(create_app(Settings(max_grid=16, max_landscape=7, max_slice_points=15))) as small:
        session = small.post("/api/sessions", json={"config": {"seed": "small"}}).json()
        maps = small.get(url(session, "/heatmaps")).json()
        assert (maps["size"], maps["neuron_size"]) == (16, 16)  # 100 and 24 by default
        assert len(small.get(url(session, "/slice")).json()["values"]) == 15  # 81 by default
        assert len(small.get(url(session, "/landscape")).json()["loss"]) == 7  # 21 by default
        assert small.get(url(session, "/landscape?size=8")).status_code == 422


def test_custom_points_that_leave_none_to_train_on_are_a_409(client):
    one_point = {"dataset": "custom", "points": [[0, 0, 1]], "train_percent": 50}
    response = client.post("/api/sessions", json={"config": one_point})
    assert response.status_code == 409, response.text
    assert "points" in str(response.json()["detail"]) and "at least 2" in response.text
    two_points = {**one_point, "points": [[0, 0, 1], [1, 1, 0]]}
    assert client.post("/api/sessions", json={"config": two_points}).status_code == 201


def test_a_patch_that_clashes_with_the_sessions_config_is_409_and_loses_nothing(client, session):
    before = client.get(url(session)).json()
    response = client.patch(url(session), json={"config": {"output": "linear"}})  # a classification session
    assert response.status_code == 409, response.text
    assert "linear" in str(response.json()["detail"])
    assert client.get(url(session)).json() == before


def test_malformed_json_body_is_422(client):
    response = client.post("/api/sessions", content=b"{not json", headers={"content-type": "application/json"})
    assert response.status_code == 422


def test_oversized_body_is_refused(client):
    response = client.post("/api/sessions", content=b" " * 2_000_000, headers={"content-type": "application/json"})
    assert response.status_code == 413 and "too large" in response.text


def test_divergence_is_reported_and_reset_recovers(client):
    created = client.post("/api/sessions", json={"config": {
        "problem": "regression", "activation": "relu", "learning_rate": 50, "seed": "boom"}}).json()
    start = created["state"]["loss"]["train"]
    state = client.post(url(created, "/step"), json={"steps": 200}).json()
    assert state["status"] == "diverged"
    assert state["loss"]["train"] is None or state["loss"]["train"] > 1e6 * start
    heat = client.get(url(created, "/heatmaps")).status_code
    assert heat == 200
    assert client.get(url(created)).status_code == 200
    recovered = client.patch(url(created), json={"config": {"learning_rate": 0.01}}).json()
    recovered = client.post(url(created, "/reset")).json()
    assert recovered["state"]["status"] == "ok"


def test_heatmaps_decode_to_the_grid(client, session):
    import base64
    maps = client.get(url(session, "/heatmaps?size=50&neuron_size=10")).json()
    assert len(base64.b64decode(maps["output"])) == 50 * 50
    assert [len(layer) for layer in maps["neurons"]] == [2, 4, 2, 1]
    assert all(len(base64.b64decode(m)) == 100 for layer in maps["neurons"] for m in layer)
    x_map = base64.b64decode(maps["neurons"][0][0])
    assert x_map[0] < x_map[9]  # feature x grows left to right


def test_responses_carry_a_content_security_policy(client):
    page = client.get("/")
    assert page.status_code == 200
    csp = page.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    assert client.get("/api/registries").headers["content-security-policy"] == csp


def test_openapi_documents_the_routes(client):
    paths = client.get("/openapi.json").json()["paths"]
    for path in ("/api/sessions", "/api/sessions/{session_id}/step", "/api/sessions/{session_id}/phase",
                 "/api/sessions/{session_id}/heatmaps", "/api/sessions/{session_id}/slice",
                 "/api/sessions/{session_id}/landscape", "/api/sessions/{session_id}/gradcheck",
                 "/api/sessions/{session_id}/inspect", "/api/sessions/{session_id}/parameters"):
        assert path in paths


def test_reset_reports_the_loss_of_the_new_weights(client, session):
    """The reported loss belongs to the weights shown, also right after a reset."""
    reset = client.post(url(session, "/reset")).json()
    state = reset["state"]
    params = [np.array(v) for layer in state["layers"] for v in (layer["weights"], layer["biases"])]
    x = np.array(reset["data"]["train"]["x"])
    y = np.array(reset["data"]["train"]["y"])
    cache = network.forward(params, x, ACTIVATIONS["tanh"], OUTPUTS["sigmoid"])
    z = cache.z[-1][:, 0]
    expected = np.mean(np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z))))
    assert state["loss"]["train"] == pytest.approx(expected, rel=1e-12)


def _random_value(rng):
    return rng.choice([None, True, -1, 0, 1, 3, 10**9, -1e308, 1e-12, 0.5, float("nan"), "", "x", "tanh", "L1",
                       "spiral3", "custom", [], [1], [4, 2], [[0, 0, 1]], [[1, 2]], {"a": 1}, ["x", "y"]])


def test_random_configs_get_201_or_422_never_500(client):
    """A seeded fuzz over every Config field with values of the wrong type, size and kind."""
    rng = random.Random(7)
    fields = list(Config.model_fields)
    for _ in range(300):
        config = {name: _random_value(rng) for name in rng.sample(fields, rng.randint(1, 5))}
        response = client.post("/api/sessions", content=json.dumps({"config": config}),
                               headers={"content-type": "application/json"})
        assert response.status_code in (201, 422), (config, response.text)
        if response.status_code == 422:
            assert response.json()["detail"][0]["msg"]


@pytest.mark.parametrize("fragment", ["networkShape=" + ",".join(["8"] * 40), "networkShape=1000",
                                      "step=999999999", "samples=1000000", "batchSize=99999",
                                      "&&==&", "#", "dataset=custom&points=;;;", "seed=" + "s" * 500,
                                      "learningRate=Infinity", "noise=-5&percTrainData=1e9"])
def test_hashes_get_201_or_a_422_naming_the_field(client, fragment):
    response = client.post("/api/sessions", json={"hash": fragment})
    assert response.status_code in (201, 422), response.text
    if response.status_code == 422:
        assert response.json()["detail"][0]["loc"][-1] in ("hidden_layers", "step", "num_samples", "batch_size",
                                                            "seed")


def test_steps_are_bounded_by_work_on_a_big_network():
    with TestClient(create_app(Settings(max_work=1e6))) as c:
        big = c.post("/api/sessions", json={"config": {"hidden_layers": [32, 32, 32], "batch_size": 100}}).json()
        response = c.post(f"/api/sessions/{big['id']}/step", json={"steps": 50})
        assert response.status_code == 409  # within max_steps, but not for a network this big
        message = response.json()["detail"][0]["msg"]
        assert "batch size 100" in message and "weights" in message
        assert c.post(f"/api/sessions/{big['id']}/step", json={"steps": 3}).status_code == 200
        replay = c.post("/api/sessions", json={"hash": "networkShape=32,32,32&batchSize=100&step=5000"})
        assert replay.status_code == 409 and replay.json()["detail"][0]["loc"][-1] == "step"


def test_trained_hash_is_offered_only_for_a_run_a_replay_reproduces(client, session):
    assert client.get(url(session)).json()["trained_hash"] is None  # nothing trained yet
    client.post(url(session, "/step"), json={"steps": 5})
    assert "step=5" in client.get(url(session)).json()["trained_hash"]
    changed = client.patch(url(session), json={"config": {"learning_rate": 0.5}}).json()
    assert changed["trained_hash"] is None  # these settings from the start would give another network
    client.post(url(session, "/reset"))
    client.post(url(session, "/step"), json={"steps": 3})
    assert "step=3" in client.get(url(session)).json()["trained_hash"]
    client.put(url(session, "/parameters"), json={"layer": 0, "kind": "bias", "i": 0, "value": 2.0})
    assert client.get(url(session)).json()["trained_hash"] is None
    reshaped = client.patch(url(session), json={"config": {"hidden_layers": [3]}}).json()
    client.post(url(session, "/step"), json={"steps": 2})
    assert reshaped["trained_hash"] is None and "step=2" in client.get(url(session)).json()["trained_hash"]


def test_no_trained_hash_beyond_what_a_link_may_replay():
    with TestClient(create_app(Settings(max_replay_steps=10))) as c:
        created = c.post("/api/sessions", json={}).json()
        c.post(f"/api/sessions/{created['id']}/step", json={"steps": 11})
        assert c.get(f"/api/sessions/{created['id']}").json()["trained_hash"] is None


def test_a_hash_with_a_phase_opens_mid_iteration_and_its_trained_link_gives_it_back(client):
    made = client.post("/api/sessions", json={"hash": "dataset=xor&networkShape=2&seed=phase&step=3&phase=loss"})
    assert made.status_code == 201, made.text
    session = made.json()
    assert (session["state"]["step"], session["state"]["phase"]) == (3, "loss")
    assert session["trained_hash"].endswith("&step=3&phase=loss")
    session_id = session["id"]
    client.post(f"/api/sessions/{session_id}/phase")  # backward
    now = client.get(f"/api/sessions/{session_id}").json()
    assert now["trained_hash"].endswith("&step=3&phase=backward")
    twin = client.post("/api/sessions", json={"hash": now["trained_hash"]}).json()
    assert twin["state"]["phase"] == "backward"
    assert twin["state"]["layers"] == now["state"]["layers"]  # gradients included, bit for bit
