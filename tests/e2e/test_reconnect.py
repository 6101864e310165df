"""The page survives its server going away: it says so, reconnects, and carries on with the same setup."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def test_the_page_reconnects_after_a_server_restart_with_the_same_setup(browser, own_server, browser_errors):
    # While the server is down the browser logs the failed socket and page loads: expected here.
    browser_errors.expect("WebSocket connection")
    browser_errors.expect("Failed to load resource")
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.on("page", browser_errors.watch)
    page = context.new_page()
    try:
        page.goto(own_server.url + "/#dataset=xor&activation=relu&networkShape=3,3&seed=reconnect")
        page.wait_for_selector("body[data-ready='true']")
        page.click("#step")
        page.wait_for_function("() => document.querySelector('#step-counter').textContent.trim() === '1'")
        hash_before = page.evaluate("location.hash")

        own_server.stop()
        page.wait_for_function("() => document.body.dataset.connection === 'reconnecting'")
        assert "Connection to the server lost" in page.inner_text("#status-banner")

        own_server.start()  # a new process: the old session is gone, the page makes it again from its link
        page.wait_for_function("() => document.body.dataset.connection === 'open'", timeout=20_000)
        # its trained link replays the same run: the page says so, at the same step
        page.wait_for_function("() => document.querySelector('#status-banner').dataset.kind === 'notice'")
        assert "replayed to step 1" in page.inner_text("#status-banner")
        assert page.evaluate("location.hash") == hash_before
        assert page.input_value("#activation") == "relu"
        assert page.locator(".node-neuron").count() == 6
        assert page.inner_text("#step-counter").strip() == "1"
        page.click("#step")
        page.wait_for_function("() => document.querySelector('#step-counter').textContent.trim() === '2'")
        page.wait_for_function("() => document.querySelector('#status-banner').hidden", timeout=3000)
    finally:
        context.close()
    assert not browser_errors, browser_errors
