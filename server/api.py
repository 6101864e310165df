"""REST routes: validate, call the session on the compute lane (through the same ``Player`` as the live
socket), serialise. No math here."""
from __future__ import annotations

from typing import Literal, Optional

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response

from server.contract import check_config_types
from server.lane import COMMAND
from server.limits import LimitError, at_most, check_address, check_at_most
from server.player import Player
from server.schemas import CreateSession, ParameterEdit, PatchSession, Session as SessionModel, State, StepRequest
from server.sessions import Session, SessionStore
from server.settings import Settings

router = APIRouter(prefix="/api")


def get_store(request: Request) -> SessionStore:
    return request.app.state.store


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


async def get_session(session_id: str, store: SessionStore = Depends(get_store)) -> Session:
    session = await store.get(session_id)
    if session is None:
        raise HTTPException(404, f"no session '{session_id}' (it may have expired)")
    return session


def get_player(request: Request) -> Player:
    return request.app.state.player


@router.post("/sessions", status_code=201, response_model=SessionModel)
async def create_session(body: CreateSession, store: SessionStore = Depends(get_store),
                         player: Player = Depends(get_player)):
    """Create a session from a config (any subset of fields) or from a share-URL hash."""
    if body.hash is not None and (body.config is not None or body.view is not None):
        raise LimitError("hash", "give a hash or a config and view, not both (a hash carries its own)")
    check_config_types(body.config)
    session = await player.lane.run(COMMAND, store.build, body.config, body.view, body.hash)
    await store.add(session)
    return await player.run(session, session.describe, store.settings)


@router.get("/sessions/{session_id}", response_model=SessionModel)
async def read_session(session: Session = Depends(get_session), player: Player = Depends(get_player),
                       settings: Settings = Depends(get_settings)):
    return await player.run(session, session.describe, settings)


@router.patch("/sessions/{session_id}", response_model=SessionModel)
async def patch_session(body: PatchSession, session: Session = Depends(get_session),
                        player: Player = Depends(get_player),
                        settings: Settings = Depends(get_settings)):
    """Change part of the config: learning rate, regularization, batch size and optimizer apply live;
    shape changes draw new weights; data changes draw new data."""
    check_config_types(body.config)
    def work():
        session.configure(body.config, body.view, settings)
        return session.describe(settings)
    return await player.run(session, work)


@router.delete("/sessions/{session_id}", status_code=204)
async def delete_session(session_id: str, request: Request, store: SessionStore = Depends(get_store)):
    """A session leaves the store; a race's variant lives as long as its race (a 409)."""
    race = request.app.state.races.race_of(session_id)
    if race is not None:
        raise HTTPException(409, [{"loc": ["path", "session_id"], "type": "conflict", "msg": (
            f"session '{session_id}' is a variant of race '{race.id}': it lives as long as the race")}])
    if not await store.delete(session_id):
        raise HTTPException(404, f"no session '{session_id}'")
    return Response(status_code=204)


@router.post("/sessions/{session_id}/reset", response_model=SessionModel)
async def reset_session(session: Session = Depends(get_session), player: Player = Depends(get_player),
                        settings: Settings = Depends(get_settings)):
    """New initial weights (the next draw of the seed's stream), same data."""
    def work():
        session.reset()
        return session.describe(settings)
    return await player.run(session, work)


@router.post("/sessions/{session_id}/regenerate", response_model=SessionModel)
async def regenerate_data(session: Session = Depends(get_session), player: Player = Depends(get_player),
                          settings: Settings = Depends(get_settings)):
    """New data from a new seed (as TFP's Regenerate), new weights."""
    def work():
        session.regenerate(settings)
        return session.describe(settings)
    return await player.run(session, work)


@router.post("/sessions/{session_id}/step", response_model=State)
async def step(body: StepRequest, session: Session = Depends(get_session), player: Player = Depends(get_player),
               settings: Settings = Depends(get_settings)):
    """Run ``steps`` whole iterations (forward, loss, backward, update)."""
    def work():
        session.step(body.steps, settings)
        return session.state()
    return await player.run(session, work)


@router.post("/sessions/{session_id}/phase", response_model=State)
async def phase(session: Session = Depends(get_session), player: Player = Depends(get_player)):
    """Advance exactly one phase of forward → loss → backward → update."""
    def work():
        session.advance_phase()
        return session.state()
    return await player.run(session, work)


@router.put("/sessions/{session_id}/parameters", response_model=State)
async def set_parameters(body: ParameterEdit, session: Session = Depends(get_session),
                         player: Player = Depends(get_player),
                         settings: Settings = Depends(get_settings)):
    """Set a layer's weights/biases, or one weight or bias, by hand."""
    check_address(settings, layer=body.layer, i=body.i, j=body.j)
    def work():
        session.edit(body, settings)
        return session.state()
    return await player.run(session, work)


