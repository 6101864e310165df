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
import time
from typing import Annotated, Any, Literal, Optional, Union

from fastapi import APIRouter, WebSocket, WebSocketDisconnect
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from server import snapshot
from server.limits import LimitError
from server.schemas import ParameterEdit
from server.sessions import Session

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
    steps_per_second: Optional[float] = Field(None, gt=0, le=10_000)
    unit: Literal["step", "phase"] = "step"


class FrameRate(_Message):
    type: Literal["frame_rate"]
    fps: float = Field(gt=0, le=120)


class Edit(ParameterEdit):
    type: Literal["edit"]


Command = TypeAdapter(Annotated[Union[Play, Pause, Step, PhaseStep, Reset, Regenerate, Configure, Speed, FrameRate, Edit],
                                Field(discriminator="type")])
COMMAND_TYPES = ("play", "pause", "step", "phase", "reset", "regenerate", "configure", "speed",
                 "frame_rate", "edit")


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
        self.sent_revision = -1
        self.wake = asyncio.Event()

    async def send(self, payload: dict) -> None:
        await self.websocket.send_text(json.dumps(payload, allow_nan=False))

    async def run(self) -> None:
        s, player = self.session, self.player
        player.attach(s, self.wake)
        sender = None
        try:
            # The session message, then one frame of the same revision (heatmaps included) to draw at once.
            self.sent_revision = s.revision
            await self.send({"type": "session", **await player.run(s, s.describe, self.settings)})
            await self.send(await player.frame(s, self.frame))
            player.resume(s)
            sender = asyncio.create_task(self.send_frames())
            while True:
                text = await self.websocket.receive_text()
                await self.handle(text)
        except WebSocketDisconnect:
            pass
        finally:
            if sender is not None:
                sender.cancel()
            await player.detach(s, self.wake)

    async def send_frames(self) -> None:
        """At most ``fps`` frames a second, each the latest state; nothing is sent while nothing changed."""
        due = time.monotonic()
        while True:
            if self.session.revision == self.sent_revision:
                try:
                    await asyncio.wait_for(self.wake.wait(), timeout=1 / self.fps)
                except asyncio.TimeoutError:
                    pass
                self.wake.clear()
                continue
            await asyncio.sleep(max(0.0, due - time.monotonic()))
            began = time.perf_counter()
            self.sent_revision = self.session.revision
            frame = await self.player.frame(self.session, self.frame)
            text = json.dumps(frame, allow_nan=False)
            self.player.frame_cost(time.perf_counter() - began)
            due = time.monotonic() + self.player.frame_interval(self.fps)
            try:
                await self.websocket.send_text(text)  # a slow client holds up only its own next frame
            except (WebSocketDisconnect, RuntimeError):
                return  # the socket closed under us; run() cleans up

    def frame(self) -> dict:
        s, t = self.session, self.session.trainer
        return {"type": "frame", "revision": s.revision, "playing": s.playing,
                "steps_per_second": s.steps_per_second, "speed_unit": s.speed_unit,
                "trained_hash": s.trained_hash(self.settings),
                "state": snapshot.state(t, with_batch=not s.playing or s.speed_unit == "phase"),
                "heatmaps": snapshot.heatmaps(t, self.settings.heatmap_size, self.settings.neuron_map_size)}

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
        elif kind == "step":
            await player.run(s, s.step, command.steps, self.settings)
        elif kind == "phase":
            await player.advance_phase(s)
        elif kind == "speed":
            await player.run(s, s.set_speed, command.steps_per_second, command.unit)
        elif kind == "frame_rate":
            self.fps = min(command.fps, self.settings.frame_rate)
        elif kind == "edit":
            await player.run(s, s.edit, command, self.settings)
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
    session = websocket.app.state.store.get(session_id)
    await websocket.accept()
    if session is None:
        await websocket.send_text(json.dumps({"type": "error", "message": f"no session '{session_id}'"}))
        await websocket.close(code=4404)
        return
    await Connection(websocket, session).run()
