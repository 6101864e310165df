"""REST routes: validate, call the session under its lock, serialise. No math here."""
from __future__ import annotations

from typing import Literal, Optional

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response
from starlette.concurrency import run_in_threadpool

from engine import inspect
from server import snapshot
from server.schemas import CreateSession, ParameterEdit, PatchSession, Session as SessionModel, State, StepRequest
from server.sessions import LimitError, Session, SessionStore, check_index, check_steps, random_seed
from server.settings import Settings

router = APIRouter(prefix="/api")


def get_store(request: Request) -> SessionStore:
    return request.app.state.store


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def get_session(session_id: str, store: SessionStore = Depends(get_store)) -> Session:
    session = store.get(session_id)
    if session is None:
        raise HTTPException(404, f"no session '{session_id}' (it may have expired)")
    return session


async def locked(session: Session, work, *args):
    """Run ``work(*args)`` in a worker thread holding the session's lock (compute stays off the loop)."""
    def run():
        with session.lock:
            return work(*args)
    return await run_in_threadpool(run)


@router.post("/sessions", status_code=201, response_model=SessionModel)
async def create_session(body: CreateSession, store: SessionStore = Depends(get_store)):
    """Create a session from a config (any subset of fields) or from a share-URL hash."""
    session = await run_in_threadpool(store.create, body.config, body.view, body.hash)
    return await locked(session, session.describe, store.settings)


@router.get("/sessions/{session_id}", response_model=SessionModel)
async def read_session(session: Session = Depends(get_session), settings: Settings = Depends(get_settings)):
    return await locked(session, session.describe, settings)


@router.patch("/sessions/{session_id}", response_model=SessionModel)
async def patch_session(body: PatchSession, session: Session = Depends(get_session),
                        settings: Settings = Depends(get_settings)):
    """Change part of the config: learning rate, regularization, batch size and optimizer apply live;
    shape changes draw new weights; data changes draw new data."""
    def work():
        session.configure(body.config, body.view, settings)
        return session.describe(settings)
    return await locked(session, work)


@router.delete("/sessions/{session_id}", status_code=204)
async def delete_session(session_id: str, store: SessionStore = Depends(get_store)):
    if not store.delete(session_id):
        raise HTTPException(404, f"no session '{session_id}'")
    return Response(status_code=204)


@router.post("/sessions/{session_id}/reset", response_model=SessionModel)
async def reset_session(session: Session = Depends(get_session), settings: Settings = Depends(get_settings)):
    """New initial weights (the next draw of the seed's stream), same data."""
    def work():
        session.reset()
        return session.describe(settings)
    return await locked(session, work)


@router.post("/sessions/{session_id}/regenerate", response_model=SessionModel)
async def regenerate_data(session: Session = Depends(get_session), settings: Settings = Depends(get_settings)):
    """New data from a new seed (as TFP's Regenerate), new weights."""
    def work():
        session.configure({"seed": random_seed()}, None, settings)
        return session.describe(settings)
    return await locked(session, work)


@router.post("/sessions/{session_id}/step", response_model=State)
async def step(body: StepRequest, session: Session = Depends(get_session),
               settings: Settings = Depends(get_settings)):
    """Run ``steps`` whole iterations (forward, loss, backward, update)."""
    def work():
        check_steps(session.trainer, body.steps, settings.max_steps, settings)
        session.trainer.step(body.steps)
        session.changed()
        return snapshot.state(session.trainer)
    return await locked(session, work)


@router.post("/sessions/{session_id}/phase", response_model=State)
async def phase(session: Session = Depends(get_session)):
    """Advance exactly one phase of forward → loss → backward → update."""
    def work():
        session.trainer.advance_phase()
        session.changed()
        return snapshot.state(session.trainer)
    return await locked(session, work)


@router.put("/sessions/{session_id}/parameters", response_model=State)
async def set_parameters(body: ParameterEdit, session: Session = Depends(get_session),
                         settings: Settings = Depends(get_settings)):
    """Set a layer's weights/biases, or one weight or bias, by hand."""
    def work():
        session.set_parameters(body, settings)
        return snapshot.state(session.trainer)
    return await locked(session, work)


@router.get("/sessions/{session_id}/heatmaps")
async def heatmaps(session: Session = Depends(get_session), settings: Settings = Depends(get_settings),
                   size: int = Query(100, ge=2), neuron_size: int = Query(24, ge=2)):
    """Output map and every neuron's map as base64 bytes (q / 127.5 − 1 in [−1, 1]); row 0 is y = +6."""
    for name, value in (("size", size), ("neuron_size", neuron_size)):
        if value > settings.max_grid:
            raise LimitError(name, f"at most {settings.max_grid}")
    return await locked(session, snapshot.heatmaps, session.trainer, size, neuron_size)


