"""Lessons on the wire and as pages: ``GET /api/lessons`` (their JSON), ``/lessons`` (the gallery, a picture
of each lesson's setup) and ``/lessons/{id}`` (the playground with the lesson panel)."""
from __future__ import annotations

from functools import lru_cache

from fastapi import APIRouter, Depends, HTTPException, Path, Request, Response

from server import lessons as lesson_data
from server.api import get_player
from server.lane import COMMAND
from server.lessons import Lesson
from server.pages import VERSION, index_context, templates
from server.pictures import setup_svg
from server.player import Player

router = APIRouter()
LessonId = Path(pattern=r"^[a-z0-9-]{1,64}$", description="a lesson's id, e.g. 'xor'")
NOT_FOUND = {404: {"description": "No lesson with this id", "content": {
    "application/json": {"schema": {"type": "object", "properties": {"detail": {"type": "string"}}}}}}}


def find_lesson(lesson_id: str = LessonId) -> Lesson:
    found = lesson_data.lesson(lesson_id)
    if found is None:
        raise HTTPException(404, f"no lesson '{lesson_id}'")
    return found


@router.get("/api/lessons", response_model=list[Lesson], response_model_by_alias=True)
def list_lessons():
    """Every lesson in the story's order; each stage's ``hash`` opens its setup (``step=N`` included)."""
    return lesson_data.lessons()


@router.get("/api/lessons/{lesson_id}", response_model=Lesson, response_model_by_alias=True, responses=NOT_FOUND)
def read_lesson(lesson: Lesson = Depends(find_lesson)):
    return lesson


@lru_cache(maxsize=64)
def _picture(lesson_id: str) -> str:
    return setup_svg(lesson_data.picture_trainer(lesson_id), lesson_data.lesson(lesson_id).title)


@router.get("/lessons/{lesson_id}/picture.svg", responses={
    200: {"content": {"image/svg+xml": {}}, "description": "the lesson's setup, trained"}, **NOT_FOUND})
async def lesson_picture(lesson: Lesson = Depends(find_lesson), player: Player = Depends(get_player)):
    """The lesson's picture: the output map and training points of its setup (trained as the stage says)."""
    svg = await player.lane.run(COMMAND, _picture, lesson.id)
    return Response(svg, media_type="image/svg+xml", headers={"Cache-Control": "public, max-age=3600"})


def _gallery(request: Request, missing: str | None = None, status_code: int = 200):
    return templates.TemplateResponse(request, "lessons.html", {
        "version": VERSION, "lessons": lesson_data.lessons(), "missing": missing}, status_code=status_code)


@router.get("/lessons", include_in_schema=False)
def gallery(request: Request):
    return _gallery(request)


@router.get("/lessons/{lesson_id}", include_in_schema=False)
def lesson_page(request: Request, lesson_id: str):
    lesson = lesson_data.lesson(lesson_id)
    if lesson is None:  # a person followed a stale link: the gallery, saying so
        return _gallery(request, missing=lesson_id[:64], status_code=404)
    all_lessons = lesson_data.lessons()
    position = next(k for k, item in enumerate(all_lessons) if item.id == lesson.id)
    following = all_lessons[position + 1] if position + 1 < len(all_lessons) else None
    lesson_json = {**lesson.model_dump(by_alias=True), "number": position + 1, "count": len(all_lessons),
                   "next": None if following is None else {"id": following.id, "title": following.title}}
    return templates.TemplateResponse(request, "lesson.html", {
        **index_context(request), "lesson": lesson, "lesson_json": lesson_json})
