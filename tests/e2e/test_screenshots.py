"""Screenshots of the page at a laptop, a projector and a narrow window, saved to tests/e2e/artifacts/.

Each one is taken after a little training so that the maps and the loss curve have something to show.
Look at them: a passing test only says the page fits, not that it looks right.
"""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

SPIRAL = ("dataset=spiral&networkShape=8,6,4&x=true&y=true&xSquared=true&ySquared=true&sinX=true&sinY=true"
          "&activation=tanh&learningRate=0.03&showTestData=true&seed=screenshot")

SIZES = {
    "laptop-1280x800": (1280, 800),
    "projector-1920x1080": (1920, 1080),
    "narrow-420x900": (420, 900),
}


@pytest.mark.parametrize("name", SIZES)
def test_screenshot(name, playground, artifacts):
    width, height = SIZES[name]
    page = playground.page
    page.set_viewport_size({"width": width, "height": height})
    playground.open(SPIRAL)
    page.click("#play-pause")
    playground.wait_for("() => +document.querySelector('#epoch-counter').textContent >= 20", timeout=20_000)
    page.click("#play-pause")
    playground.wait_for("() => document.querySelector('#play-pause').getAttribute('aria-pressed') === 'false'")
    page.hover(".page-title")  # no hover card in the picture
    page.wait_for_timeout(300)
    page.screenshot(path=artifacts / f"page-{name}.png", full_page=True)

    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, f"the page scrolls sideways by {overflow}px at {width}×{height}"
    if width >= 1280:
        box = page.locator("#output-heatmap").bounding_box()
        assert box["y"] + box["height"] <= height, "the output plot should be visible without scrolling"
