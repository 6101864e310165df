"""The live WebSocket in-process: commands, frames, bad messages keep the connection open."""
from __future__ import annotations

import base64
import json

import pytest
from starlette.websockets import WebSocketDisconnect

from tests.conftest import overflowing_session


def live(client, session, **headers):
    return client.websocket_connect(f"/api/sessions/{session['id']}/live?format=json", headers=headers)


def receive(ws, kind: str, limit: int = 200) -> dict:
    """The next message of ``kind``, skipping others (frames arrive at their own pace)."""
    for _ in range(limit):
        message = json.loads(ws.receive_text())
        if message["type"] == kind:
            return message
    raise AssertionError(f"no {kind!r} message in {limit}")


def opened(ws) -> dict:
    """The two messages every connection starts with: the session, then a frame of the same state."""
    session = receive(ws, "session")
    frame = json.loads(ws.receive_text())
    assert frame["type"] == "frame" and frame["state"]["step"] == session["state"]["step"]
    return session


def test_connect_sends_the_session_then_frames(client, session):
    with live(client, session) as ws:
        first = json.loads(ws.receive_text())
        assert first["type"] == "session" and first["id"] == session["id"]
        initial = json.loads(ws.receive_text())
        assert initial["type"] == "frame" and initial["state"]["step"] == 0 and initial["heatmaps"]["output"]
        ws.send_text(json.dumps({"type": "step", "steps": 5}))
        frame = receive(ws, "frame")
        assert frame["state"]["step"] == 5
        heat = frame["heatmaps"]
        assert len(base64.b64decode(heat["output"])) == heat["size"] ** 2
        assert [len(layer) for layer in heat["neurons"]] == [2, 4, 2, 1]


def test_phase_messages_cycle_through_the_four_phases(client, session):
    with live(client, session) as ws:
        opened(ws)
        phases = []
        for _ in range(5):
            ws.send_text(json.dumps({"type": "phase"}))
            phases.append(receive(ws, "frame")["state"]["phase"])
        assert phases == ["forward", "loss", "backward", "update", "forward"]


def test_play_trains_in_the_background_and_pause_stops(client, session):
    with live(client, session) as ws:
        opened(ws)
        ws.send_text(json.dumps({"type": "play"}))
        steps = [receive(ws, "frame")["state"]["step"] for _ in range(6)]
        assert steps[-1] > steps[0] >= 0
        ws.send_text(json.dumps({"type": "pause"}))
        paused = receive(ws, "frame")
        while paused["playing"]:
            paused = receive(ws, "frame")
        after = client.get(f"/api/sessions/{session['id']}").json()["state"]["step"]
        ws.send_text(json.dumps({"type": "step", "steps": 1}))  # answered after anything a loop still had queued
        assert receive(ws, "frame")["state"]["step"] == after + 1


def frame_at_step(ws, step: int) -> dict:
    """The first frame whose state has reached ``step`` (frames come while the loop trains)."""
    frame = receive(ws, "frame")
    while frame["state"]["step"] < step:
        frame = receive(ws, "frame")
    return frame


def test_paced_play_runs_at_the_chosen_rate(client, session, clock):
    with live(client, session) as ws:
        opened(ws)
        ws.send_text(json.dumps({"type": "speed", "steps_per_second": 20}))
        ws.send_text(json.dumps({"type": "play"}))
        assert frame_at_step(ws, 1)["state"]["step"] == 1  # a paced run takes its first step at once
        clock.advance(1.0)  # one second at 20 steps a second: 20 more are due, and no more
        assert frame_at_step(ws, 21)["state"]["step"] == 21
        clock.advance(0.25)
        assert frame_at_step(ws, 26)["state"]["step"] == 26
        ws.send_text(json.dumps({"type": "pause"}))
        while receive(ws, "frame")["playing"]:
            pass
    assert client.get(f"/api/sessions/{session['id']}").json()["state"]["step"] == 26


def test_configure_sends_a_new_session_with_its_share_hash(client, session):
    with live(client, session) as ws:
        opened(ws)
        ws.send_text(json.dumps({"type": "configure", "config": {"hidden_layers": [5, 5, 5]}}))
        message = receive(ws, "session")
        assert message["config"]["hidden_layers"] == [5, 5, 5]
        assert "networkShape=5,5,5" in message["share_hash"]
        ws.send_text(json.dumps({"type": "configure", "view": {"discretize": True}}))
        assert "discretize=true" in receive(ws, "session")["share_hash"]


