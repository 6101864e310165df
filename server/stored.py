"""A session as one binary record for a store, and back.

The record uses the frames' layout (server.frames.encode: a JSON header, then aligned arrays): the header
holds the session's plain fields and the trainer's counters (engine.saving), the arrays its float64 state
and index arrays. Loading gives back a session whose future is the saved one's, bit for bit.
"""
from __future__ import annotations

import numpy as np

from engine import saving
from server import frames
from server.schemas import Config, View

SESSION_FIELDS = ("revision", "playing", "play_token", "steps_per_second", "speed_unit", "replayable")
KIND = "session/1"  # the record's version: bump it when the fields change meaning


def dump(session) -> bytes:
    fields, arrays = saving.to_plain(session.trainer)
    header = {"type": KIND, "id": session.id, "config": _plain(session.config), "view": _plain(session.view),
              "trainer": fields,
              **{name: getattr(session, name) for name in SESSION_FIELDS}}
    table = [(name, "f8" if np.asarray(a).dtype.kind == "f" else "i4", np.asarray(a)) for name, a in arrays.items()]
    return frames.encode(header, table)


_PLAIN: dict[int, tuple[object, dict]] = {}  # id(model) -> (model, its JSON dict): configs rarely change


def _plain(model) -> dict:
    """``model.model_dump(mode="json")``, once per model object (a playing session saves every second)."""
    cached = _PLAIN.get(id(model))
    if cached is None or cached[0] is not model:
        if len(_PLAIN) > 4096:
            _PLAIN.clear()
        cached = _PLAIN[id(model)] = (model, model.model_dump(mode="json"))
    return cached[1]


def load(record: bytes, into=None):
    """The session in ``record``; with ``into``, that Session object takes the stored state (others that
    hold it keep a current session) and is returned."""
    from server.sessions import Session, to_train_config

    header, arrays = frames.decode(record)
    if header.get("type") != KIND:
        raise ValueError(f"not a stored session of kind {KIND}: {header.get('type')!r}")
    config, view = Config.model_validate(header["config"]), View.model_validate(header["view"])
    trainer = saving.from_plain(to_train_config(config), header["trainer"], arrays)
    session = into if into is not None else Session.__new__(Session)
    Session.restore(session, header["id"], config, view, trainer)
    for name in SESSION_FIELDS:
        setattr(session, name, header[name])
    return session
