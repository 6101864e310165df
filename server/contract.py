"""The OpenAPI document as a contract: the running server's limits (its ``Settings``) in the schema, the
config rules a create request must keep written as schema, and every status a route answers documented
with its body. ``create_app`` installs it; ``/openapi.json`` then says exactly what the server serves."""
from __future__ import annotations

import copy
import functools
import json
import re
from typing import Annotated

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.exception_handlers import http_exception_handler
from fastapi.openapi.utils import get_openapi
from pydantic import TypeAdapter, ValidationError
from starlette.exceptions import HTTPException

from engine.datasets import DATASETS
from engine.features import FEATURE_ORDER
from engine.outputs import LOSSES, OUTPUTS
from server import race_hash
from server.limits import address_limits
from server.races import VARIANT_FIELDS
from server.schemas import Config, View
from server.settings import Settings

REF = "#/components/schemas/"
HTTP_ERROR = {"title": "HTTPError", "type": "object", "required": ["detail"],
              "properties": {"detail": {"type": "string"}}}
SESSION_PREFIX = "/api/sessions/{session_id}"
RACE_PREFIX = "/api/races/{race_id}"
ERRORS = {
    400: ("The body is not readable JSON", "HTTPError"),
    409: ("Well-formed, but does not fit the session or race as it is now (a layer, neuron or sample its "
          "network lacks, arrays of another shape, more work than its size allows, a change or race variant "
          "that clashes with its config, custom points that leave none to train on, a race's session to delete); "
          "the detail names the field and the limit", "HTTPValidationError"),
    413: ("The body is over the server's max_message_bytes", "HTTPValidationError"),
    422: ("The request breaks the schema or a server limit; the detail names the field and the limit",
          "HTTPValidationError"),
    503: ("Every session slot is in use; retry after Retry-After seconds", "HTTPError"),
}
# What each id in a path names: the path prefix, its create route, its id, the 404 when it names nothing.
OWNERS = {
    SESSION_PREFIX: ("/api/sessions", "session_id", "No such session (it may have expired)"),
    RACE_PREFIX: ("/api/races", "race_id", "No such race, or its sessions expired (its share link makes it again)"),
}
# The statuses beyond 404 (routes on a session or race) and 422 (routes with input) operations can answer.
CONFLICTS = {("put", SESSION_PREFIX + "/points"), ("post", SESSION_PREFIX + "/step"),
             ("put", SESSION_PREFIX + "/parameters"), ("patch", SESSION_PREFIX), ("delete", SESSION_PREFIX),
             ("get", SESSION_PREFIX + "/slice"),
             ("get", SESSION_PREFIX + "/landscape"), ("get", SESSION_PREFIX + "/inspect"),
             ("post", "/api/sessions"), ("post", "/api/races"), ("post", RACE_PREFIX + "/step"),
             ("get", RACE_PREFIX + "/landscape")}
CREATES = {("post", create) for create, _, _ in OWNERS.values()}  # each takes session slots: a 503 when full
ADDRESS_PATTERN = r"^[0-9]{1,4},(weight,[0-9]{1,4},[0-9]{1,4}|bias,[0-9]{1,4})$"


_CONFIG_FIELDS = {name: TypeAdapter(Annotated[(field.annotation, *field.metadata)] if field.metadata
                                    else field.annotation) for name, field in Config.model_fields.items()}


def check_race_hash(text: str, settings: Settings) -> None:
    """422 for a race hash out of the grammar the schema gives it (server.race_hash)."""
    race_hash.check_hash(text, _variant_fields(config_fields(settings)), settings)


def check_config_types(values: dict | None, where: tuple = ("body", "config")) -> None:
    """422 for a config value of another JSON type than the schema's ("5" for 5, 0 for false), which a lax
    validation would coerce; ``where`` is the location of ``values`` in the request. Values are checked one
    by one: a patch is partial; unknown names and the rules between fields are left to the full validation."""
    errors = []
    for name, value in (values or {}).items():
        if name in _CONFIG_FIELDS and value is not None:
            try:
                _CONFIG_FIELDS[name].validate_json(json.dumps(_whole_numbers(value)), strict=True)
            except ValidationError as error:
                errors += [{"loc": [*where, name, *e["loc"]], "msg": e["msg"], "type": e["type"]}
                           for e in error.errors(include_url=False, include_context=False, include_input=False)]
    if errors:
        raise RequestValidationError(errors)


