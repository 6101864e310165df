"""Lessons: the story of backprop as a path through the playground, one JSON file per lesson in
``server/lessons/`` (``NN-<id>.json``; NN gives the story's order).

A lesson is ``{"id", "title", "summary", "stages"}``; a stage is ``{"title", "text", "hash", "try",
"notice", "claims"}``. ``hash`` is a share hash (any setup the page can open, ``step=N`` included); it is
served in its canonical form, so the page's URL shows exactly it. ``claims`` say, as data, what training
that setup must show (tests/test_lesson_claims.py checks each one); they are not part of the wire format.
"""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from engine.trainer import Trainer
from server import urlstate
from server.schemas import Config
from server.sessions import to_train_config

LESSON_DIR = Path(__file__).resolve().parent / "lessons"


class Stage(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    title: str
    text: str
    hash: str
    try_: str = Field(alias="try", description="what to do with this setup")
    notice: str = Field(description="what to notice: the claim a test checks by training this setup")


class Lesson(BaseModel):
    id: str
    title: str
    summary: str
    stages: list[Stage]


def canonical(fragment: str) -> str:
    """The share hash the page will show for ``fragment`` (its replay step kept)."""
    parsed = urlstate.parse_hash(fragment)
    return urlstate.format_hash(parsed.config, parsed.view, step=parsed.step, resets=parsed.resets,
                                phase=parsed.phase)


@lru_cache(maxsize=1)
def raw_lessons() -> tuple[dict, ...]:
    """Every lesson file as written (claims included), in the story's order."""
    return tuple(json.loads(path.read_text(encoding="utf-8")) for path in sorted(LESSON_DIR.glob("*.json")))


@lru_cache(maxsize=1)
def lessons() -> tuple[Lesson, ...]:
    """Every lesson as served: stage hashes canonical, claims left out."""
    served = []
    for lesson in raw_lessons():
        stages = [Stage(**{**stage, "hash": canonical(stage["hash"])}) for stage in lesson["stages"]]
        served.append(Lesson(id=lesson["id"], title=lesson["title"], summary=lesson["summary"], stages=stages))
    return tuple(served)


def lesson(lesson_id: str) -> Lesson | None:
    return next((item for item in lessons() if item.id == lesson_id), None)


def open_setup(fragment: str) -> Trainer:
    """The trainer the page opens for a share hash: its config and reset draw, replayed to its step=N
    (and phase=…)."""
    parsed = urlstate.parse_hash(fragment)
    trainer = Trainer(to_train_config(Config.model_validate(parsed.config)), resets=parsed.resets)
    if parsed.step:
        trainer.step(parsed.step)
    while parsed.phase is not None and trainer.phase != parsed.phase and trainer.status == "ok":
        trainer.advance_phase()  # phase=…: the next iteration's phases up to that one
    return trainer


def picture_trainer(lesson_id: str) -> Trainer:
    """The setup a lesson's picture shows: its ``picture`` stage (1-based; default the last), trained."""
    raw = next(item for item in raw_lessons() if item["id"] == lesson_id)
    return open_setup(raw["stages"][raw.get("picture", len(raw["stages"])) - 1]["hash"])
