"""Race routes: ``POST /api/races`` makes 2–4 variant sessions of one setup; ``/api/races/{id}/step``,
``phase``, ``reset``, ``play`` and ``pause`` drive them all in lockstep; ``landscape`` puts their paths on one
plane through the shared start; ``/race#<share_hash>`` is the page. Routes validate, call the sessions on
the compute lane through the ``Player`` (so each variant's live socket streams its frames), serialise."""
from __future__ import annotations

import asyncio
from typing import Optional

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from server.api import LANDSCAPE_DEFAULT, LANDSCAPE_SIZE, get_player, get_settings
from server.contract import check_config_types, check_race_hash
from server.lane import COMMAND, TRAIN
from server.limits import LimitError, at_most, check_race_steps
from server.pages import index_context, templates
from server.player import Player
from server.races import MAX_VARIANTS, MIN_VARIANTS, Race, RaceStore, landscape, race_slice, reset_all
from server.schemas import Session as SessionModel, State, StepRequest
from server.sessions import Session
from server.settings import Settings

router = APIRouter()  # the statuses each route answers besides its success are documented by server.contract


class CreateRace(BaseModel):
    """Either ``config`` (any subset of fields) with ``variants`` (2–4 partial configs), or ``hash``."""

    model_config = ConfigDict(extra="forbid", strict=True)  # JSON types as the schema says

    config: Optional[dict] = None
    variants: Optional[list[dict]] = Field(None, min_length=MIN_VARIANTS, max_length=MAX_VARIANTS)
    hash: Optional[str] = Field(None, max_length=200_000)


class RaceModel(BaseModel):
    id: str
    share_hash: str
    variants: list[dict]
    playing: bool
    sessions: list[SessionModel]


class RaceState(BaseModel):
    id: str
    playing: bool
    states: list[State]


class RacePlay(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)  # JSON types as the schema says

    steps_per_second: Optional[float] = Field(None, gt=0, le=10_000, description="null: as fast as it goes")


def get_races(request: Request) -> RaceStore:
    return request.app.state.races


RaceId = Path(pattern=r"^[A-Za-z0-9_-]{1,32}$")


async def get_race(race_id: str = RaceId, races: RaceStore = Depends(get_races)) -> tuple[Race, list[Session]]:
    race = races.get(race_id)
    if race is None:
        raise HTTPException(404, f"no race '{race_id}' (it may have expired: its share link makes it again)")
    sessions = [await races.sessions.get(session_id) for session_id in race.session_ids]
    if any(session is None for session in sessions):
        raise HTTPException(404, f"the sessions of race '{race_id}' expired: its share link makes it again")
    return race, sessions


async def describe(race: Race, sessions: list[Session], player: Player, settings: Settings) -> dict:
    described = [await player.run(session, session.describe, settings) for session in sessions]
    return {"id": race.id, "share_hash": race.share_hash(sessions[0].trainer.resets), "variants": race.variants,
            "playing": race.playing, "sessions": described}


async def together(player: Player, sessions: list[Session], work, *args, priority: int = COMMAND):
    """``work(*args)`` in one turn of the compute lane, so every variant moves at once (lockstep even beside
    other requests); then each session is kept (saved) and its watchers woken, as after any session work."""
    for session in sessions[1:]:
        await player.store.hold(session)  # the work changes them all: this process must hold every one
    result = await player.run(sessions[0], work, *args, priority=priority)
    for session in sessions[1:]:
        await player.run(session, _nothing, priority=priority)
    return result


def _nothing() -> None:
    """A turn on the lane that only keeps a session changed by work done for a race."""


async def states(race: Race, sessions: list[Session], player: Player) -> dict:
    return {"id": race.id, "playing": race.playing,
            "states": [await player.run(session, session.state) for session in sessions]}


def check_race_body(body: CreateRace, settings: Settings) -> None:
    """422 unless the body is one of the two forms, each in the schema's types and grammar."""
    if body.hash is not None and (body.config is not None or body.variants is not None):
        raise LimitError("hash", "give either 'config' and 'variants' or 'hash', not both (a hash carries its own)")
    if body.hash is None and body.variants is None:
        raise LimitError("variants", "give either 'config' and 'variants' or 'hash'")
    check_config_types(body.config)
    for index, variant in enumerate(body.variants or ()):
        check_config_types(variant, ("body", "variants", index))
    if body.hash is not None:
        check_race_hash(body.hash, settings)


@router.post("/api/races", status_code=201, response_model=RaceModel)
async def create_race(body: CreateRace, races: RaceStore = Depends(get_races), player: Player = Depends(get_player),
                      settings: Settings = Depends(get_settings)):
    """A race: one session per variant, all on the base's data and seed (so the same initial weights and
    mini-batches wherever the init, batch size and order do not vary). A variant that clashes with the
    base (loss cross_entropy on a tanh output) is a 409."""
    check_race_body(body, settings)
    race, sessions = await player.lane.run(COMMAND, races.build, body.config, body.variants, body.hash)
    await races.add(race, sessions)
    return await describe(race, sessions, player, settings)


