"""Lessons in a real browser: every stage of every lesson opens its setup through Next; the panel shows the
stage; Previous, Next and the Back button move through stages; the address bar names the stage and its
setup, so a copied link opens the same stage; the gallery and a lesson page pass axe-core."""
from __future__ import annotations

import json
import urllib.request

import pytest

from axe import describe, run_axe
from server import urlstate

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def served_lessons(server_url) -> list[dict]:
    with urllib.request.urlopen(server_url + "/api/lessons") as response:
        return json.load(response)


def setup_hash(stage: dict) -> str:
    """What the address bar shows once a stage's session is open: its hash less the replayed step."""
    parsed = urlstate.parse_hash(stage["hash"])
    return urlstate.format_hash(parsed.config, parsed.view, resets=parsed.resets)


def wait_opened(page, number: int) -> None:
    page.wait_for_selector(f"#lesson-panel[data-opened='{number}']", timeout=30_000)
    page.wait_for_selector("body[data-ready='true']", timeout=30_000)


def panel(page) -> dict:
    return {name: page.inner_text(f"#lesson-stage-{name}") for name in ("title", "text", "try", "notice")}


def server_errors(page) -> list:
    """Every error message the server sends the page over its sockets, from now on."""
    errors = []

    def watch(socket):
        socket.on("framereceived", lambda payload: isinstance(payload, str) and '"type":"error"' in
                  payload.replace(" ", "") and errors.append(payload))
    page.on("websocket", watch)
    return errors


def test_next_walks_through_every_stage_of_every_lesson(page, served_lessons):
    errors = server_errors(page)  # a stage's setup (its pace, its config) the server refuses
    page.goto(f"/lessons/{served_lessons[0]['id']}")
    for number, lesson in enumerate(served_lessons):
        for index, stage in enumerate(lesson["stages"]):
            if number or index:
                page.click("#lesson-next")
            wait_opened(page, index + 1)
            assert page.evaluate("location.pathname") == f"/lessons/{lesson['id']}"
            assert page.evaluate("location.search") == f"?stage={index + 1}"
            assert page.evaluate("location.hash.slice(1)") == setup_hash(stage), (lesson["id"], index + 1)
            assert panel(page) == {"title": stage["title"], "text": stage["text"], "try": stage["try"],
                                   "notice": stage["notice"]}
            step = urlstate.parse_hash(stage["hash"]).step
            assert page.inner_text("#step-counter").strip() == str(step), (lesson["id"], index + 1)
            assert page.inner_text("#lesson-progress") == f"Stage {index + 1} of {len(lesson['stages'])}"
    assert page.inner_text("#lesson-next").strip() == "All lessons →"
    page.wait_for_timeout(300)  # the last stage's own commands have their answers
    assert errors == []


def test_previous_next_back_and_a_shared_stage(page, context, served_lessons):
    lesson = next(item for item in served_lessons if item["id"] == "xor")
    page.goto("/lessons/xor")
    wait_opened(page, 1)
    assert page.is_disabled("#lesson-prev")
    page.click("#lesson-next")
    wait_opened(page, 2)
    page.click("#lesson-next")
    wait_opened(page, 3)
    assert page.inner_text("#lesson-stage-title") == lesson["stages"][2]["title"]
    page.click("#lesson-prev")
    wait_opened(page, 2)
    assert page.inner_text("#lesson-stage-title") == lesson["stages"][1]["title"]
    page.go_back()  # the browser's Back: the stage before, with its setup
    wait_opened(page, 3)
    assert page.inner_text("#lesson-stage-title") == lesson["stages"][2]["title"]
    assert page.evaluate("location.hash.slice(1)") == setup_hash(lesson["stages"][2])

    # Copy link gives this page's address: another student opening it lands on the same stage and setup
    shared = page.get_attribute("#copy-link", "data-link")
    assert shared.endswith(f"/lessons/xor?stage=3#{setup_hash(lesson['stages'][2])}")
    other = context.new_page()
    other.goto(shared)
    wait_opened(other, 3)
    assert other.inner_text("#lesson-stage-title") == lesson["stages"][2]["title"]
    assert other.evaluate("location.hash.slice(1)") == setup_hash(lesson["stages"][2])


def test_start_stage_again_after_a_change(page, served_lessons):
    lesson = next(item for item in served_lessons if item["id"] == "learning-rate")
    page.goto("/lessons/learning-rate?stage=3")
    wait_opened(page, 3)
    page.select_option("#learning-rate", "0.03")
    page.wait_for_function("() => location.hash.includes('learningRate=0.03')")
    page.click("#lesson-restart")
    wait_opened(page, 3)
    assert page.evaluate("location.hash.slice(1)") == setup_hash(lesson["stages"][2])


@pytest.mark.parametrize("path", ["/lessons", "/lessons/chain-rule"])
def test_axe_finds_no_violations(page, path):
    page.goto(path)
    if path != "/lessons":
        wait_opened(page, 1)
    violations = run_axe(page)
    assert not violations, describe(violations)
