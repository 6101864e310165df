"""Shared fixtures: the app in-process, with small limits so bounds are cheap to reach."""
from __future__ import annotations

import warnings

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
