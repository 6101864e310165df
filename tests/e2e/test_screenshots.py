"""Screenshots of the page at a laptop, a projector and a narrow window, saved to tests/e2e/artifacts/.

Each one is taken after a little training so that the maps and the loss curve have something to show.
Look at them: a passing test only says the page fits, not that it looks right.
"""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

SPIRAL = ("dataset=spiral&networkShape=8,6,4&x=true&y=true&xSquared=true&ySquared=true&sinX=true&sinY=true"
          "&activation=tanh&learningRate=0.03&showTestData=true&seed=screenshot")
# A teacher's link: TFP's classroom flags, the text hidden.
CLASSROOM = ("dataset=xor&networkShape=4&activation=tanh&learningRate=0.03&seed=screenshot&hideText=true"
             "&problem_hide=true&learningRate_hide=true&regularization_hide=true&regularizationRate_hide=true"
             "&optimizer_hide=true&loss_hide=true&init_hide=true&sinX_hide=true&sinY_hide=true")

SIZES = {
    "laptop-1280x800": (1280, 800),
    "projector-1920x1080": (1920, 1080),
    "narrow-420x900": (420, 900),
}
SCENES = {"spiral": SPIRAL, "default": "", "classroom": CLASSROOM}
SHOTS = [("spiral", size) for size in SIZES] + [
    (scene, size) for scene in ("default", "classroom") for size in ("laptop-1280x800", "projector-1920x1080")]


def train_a_little(playground, epochs: int = 20) -> None:
    page = playground.page
    page.click("#step")  # the default and the classroom link may hide Play: steps are keyboard-proof
    playground.wait_for_step(1)
    page.evaluate("document.activeElement.blur()")
    page.keyboard.press(" ")
    playground.wait_for(f"() => +document.querySelector('#epoch-counter').textContent >= {epochs}", timeout=20_000)
    page.keyboard.press(" ")
    playground.wait_for("() => document.querySelector('#play-pause').getAttribute('aria-pressed') === 'false'")


@pytest.mark.parametrize(("scene", "size"), SHOTS, ids=[f"{scene}-{size}" for scene, size in SHOTS])
def test_screenshot(scene, size, playground, artifacts):
    width, height = SIZES[size]
    page = playground.page
    page.set_viewport_size({"width": width, "height": height})
    playground.open(SCENES[scene])
    train_a_little(playground)
    page.hover(".page-title")  # no hover card in the picture
    page.wait_for_timeout(300)
    name = f"page-{size}" if scene == "spiral" else f"page-{scene}-{size}"
    page.screenshot(path=artifacts / f"{name}.png", full_page=True)

    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, f"the page scrolls sideways by {overflow}px at {width}×{height}"
    if width >= 1280:
        box = page.locator("#output-heatmap").bounding_box()
        assert box["y"] + box["height"] <= height, "the output plot should be visible without scrolling"


def test_screenshot_of_a_clicked_link(playground, artifacts):
    """A click on a link opens it in the inspector under the diagram, with its value field ready to edit."""
    page = playground.page
    playground.open(SPIRAL)
    train_a_little(playground, epochs=5)
    page.click(".bias[data-layer='1'][data-j='2']")
    page.locator("#inspector .inspector-value-input").wait_for()
    page.wait_for_selector("#inspector:not(.is-loading) [data-id='batch-gradient']")
    # the inspector scrolls its value field into view (smoothly): wait for it to get there
    playground.wait_for("""() => {
        const box = document.querySelector('#inspector .inspector-value-input').getBoundingClientRect();
        return box.top >= 0 && box.bottom <= window.innerHeight;
    }""")
    assert page.evaluate("document.activeElement === document.body")
    page.wait_for_timeout(400)
    page.screenshot(path=artifacts / "page-inspector-laptop-1280x800.png")
