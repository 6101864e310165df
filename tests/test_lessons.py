"""Lessons on the wire and as pages: GET /api/lessons in the issue's exact shape, each stage's setup a share
hash that the server opens as it is, the gallery with a picture of each lesson, the lesson page's panel."""
from __future__ import annotations

import pytest

from server import urlstate
from server.lessons import LESSON_DIR, lessons, raw_lessons

STAGES = [pytest.param(lesson.id, index, stage.hash, id=f"{lesson.id}-{index + 1}")
          for lesson in lessons() for index, stage in enumerate(lesson.stages)]


def test_lessons_have_exactly_the_documented_shape(client):
    response = client.get("/api/lessons")
    assert response.status_code == 200
    body = response.json()
    assert len(body) >= 12
    assert len({lesson["id"] for lesson in body}) == len(body)
    for lesson in body:
        assert set(lesson) == {"id", "title", "summary", "stages"}
        assert lesson["stages"], lesson["id"]
        for stage in lesson["stages"]:
            assert set(stage) == {"title", "text", "hash", "try", "notice"}
            assert all(isinstance(value, str) and value.strip() for value in stage.values()), stage


def test_lessons_come_in_the_story_order_of_their_files(client):
    files = sorted(LESSON_DIR.glob("*.json"))
    assert [path.stem.split("-", 1)[1] for path in files] == [lesson["id"] for lesson in client.get("/api/lessons").json()]
    ids = [lesson["id"] for lesson in raw_lessons()]
    story = ["one-neuron", "loss-and-cost", "three-losses", "derivative", "learning-rate", "chain-rule"]
    assert ids[:len(story)] == story  # the neuron, its loss, the derivative, descent, then backprop


@pytest.mark.parametrize("lesson_id, index, fragment", STAGES)
def test_every_stage_opens_its_setup_exactly(client, lesson_id, index, fragment):
    parsed = urlstate.parse_hash(fragment)
    assert parsed.ignored == [], f"{lesson_id} stage {index + 1}: the hash has keys the page would drop"
    assert parsed.config.get("seed"), "a stage names its seed, so what the page shows is what the test trained"
    response = client.post("/api/sessions", json={"hash": fragment})
    assert response.status_code == 201, response.text
    session = response.json()
    assert session["state"]["step"] == parsed.step
    assert session["state"]["status"] == "ok"
    # the page's address bar shows the session's share hash: the stage's own, less the replayed step
    assert session["share_hash"] == urlstate.format_hash(parsed.config, parsed.view, resets=parsed.resets)


def test_one_lesson_and_an_unknown_one(client):
    xor = client.get("/api/lessons/xor")
    assert xor.status_code == 200
    assert xor.json() == next(lesson for lesson in client.get("/api/lessons").json() if lesson["id"] == "xor")
    missing = client.get("/api/lessons/no-such-lesson")
    assert missing.status_code == 404
    assert "no-such-lesson" in missing.json()["detail"]
    assert client.get("/api/lessons/Not%20an%20id").status_code == 422


def test_the_gallery_shows_every_lesson_with_its_picture(client):
    page = client.get("/lessons")
    assert page.status_code == 200
    for lesson in lessons():
        assert f'href="/lessons/{lesson.id}"' in page.text
        assert f'src="/lessons/{lesson.id}/picture.svg' in page.text
        assert lesson.title in page.text


def test_a_picture_draws_the_setup(client):
    response = client.get("/lessons/xor/picture.svg")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("image/svg+xml")
    svg = response.text
    assert svg.startswith("<svg") and "data:image/png;base64," in svg
    assert svg.count("<circle") >= 100  # the training points
    assert client.get("/lessons/nothing/picture.svg").status_code == 404


def test_the_lesson_page_has_the_panel_and_the_playground(client):
    page = client.get("/lessons/xor")
    assert page.status_code == 200
    for marker in ('id="lesson-panel"', 'id="lesson-prev"', 'id="lesson-next"', 'id="lesson"', 'id="network"',
                   "XOR needs a hidden layer"):
        assert marker in page.text
    missing = client.get("/lessons/nothing")
    assert missing.status_code == 404 and "no lesson called “nothing”" in missing.text
    assert 'href="/lessons/xor"' in missing.text  # the gallery, to pick one that exists
