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
from server.sessions import CapacityError, Session, SessionStore
from server.settings import Settings

FRAME_SHARE = 0.8  # under load, frames may take this much of the lane; training keeps the rest
SEND_FACTOR = 1.5  # a frame's cost on the event loop too (sending it), as a multiple of building it
MIN_TRAIN_SHARE = 0.1  # however many frames are due, training keeps this share of the lane,
MAX_TRAIN_FLOOR = 0.5  # and the share one slice per playing session per frame interval needs, up to this
MIN_SLICE = 0.0005  # seconds: the shortest training slice (a few steps of a small net)
SAVE_EVERY = 0.9  # seconds between saves of a playing session (a paused one is saved on every change)
UNWATCHED = 15.0  # seconds a session plays with no socket here before it pauses (its page went away)
HOLD_TRIES = 5  # times a piece of work follows a session that another worker took meanwhile


class Moved(Exception):
    """The session was handed to another worker between taking it and running work on it."""


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
        store.release = self.release
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
        """``work(*args)`` on the lane, with the session held by this process; the store keeps up with
        whatever it changed."""
        beside = self.companions(session)
        def job():
            if not self.store.holds(session):
                raise Moved
            result = work(*args)
            self._keep(session, beside)
            return result
        for _ in range(HOLD_TRIES):
            await self.store.hold(session)
            if session.playing:
                self.resume(session)  # taken over while playing: its play goes on here
            try:
                result = await self.lane.run(priority, job)
            except Moved:
                continue
            self.wake(session)
            return result
        raise CapacityError(f"session '{session.id}' keeps moving between workers; try again")

    async def follow(self, session: Session) -> None:
        """Hold ``session`` here again (a socket watches it here): its latest state, and its play if it plays."""
        await self.run(session, lambda: None)

    async def release(self, session: Session) -> None:
        """Let another worker take ``session``: on the lane, after the work queued before, a last save."""
        def job():
            if self.store.holds(session):
                self.store.let_go(session)
        await self.lane.run(COMMAND, job)

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
        return max(self.settings.slice_seconds / max(1, self.playing_loops()), MIN_SLICE)

    async def _play_loop(self, session: Session, token: int) -> None:
        """Train while ``token`` owns play: as fast as the slices allow, or at a chosen pace."""
        per_step, started, done, pace = 1e-4, self.clock(), 0, None
        beside, watched = self.companions(session), time.monotonic()
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
            ran, seconds = await self.lane.run(TRAIN, self._train_slice, session, token, unit, due)
            if ran is None:
                if session.owns_play(token) and await self.store.reclaim(session):
                    continue  # its lease lapsed in a stall and nobody took it: play on
                return  # the token went stale (or the session moved) while the slice waited for its turn
            self.wake(session)
            if beside.sockets:
                watched = time.monotonic()
            elif time.monotonic() - watched > UNWATCHED:
                await self.pause(session)  # its page went away with a worker that died
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
        interval = max(1 / fps, watched * self.frame_seconds / FRAME_SHARE)
        frames_load = SEND_FACTOR * watched * self.frame_seconds / interval
        # Frames first, but every playing session keeps its next slice within one interval: a frame is
        # sent only when there is something new to show, so starving training would starve the frames too.
        floor = min(MAX_TRAIN_FLOOR, max(MIN_TRAIN_SHARE, self.playing_loops() * MIN_SLICE / interval))
        self.lane.train_share = min(1.0, max(floor, 1.0 - frames_load))
        return interval

    def frame_cost(self, seconds: float) -> None:
        self.frame_seconds += 0.1 * (seconds - self.frame_seconds)

    async def frame(self, session: Session, make):
        """``make()`` on the lane before any training slice; its compute time (not its wait for the lane)
        feeds the frame interval."""
        def timed():
            began = time.thread_time()  # CPU time, not stretched by a machine busy with other work
            result = make()
            self.frame_cost(time.thread_time() - began)
            return result
        return await self.run(session, timed, priority=FRAME)

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
            if not any(b.sockets for b in self.beside.values()):
                self.lane.train_share = 1.0  # no frames to make room for
            if beside.loop is None or beside.loop.done():
                self.beside.pop(session.id, None)

    def _train_slice(self, session: Session, token: int, unit: str, due: int):
        """One slice of play on the lane: ``(ran, seconds)``, or ``(None, 0)`` when ``token`` is stale."""
        if not (self.store.holds(session) and session.owns_play(token)):
            return None, 0.0
        began = time.perf_counter()  # wall time: a slice a busy machine stretches still holds up the frames
        if unit == "phase":
            session.advance_phase(due)
            ran = due
        else:
            ran = session.step(due)
        self._keep(session, self.companions(session))
        return ran, time.perf_counter() - began

    def close(self) -> None:
        for beside in self.beside.values():
            if beside.loop is not None:
                beside.loop.cancel()
        self.lane.close()