ParamKind = Literal["weight", "bias"]


@router.get("/sessions/{session_id}/slice")
async def loss_slice(session: Session = Depends(get_session), settings: Settings = Depends(get_settings),
                     layer: int = Query(0, ge=0), kind: ParamKind = "weight", i: int = Query(0, ge=0),
                     j: Optional[int] = Query(None, ge=0), span: Optional[float] = Query(None, gt=0, le=1e3),
                     points: int = Query(81, ge=3)):
    """The loss as a function of one parameter (others fixed), its slope there and the next SGD step."""
    if points > settings.max_slice_points:
        raise LimitError("points", f"at most {settings.max_slice_points}")
    def work():
        check_index(session.trainer, layer, kind, i, j if kind == "weight" else None)
        return snapshot.finite(inspect.loss_slice(session.trainer, layer, kind, i, j, span, points))
    return await locked(session, work)


@router.get("/sessions/{session_id}/landscape")
async def landscape(session: Session = Depends(get_session), settings: Settings = Depends(get_settings),
                    size: int = Query(21, ge=3), span: float = Query(1.0, gt=0, le=1e3),
                    mode: Literal["random", "params"] = "random", draw: int = Query(0, ge=0, le=10**6),
                    p1: Optional[str] = None, p2: Optional[str] = None):
    """Loss over a plane through the current parameters and the recent trajectory projected on it.

    ``mode=random``: two filter-normalised random directions (``draw`` picks another pair).
    ``mode=params``: ``p1``, ``p2`` = ``layer,kind,i[,j]`` (e.g. ``0,weight,1,2``) in raw units.
    """
    if size > settings.max_landscape:
        raise LimitError("size", f"at most {settings.max_landscape}")
    addresses = [_parse_address(name, value) for name, value in (("p1", p1), ("p2", p2))] \
        if mode == "params" else []
    def work():
        t = session.trainer
        if mode == "random":
            d1, d2 = inspect.random_directions(t, draw)
        else:
            for name, address in zip(("p1", "p2"), addresses):
                try:
                    check_index(t, *address)
                except LimitError as error:
                    raise LimitError(name, error.message) from None
            d1, d2 = (inspect.unit_direction(t, *address) for address in addresses)
        result = inspect.landscape(t, d1, d2, size, span)
        result.update(mode=mode, span=span)
        return snapshot.finite(result)
    return await locked(session, work)


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
async def gradient_check(session: Session = Depends(get_session)):
    """Backprop against centred finite differences on the current batch, per layer."""
    return snapshot.finite(await locked(session, inspect.gradient_check, session.trainer))


@router.get("/sessions/{session_id}/inspect")
async def inspect_sample(session: Session = Depends(get_session), sample: int = Query(0, ge=0),
                         layer: Optional[int] = Query(None, ge=0), i: Optional[int] = Query(None, ge=0),
                         j: Optional[int] = Query(None, ge=0), at: Literal["now", "backward"] = "now"):
    """One training sample's every W, b, z, a, f′(z), δ and ∂ℓ/∂w; with ``layer, i, j`` also the batch
    gradient of that weight as the mean of per-sample terms a_i·δ_j.

    ``at=now`` traces at the current parameters; ``at=backward`` at those the last backward pass saw
    (before the update that followed it), so the sample's chain rule matches the reported gradient."""
    def work():
        t = session.trainer
        if sample >= len(t.X_train):
            raise LimitError("sample", f"sample must be below {len(t.X_train)} (the train set)")
        params = inspect.backward_params(t) if at == "backward" else None
        trace = inspect.trace_sample(t, sample, params)
        result = {"index": trace["index"], "at": at, "phase": t.phase,
                  "input": snapshot.to_list(trace["input"]), "target": float(trace["target"]), "loss": trace["loss"],
                  "dloss_dyhat": snapshot.to_list(trace["dloss_dyhat"]),
                  "layers": [{k: snapshot.to_list(v) for k, v in layer_trace.items()}
                             for layer_trace in trace["layers"]],
                  "batch_terms": None}
        if layer is not None and i is not None and j is not None:
            check_index(t, layer, "weight", i, j)
            result["batch_terms"] = inspect.batch_terms(t, layer, i, j)
        return snapshot.finite(result)
    return await locked(session, work)
