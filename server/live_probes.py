"""Probes that follow training over the live socket, instead of one HTTP request per frame.

A page that shows the derivative view or the loss landscape says so once (the ``probes`` command); the
connection then sends a ``probe`` message after the frames, at the cadence the page chose while training
runs at full pace and after every change otherwise (a Step's frame goes out first, its probe right after).
A ``probe`` message carries the slice along the chosen parameter (as ``GET …/slice``), and the landscape's
trajectory and current position on its plane. The plane (two directions through the parameters θ₀ of
the moment it was computed) is kept by the connection, so the path and the point move over a landscape
that stays put; its grid comes again only on request (``refresh``), for new directions or span, after a
change of shape, or when the point has walked out of the middle of the picture.
"""
from __future__ import annotations

import math
from typing import Literal, Optional

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from engine import probes
from server import snapshot
from server.limits import check_at_most, check_index

FAR = 0.8  # a position beyond this share of the span on either axis asks for a new grid


class _Wish(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SliceWish(_Wish):
    """The derivative view's parameter: as the query of ``GET …/slice``."""

    layer: int = Field(0, ge=0)
    kind: Literal["weight", "bias"] = "weight"
    i: int = Field(0, ge=0)
    j: Optional[int] = Field(None, ge=0)
    span: Optional[float] = Field(None, gt=0, le=1e3)
    points: int = Field(81, ge=3)


class Address(_Wish):
    layer: int = Field(ge=0)
    kind: Literal["weight", "bias"]
    i: int = Field(ge=0)
    j: Optional[int] = Field(None, ge=0)


class LandscapeWish(_Wish):
    """The landscape's plane: as the query of ``GET …/landscape`` (``p1``, ``p2`` as objects)."""

    mode: Literal["random", "params"] = "random"
    draw: int = Field(0, ge=0, le=10**6)
    p1: Optional[Address] = None
    p2: Optional[Address] = None
    size: int = Field(21, ge=3)
    span: float = Field(1.0, gt=0, le=1e3)


class Probes(_Wish):
    type: Literal["probes"]
    slice: Optional[SliceWish] = None
    landscape: Optional[LandscapeWish] = None
    refresh: bool = Field(False, description="compute the landscape's grid again")
    interval_ms: float = Field(250, ge=50, le=60_000, description="at full pace: at most one probe per interval")


class ProbeStream:
    """What one connection's page wants to follow, and the landscape plane it is drawing (kept beside the
    session, never in it: a new trainer or a reset makes it stale)."""

    def __init__(self, settings):
        self.settings = settings
        self.wish: Probes | None = None
        self.plane: dict | None = None  # {key, theta0, d1, d2, pinv (2, P), span}
        self.sent_revision = -1
        self.sent_at = -math.inf

    def want(self, command: Probes, trainer) -> None:
        """Take the page's wish (checked against the limits and the network now)."""
        if command.slice is not None:
            check_at_most("slice.points", command.slice.points, self.settings.max_slice_points)
            s = command.slice
            check_index(trainer, s.layer, s.kind, s.i, s.j if s.kind == "weight" else None, field="slice")
        if command.landscape is not None:
            check_at_most("landscape.size", command.landscape.size, self.settings.max_landscape)
            if command.landscape.mode == "params":
                for name in ("p1", "p2"):
                    address = getattr(command.landscape, name)
                    if address is None:
                        raise ValueError(f"landscape.{name}: needed with mode 'params'")
                    check_index(trainer, *_address(address), field=f"landscape.{name}")
        if command.refresh or command.landscape is None or self._plane_key(command.landscape) != self._key():
            self.plane = None
        self.wish = command if command.slice or command.landscape else None
        self.sent_revision = -1  # answer the new wish at once

    def due(self, session, fast: bool, now: float) -> bool:
        if self.wish is None or session.revision == self.sent_revision and self.plane is not None:
            return False
        return not fast or now - self.sent_at >= self.wish.interval_ms / 1000 or self.plane is None

    def message(self, session, now: float) -> dict:
        """The ``probe`` message for the session as it is now (runs on the compute lane)."""
        t, wish = session.trainer, self.wish
        self.sent_revision, self.sent_at = session.revision, now
        out: dict = {"type": "probe", "revision": session.revision, "slice": None, "landscape": None,
                     "trajectory": None, "position": None}
        if wish.slice is not None:
            s = wish.slice
            j = s.j if s.kind == "weight" else None
            try:
                out["slice"] = {**session.loss_slice(s.layer, s.kind, s.i, j, s.span, s.points),
                                "params": s.model_dump(exclude_none=True)}
            except ValueError:  # the network changed shape under the wish: the page will say what it wants
                out["slice"] = None
        if wish.landscape is not None:
            out.update(self._landscape(session, wish.landscape))
        return snapshot.finite(out)

    # ----- the landscape's plane --------------------------------------------------------------------
    def _key(self):
        return None if self.plane is None else self.plane["key"]

    @staticmethod
    def _plane_key(landscape: LandscapeWish) -> str:
        return landscape.model_dump_json()

    def _landscape(self, session, wish: LandscapeWish) -> dict:
        t = session.trainer
        plane = self.plane
        if plane is not None and (plane["trainer"] is not t or plane["resets"] != t.resets
                                  or plane["theta0"].shape != t.theta.shape):
            plane = None  # another network, a reset or a new shape (new data can add outputs): a new plane
        position = self._project(plane, t.theta[None, :])[0] if plane is not None else None
        if position is not None and not (np.isfinite(position).all() and np.abs(position).max() <= FAR * wish.span):
            plane = None
        result = {}
        if plane is None:
            addresses = {"p1": _address(wish.p1), "p2": _address(wish.p2)} if wish.mode == "params" else {}
            result["landscape"] = session.landscape(wish.mode, wish.draw, addresses, wish.size, wish.span)
            d1, d2 = self._directions(t, wish)
            basis = np.stack([d1, d2], 1)
            plane = self.plane = {"key": self._plane_key(wish), "theta0": t.theta.copy(), "trainer": t, "resets": t.resets,
                                  "pinv": np.linalg.pinv(basis) if np.isfinite(basis).all() else None}
        history = [h for h in t.history if np.isfinite(h).all()]
        result["trajectory"] = self._project(plane, np.stack(history)).tolist() if history else []
        result["position"] = self._project(plane, t.theta[None, :])[0].tolist()
        return result

    @staticmethod
    def _directions(trainer, wish: LandscapeWish):
        if wish.mode == "random":
            return probes.random_directions(trainer, wish.draw)
        return probes.unit_direction(trainer, *_address(wish.p1)), probes.unit_direction(trainer, *_address(wish.p2))

    @staticmethod
    def _project(plane: dict, points: np.ndarray) -> np.ndarray:
        """Points of θ-space as (α, β) on the plane, from its origin θ₀ (least squares, as the landscape)."""
        if plane["pinv"] is None:
            return np.full((len(points), 2), np.nan)
        with np.errstate(all="ignore"):
            return (points - plane["theta0"]) @ plane["pinv"].T


def _address(address: Address) -> tuple:
    return address.layer, address.kind, address.i, address.j if address.kind == "weight" else None
