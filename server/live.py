"""The live WebSocket: commands in, frames out.

Training and frames are decoupled. Play is owned by the session and driven by the process's
``Player`` (server.player): its loop trains in slices on the compute lane, where commands go first and
frames before training. Each connection's sender wakes at the frame rate (stretched under load) and
sends the latest state only when the previous send has finished, so a slow client skips frames instead
of holding training back.
"""
from __future__ import annotations

import asyncio
import json
import logging
import time
from typing import Annotated, Any, Literal, Optional, Union

from fastapi import APIRouter, WebSocket, WebSocketDisconnect
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from server import frames
from server.live_probes import Probes, ProbeStream
from server.limits import LimitError
from server.schemas import ParameterEdit
from server.sessions import Session

log = logging.getLogger(__name__)
INTERNAL_ERROR = 1011  # the close code of a socket whose frames failed on the server
# seconds a watched session stays with the worker that took it (a script's REST call there) before this
# socket's worker brings it back: time for that call's work, so the two never take it from each other
FOLLOW_AFTER = 0.25
# steps per second a pace may ask for: a page's "one epoch per frame" on 2,500 training points at batch 1
# is 150,000 (a pace past what the machine does just trains as fast as it can)
MAX_PACE = 1_000_000

router = APIRouter()


class _Message(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Play(_Message):
    type: Literal["play"]


class Pause(_Message):
    type: Literal["pause"]


class Step(_Message):
    type: Literal["step"]
    steps: int = Field(1, ge=1)


class PhaseStep(_Message):
    type: Literal["phase"]


class Reset(_Message):
    type: Literal["reset"]


class Regenerate(_Message):
    type: Literal["regenerate"]


class Configure(_Message):
    type: Literal["configure"]
    config: dict = Field(default_factory=dict)
    view: Optional[dict] = None


class Speed(_Message):
    """``steps_per_second`` null = as fast as allowed; ``unit`` "phase" plays phase by phase (narrated)."""

    type: Literal["speed"]
    steps_per_second: Optional[float] = Field(None, gt=0, le=MAX_PACE)
    unit: Literal["step", "phase"] = "step"


class FrameRate(_Message):
    type: Literal["frame_rate"]
    fps: float = Field(gt=0, le=120)


class FrameFormat(_Message):
    """Frames as one binary message (the default) or as JSON text (``?format=json`` on the URL does the same)."""

    type: Literal["frame_format"]
    format: Literal[frames.FORMATS]


class Edit(ParameterEdit):
    type: Literal["edit"]


Command = TypeAdapter(Annotated[Union[Play, Pause, Step, PhaseStep, Reset, Regenerate, Configure, Speed, FrameRate,
                                      FrameFormat, Edit, Probes],
                                Field(discriminator="type")])
COMMAND_TYPES = ("play", "pause", "step", "phase", "reset", "regenerate", "configure", "speed",
                 "frame_rate", "frame_format", "edit", "probes")


def origin_allowed(websocket: WebSocket, allowed: list[str]) -> bool:
    """Same-origin browsers, listed origins, and clients that send no Origin (scripts) may connect."""
    origin = websocket.headers.get("origin")
    if origin is None or origin in allowed:
        return True
    host = websocket.headers.get("host", "")
    return origin.split("://", 1)[-1] == host


class Connection:
    """One socket on one session."""

    def __init__(self, websocket: WebSocket, session: Session):
        self.websocket = websocket
        self.session = session
        self.app = websocket.app
        self.player = self.app.state.player
        self.settings = self.app.state.settings
        self.fps = self.settings.frame_rate
        self.closing: asyncio.Future | None = None  # the close after a failed frame sender (_frames_stopped)
        self.sent_revision = -1
        self.wake = asyncio.Event()
        self.format = websocket.query_params.get("format", "binary")
        self.sending = asyncio.Lock()  # the sender task and a command's answer take turns on the socket
        self.probes = ProbeStream(self.settings)  # what the page's derivative view and landscape follow

    async def send(self, payload: dict) -> None:
        async with self.sending:
            await self.websocket.send_text(json.dumps(payload, allow_nan=False))

    async def send_frame(self, revision: int, frame: bytes | dict, again: bool = False) -> None:
        """Send a frame unless one as new (a command's answer) went out while this one was built;
        ``again``: send it even if that revision went out already (the answer to ``frame_format``)."""
        async with self.sending:
            if revision < self.sent_revision or (revision == self.sent_revision and not again):
                return
            self.sent_revision = revision
            if isinstance(frame, bytes):
                await self.websocket.send_bytes(frame)
            else:
                await self.websocket.send_text(json.dumps(frame, allow_nan=False))

    async def run(self) -> None:
        s, player = self.session, self.player
        player.attach(s, self.wake)
        sender = None
        try:
            if self.format not in frames.FORMATS:
                await self.error(f"format: expected one of {', '.join(frames.FORMATS)}; frames stay binary",
                                 "format")
                self.format = "binary"
            # The session message, then one frame of the same revision (heatmaps included) to draw at once.
            await self.send({"type": "session", **await player.run(s, s.describe, self.settings)})
            await self.send_frame(*await player.frame(s, self.frame))
            player.resume(s)
            sender = asyncio.create_task(self.send_frames())
            sender.add_done_callback(self._frames_stopped)
            while True:
                try:
                    text = await self.websocket.receive_text()
                except RuntimeError:  # a send to the closed socket marked it disconnected first
                    return
                await self.handle(text)
        except WebSocketDisconnect:
            pass
        finally:
            if sender is not None:
                sender.cancel()
            await player.detach(s, self.wake)

    async def send_frames(self) -> None:
        """At most ``fps`` frames a second, each the latest state; nothing is sent while nothing changed."""
        due, away = time.monotonic(), None
        while True:
            if self.session.revision == self.sent_revision:
                try:
                    await asyncio.wait_for(self.wake.wait(), timeout=1 / self.fps)
                except asyncio.TimeoutError:
                    if self.player.store.holds(self.session):
                        away = None
                    elif away is None:
                        away = time.monotonic()
                    elif time.monotonic() - away >= FOLLOW_AFTER:
                        away = None  # another worker took it (a script's call): bring it back here
                        await self.player.follow(self.session)
                self.wake.clear()
                continue
            await asyncio.sleep(max(0.0, due - time.monotonic()))
            if self.session.revision <= self.sent_revision:
                continue  # a command's answer carried this revision while we slept
            revision, frame = await self.player.frame(self.session, self.frame)
            # the next frame is due one interval after this one was: the wait for a training slice to end
            # does not add to the period (a frame late by more than an interval is not made up for)
            now, interval = time.monotonic(), self.player.frame_interval(self.fps)
            due = due + interval if now - due < interval else now + interval
            try:
                await self.send_frame(revision, frame)  # a slow client holds up only its own next frame
                await self.follow_with_probes()
            except (WebSocketDisconnect, RuntimeError):
                return  # the socket closed under us; run() cleans up

    def _frames_stopped(self, sender: asyncio.Task) -> None:
        """A frame sender that failed must not leave a page waiting on a silent socket: the error goes to
        the log and the socket closes as an internal error (1011), so the page reconnects and gets frames
        from a new sender."""
        if sender.cancelled() or sender.exception() is None:
            return
        log.error("live frames of session %s stopped", self.session.id, exc_info=sender.exception())
        # held here: the event loop keeps only a weak reference to a task
        self.closing = asyncio.ensure_future(self.websocket.close(code=INTERNAL_ERROR))

    def frame(self) -> tuple[int, bytes | dict]:
        """The latest state as a frame in this connection's format, with the revision it shows."""
        if self.format == "json":
            return self.session.revision, frames.json_frame(self.session, self.settings)
        return self.session.revision, frames.binary_frame(self.session, self.settings)

    async def follow_with_probes(self) -> None:
        """After a frame, the ``probe`` message the page asked for, when one is due (live_probes)."""
        s, now = self.session, time.monotonic()
        if self.probes.due(s, frames.at_full_pace(s), now):
            await self.send(await self.player.frame(s, lambda: self.probes.message(s, now)))

    def answer(self, work, *args) -> tuple[int, bytes | dict]:
        """Run a command's ``work``, then build its frame in the same turn on the compute lane: the
        answer to a Step goes out before anything else queued for this session is built."""
        work(*args)
        return self.frame()

    async def error(self, message: str, field: str | None = None) -> None:
        await self.send({"type": "error", "message": message, "field": field})

    async def handle(self, text: str) -> None:
        if len(text) > self.settings.max_message_bytes:
            return await self.error(f"message too large: at most {self.settings.max_message_bytes} bytes")
        try:
            raw: Any = json.loads(text)
        except ValueError:
            return await self.error("message is not JSON")
        if not isinstance(raw, dict) or raw.get("type") not in COMMAND_TYPES:
            kind = raw.get("type") if isinstance(raw, dict) else None
            return await self.error(f"unknown message type {kind!r}; expected one of: {', '.join(COMMAND_TYPES)}",
                                    "type")
        try:
            command = Command.validate_python(raw)
        except ValidationError as error:
            return await self._invalid(error, skip=1)  # loc[0] is the message type
        try:
            await self.execute(command)
        except ValidationError as error:
            await self._invalid(error, skip=0)
        except LimitError as error:
            await self.error(f"{error.field}: {error.message}", error.field)
        except ValueError as error:
            await self.error(str(error))

    async def _invalid(self, error: ValidationError, skip: int) -> None:
        first = error.errors()[0]
        field = ".".join(str(p) for p in first["loc"][skip:]) or None
        await self.error(f"{field}: {first['msg']}" if field else first["msg"], field)

    async def execute(self, command) -> None:
        s, player = self.session, self.player
        kind = command.type
        if kind == "play":
            await player.play(s)
        elif kind == "pause":
            await player.pause(s)
        elif kind == "step":  # the answer first, then what follows it
            await self.send_frame(*await player.run(s, self.answer, s.step, command.steps, self.settings))
            return await self.follow_with_probes()
        elif kind == "phase":
            await self.send_frame(*await player.run(s, self.answer, s.advance_phase))
            return await self.follow_with_probes()
        elif kind == "speed":
            await player.run(s, s.set_speed, command.steps_per_second, command.unit)
        elif kind == "frame_rate":
            self.fps = min(command.fps, self.settings.frame_rate)
        elif kind == "frame_format":
            self.format = command.format
            return await self.send_frame(*await player.frame(s, self.frame), again=True)
        elif kind == "edit":
            await self.send_frame(*await player.run(s, self.answer, s.edit, command, self.settings))
            return await self.follow_with_probes()
        elif kind == "probes":
            self.probes.want(command, s.trainer)
            return await self.follow_with_probes()
        else:
            await self.reconfigure(command)
        self.wake.set()

    async def reconfigure(self, command) -> None:
        """reset, regenerate, configure: the session message carries the new data and share hash."""
        s = self.session
        def work():
            if command.type == "reset":
                s.reset()
            elif command.type == "regenerate":
                s.regenerate(self.settings)
            else:
                s.configure(command.config, command.view, self.settings)
            return s.describe(self.settings)
        await self.send({"type": "session", **await self.player.run(s, work)})


@router.websocket("/api/sessions/{session_id}/live")
async def live(websocket: WebSocket, session_id: str):
    settings = websocket.app.state.settings
    if not origin_allowed(websocket, settings.allowed_origins):
        await websocket.close(code=1008, reason="origin not allowed")
        return
    session = await websocket.app.state.store.get(session_id)
    await websocket.accept()
    if session is None:
        await websocket.send_text(json.dumps({"type": "error", "message": f"no session '{session_id}'"}))
        await websocket.close(code=4404)
        return
    await Connection(websocket, session).run()