BAD_MESSAGES = [
    ("not json at all", "JSON"),
    ("[1, 2, 3]", "type"),
    ('{"type": "dance"}', "dance"),
    ('{"type": "step", "steps": 0}', "steps"),
    ('{"type": "step", "steps": 100000000}', "steps"),
    ('{"type": "step", "steps": "lots"}', "steps"),
    ('{"type": "configure", "config": {"hidden_layers": [100]}}', "hidden_layers"),
    ('{"type": "configure", "config": {"activation": "nope"}}', "activation"),
    ('{"type": "speed", "steps_per_second": -3}', "steps_per_second"),
    ('{"type": "speed", "steps_per_second": 2000000}', "steps_per_second"),
    ('{"type": "edit", "layer": 9, "kind": "bias", "i": 0, "value": 1}', "layer"),
    ('{"type": "play", "extra": 1}', "extra"),
]


@pytest.mark.parametrize("text, word", BAD_MESSAGES, ids=[t[:30] for t, _ in BAD_MESSAGES])
def test_a_bad_message_gets_an_error_and_the_connection_lives_on(client, session, text, word):
    with live(client, session) as ws:
        opened(ws)
        ws.send_text(text)
        error = receive(ws, "error")
        assert word in error["message"]
        ws.send_text(json.dumps({"type": "step", "steps": 3}))
        assert receive(ws, "frame")["state"]["step"] == 3


def test_oversized_message_gets_an_error(client, session, settings):
    with live(client, session) as ws:
        opened(ws)
        ws.send_text(json.dumps({"type": "configure", "config": {"x": "y" * settings.max_message_bytes}}))
        assert "too large" in receive(ws, "error")["message"]


def test_unknown_session_is_an_error_then_close(client):
    with client.websocket_connect("/api/sessions/nope/live") as ws:
        assert "no session" in json.loads(ws.receive_text())["message"]
        with pytest.raises(WebSocketDisconnect):
            ws.receive_text()


def test_other_origins_are_refused(client, session):
    with pytest.raises(WebSocketDisconnect):
        with live(client, session, origin="http://evil.example") as ws:
            ws.receive_text()
    with live(client, session, origin="http://testserver") as ws:
        assert json.loads(ws.receive_text())["type"] == "session"


def test_reconnect_resumes_the_same_session(client, session):
    with live(client, session) as ws:
        opened(ws)
        ws.send_text(json.dumps({"type": "step", "steps": 7}))
        receive(ws, "frame")
    with live(client, session) as ws:
        assert opened(ws)["state"]["step"] == 7


def test_diverged_frames_are_valid_json(client):
    created = overflowing_session(client)
    with live(client, created) as ws:
        opened(ws)
        ws.send_text(json.dumps({"type": "step", "steps": 300}))
        frame = receive(ws, "frame")
        assert frame["state"]["status"] == "diverged" and frame["state"]["loss"]["train"] is None


def test_frames_are_compact(client, session):
    """Heatmaps travel as bytes: a frame of the default net stays well under 64 KB."""
    with live(client, session) as ws:
        opened(ws)
        ws.send_text(json.dumps({"type": "play"}))
        text = None
        for _ in range(50):
            text = ws.receive_text()
            if json.loads(text)["type"] == "frame":
                break
        ws.send_text(json.dumps({"type": "pause"}))
        assert len(text) < 64_000


def test_two_sessions_playing_together_both_progress(client):
    """One busy session cannot starve another: both advance while playing at once."""
    first, second = (client.post("/api/sessions", json={"config": {"seed": s}}).json() for s in "ab")
    with live(client, first) as ws1, live(client, second) as ws2:
        opened(ws1), opened(ws2)
        ws1.send_text(json.dumps({"type": "play"}))
        ws2.send_text(json.dumps({"type": "play"}))
        steps1 = [receive(ws1, "frame")["state"]["step"] for _ in range(5)]
        steps2 = [receive(ws2, "frame")["state"]["step"] for _ in range(5)]
        ws1.send_text(json.dumps({"type": "pause"}))
        ws2.send_text(json.dumps({"type": "pause"}))
        # a third session's REST request is served while both play
        third = client.post("/api/sessions", json={}).json()
        assert client.post(f"/api/sessions/{third['id']}/step", json={"steps": 10}).json()["step"] == 10
    assert steps1[-1] > steps1[0] and steps2[-1] > steps2[0]


