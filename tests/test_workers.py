"""``--workers 2 --store redis://…`` as real processes: every request on a fresh connection lands on either
worker, and the sessions end bit for bit where one in-memory process ends them; after ``kill -9`` of the
server and all its workers, a restart on the same Redis has every session back."""
from __future__ import annotations

import json
import time
import urllib.error
import urllib.request

from websockets.sync.client import connect

from server import frames
from tests.services import Redis, Server
from tests.test_redis_store import make_client, script, weights


class Fresh:
    """HTTP over a new connection for every request (urllib keeps none alive), as scripts and pages do."""

    def __init__(self, url: str):
        self.url = url

    def request(self, method: str, path: str, json: dict | None = None):
        data = None if json is None else __import__("json").dumps(json).encode()
        request = urllib.request.Request(self.url + path, data, {"content-type": "application/json"}, method=method)
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return Answer(response.status, response.read())
        except urllib.error.HTTPError as error:
            return Answer(error.code, error.read())


class Answer:
    def __init__(self, status_code: int, body: bytes):
        self.status_code, self.text = status_code, body.decode()

    def json(self):
        return json.loads(self.text)


def play_for_a_while(url: str, session_id: str) -> int:
    """Play over the socket until frames have come for 1.5 s more; the step of the first frame seen then."""
    with connect(url.replace("http", "ws") + f"/api/sessions/{session_id}/live", max_size=None) as ws:
        ws.recv()
        ws.send(json.dumps({"type": "speed", "steps_per_second": 200}))
        ws.send(json.dumps({"type": "play"}))
        first = None
        while True:
            message = ws.recv()
            if not isinstance(message, bytes):
                continue
            step = frames.decode(message)[0]["state"]["step"]
            if first is None and step > 0:
                first, began = step, time.monotonic()
            if first is not None and time.monotonic() - began > 1.5 and step > first:
                return first  # the caller kills the server while this session still plays


def test_two_workers_on_redis_match_one_process_and_survive_kill_9():
    with make_client(None) as alone:
        expected = script([alone])
    with Redis() as redis:
        flags = ("--workers", "2", "--store", redis.url, "--lease-seconds", "1")
        server = Server(*flags).start()
        try:
            client = Fresh(server.url)
            assert script([client]) == expected
            sessions = [s for s in _stored_ids(redis.url)]
            player = client.request("POST", "/api/sessions", {"config": {"seed": "plays"}}).json()["id"]
            played_to = play_for_a_while(server.url, player)
            before = {session_id: client.request("GET", f"/api/sessions/{session_id}").json() for session_id in sessions}
        finally:
            server.kill()
        with Server(*flags, port=server.port) as again:
            client = Fresh(again.url)
            for session_id, session in before.items():
                assert weights(client.request("GET", f"/api/sessions/{session_id}").json()) == weights(session)
            resumed = client.request("GET", f"/api/sessions/{player}").json()["state"]["step"]
            assert resumed >= played_to  # saved at least once a second while it played


def _stored_ids(url: str) -> list[str]:
    import redis
    client = redis.Redis.from_url(url)
    try:
        return [key.decode().split(":", 2)[2] for key in client.scan_iter("bp:session:*")]
    finally:
        client.close()