def _whole_numbers(value):
    """285.0 as 285, in lists too: JSON Schema's integers include numbers with no fraction."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return [_whole_numbers(v) for v in value] if isinstance(value, (list, tuple)) else value


def install_contract(app: FastAPI, settings: Settings) -> None:
    """Replace ``app.openapi`` with one that writes ``settings``' limits and every status into the schema;
    a 405 names, in ``Allow``, every method the path has."""
    @app.exception_handler(HTTPException)
    async def allow_every_method(request: Request, error: HTTPException):
        if error.status_code == 405:
            path = request.url.path
            allowed = sorted({method.upper() for template, operations in app.openapi()["paths"].items()
                              if _template(template).fullmatch(path) for method in operations})
            if allowed:
                error.headers = {**(error.headers or {}), "Allow": ", ".join(allowed)}
        return await http_exception_handler(request, error)

    def openapi() -> dict:
        if app.openapi_schema is None:
            schema = get_openapi(title=app.title, version=app.version, description=app.description,
                                 routes=app.routes)
            components = schema.setdefault("components", {}).setdefault("schemas", {})
            _add_config_schemas(components, settings)
            _add_race_schemas(components, settings)
            _add_links(schema)
            for path, operations in schema["paths"].items():
                for method, operation in operations.items():
                    _bound(path, operation, components, settings)
                    _document_statuses(path, method, operation, components)
            _add_edit_rules(components)
            _describe_points(schema["paths"].get(SESSION_PREFIX + "/points", {}).get("put"), settings)
            app.openapi_schema = schema
        return app.openapi_schema
    app.openapi = openapi


@functools.lru_cache(maxsize=256)
def _template(path: str) -> re.Pattern:
    """``/api/sessions/{session_id}`` as a pattern that matches one concrete path."""
    return re.compile(re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(path)))


def _limits_of(settings: Settings) -> dict[str, dict]:
    """Per request field: the JSON Schema keywords that say the server's limit."""
    max_layer, max_index = address_limits(settings)
    width = max_index + 1
    index = {"maximum": max_index}
    return {
        "steps": {"maximum": settings.max_steps},
        "hidden_layers": {"maxItems": settings.max_layers, "items": {"type": "integer", "minimum": 1,
                                                                     "maximum": settings.max_width}},
        "num_samples": {"maximum": settings.max_samples},
        "batch_size": {"maximum": settings.max_batch_size},
        "layer": {"maximum": max_layer}, "i": index, "j": index,
        "weights": {"maxItems": width, "items": {"type": "array", "maxItems": width, "items": {"type": "number"}}},
        "biases": {"maxItems": width},
        "sample": {"maximum": settings.max_samples - 1},
        "grid": {"maximum": settings.max_grid},
        "landscape": {"maximum": settings.max_landscape},
        "slice_points": {"maximum": settings.max_slice_points},
        "address": {"pattern": ADDRESS_PATTERN},
    }


# Which limit bounds which input: (route below its session's or race's path, query parameter) -> limit, and
# request model -> its bounded fields.
QUERY_LIMITS = {
    ("/heatmaps", "size"): "grid", ("/heatmaps", "neuron_size"): "grid",
    ("/slice", "layer"): "layer", ("/slice", "i"): "i", ("/slice", "j"): "j", ("/slice", "points"): "slice_points",
    ("/landscape", "size"): "landscape", ("/landscape", "p1"): "address", ("/landscape", "p2"): "address",
    ("/inspect", "sample"): "sample", ("/inspect", "layer"): "layer", ("/inspect", "i"): "i",
    ("/inspect", "j"): "j",
}
BODY_LIMITS = {"StepRequest": ("steps",), "ParameterEdit": ("layer", "i", "j", "weights", "biases")}


