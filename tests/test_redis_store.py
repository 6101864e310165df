"""Sessions on a real Redis (Debian's redis-server on a free port): two apps on one Redis act as one
process — any of them serves any session, bit for bit — and a worker's sessions outlive it."""
from __future__ import annotations

import json
import urllib.request

import numpy as np
import pytest

from server.settings import Settings
from tests.conftest import TestClient, create_app
from tests.services import Redis, Server
from tests.test_live import live, opened, receive


@pytest.fixture(scope="module")
def redis_url():
    with Redis() as server:
        yield server.url


def make_client(url: str | None, **overrides) -> TestClient:
    values = {"max_sessions": 5, "lease_seconds": 1.0, **overrides}
    return TestClient(create_app(Settings(store=url or "memory", **values)))


def script(clients: list, rounds: int = 3) -> list[list[float]]:
    """Create three sessions and step, phase, edit and patch them, each request on the next client in turn."""
    turn = iter(range(10**6))
    def ask(method: str, path: str, body: dict | None = None) -> dict:
        client = clients[next(turn) % len(clients)]
        response = client.request(method, path, json=body)
        assert response.status_code in (200, 201), response.text
        return response.json()
    ids = [ask("POST", "/api/sessions", {"config": {"seed": f"r{k}", "optimizer": "adam", "batch_size": 7}})["id"]
           for k in range(3)]
    for _ in range(rounds):
        for session_id in ids:
            path = f"/api/sessions/{session_id}"
            ask("POST", path + "/step", {"steps": 23})
            ask("POST", path + "/phase")
            ask("POST", path + "/phase")
    ask("PATCH", f"/api/sessions/{ids[0]}", {"config": {"learning_rate": 0.01}})
    ask("PUT", f"/api/sessions/{ids[1]}/parameters", {"layer": 0, "kind": "weight", "i": 0, "j": 1, "value": 0.5})
    for session_id in ids:
        ask("POST", f"/api/sessions/{session_id}/step", {"steps": 11})
    return [weights(ask("GET", f"/api/sessions/{session_id}")) for session_id in ids]


def weights(session: dict) -> list[float]:
    return [w for layer in session["state"]["layers"] for w in np.ravel(layer["weights"]).tolist()
            + np.ravel(layer["biases"]).tolist()] + [session["state"]["step"]]


def test_two_apps_on_one_redis_end_where_one_memory_process_ends(redis_url):
    with make_client(None) as alone:
        expected = script([alone])
    with make_client(redis_url) as a, make_client(redis_url) as b:
        assert script([a, b]) == expected  # floats compared exactly: bit for bit


def test_a_session_moves_to_the_worker_that_watches_it(redis_url):
    with make_client(redis_url) as a, make_client(redis_url) as b:
        session = a.post("/api/sessions", json={"config": {"seed": "w"}}).json()
        with live(b, session) as ws:
            opened(ws)
            a.post(f"/api/sessions/{session['id']}/step", json={"steps": 5})  # a takes it back to step
            ws.send_text(json.dumps({"type": "step", "steps": 2}))
            frame = receive(ws, "frame")
            while frame["state"]["step"] != 7:
                frame = receive(ws, "frame")
        assert a.get(f"/api/sessions/{session['id']}").json()["state"]["step"] == 7


def test_a_deleted_session_is_gone_for_every_worker(redis_url):
    with make_client(redis_url) as a, make_client(redis_url) as b:
        session_id = a.post("/api/sessions", json={}).json()["id"]
        assert b.get(f"/api/sessions/{session_id}").status_code == 200
        assert a.delete(f"/api/sessions/{session_id}").status_code == 204
        assert b.get(f"/api/sessions/{session_id}").status_code == 404
        assert a.get(f"/api/sessions/{session_id}").status_code == 404


def test_an_evicted_session_is_kept_in_redis(redis_url):
    """At the limit the least recently used idle session leaves memory, not the store."""
    with make_client(redis_url, max_sessions=2) as a:
        first = a.post("/api/sessions", json={"config": {"seed": "e"}}).json()["id"]
        a.post(f"/api/sessions/{first}/step", json={"steps": 9})
        for _ in range(3):
            a.post("/api/sessions", json={})
        assert len(a.app.state.store) == 2
        assert a.get(f"/api/sessions/{first}").json()["state"]["step"] == 9


def test_a_watched_session_comes_back_to_its_socket_after_a_script_moved_it(redis_url):
    """A REST call on another worker takes the session there; the socket's worker brings it back by itself
    and its frames go on, with the change the other worker made."""
    with make_client(redis_url) as a, make_client(redis_url) as b:
        session = a.post("/api/sessions", json={"config": {"seed": "follow"}}).json()
        with live(a, session) as ws:
            opened(ws)
            assert b.post(f"/api/sessions/{session['id']}/step", json={"steps": 4}).json()["step"] == 4
            frame = receive(ws, "frame")  # no command from this socket: its worker fetched the new state
            while frame["state"]["step"] != 4:
                frame = receive(ws, "frame")
