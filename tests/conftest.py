"""Shared fixtures: the app in-process, with small limits so bounds are cheap to reach."""
from __future__ import annotations

import warnings

import numpy as np
import pytest

with warnings.catch_warnings():
    # Starlette's TestClient runs on httpx (our test dependency) and only suggests a successor package.
    warnings.filterwarnings("ignore", "Using `httpx` with `starlette.testclient`", UserWarning)
    from fastapi.testclient import TestClient

from server.app import create_app
from server.settings import Settings


@pytest.fixture
def settings() -> Settings:
    return Settings(max_sessions=5, max_steps=5000, max_layers=10, max_width=32, max_grid=120)


@pytest.fixture
def client(settings):
    with TestClient(create_app(settings)) as test_client:
        yield test_client


@pytest.fixture
def session(client) -> dict:
    response = client.post("/api/sessions", json={"config": {"seed": "fixture"}})
    assert response.status_code == 201, response.text
    return response.json()


def overflowing_session(client) -> dict:
    """A session whose hand-set weights overflow float64 in the forward pass, so its State holds NaN and
    infinities (a run that diverges by training stops at 10⁶ × its first loss, long before that)."""
    session = client.post("/api/sessions", json={"config": {
        "problem": "regression", "activation": "relu", "seed": "boom"}}).json()
    client.post(f"/api/sessions/{session['id']}/step", json={"steps": 1})
    for layer in (0, 1):
        shape = np.shape(session["state"]["layers"][layer]["weights"])
        weights = [[1e300 * (-1) ** (i + j) for j in range(shape[1])] for i in range(shape[0])]
        response = client.put(f"/api/sessions/{session['id']}/parameters", json={"layer": layer, "weights": weights})
        assert response.status_code == 200, response.text
    return session


class ManualClock:
    """A clock that moves only when a test moves it: paced play is measured against it, not the wall."""

    def __init__(self, now: float = 1000.0):
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock(client) -> ManualClock:
    """The play loops' clock of ``client``'s app, held still until the test advances it."""
    manual = ManualClock()
    client.app.state.player.clock = manual
    return manual


def run_async(coroutine, timeout: float = 60):
    """Run ``coroutine`` to completion on a fresh event loop in its own thread (the browser tests keep an
    event loop running in the main thread, where ``asyncio.run`` refuses to start another)."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, asyncio.wait_for(coroutine, timeout)).result()