def _owner(path: str) -> str | None:
    """The prefix of the path's session or race id, if it has one."""
    return next((prefix for prefix in OWNERS if path.startswith(prefix)), None)


def _bound(path: str, operation: dict, components: dict, settings: Settings) -> None:
    limits = _limits_of(settings)
    route = path.removeprefix(_owner(path) or "")
    for parameter in operation.get("parameters", []):
        limit = QUERY_LIMITS.get((route, parameter["name"])) if parameter["in"] == "query" else None
        if limit:
            _nullable_target(parameter["schema"]).update(limits[limit])
    body = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema", {})
    name = body.get("$ref", "").removeprefix(REF)
    for field in BODY_LIMITS.get(name, ()):
        _nullable_target(components[name]["properties"][field]).update(limits[field])


def _nullable_target(schema: dict) -> dict:
    """The non-null branch of an ``anyOf: [X, null]`` (what pydantic writes for Optional), else ``schema``."""
    branches = [b for b in schema.get("anyOf", []) if b.get("type") != "null"]
    return branches[0] if len(branches) == 1 else schema


_CONFIG_SCHEMA = Config.model_json_schema(mode="validation", ref_template=REF + "{model}")


def config_fields(settings: Settings) -> dict:
    """ConfigFields: every config field with its bounds, ``settings``' limits among them."""
    fields = copy.deepcopy(_CONFIG_SCHEMA)
    fields.pop("$defs", None)
    fields.update(title="ConfigFields", additionalProperties=False)
    limits = _limits_of(settings)
    for name in ("hidden_layers", "num_samples", "batch_size"):
        fields["properties"][name].update(limits[name])
    for name in ("dataset", "output", "loss"):  # null (or absent) takes the default that fits
        fields["properties"][name] = {"anyOf": [_enum_of(fields["properties"][name]), {"type": "null"}]}
    fields["properties"]["points"] = {"anyOf": [_points(settings, None), {"type": "null"}]}
    return fields


def _variant_fields(fields: dict) -> dict[str, dict]:
    """What a race variant may set: its fields of ConfigFields."""
    return {name: fields["properties"][name] for name in sorted(VARIANT_FIELDS)}


def _add_config_schemas(components: dict, settings: Settings) -> None:
    """ConfigFields (a PATCH); ConfigCreate: those, held to the rules that tie problem, dataset, points,
    output and loss together (a new session). Create and patch bodies name them in place of a free-form
    object."""
    fields = config_fields(settings)
    components["ConfigFields"] = fields
    components["ConfigCreate"] = {"title": "ConfigCreate", "allOf": [{"$ref": REF + "ConfigFields"}],
                                  "anyOf": _config_branches(settings)}
    components.setdefault("View", View.model_json_schema(mode="validation"))
    components.setdefault("HTTPError", HTTP_ERROR)
    for model, name in (("CreateSession", "ConfigCreate"), ("PatchSession", "ConfigFields")):
        properties = components[model]["properties"]
        properties["config"] = {"anyOf": [{"$ref": REF + name}, {"type": "null"}]} if model == "CreateSession" \
            else {"$ref": REF + name}
        properties["view"] = {"anyOf": [{"$ref": REF + "View"}, {"type": "null"}]}
    # A hash carries its own config and view: a create gives either.
    components["CreateSession"]["anyOf"] = [{"properties": {"hash": {"type": "null"}}},
                                            {"properties": {"config": {"type": "null"}, "view": {"type": "null"}}}]


