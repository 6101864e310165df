"""Races: several variants of one setup — other optimizers, learning rates, inits, batch sizes — on the same
data from the same initial weights, stepped in lockstep. Each variant is an ordinary session (every session
route and the live socket work on it); a race only knows their ids, the shared config and the variants.

The share hash of a race is the base setup's share hash plus ``race=`` and the variants, ``;`` between
variants, ``,`` between fields, ``field:value`` with the Config field names, e.g.
``…&race=optimizer:sgd;optimizer:momentum;optimizer:adam,learning_rate:0.01``.

Same start, same batches: every variant shares the base's seed, so the data and the initial weights (when
the init does not vary) are the same draws for all of them; and the batch order belongs to the race — at
the start and after every reset, each variant with the first one's batch size and order is handed a clone
of the first variant's ``Batches`` (``share_batches``), so they see the very same mini-batches.
"""
from __future__ import annotations

import asyncio
import secrets
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field

import numpy as np
from pydantic import ValidationError

from engine.config import LIVE_FIELDS, seed_int
from server import snapshot, urlstate
from server.jsnumbers import url_text
from server.limits import LimitError, MismatchError, check_limits, check_race_steps
from server.schemas import Config, View
from server.sessions import Session, SessionStore, merge_config, random_seed

MIN_VARIANTS, MAX_VARIANTS = 2, 4
# What a variant may change: how the same network learns, never the data or the network's shape.
VARIANT_FIELDS = frozenset(LIVE_FIELDS | {"init", "activation"})
RACE_KEY = "race"


@dataclass
class Race:
    id: str
    config: Config  # the shared setup (its seed included)
    variants: list[dict]  # each a partial config over VARIANT_FIELDS, as the variant's Config has it
    session_ids: list[str]
    view: View = field(default_factory=View)
    playing: bool = False
    play_token: int = 0
    steps_per_second: float | None = None

    def share_hash(self, resets: int = 0) -> str:
        base = urlstate.format_hash(self.config.model_dump(), self.view.model_dump(), resets=resets)
        return f"{base}&{RACE_KEY}={format_variants(self.variants)}"

    def play(self) -> int | None:
        if self.playing:
            return None
        self.playing, self.play_token = True, self.play_token + 1
        return self.play_token

    def pause(self) -> None:
        if self.playing:
            self.playing, self.play_token = False, self.play_token + 1

    def owns_play(self, token: int) -> bool:
        return self.playing and self.play_token == token


def format_variants(variants: list[dict]) -> str:
    return ";".join(",".join(f"{name}:{url_text(value)}" for name, value in variant.items()) for variant in variants)


def parse_variants(text: str) -> list[dict]:
    """``field:value,field:value;…`` as partial configs (values stay text: the Config validates them)."""
    variants = []
    for chunk in text.split(";"):
        variant = {}
        for pair in filter(None, chunk.split(",")):
            name, sep, value = pair.partition(":")
            if not sep or not name:
                raise LimitError(RACE_KEY, f"a race variant reads field:value, not '{pair[:40]}'")
            variant[name] = value
        variants.append(variant)
    return variants


def split_hash(fragment: str) -> tuple[str, list[dict]]:
    """A race's share hash as the base setup's hash and the variants."""
    text = fragment[1:] if fragment.startswith("#") else fragment
    pairs = text.split("&")
    races = [pair for pair in pairs if pair.startswith(RACE_KEY + "=")]
    if not races:
        raise LimitError("hash", f"a race's hash names its variants in '{RACE_KEY}=…'")
    base = "&".join(pair for pair in pairs if not pair.startswith(RACE_KEY + "="))
    return base, parse_variants(races[-1][len(RACE_KEY) + 1:])


def variant_configs(base: Config, variants: list[dict]) -> tuple[list[Config], list[dict]]:
    """Each variant's full Config (the base's data and seed) and its normalised partial config."""
    if not MIN_VARIANTS <= len(variants) <= MAX_VARIANTS:
        raise LimitError("variants", f"a race has {MIN_VARIANTS} to {MAX_VARIANTS} variants, not {len(variants)}")
    configs, normalised = [], []
    for index, variant in enumerate(variants):
        changed = set(variant) - VARIANT_FIELDS
        if changed:
            raise LimitError("variants", f"variant {index}: {', '.join(sorted(changed))} cannot vary in a race "
                                         f"(variants share the data and the network's shape; they may vary "
                                         f"{', '.join(sorted(VARIANT_FIELDS))})")
        try:
            config = Config.model_validate(merge_config(base, variant))
        except ValidationError as error:
            raise _variant_error(index, error) from None
        configs.append(config)
        normalised.append({name: getattr(config, name) for name in variant})
    return configs, normalised


def _variant_error(index: int, error: ValidationError) -> LimitError:
    """A variant's field out of its bounds is a 422 naming it; a variant whose every field fits but that
    clashes with the base (loss cross_entropy on a tanh output: an error of the whole config) a 409."""
    errors = error.errors(include_url=False, include_context=False, include_input=False)
    first = errors[0]
    if all(not e["loc"] for e in errors):
        return MismatchError("variants", f"variant {index}: {first['msg']}")
    return LimitError(str(first["loc"][0]), f"variant {index}: {first['msg']}")


