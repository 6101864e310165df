"""The OpenAPI document is a contract (server.contract), checked by schemathesis with every built-in check
(as `schemathesis run --checks all`) over every operation in the schema — routes added later are checked too.
The app runs in-process with small limits, so the limits in its schema are small and each case is cheap."""
from __future__ import annotations

import re

import jsonschema_rs
import pytest
import schemathesis
from hypothesis import HealthCheck, settings as hypothesis_settings
from schemathesis.checks import CHECKS

from server.app import create_app
from server.settings import Settings
from tests.conftest import TestClient

# max_samples keeps TFP's defaults (500 points, 1200 for regression), which a config or link that does not
# name its size takes; the body limit stays the default, above the longest hash the schema allows.
SMALL = Settings(max_layers=3, max_width=6, max_samples=1200, max_batch_size=40, max_steps=60, max_replay_steps=200,
                 max_grid=16, max_landscape=7, max_slice_points=15, max_sessions=8)
EXAMPLES = 12
# Derandomized: the same cases every run, so a failure reproduces and the suite never flakes; a change to a
# route or its schema changes the cases drawn.
SETTINGS = dict(deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck))


APP = create_app(SMALL)


def _operation(schema: dict, path: str, method: str) -> dict:
    return schema["paths"]["/api/sessions/{session_id}" + path][method]


def _query(operation: dict, name: str) -> dict:
    schema = next(p["schema"] for p in operation["parameters"] if p["name"] == name)
    return next((b for b in schema.get("anyOf", []) if b.get("type") != "null"), schema)


@pytest.mark.parametrize("settings", [SMALL, Settings()], ids=["small", "defaults"])
def test_the_schema_carries_the_apps_own_limits(settings):
    schema = create_app(settings).openapi()
    components = schema["components"]["schemas"]
    assert components["StepRequest"]["properties"]["steps"]["maximum"] == settings.max_steps
    assert _query(_operation(schema, "/heatmaps", "get"), "size")["maximum"] == settings.max_grid
    assert _query(_operation(schema, "/landscape", "get"), "size")["maximum"] == settings.max_landscape
    assert _query(_operation(schema, "/slice", "get"), "points")["maximum"] == settings.max_slice_points
    assert _query(_operation(schema, "/inspect", "get"), "sample")["maximum"] == settings.max_samples - 1
    layers = components["ConfigFields"]["properties"]["hidden_layers"]
    assert layers["maxItems"] == settings.max_layers and layers["items"]["maximum"] == settings.max_width
    assert components["ConfigFields"]["properties"]["num_samples"]["maximum"] == settings.max_samples
    assert components["RaceVariant"]["properties"]["batch_size"]["maximum"] == settings.max_batch_size
    race_hash = re.compile(_hash_schema(schema)["pattern"])
    assert race_hash.search(f"samples={settings.max_samples}&race=;")
    assert not race_hash.search(f"samples={settings.max_samples + 1}&race=;")
    assert race_hash.search(f"race=batch_size:{settings.max_batch_size};")
    assert not race_hash.search(f"race=batch_size:{settings.max_batch_size + 1};")


def _hash_schema(schema: dict) -> dict:
    return next(b for b in schema["components"]["schemas"]["CreateRace"]["properties"]["hash"]["anyOf"]
                if b["type"] == "string")


def test_every_route_documents_what_it_can_answer():
    schema = APP.openapi()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            statuses = set(operation["responses"])
            if path.startswith(("/api/sessions/{session_id}", "/api/races/{race_id}")):
                assert "404" in statuses, (method, path)
            if operation.get("parameters") or operation.get("requestBody"):
                assert "422" in statuses, (method, path)
            if operation.get("requestBody"):
                assert "413" in statuses, (method, path)
            for status in statuses - {"200", "201", "204"}:
                assert operation["responses"][status]["content"]["application/json"]["schema"], (method, path)


def test_a_race_links_to_every_route_on_it():
    schema = APP.openapi()
    links = schema["paths"]["/api/races"]["post"]["responses"]["201"]["links"]
    race_routes = {operation["operationId"] for path, operations in schema["paths"].items()
                   if path.startswith("/api/races/{race_id}") for operation in operations.values()}
    assert {link["operationId"] for link in links.values()} == race_routes and len(race_routes) == 7
    assert all(link["parameters"] == {"race_id": "$response.body#/id"} for link in links.values())
    assert {"409", "503"} <= set(schema["paths"]["/api/races"]["post"]["responses"])
    assert "409" in schema["paths"]["/api/races/{race_id}/step"]["post"]["responses"]


