"""Past one host: two server processes on one Redis behind Debian's nginx in plain round robin (no sticky
sessions). The page opened through nginx plays, steps and inspects while its requests and its socket land
on either server; each server then answers for the session with the same numbers."""
from __future__ import annotations

import json
import urllib.request

import pytest

from tests.e2e.conftest import Playground
from tests.e2e.test_backprop import CIRCLE, Backprop
from tests.services import Nginx, Redis, Server

pytestmark = pytest.mark.browser


@pytest.fixture
def cluster(artifacts):
    with Redis() as redis:
        servers = [Server("--store", redis.url, "--lease-seconds", "2", log=artifacts / f"cluster-{k}.log")
                   for k in range(2)]
        try:
            for server in servers:
                server.start()
            with Nginx([s.port for s in servers]) as nginx:
                yield nginx, servers
        finally:
            for server in servers:
                server.stop()


def read(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=30) as response:
        return json.load(response)


def test_the_page_through_nginx_plays_steps_and_inspects(cluster, browser, browser_errors, artifacts):
    nginx, servers = cluster
    context = browser.new_context(viewport={"width": 1280, "height": 800}, base_url=nginx.url)
    context.on("page", browser_errors.watch)
    try:
        page = context.new_page()
        backprop = Backprop(Playground(page), nginx.url)
        playground = backprop.open(CIRCLE).playground

        page.click("#step")
        playground.wait_for_step(1)
        page.click("#play-pause")
        playground.wait_for("() => document.querySelector('#play-pause').getAttribute('aria-pressed') === 'true'")
        playground.wait_for("() => Number(document.querySelector('#step-counter').textContent) >= 50",
                            timeout=30_000)
        page.click("#play-pause")
        playground.wait_for("() => document.querySelector('#play-pause').getAttribute('aria-pressed') === 'false'")

        for phase in ("forward", "loss", "backward"):
            backprop.phase_step(phase)
        backprop.click_link(1, 0, 1)
        page.wait_for_selector("#inspector:not(.is-loading) [data-id='batch-gradient']", timeout=30_000)
        page.screenshot(path=str(artifacts / "nginx-inspector.png"))

        shown = playground.step()
        answers = [read(server.url + backprop.session_path) for server in servers]  # each server, directly
        assert [a["state"]["step"] for a in answers] == [shown, shown]
        assert answers[0]["state"]["layers"] == answers[1]["state"]["layers"]
        assert answers[0]["state"]["phase"] == "backward"
        gradient = answers[0]["state"]["layers"][1]["grad_weights"][0][1]
        assert float(page.get_attribute("[data-fact='gradient'] .inspector-fact-value", "data-value")) == gradient
        assert not browser_errors, "the page logged errors:\n" + "\n".join(browser_errors)
    finally:
        context.close()