class RaceStore:
    """Races by id in this process's memory, at most ``limit`` (the oldest idle one makes room). Their
    sessions live in the session store; a race whose sessions expired, or that this process does not know
    (a restart, another worker), answers 404 — its share link makes it again, and the race page does so."""

    def __init__(self, sessions: SessionStore, limit: int):
        self.sessions = sessions
        self.limit = limit
        self._races: OrderedDict[str, Race] = OrderedDict()
        self._lock = threading.Lock()
        self.loops: set[asyncio.Task] = set()

    def build(self, config: dict | None, variants: list[dict] | None, fragment: str | None
              ) -> tuple[Race, list[Session]]:
        """A race and its variant sessions (not yet stored) from a config and variants, or a race hash."""
        step, resets, view = 0, 0, View()
        if fragment is not None:
            base_hash, variants = split_hash(fragment)
            parsed = urlstate.parse_hash(base_hash)
            config, view, step, resets = parsed.config, View.model_validate(parsed.view), parsed.step, parsed.resets
        base = Config.model_validate(config or {})
        if base.seed is None:
            base = base.model_copy(update={"seed": random_seed()})
        configs, normalised = variant_configs(base, variants or [])
        for c in configs:
            check_limits(c, self.sessions.settings)
        sessions = [Session(secrets.token_urlsafe(12), c, view, resets=resets) for c in configs]
        share_batches(sessions)
        race = Race(secrets.token_urlsafe(9), base, normalised, [s.id for s in sessions], view)
        if step:
            settings = self.sessions.settings
            check_race_steps([s.trainer for s in sessions], step, settings.max_replay_steps, settings, "step")
            for session in sessions:
                session.step(step)
        return race, sessions

    async def add(self, race: Race, sessions: list[Session]) -> None:
        for session in sessions:
            await self.sessions.add(session)
        with self._lock:
            while len(self._races) >= self.limit:
                oldest = next((k for k, r in self._races.items() if not r.playing), None)
                if oldest is None:
                    break
                self._races.pop(oldest)
            self._races[race.id] = race

    def get(self, race_id: str) -> Race | None:
        with self._lock:
            race = self._races.get(race_id)
            if race is not None:
                self._races.move_to_end(race_id)
            return race

    def race_of(self, session_id: str) -> Race | None:
        """The race whose variant ``session_id`` is, if this process knows one."""
        with self._lock:
            return next((race for race in self._races.values() if session_id in race.session_ids), None)

    def close(self) -> None:
        for task in list(self.loops):
            task.cancel()


def share_batches(sessions: list[Session]) -> None:
    """Give every variant that cuts batches like the first (same size and order) a clone of the first
    one's batch sequence, from where it stands."""
    lead = sessions[0].trainer.batches
    for session in sessions[1:]:
        batches = session.trainer.batches
        if (batches.size, batches.order) == (lead.size, lead.order):
            session.trainer.batches = lead.clone()


def reset_all(sessions: list[Session]) -> None:
    """New initial weights for every variant (the next draw of the seed), and one batch order again."""
    for session in sessions:
        session.reset()
    share_batches(sessions)


def shared_start(sessions: list[Session]) -> np.ndarray:
    """θ at the start of the first variant's run (its current reset draw), as one flat vector."""
    from engine.trainer import Trainer
    first = sessions[0].trainer
    return Trainer(first.config, resets=first.resets).theta.copy()


def race_slice(race: Race, token: int, sessions: list[Session], due: int) -> float | None:
    """One slice of a race's play on the lane: ``due`` steps for every session; the seconds it took, or
    None when ``token`` no longer owns the race's play."""
    if not race.owns_play(token):
        return None
    began = time.perf_counter()
    for session in sessions:
        session.step(due)
    return time.perf_counter() - began


PROBE_POINTS = 256  # the surface looks at this many train points (each grid cell is one forward pass)


def _path(start: np.ndarray, history) -> np.ndarray:
    """The start, then the recorded parameters (the history holds the start until it fills up)."""
    points = list(history)
    if not points or not np.array_equal(points[0], start):
        points.insert(0, start)
    return np.stack(points)


def check_one_network(sessions: list[Session]) -> None:
    """A 409 when the variants no longer share one network shape: a variant's session was reshaped on its own
    (a PATCH of its hidden layers), so their paths have no common plane."""
    shapes = {tuple(W.shape for W in s.trainer.params) for s in sessions}
    if len(shapes) > 1:
        raise MismatchError("race_id", "the variants no longer share one network shape (a variant's session was "
                                       "reshaped on its own): the race's share link makes it again")


def landscape(sessions: list[Session], size: int) -> dict:
    """The loss over one plane through the shared start, with every variant's path on it.

    The surface is the first variant's objective (data cost + penalty) on its first ``PROBE_POINTS`` train
    points; paths are each variant's recorded parameters (the start, then one point per step or slice). NaN and
    infinities (a diverged variant) are null."""
    from engine import network, plane
    check_one_network(sessions)
    first = sessions[0].trainer
    start = shared_start(sessions)
    paths = [_path(start, s.trainer.history) for s in sessions]
    rng = np.random.default_rng([seed_int(first.config.seed), 7])
    fallback = (rng.standard_normal(start.size), rng.standard_normal(start.size))
    d1, d2 = plane.directions(start, paths, fallback)
    projected = [plane.project(start, path, d1, d2) for path in paths]
    span = plane.extent(projected, minimum=0.5)
    steps = np.linspace(-span, span, size)
    shapes = [p.shape for p in first.params]
    X, T = first.X_train[:PROBE_POINTS], first.T_train[:PROBE_POINTS]
    with np.errstate(all="ignore"):
        grid = plane.surface(lambda theta: first.objective.value(network.views(theta, shapes), X, T), start, d1, d2,
                             steps, steps)
        start_loss = first.objective.value(network.views(start, shapes), X, T)
    return snapshot.finite({"alphas": steps.tolist(), "betas": steps.tolist(), "loss": grid.tolist(), "span": span,
                            "start_loss": start_loss, "paths": projected})