def test_narrated_play_frames_carry_the_batch(client, session):
    """Phase-by-phase play is slow enough to show every batch's losses; full-speed frames stay compact."""
    with live(client, session) as ws:
        opened(ws)
        ws.send_text(json.dumps({"type": "speed", "steps_per_second": 50, "unit": "phase"}))
        ws.send_text(json.dumps({"type": "play"}))
        frame = receive(ws, "frame")
        while not frame["playing"] or frame["state"]["phase"] == "ready":
            frame = receive(ws, "frame")
        assert frame["state"]["batch"] is not None and len(frame["state"]["batch"]["indices"]) == 10
        ws.send_text(json.dumps({"type": "speed", "steps_per_second": None}))
        frame = receive(ws, "frame")
        while frame["speed_unit"] != "step" or not frame["playing"]:
            frame = receive(ws, "frame")
        assert frame["state"]["batch"] is None
        ws.send_text(json.dumps({"type": "pause"}))


def test_a_socket_edit_answers_with_a_state_at_the_new_weights(client, session):
    with live(client, session) as ws:
        opened(ws)
        ws.send_text(json.dumps({"type": "step", "steps": 5}))
        stepped = receive(ws, "frame")["state"]
        assert stepped["layers"][1]["step_weights"] is not None
        ws.send_text(json.dumps({"type": "edit", "layer": 1, "kind": "weight", "i": 0, "j": 1, "value": 2}))
        state = receive(ws, "frame")["state"]
    assert state["layers"][1]["weights"][0][1] == 2 and state["step"] == 5
    assert all(layer["step_weights"] is None and layer["step_biases"] is None for layer in state["layers"])
    grad = state["layers"][1]["grad_weights"]
    slope = client.get(f"/api/sessions/{session['id']}/slice?layer=1&kind=weight&i=0&j=1&span=0.0001&points=3").json()
    numeric = (slope["losses"][2] - slope["losses"][0]) / (slope["values"][2] - slope["values"][0])
    assert numeric == pytest.approx(grad[0][1], rel=1e-5)  # the gradient at the current weights


def test_paced_play_stops_as_diverged_at_a_million_times_the_first_loss(client):
    # A learner's mistake at a pace one can watch: regression, ReLU, learning rate 10, 20 steps a second.
    created = client.post("/api/sessions", json={"config": {
        "problem": "regression", "activation": "relu", "learning_rate": 10, "seed": "grows"}}).json()
    start = created["state"]["loss"]["train"]
    with live(client, created) as ws:
        opened(ws)
        ws.send_text(json.dumps({"type": "speed", "steps_per_second": 20}))
        ws.send_text(json.dumps({"type": "play"}))
        frame = receive(ws, "frame")
        while frame["state"]["status"] == "ok":
            assert frame["state"]["loss"]["train"] <= 1e6 * start
            frame = receive(ws, "frame")
        while frame["playing"]:  # divergence pauses play
            frame = receive(ws, "frame")
    loss = frame["state"]["loss"]["train"]
    assert frame["state"]["status"] == "diverged" and (loss is None or loss > 1e6 * start)


def test_a_frame_sender_that_fails_closes_the_socket_so_the_page_reconnects(client, session, monkeypatch, caplog):
    from server.live import INTERNAL_ERROR, Connection

    def broken(self):
        raise ValueError("a bug in building what follows a frame")
    monkeypatch.setattr(Connection, "follow_with_probes", broken)
    with live(client, session) as ws:
        opened(ws)
        ws.send_text(json.dumps({"type": "play"}))
        with pytest.raises(WebSocketDisconnect) as closed:
            for _ in range(200):
                ws.receive_text()
        assert closed.value.code == INTERNAL_ERROR
    assert "live frames of session" in caplog.text and "a bug in building" in caplog.text


def test_one_epoch_per_frame_at_batch_size_one_is_a_pace_the_socket_takes(client, session):
    """The page's default pace is an epoch per animation frame: 250 training points at batch 1 make 15,000
    steps a second, which must be a pace, not an error."""
    with live(client, session) as ws:
        opened(ws)
        ws.send_text(json.dumps({"type": "speed", "steps_per_second": 15000}))
        frame = receive(ws, "frame")
        assert frame["steps_per_second"] == 15000 and frame["speed_unit"] == "step"