RACE_BODIES = [  # (body, what the schema says of it)
    ({"hash": "race=;"}, True),
    ({"hash": "#dataset=xor&networkShape=3,3&race=optimizer:sgd;optimizer:adam,learning_rate:1e-7&step=20"}, True),
    ({"hash": "dataset=circle&race=momentum:0.9999999999999999;beta2:0"}, True),
    ({"config": {"dataset": "xor"}, "variants": [{"optimizer": "adam"}, {"loss": None}]}, True),
    ({"config": None, "hash": "", "variants": None}, False),  # the case schemathesis found: no race=
    ({"hash": "dataset=circle&seed=x"}, False),
    ({"hash": "race=;", "config": {}}, False),
    ({"hash": "race=dataset:xor;"}, False),  # the data cannot vary
    ({"hash": "race=momentum:1;"}, False),  # momentum < 1
    ({"hash": "race=;;;;"}, False),  # five variants
    ({"hash": "networkShape=7&race=;"}, False),  # wider than max_width
    ({"hash": "step=201&race=;"}, False),  # beyond max_replay_steps
    ({"hash": "nokey=1&race=;"}, False),
    ({"config": {}, "variants": [{"optimizer": "adam"}, {"dataset": "xor"}]}, False),
    ({"config": {}, "variants": [{"learning_rate": "0.1"}, {}]}, False),
]


@pytest.mark.parametrize("body, allowed", RACE_BODIES, ids=[repr(b)[:60] for b, _ in RACE_BODIES])
def test_the_race_schema_allows_exactly_what_is_served(body, allowed):
    schema = APP.openapi()
    validator = jsonschema_rs.Draft202012Validator({**schema["components"]["schemas"]["CreateRace"],
                                                    "components": schema["components"]})
    assert validator.is_valid(body) == allowed
    status = TestClient(APP).post("/api/races", json=body).status_code
    assert (status == 422) != allowed, status


def test_a_405_names_every_method_of_the_path(client):
    response = client.options("/api/sessions/some-id")
    assert response.status_code == 405
    assert set(response.headers["allow"].split(", ")) == {"GET", "PATCH", "DELETE"}


@pytest.mark.parametrize("body", [
    {"config": {"num_samples": "50"}}, {"config": {"learning_rate": "0.1"}}, {"config": {"hidden_layers": ["3"]}},
    {"config": {"noise": True}}, {"view": {"hide_text": 0}},
])
def test_values_of_another_json_type_are_refused_not_coerced(client, body):
    response = client.post("/api/sessions", json=body)
    assert response.status_code == 422, response.text
    assert list(body.values())[0].keys() & set(map(str, response.json()["detail"][0]["loc"]))


def test_numbers_stay_numbers(client, session):
    sid = session["id"]
    assert client.post(f"/api/sessions/{sid}/step", json={"steps": "5"}).status_code == 422
    assert client.post(f"/api/sessions/{sid}/step", json={"steps": True}).status_code == 422
    assert client.post(f"/api/sessions/{sid}/step", json={"steps": 5}).status_code == 200
    edit = {"layer": 0, "kind": "bias", "i": 0}
    assert client.put(f"/api/sessions/{sid}/parameters", json={**edit, "value": "1"}).status_code == 422
    assert client.put(f"/api/sessions/{sid}/parameters", json={**edit, "value": 1}).status_code == 200
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)
ALL_CHECKS = CHECKS.get_all()  # read after loading an OpenAPI schema: its checks register on that


def test_every_check_runs():
    names = {check.__name__ for check in ALL_CHECKS}
    assert {"positive_data_acceptance", "negative_data_rejection", "response_schema_conformance"} <= names


@pytest.fixture(scope="module")
def session_id():
    """A live session for the cases to address; remade when a case deleted it or it was evicted."""
    client = TestClient(APP)

    def live() -> str:
        if live.id is None or client.get(f"/api/sessions/{live.id}").status_code != 200:
            live.id = client.post("/api/sessions", json={"config": {"seed": "contract", "num_samples": 100}}).json()["id"]
        return live.id
    live.id = None
    return live


@schema.parametrize()
@hypothesis_settings(max_examples=EXAMPLES, **SETTINGS)
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
TestStatefulContract.settings = hypothesis_settings(max_examples=EXAMPLES, stateful_step_count=5, **SETTINGS)