@router.get("/sessions/{session_id}/heatmaps")
async def heatmaps(session: Session = Depends(get_session), player: Player = Depends(get_player),
                   settings: Settings = Depends(get_settings),
                   size: Optional[int] = Query(None, ge=2, description="default 100 (max_grid if less)"),
                   neuron_size: Optional[int] = Query(None, ge=2, description="default 24 (max_grid if less)")):
    """Output map and every neuron's map as base64 bytes (q / 127.5 − 1 in [−1, 1]); row 0 is y = +6."""
    size = at_most("size", size, 100, settings.max_grid)
    neuron_size = at_most("neuron_size", neuron_size, 24, settings.max_grid)
    return await player.run(session, session.heatmaps, size, neuron_size)


ParamKind = Literal["weight", "bias"]


@router.get("/sessions/{session_id}/slice")
async def loss_slice(session: Session = Depends(get_session), player: Player = Depends(get_player),
                     settings: Settings = Depends(get_settings),
                     layer: int = Query(0, ge=0), kind: ParamKind = "weight", i: int = Query(0, ge=0),
                     j: Optional[int] = Query(None, ge=0, description="a weight's column; default 0"),
                     span: Optional[float] = Query(None, gt=0, le=1e3),
                     points: Optional[int] = Query(None, ge=3, description="default 81 (max_slice_points if less)")):
    """The loss as a function of one parameter (others fixed), its slope there and the next SGD step."""
    points = at_most("points", points, 81, settings.max_slice_points)
    check_address(settings, layer=layer, i=i, j=j)
    j = (0 if j is None else j) if kind == "weight" else None
    return await player.run(session, session.loss_slice, layer, kind, i, j, span, points)


LANDSCAPE_SIZE = 21  # a landscape's side when the request names none (a session's or a race's)
LANDSCAPE_DEFAULT = f"default {LANDSCAPE_SIZE} (max_landscape if less)"


@router.get("/sessions/{session_id}/landscape")
async def landscape(session: Session = Depends(get_session), player: Player = Depends(get_player),
                    settings: Settings = Depends(get_settings),
                    size: Optional[int] = Query(None, ge=3, description=LANDSCAPE_DEFAULT),
                    span: float = Query(1.0, gt=0, le=1e3),
                    mode: Literal["random", "params"] = "random", draw: int = Query(0, ge=0, le=10**6),
                    p1: Optional[str] = None, p2: Optional[str] = None):
    """Loss over a plane through the current parameters and the recent trajectory projected on it.

    ``mode=random``: two filter-normalised random directions (``draw`` picks another pair).
    ``mode=params``: ``p1``, ``p2`` = ``layer,kind,i[,j]`` (e.g. ``0,weight,1,2``) in raw units; by default
    the first weight and the first bias, which every network has.
    """
    size = at_most("size", size, LANDSCAPE_SIZE, settings.max_landscape)
    given = {name: _parse_address(name, default if value is None else value)
             for name, value, default in (("p1", p1, DEFAULT_P1), ("p2", p2, DEFAULT_P2))}
    addresses = given if mode == "params" else {}
    return await player.run(session, session.landscape, mode, draw, addresses, size, span)


DEFAULT_P1, DEFAULT_P2 = "0,weight,0,0", "0,bias,0"


def _parse_address(name: str, value: Optional[str]) -> tuple:
    parts = (value or "").split(",")
    try:
        layer, kind, i = int(parts[0]), parts[1], int(parts[2])
        j = int(parts[3]) if kind == "weight" else None
    except (ValueError, IndexError):
        raise LimitError(name, f"'{name}' must read layer,kind,i[,j], e.g. 0,weight,1,0") from None
    if kind not in ("weight", "bias"):
        raise LimitError(name, "kind must be 'weight' or 'bias'")
    return layer, kind, i, j


@router.get("/sessions/{session_id}/gradcheck")
async def gradient_check(session: Session = Depends(get_session), player: Player = Depends(get_player)):
    """Backprop against centred finite differences on the current batch, per layer."""
    return await player.run(session, session.gradient_check)


@router.get("/sessions/{session_id}/inspect")
async def inspect_sample(session: Session = Depends(get_session), player: Player = Depends(get_player),
                         sample: int = Query(0, ge=0),
                         layer: Optional[int] = Query(None, ge=0), i: Optional[int] = Query(None, ge=0),
                         j: Optional[int] = Query(None, ge=0), at: Literal["now", "backward"] = "now",
                         settings: Settings = Depends(get_settings)):
    """One training sample's every W, b, z, a, f′(z), δ and ∂ℓ/∂w; with ``layer, i, j`` also the batch
    gradient of that weight as the mean of per-sample terms a_i·δ_j.

    ``at=now`` traces at the current parameters; ``at=backward`` at those the last backward pass saw
    (before the update that followed it), so the sample's chain rule matches the reported gradient."""
    check_at_most("sample", sample, settings.max_samples - 1)
    check_address(settings, layer=layer, i=i, j=j)
    weight = (layer, i, j) if layer is not None and i is not None and j is not None else None
    return await player.run(session, session.inspect, sample, at, weight)
