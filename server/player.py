"""What lives beside the sessions of one server process: play loops, sockets, the compute lane.

Every piece of work on a session — a REST step, a socket command, a frame, a training slice — goes
through ``Player.run`` onto the one compute lane, so the session is touched by one thread at a time and
its stored copy follows each change. ``play``/``pause`` ask the session (the one owner of play state)
and start at most one loop per session: a loop trains only while it holds the session's current play
token, and the token is checked on the lane right before each slice.
"""
from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field

from server.lane import COMMAND, FRAME, TRAIN, ComputeLane
from server.sessions import Session, SessionStore
from server.settings import Settings

FRAME_SHARE = 0.75  # under load, frames may take this much of the lane; training keeps the rest
SAVE_EVERY = 0.5  # seconds between saves of a playing session (a paused one is saved on every change)


@dataclass
class Beside:
    """One session's companions in this process: never stored, never sent."""

    sockets: int = 0
    watchers: set = field(default_factory=set)  # asyncio.Events of connections, woken on changes
    loop: asyncio.Task | None = None
    saved_revision: int = -1
    saved_at: float = 0.0


class Player:
    def __init__(self, settings: Settings, store: SessionStore, lane: ComputeLane | None = None):
        self.settings = settings
        self.store = store
        self.lane = lane or ComputeLane()
        self.beside: dict[str, Beside] = {}
        store.in_use = lambda session_id: self.beside.get(session_id, Beside()).sockets > 0
        self.frame_seconds = 0.002  # running mean of one frame's cost (compute + encoding)
        self.loops: set[asyncio.Task] = set()  # every play loop still running in this process
        self.clock = time.monotonic  # what paced play measures its rate by (tests set their own)

    # ----- running work ---------------------------------------------------------------------------
    def companions(self, session: Session) -> Beside:
        beside = self.beside.get(session.id)
        if beside is None:
            beside = self.beside[session.id] = Beside()
        return beside

    async def run(self, session: Session, work, *args, priority: int = COMMAND):
        """``work(*args)`` on the lane; the store keeps up with whatever it changed."""
        beside = self.companions(session)
        def job():
            result = work(*args)
            self._keep(session, beside)
            return result
        result = await self.lane.run(priority, job)
        self.wake(session)
        return result

    def _keep(self, session: Session, beside: Beside) -> None:
        """Save on every change while paused, and every ``SAVE_EVERY`` seconds while playing."""
        if session.revision == beside.saved_revision:
            return
        now = time.monotonic()
        if session.playing and now - beside.saved_at < SAVE_EVERY:
            return
        self.store.save(session)
        beside.saved_revision, beside.saved_at = session.revision, now

    def wake(self, session: Session) -> None:
        for event in self.companions(session).watchers:
            event.set()

    # ----- play -----------------------------------------------------------------------------------
    async def play(self, session: Session) -> None:
        token = await self.run(session, session.play)
        if token is not None:
            self._start_loop(session, token)

    def resume(self, session: Session) -> None:
        """A session stored as playing whose loop is not running here (a restart): train it again."""
        beside = self.companions(session)
        if session.playing and (beside.loop is None or beside.loop.done()):
            self._start_loop(session, session.play_token)

    def _start_loop(self, session: Session, token: int) -> None:
        beside = self.companions(session)
        if beside.loop is not None and not beside.loop.done():
            beside.loop.cancel()  # stale already (its token is old); do not let it queue another slice
        beside.loop = asyncio.get_running_loop().create_task(self._play_loop(session, token))
        self.loops.add(beside.loop)
        beside.loop.add_done_callback(self.loops.discard)

    async def pause(self, session: Session) -> None:
        await self.run(session, session.pause)

    async def step(self, session: Session, n: int) -> int:
        return await self.run(session, session.step, n)

    async def advance_phase(self, session: Session, n: int = 1) -> None:
        await self.run(session, session.advance_phase, n)

    def playing_loops(self) -> int:
        return len(self.loops)

    def slice_seconds(self) -> float:
        """Training slices shrink as more sessions play, so a frame's wait for the lane stays short."""
        return max(self.settings.slice_seconds / max(1, self.playing_loops()), 0.001)

    async def _play_loop(self, session: Session, token: int) -> None:
        """Train while ``token`` owns play: as fast as the slices allow, or at a chosen pace."""
        per_step, started, done, pace = 1e-4, self.clock(), 0, None
        while session.owns_play(token):
            rate, unit = session.steps_per_second, session.speed_unit
            if (rate, unit) != pace:
                pace, started, done = (rate, unit), self.clock(), 0
            if unit == "phase":
                due = 1 if rate is None else int(rate * (self.clock() - started)) + 1 - done
            elif rate is None:
                due = max(1, min(100_000, int(self.slice_seconds() / per_step)))
            else:
                due = min(int(rate * (self.clock() - started)) + 1 - done, self.settings.max_steps)
            if due <= 0:
                await asyncio.sleep(min(0.05, max(0.001, (done + 1) / rate - (self.clock() - started))))
                continue
            ran, seconds = await self.run(session, _train_slice, session, token, unit, due, priority=TRAIN)
            if ran is None:
                return  # the token went stale while the slice waited for its turn
            if unit == "phase" and rate is None:
                await asyncio.sleep(1 / self.settings.frame_rate)
            elif unit == "step" and ran:
                per_step = max(1e-6, seconds / ran)  # compute time only, not the wait for the lane
            done += due
            await asyncio.sleep(0)  # let the senders in

    # ----- frames ---------------------------------------------------------------------------------
    def frame_interval(self, fps: float) -> float:
        """Seconds between one connection's frames: the frame rate, stretched when frames for every
        playing session would take more than ``FRAME_SHARE`` of the lane."""
        watched = sum(1 for b in self.beside.values() if b.sockets and b.loop in self.loops)
        return max(1 / fps, watched * self.frame_seconds / FRAME_SHARE)

    def frame_cost(self, seconds: float) -> None:
        self.frame_seconds += 0.1 * (seconds - self.frame_seconds)

    async def frame(self, session: Session, make) -> dict:
        return await self.run(session, make, priority=FRAME)

    # ----- sockets --------------------------------------------------------------------------------
    def attach(self, session: Session, event: asyncio.Event) -> None:
        beside = self.companions(session)
        beside.sockets += 1
        beside.watchers.add(event)

    async def detach(self, session: Session, event: asyncio.Event) -> None:
        beside = self.companions(session)
        beside.sockets -= 1
        beside.watchers.discard(event)
        if beside.sockets <= 0:
            await self.pause(session)  # nobody is watching: stop spending the lane on it
            if beside.loop is None or beside.loop.done():
                self.beside.pop(session.id, None)

    def close(self) -> None:
        for beside in self.beside.values():
            if beside.loop is not None:
                beside.loop.cancel()
        self.lane.close()


def _train_slice(session: Session, token: int, unit: str, due: int):
    """One slice of play on the lane: ``(ran, seconds)``, or ``(None, 0)`` when ``token`` is stale."""
    if not session.owns_play(token):
        return None, 0.0
    began = time.perf_counter()
    if unit == "phase":
        session.advance_phase(due)
        ran = due
    else:
        ran = session.step(due)
    return ran, time.perf_counter() - began
