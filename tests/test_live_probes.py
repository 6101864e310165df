"""Probes over the live socket: the same numbers as the GET probes, sent after the frames they follow."""
from __future__ import annotations

import json

import numpy as np
import pytest

from tests.test_live import receive

SPIRAL = {"dataset": "spiral", "hidden_layers": [4, 3], "seed": "probes"}
SLICE = {"layer": 1, "kind": "weight", "i": 2, "j": 1, "points": 21}
PLANE = {"mode": "random", "draw": 1, "size": 5, "span": 1.0}


def opened(client, config=SPIRAL):
    session = client.post("/api/sessions", json={"config": config}).json()
    ws = client.websocket_connect(f"/api/sessions/{session['id']}/live?format=json")
    return session, ws


def send(ws, message: dict) -> None:
    ws.send_text(json.dumps(message))


def get(client, session, route, **query):
    response = client.get(f"/api/sessions/{session['id']}/{route}", params=query)
    assert response.status_code == 200, response.text
    return response.json()


def test_a_probe_wish_is_answered_with_the_slice_and_the_landscape_of_now(client):
    session, ws = opened(client)
    with ws:
        receive(ws, "session"), receive(ws, "frame")
        send(ws, {"type": "probes", "slice": SLICE, "landscape": PLANE})
        probe = receive(ws, "probe")
        assert probe["slice"] == {**get(client, session, "slice", **SLICE), "params": SLICE}
        assert probe["landscape"] == get(client, session, "landscape", **PLANE)
        assert probe["position"] == [0.0, 0.0]  # the plane goes through the parameters of now


def test_after_a_step_its_frame_comes_first_then_the_probe_on_the_same_plane(client):
    session, ws = opened(client)
    with ws:
        receive(ws, "session"), receive(ws, "frame")
        send(ws, {"type": "probes", "slice": SLICE, "landscape": PLANE})
        first = receive(ws, "probe")
        for n in (1, 2, 3):
            send(ws, {"type": "step", "steps": 5})
            frame = json.loads(ws.receive_text())
            assert frame["type"] == "frame" and frame["state"]["step"] == 5 * n
            probe = json.loads(ws.receive_text())
            assert probe["type"] == "probe" and probe["revision"] == frame["revision"]
            assert probe["landscape"] is None  # the grid stays; the point moves over it
            assert probe["slice"] == {**get(client, session, "slice", **SLICE), "params": SLICE}
            assert probe["position"] != [0.0, 0.0]
            assert probe["trajectory"][-1] == pytest.approx(probe["position"], abs=1e-12)  # the path ends here
        # the path from the plane's origin θ₀ is the path from the present, shifted by where the present is
        assert first["trajectory"] == [[0.0, 0.0]] == probe["trajectory"][:1]
        assert len(probe["trajectory"]) == 4


def test_on_a_plane_of_two_weights_the_path_is_the_get_probes_path_seen_from_theta0(client):
    """With two weights as the axes the directions do not depend on θ, so the GET probe of now (centred on
    the present) and the stream (centred on θ₀) differ by the present position alone."""
    axes = {"mode": "params", "size": 5, "span": 2.0,
            "p1": {"layer": 0, "kind": "weight", "i": 0, "j": 1}, "p2": {"layer": 1, "kind": "bias", "i": 2}}
    session, ws = opened(client)
    with ws:
        receive(ws, "session"), receive(ws, "frame")
        send(ws, {"type": "probes", "landscape": axes})
        receive(ws, "probe")
        send(ws, {"type": "step", "steps": 4})
        probe = receive(ws, "probe")
    fresh = get(client, session, "landscape", mode="params", size=5, span=2.0, p1="0,weight,0,1", p2="1,bias,2")
    here = np.array(probe["position"])
    np.testing.assert_allclose(np.array(probe["trajectory"]) - here, fresh["trajectory"], atol=1e-12)
    assert np.abs(here).max() > 0


def test_refresh_brings_a_new_grid_through_the_parameters_of_now(client):
    session, ws = opened(client)
    with ws:
        receive(ws, "session"), receive(ws, "frame")
        send(ws, {"type": "probes", "landscape": PLANE})
        receive(ws, "probe")
        send(ws, {"type": "step", "steps": 20})
        assert receive(ws, "probe")["landscape"] is None
        send(ws, {"type": "probes", "landscape": PLANE, "refresh": True})
        probe = receive(ws, "probe")
        assert probe["landscape"] == get(client, session, "landscape", **PLANE) and probe["position"] == [0.0, 0.0]


@pytest.mark.parametrize("wish, field", [
    ({"slice": {**SLICE, "layer": 9}}, "slice"),
    ({"slice": {**SLICE, "points": 10_000}}, "slice.points"),
    ({"landscape": {**PLANE, "size": 999}}, "landscape.size"),
    ({"landscape": {"mode": "params", "p1": {"layer": 0, "kind": "weight", "i": 0, "j": 0}}}, None),
    ({"slice": {**SLICE, "kind": "neuron"}}, "slice.kind"),
    ({"interval_ms": 1}, "interval_ms"),
])
def test_a_bad_wish_is_an_error_and_the_connection_lives_on(client, wish, field):
    session, ws = opened(client)
    with ws:
        receive(ws, "session"), receive(ws, "frame")
        send(ws, {"type": "probes", **wish})
        error = receive(ws, "error")
        assert error["field"] == field, error
        send(ws, {"type": "step", "steps": 1})
        assert receive(ws, "frame")["state"]["step"] == 1


def test_no_wish_no_probes(client):
    session, ws = opened(client)
    with ws:
        receive(ws, "session"), receive(ws, "frame")
        send(ws, {"type": "probes", "slice": SLICE})
        receive(ws, "probe")
        send(ws, {"type": "probes"})  # the views are hidden: nothing more to follow
        for n in (1, 2):
            send(ws, {"type": "step", "steps": 1})
            assert json.loads(ws.receive_text())["type"] == "frame"
        send(ws, {"type": "frame_format", "format": "json"})
        assert json.loads(ws.receive_text())["state"]["step"] == 2  # nothing was queued in between