@router.get("/api/races/{race_id}", response_model=RaceModel)
async def read_race(found=Depends(get_race), player: Player = Depends(get_player),
                    settings: Settings = Depends(get_settings)):
    return await describe(*found, player, settings)


@router.post("/api/races/{race_id}/step", response_model=RaceState)
async def step_race(body: StepRequest, found=Depends(get_race), player: Player = Depends(get_player),
                    settings: Settings = Depends(get_settings)):
    """``steps`` whole iterations for every variant (the iterations of all of them within one request's
    limits: max_steps and max_work)."""
    race, sessions = found
    check_race_steps([session.trainer for session in sessions], body.steps, settings.max_steps, settings)
    await together(player, sessions, lambda: [session.step(body.steps) for session in sessions])
    return await states(race, sessions, player)


@router.post("/api/races/{race_id}/phase", response_model=RaceState)
async def phase_race(found=Depends(get_race), player: Player = Depends(get_player)):
    """One phase (forward → loss → backward → update) for every variant."""
    race, sessions = found
    await together(player, sessions, lambda: [session.advance_phase() for session in sessions])
    return await states(race, sessions, player)


@router.post("/api/races/{race_id}/reset", response_model=RaceState)
async def reset_race(found=Depends(get_race), player: Player = Depends(get_player)):
    """New initial weights for every variant: the next draw of the seed, the same for all of them."""
    race, sessions = found
    race.pause()
    await together(player, sessions, reset_all, sessions)
    return await states(race, sessions, player)


@router.post("/api/races/{race_id}/play", response_model=RaceState)
async def play_race(body: RacePlay = RacePlay(), found=Depends(get_race), player: Player = Depends(get_player),
                    races: RaceStore = Depends(get_races)):
    """Train every variant, slice by slice in lockstep, until ``pause`` (or every variant diverged)."""
    race, sessions = found
    race.steps_per_second = body.steps_per_second
    token = race.play()
    if token is not None:
        task = asyncio.get_running_loop().create_task(_play_loop(race, sessions, token, player))
        races.loops.add(task)
        task.add_done_callback(races.loops.discard)
    return await states(race, sessions, player)


@router.post("/api/races/{race_id}/pause", response_model=RaceState)
async def pause_race(found=Depends(get_race), player: Player = Depends(get_player)):
    race, sessions = found
    race.pause()
    return await states(race, sessions, player)


async def _play_loop(race: Race, sessions: list[Session], token: int, player: Player) -> None:
    """While ``token`` owns the race's play: each slice, every variant still running takes ``due`` steps.

    As a session nobody watches is paused, a race stops when the last socket on its variants closes; played
    without any socket (a script), it stops after ``max_steps`` steps, the bound of one step request."""
    per_step, started, done, pace = 1e-4, asyncio.get_running_loop().time(), 0, None
    watched, played = False, 0
    while race.owns_play(token):
        if any(player.store.in_use(session.id) for session in sessions):
            watched = True
        elif watched or played >= player.settings.max_steps:
            race.pause()
            return
        running = [s for s in sessions if s.trainer.status == "ok"]
        if not running:
            race.pause()
            return
        now = asyncio.get_running_loop().time()
        if race.steps_per_second != pace:
            pace, started, done = race.steps_per_second, now, 0
        if pace is None:
            due = max(1, min(10_000, int(player.slice_seconds() / per_step / len(running))))
        else:
            due = int(pace * (now - started)) + 1 - done
            if due <= 0:
                await asyncio.sleep(min(0.05, (done + 1) / pace - (now - started)))
                continue
        seconds = await together(player, running, race_slice, race, token, running, due, priority=TRAIN)
        if seconds is None:
            return  # paused while the slice waited for its turn
        per_step = max(1e-6, seconds / (due * len(running)))
        done += due
        played += due
        await asyncio.sleep(0)


@router.get("/api/races/{race_id}/landscape")
async def race_landscape(found=Depends(get_race), player: Player = Depends(get_player),
                         settings: Settings = Depends(get_settings),
                         size: Optional[int] = Query(None, ge=3, description=LANDSCAPE_DEFAULT)):
    """The loss over one plane through the shared start, spanned by the variants' main directions of
    travel, and every variant's path projected onto it (``paths[k]``: [α, β] points, the start first)."""
    size = at_most("size", size, LANDSCAPE_SIZE, settings.max_landscape)
    race, sessions = found
    return await player.run(sessions[0], landscape, sessions, size)


@router.get("/race", include_in_schema=False)
def race_page(request: Request):
    return templates.TemplateResponse(request, "race.html", index_context(request))
