"""One owner of play: tokens, one loop per session, the same compute path for REST and the socket."""
from __future__ import annotations

import json

from server.schemas import Config, View
from server.sessions import Session
from tests.test_live import frame_at_step, live, opened, receive


def make_session() -> Session:
    return Session("s", Config.model_validate({"seed": "owner"}), View())


def test_only_the_latest_play_token_owns_play():
    session = make_session()
    first = session.play()
    assert first is not None and session.owns_play(first)
    assert session.play() is None  # already playing: no second loop to start
    session.pause()
    assert not session.owns_play(first)
    second = session.play()
    assert second != first and session.owns_play(second) and not session.owns_play(first)


def test_a_diverging_step_pauses_play():
    session = Session("d", Config.model_validate({"problem": "regression", "activation": "relu",
                                                  "learning_rate": 50, "seed": "boom"}), View())
    token = session.play()
    session.step(500)
    assert session.trainer.status == "diverged"
    assert not session.playing and not session.owns_play(token)
    assert session.play() is None  # a diverged network does not play until reset


def test_rapid_pause_play_keeps_one_loop_at_the_pace(client, session, clock):
    """Five quick pause/play pairs at a set pace leave one loop, and the step rate stays at the pace."""
    player = client.app.state.player
    rate, url = 40, f"/api/sessions/{session['id']}"
    with live(client, session) as ws:
        opened(ws)
        ws.send_text(json.dumps({"type": "speed", "steps_per_second": rate}))
        ws.send_text(json.dumps({"type": "play"}))
        for _ in range(5):
            ws.send_text(json.dumps({"type": "pause"}))
            ws.send_text(json.dumps({"type": "play"}))
        ws.send_text(json.dumps({"type": "step", "steps": 1}))  # answered after the commands before it
        start_step = frame_at_step(ws, 1)["state"]["step"]
        advanced, step = 0.0, start_step
        for _ in range(2000):  # the clock moves only here, in twentieths of a second
            clock.advance(0.05)
            advanced += 0.05
            step = client.get(url).json()["state"]["step"]
            if step >= start_step + rate:
                break
        assert player.playing_loops() == 1
        ws.send_text(json.dumps({"type": "pause"}))
        while receive(ws, "frame")["playing"]:
            pass
    steps = client.get(url).json()["state"]["step"] - start_step
    # One paced loop takes at most rate × time (+1 for its first step); two would take twice that.
    assert rate <= steps <= rate * advanced + 1, (steps, advanced)

def test_rest_steps_and_socket_steps_share_one_path(client, session):
    """A REST step and a socket step land on the same session, one after the other, in order."""
    url = f"/api/sessions/{session['id']}"
    with live(client, session) as ws:
        opened(ws)
        assert client.post(url + "/step", json={"steps": 7}).json()["step"] == 7
        ws.send_text(json.dumps({"type": "step", "steps": 3}))
        frame = receive(ws, "frame")
        while frame["state"]["step"] != 10:
            frame = receive(ws, "frame")
    assert client.get(url).json()["state"]["step"] == 10


def test_the_least_recently_used_idle_session_makes_room(client, settings):
    """At the limit a new learner is never refused while an idle session can make room; a watched one stays."""
    first = client.post("/api/sessions", json={"config": {"seed": "first"}}).json()
    with live(client, first) as ws:
        opened(ws)
        others = [client.post("/api/sessions", json={}).json() for _ in range(settings.max_sessions + 2)]
        assert client.get(f"/api/sessions/{first['id']}").status_code == 200  # watched: kept
        assert client.get(f"/api/sessions/{others[0]['id']}").status_code == 404  # idle and oldest: made room
        assert client.get(f"/api/sessions/{others[-1]['id']}").status_code == 200