def _add_race_schemas(components: dict, settings: Settings) -> None:
    """A race is either a config (ConfigCreate) and variants (RaceVariant: the fields a variant may set), or
    a race hash in the grammar of server.race_hash."""
    variant_fields = _variant_fields(components["ConfigFields"])
    components["RaceVariant"] = {"title": "RaceVariant", "type": "object", "additionalProperties": False,
                                 "properties": copy.deepcopy(variant_fields)}
    race = components["CreateRace"]
    properties = race["properties"]
    properties["config"] = {"anyOf": [{"$ref": REF + "ConfigCreate"}, {"type": "null"}]}
    _nullable_target(properties["variants"])["items"] = {"$ref": REF + "RaceVariant"}
    _nullable_target(properties["hash"])["pattern"] = race_hash.hash_pattern(variant_fields, settings)
    race["anyOf"] = [
        {"properties": {"hash": {"type": "null"}, "variants": {"type": "array"}}, "required": ["variants"]},
        {"properties": {"hash": {"type": "string"}, "config": {"type": "null"}, "variants": {"type": "null"}},
         "required": ["hash"]}]


COORDINATE = r"-?(?:[0-5](?:\.[0-9]{1,6})?|6(?:\.0{1,6})?)"
LABEL = r"-?[0-9]{1,6}(?:\.[0-9]{1,6})?"


def _describe_points(operation: dict | None, settings: Settings) -> None:
    """Points a session can take: x, y in [-6, 6], a numeric label (whether it is a class of this session's
    problem is a 409), one to max_samples of them; as CSV rows (header optional) or JSON."""
    if operation is None:
        return
    content = operation.get("requestBody", {}).get("content", {})
    row = f"{COORDINATE},{COORDINATE},{LABEL}"
    if "text/csv" in content:
        content["text/csv"]["schema"].update(
            pattern=f"^(?:x,y,label\\r?\\n)?{row}(?:\\r?\\n{row}){{0,{settings.max_samples - 1}}}(?:\\r?\\n)?$",
            minLength=5)
    points = content.get("application/json", {}).get("schema", {}).get("properties", {}).get("points")
    if points is not None:
        coordinate = {"type": "number", "minimum": -6, "maximum": 6}
        points.update(maxItems=settings.max_samples, items={
            "type": "array", "prefixItems": [coordinate, coordinate, {"type": "number"}], "minItems": 3,
            "maxItems": 3})


def _add_edit_rules(components: dict) -> None:
    """A one-entry edit names its entry: ``kind`` with ``i`` and ``value`` (and ``j`` for a weight)."""
    properties = components["ParameterEdit"]["properties"]
    entry = {name: copy.deepcopy(_nullable_target(properties[name])) for name in ("i", "value")}
    components["ParameterEdit"]["anyOf"] = [
        {"properties": {"kind": {"type": "null"}}},
        {"properties": {"kind": {"const": "bias"}, **entry}, "required": ["kind", "i", "value"]},
        {"properties": {"kind": {"const": "weight"}, **entry, "j": copy.deepcopy(_nullable_target(properties["j"]))},
         "required": ["kind", "i", "j", "value"]},
    ]


def _add_links(schema: dict) -> None:
    """The id a create answers with opens every route on that session or race (OpenAPI links, for scripts
    and for stateful testing)."""
    for prefix, (create, name, _) in OWNERS.items():
        created = schema["paths"][create]["post"]["responses"]["201"]
        created["links"] = {
            f"{method.upper()} {path.removeprefix(prefix) or '/'}": {
                "operationId": operation["operationId"], "parameters": {name: "$response.body#/id"}}
            for path, operations in schema["paths"].items() if _owner(path) == prefix
            for method, operation in operations.items()}


def _enum_of(schema: dict) -> dict:
    return {"type": "string", "enum": list(schema.get("enum") or [b["const"] for b in schema.get("anyOf", [])
                                                                    if "const" in b])}


def _points(settings: Settings, labels: dict | None, contains: dict | None = None) -> dict:
    coordinate = {"type": "number", "minimum": -6, "maximum": 6}
    point = {"type": "array", "prefixItems": [coordinate, coordinate, labels or {"type": "number"}],
             "minItems": 3, "maxItems": 3}
    schema = {"type": "array", "items": point, "minItems": 1, "maxItems": settings.max_samples}
    if contains:
        schema["contains"] = contains
    return schema


