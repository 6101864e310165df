"""The race page in a real browser: the race made from its link, one boundary per variant, play / step /
phase / reset driving every variant together, Copy link giving a link that makes the same race again,
and no axe-core violations."""
from __future__ import annotations

import pytest

from axe import describe, run_axe

pytestmark = pytest.mark.browser

RACE = ("dataset=circle&networkShape=4&activation=tanh&output=sigmoid&loss=cross_entropy&init=xavier"
        "&learningRate=0.03&batchSize=10&seed=e2e-race&race=optimizer:sgd;optimizer:adam")


def open_race(page, hash_: str = RACE) -> str:
    page.goto(f"/race#{hash_}")
    page.wait_for_selector("body[data-ready='true']", timeout=30_000)
    return page.evaluate("document.body.dataset.race")


def server_race(page, race_id: str) -> dict:
    return page.request.get(f"/api/races/{race_id}").json()


def numbers(page) -> list[str]:
    return page.eval_on_selector_all(".race-variant-numbers", "nodes => nodes.map(n => n.textContent)")


def test_the_race_page_drives_every_variant_together(page):
    race_id = open_race(page)
    assert page.eval_on_selector_all(".race-variant-title", "nodes => nodes.map(n => n.textContent)") == ["SGD", "Adam"]
    assert page.locator("#race-legend li").count() == 2
    page.click("#race-step")
    page.wait_for_function("() => document.querySelector('#race-step-counter').textContent === '1'")
    page.wait_for_function("() => [...document.querySelectorAll('.race-variant-numbers')]"
                           ".every(n => n.textContent.startsWith('step 1 '))")
    page.click("#race-phase")
    page.wait_for_function("() => document.querySelector('#race-phase-label').textContent === 'forward'")
    page.click("#race-play")
    page.wait_for_function("() => Number(document.querySelector('#race-step-counter').textContent) >= 5",
                           timeout=30_000)
    page.click("#race-play")  # pause
    page.wait_for_function("() => document.querySelector('#race-play').textContent === 'Play'")
    steps = [session["state"]["step"] for session in server_race(page, race_id)["sessions"]]
    assert steps[0] == steps[1] >= 5  # lockstep
    page.wait_for_function("s => [...document.querySelectorAll('.race-variant-numbers')]"
                           ".every(n => n.textContent.startsWith(`step ${s} `))", arg=steps[0])
    page.click("#race-reset")
    page.wait_for_function("() => document.querySelector('#race-step-counter').textContent === '0'")
    assert [s["state"]["step"] for s in server_race(page, race_id)["sessions"]] == [0, 0]
    page.wait_for_function("() => location.hash.includes('resets=1')")  # the link after the race is read again


def test_copy_link_makes_the_same_race_again(page, context):
    race_id = open_race(page)
    link = page.get_attribute("#copy-link", "data-link")
    assert link.endswith(page.evaluate("location.hash")) and "/race#" in link
    other = context.new_page()
    other.goto(link)
    other.wait_for_selector("body[data-ready='true']", timeout=30_000)
    other_id = other.evaluate("document.body.dataset.race")
    assert other_id != race_id
    first, second = server_race(page, race_id), server_race(other, other_id)
    assert second["share_hash"] == first["share_hash"]
    assert [s["config"] for s in second["sessions"]] == [s["config"] for s in first["sessions"]]
    assert [s["state"]["layers"] for s in second["sessions"]] == [s["state"]["layers"] for s in first["sessions"]]


def test_the_race_page_has_no_axe_violations(page):
    open_race(page)
    violations = run_axe(page)
    assert not violations, describe(violations)


def test_a_race_key_in_the_playground_hash_opens_the_race(page):
    page.goto(f"/#{RACE}")
    page.wait_for_url("**/race#*", timeout=30_000)
    page.wait_for_selector("body[data-ready='true']", timeout=30_000)
    assert page.locator(".race-variant").count() == 2
