"""Every limit and tunable of the server in one typed object, overridable by PLAYGROUND_* env vars."""
from __future__ import annotations

import os

from pydantic import BaseModel, Field, model_validator


class Settings(BaseModel):
    host: str = "127.0.0.1"
    port: int = 8000
    max_layers: int = Field(10, ge=0, description="hidden layers")
    max_width: int = Field(32, ge=1, description="neurons per hidden layer")
    max_samples: int = Field(5000, ge=10, description="points per dataset")
    max_batch_size: int = Field(1000, ge=1)
    max_steps: int = Field(100_000, ge=1, description="iterations per request")
    max_replay_steps: int = Field(200_000, ge=0, description="the step=N of a shared link")
    max_work: float = Field(2e9, gt=0, description="steps × batch size × weights one request may ask for")
    max_grid: int = Field(200, ge=2, description="heatmap side")
    max_landscape: int = Field(61, ge=3, description="landscape side")
    max_slice_points: int = Field(401, ge=3)
    max_sessions: int = Field(200, ge=1)
    session_ttl: float = Field(3600.0, gt=0, description="seconds an idle session lives")
    max_message_bytes: int = Field(1_000_000, ge=1024, description="WebSocket message and request body")
    frame_rate: float = Field(60.0, gt=0, le=120, description="live frames per second (a browser paints 60)")
    heatmap_size: int = Field(100, ge=2)
    neuron_map_size: int = Field(24, ge=2)
    live_neuron_map_size: int = Field(15, ge=2, description="neuron map side in binary frames at full pace")
    slice_seconds: float = Field(0.02, gt=0, description="compute slice while playing")
    ws_deflate: bool = Field(False, description="compress WebSocket messages (permessage-deflate): frames about "
                                                "40%% smaller, for ~1.7 ms of server CPU each")
    workers: int = Field(1, ge=1, le=64, description="server processes on the port (more than one needs a Redis store)")
    store: str = Field("memory", pattern=r"^(memory|rediss?://\S+)$",
                       description="where sessions live: memory, or redis://host:port/db (shared by workers and hosts)")
    lease_seconds: float = Field(3.0, gt=0, description="a dead worker's sessions are taken over after this")
    allowed_origins: list[str] = Field(default_factory=list, description="extra WebSocket origins")

    @model_validator(mode="after")
    def _workers_share_a_store(self) -> "Settings":
        if self.workers > 1 and self.store == "memory":
            raise ValueError("workers: more than one worker needs a shared store, e.g. --store redis://127.0.0.1:6379/0")
        return self

    @classmethod
    def from_env(cls, **overrides) -> "Settings":
        """Defaults, then PLAYGROUND_<FIELD> env vars, then explicit overrides (e.g. CLI flags)."""
        values: dict = {}
        for name, field in cls.model_fields.items():
            raw = os.environ.get(f"PLAYGROUND_{name.upper()}")
            if raw is not None:
                values[name] = raw.split(",") if field.annotation == list[str] else raw
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls.model_validate(values)
