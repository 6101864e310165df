"""The OpenAPI document is a contract (server.contract), checked by schemathesis with every built-in check
(as `schemathesis run --checks all`) over every operation in the schema — routes added later are checked too.
The app runs in-process with small limits, so the limits in its schema are small and each case is cheap."""
from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings as hypothesis_settings
from schemathesis.checks import CHECKS

from server.app import create_app
from server.settings import Settings

SMALL = Settings(max_layers=3, max_width=6, max_samples=120, max_batch_size=40, max_steps=60, max_replay_steps=200,
                 max_grid=16, max_landscape=7, max_slice_points=15, max_sessions=8, max_message_bytes=20_000)
EXAMPLES = 12
ALL_CHECKS = CHECKS.get_all()


APP = create_app(SMALL)
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)


@pytest.fixture(scope="module")
def session_id():
    """A live session for the cases to address; remade when a case deleted it or it was evicted."""
    from fastapi.testclient import TestClient
    client = TestClient(APP)

    def live() -> str:
        if live.id is None or APP.state.store.get(live.id) is None:
            live.id = client.post("/api/sessions", json={"config": {"seed": "contract", "num_samples": 100}}).json()["id"]
        return live.id
    live.id = None
    return live


@schema.parametrize()
@hypothesis_settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_every_operation_keeps_the_contract(case, session_id):
    if "session_id" in (case.path_parameters or {}) and case.path_parameters["session_id"] != "gone":
        case.path_parameters["session_id"] = session_id()
    case.call_and_validate(checks=ALL_CHECKS)


class StatefulContract(schema.as_state_machine()):
    """Sequences that follow the schema's links: create a session, then call its routes with its id."""

    def validate_response(self, response, case, additional_checks=None, **kwargs):
        case.validate_response(response, checks=ALL_CHECKS, additional_checks=additional_checks,
                               transport_kwargs=kwargs or None)


TestStatefulContract = StatefulContract.TestCase
TestStatefulContract.settings = hypothesis_settings(max_examples=EXAMPLES, stateful_step_count=5, deadline=None,
                                                    suppress_health_check=list(HealthCheck))
