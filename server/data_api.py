"""Routes for your own data and what you take away: ``PUT /points`` (CSV or JSON) and ``GET /export``."""
from __future__ import annotations

import json
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from server import export as exports
from server.api import get_player, get_session, get_settings
from server.player import Player
from server.points import PointsError, check_trainable, parse_csv, parse_json
from server.schemas import Session as SessionModel
from server.sessions import Session
from server.settings import Settings

router = APIRouter(prefix="/api")

MAX_BODY_POINTS = 100_000  # the schema's bound; the server's sample limit (max_samples) is checked after
MAX_CSV_CHARS = 4_000_000  # the schema's bound; the request-size limit (max_message_bytes) applies first


class PointsBody(BaseModel):
    """The JSON form: ``{"points": [[x, y, label], ...]}``."""

    model_config = ConfigDict(extra="forbid")

    points: list[Annotated[list[float], Field(min_length=3, max_length=3)]] = Field(
        min_length=1, max_length=MAX_BODY_POINTS, description="[x, y, label] rows")


class Message(BaseModel):
    detail: str


class FieldError(BaseModel):
    loc: list[str | int]
    msg: str
    type: str


class Refusal(BaseModel):
    """A 422: ``loc`` names the field, or ``["body", "line", n]`` for the CSV line at fault."""

    detail: list[FieldError]


ERRORS = {404: {"model": Message, "description": "No such session (it may have expired)"},
          422: {"model": Refusal, "description": "A bad row or value: the line (or index) and the reason"}}

POINTS_BODY = {
    "required": True,
    "content": {
        "application/json": {"schema": PointsBody.model_json_schema()},
        "text/csv": {"schema": {"type": "string", "maxLength": MAX_CSV_CHARS,
                                "description": "x,y,label rows; a header line is optional"}},
    },
}


def _refuse(loc: list, message: str, kind: str = "value_error", status: int = 422) -> JSONResponse:
    return JSONResponse(status_code=status, content={"detail": [{"loc": loc, "msg": message, "type": kind}]})


def _read_points(body: bytes, media: str, problem: str, limit: int):
    """The rows of a CSV or JSON body; raises ``PointsError`` or returns a refusal response."""
    if media in ("text/csv", "text/plain"):
        try:
            return parse_csv(body.decode("utf-8-sig"), problem, limit)
        except UnicodeDecodeError as error:
            return _refuse(["body"], f"the CSV is not UTF-8 text (byte {error.start})")
    try:
        rows = PointsBody.model_validate(json.loads(body)).points
    except ValueError as error:  # invalid JSON
        if isinstance(error, ValidationError):
            first = error.errors(include_url=False)[0]
            return _refuse(["body", *first["loc"]], first["msg"], first["type"])
        return _refuse(["body"], f"the body is not JSON: {error}")
    return parse_json(rows, problem, limit)


@router.put("/sessions/{session_id}/points", response_model=SessionModel,
            responses={**ERRORS, 415: {"model": Message, "description": "Neither text/csv nor application/json"}},
            openapi_extra={"requestBody": POINTS_BODY})
async def put_points(request: Request, session: Session = Depends(get_session),
                     player: Player = Depends(get_player), settings: Settings = Depends(get_settings)):
    """Train on your own points: ``x,y,label`` rows as ``text/csv`` (header optional) or JSON
    ``{"points": [[x, y, label], ...]}``. x and y must lie in [-6, 6]; labels 0, 1 (or 2) for classification,
    any number for regression; at most the sample limit. A bad row is a 422 naming its line (or index) and
    the reason, and nothing changes. The answer is the session, with its new data."""
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media not in ("text/csv", "text/plain", "application/json"):
        return JSONResponse(status_code=415, content={"detail": "send text/csv or application/json"})
    body = await request.body()
    problem = session.config.problem

    def work():
        try:
            rows = _read_points(body, media, problem, settings.max_samples)
            if isinstance(rows, Response):
                return rows
            check_trainable(rows, session.config.train_percent, ("body", 0))
        except PointsError as error:
            where = error.where if error.where[0] != "body" else ()
            return _refuse(["body", *where], error.message, status=error.status)
        session.set_points(rows, settings)
        return session.describe(settings)

    result = await player.run(session, work)
    return result


ExportFormat = Literal[tuple(exports.FORMATS)]


@router.get("/sessions/{session_id}/export", responses={
    **ERRORS,
    200: {"description": "weights.json, train.py, data.csv or loss.csv",
          "content": {"application/json": {"schema": {"type": "object"}},
                      "text/x-python": {"schema": {"type": "string"}},
                      "text/csv": {"schema": {"type": "string"}}}}},
    response_class=Response)
async def export_session(session: Session = Depends(get_session), player: Player = Depends(get_player),
                         format: ExportFormat = Query("json", description="json, numpy, csv or loss_csv")):
    """Take the run away: ``json`` (config, step, every layer's weights and biases), ``numpy`` (a script
    that needs only NumPy and trains the same network again, bit for bit), ``csv`` (the data:
    x,y,label,split) or ``loss_csv`` (step,train_loss,test_loss)."""
    text = await player.run(session, exports.export, session, format)
    media, name = exports.FORMATS[format]
    return Response(text, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}"'})