def _config_branches(settings: Settings) -> list[dict]:
    """Each consistent kind of config (engine's check_head), as the properties it narrows: ConfigCreate is
    ConfigFields held to one of them (so the fields' own bounds are written, and tested, once)."""
    classes_2 = [n for n, d in DATASETS.items() if d.problem == "classification" and d.num_classes == 2]
    classes_3 = [n for n, d in DATASETS.items() if d.problem == "classification" and d.num_classes == 3]
    regression = [n for n, d in DATASETS.items() if d.problem == "regression"]
    one_unit = [n for n in ("sigmoid", "tanh") if n in OUTPUTS]
    not_ce = [n for n in LOSSES if n != "cross_entropy"]
    two_labels = {"enum": [0, 1]}
    three_labels = {"enum": [0, 1, 2]}
    has_class_2 = {"type": "array", "prefixItems": [{}, {}, {"const": 2}]}

    def branch(required=(), **narrowed) -> dict:
        schema = {"properties": narrowed}
        if required:
            schema["required"] = list(required)
        return schema

    def enum(names, nullable=True) -> dict:
        return {"anyOf": [{"type": "string", "enum": list(names)}, {"type": "null"}]} if nullable \
            else {"type": "string", "enum": list(names)}

    classification = enum(["classification"], nullable=False)
    no_points = {"type": "null"}
    sigmoid_softmax = enum(["sigmoid", "softmax"])
    tanh = enum(["tanh"], nullable=False)
    return [
        branch(problem=classification, dataset=enum(classes_2), points=no_points, output=sigmoid_softmax),
        branch(("output",), problem=classification, dataset=enum(classes_2), points=no_points, output=tanh,
               loss=enum(not_ce)),
        branch(("dataset",), problem=classification, dataset=enum(classes_3, nullable=False), points=no_points,
               output=enum(["softmax"])),
        branch(("problem",), problem=enum(["regression"], nullable=False), dataset=enum(regression),
               points=no_points, output=enum(["linear"]), loss=enum(not_ce)),
        branch(("dataset", "points"), problem=classification, dataset=enum(["custom"], nullable=False),
               points=_points(settings, two_labels), output=sigmoid_softmax),
        branch(("dataset", "points", "output"), problem=classification, dataset=enum(["custom"], nullable=False),
               points=_points(settings, two_labels), output=tanh, loss=enum(not_ce)),
        branch(("dataset", "points"), problem=classification, dataset=enum(["custom"], nullable=False),
               points=_points(settings, three_labels, has_class_2), output=enum(["softmax"])),
        branch(("problem", "dataset", "points"), problem=enum(["regression"], nullable=False),
               dataset=enum(["custom"], nullable=False), points=_points(settings, None),
               output=enum(["linear"]), loss=enum(not_ce)),
    ]


def _document_statuses(path: str, method: str, operation: dict, components: dict) -> None:
    if not path.startswith("/api"):
        return
    statuses = set()
    owner = _owner(path)
    if owner:
        statuses.add(404)
    if operation.get("parameters") or operation.get("requestBody"):
        statuses.add(422)
    if operation.get("requestBody"):
        statuses |= {400, 413}
    if (method, path) in CONFLICTS:
        statuses.add(409)
    if (method, path) in CREATES:
        statuses.add(503)
    responses = operation.setdefault("responses", {})
    for status in sorted(statuses):
        description, model = (OWNERS[owner][2], "HTTPError") if status == 404 else ERRORS[status]
        responses.setdefault(str(status), {"description": description,
                                  "content": {"application/json": {"schema": {"$ref": REF + model}}}})
        if model == "HTTPValidationError":
            components.setdefault("HTTPValidationError", _validation_error_schema())
    if 503 in statuses:
        responses["503"]["headers"] = {"Retry-After": {"schema": {"type": "integer"}}}


def _validation_error_schema() -> dict:
    return {"title": "HTTPValidationError", "type": "object", "properties": {"detail": {
        "type": "array", "items": {"type": "object", "required": ["loc", "msg", "type"], "properties": {
            "loc": {"type": "array", "items": {"anyOf": [{"type": "string"}, {"type": "integer"}]}},
            "msg": {"type": "string"}, "type": {"type": "string"}}}}}}
