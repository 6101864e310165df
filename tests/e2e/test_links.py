"""What a link carries, in a real browser: TFP's classroom flags (`<control>_hide=true`, `hideText=true`)
and the trained link (share hash + step=N) that opens the same network after the same steps."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

CIRCLE = "dataset=circle&networkShape=4,2&activation=tanh&learningRate=0.03&batchSize=10&seed=e2e-links"
# A TensorFlow Playground link, exactly as TFP writes it.
TFP_HASH = (
    "activation=tanh&batchSize=10&dataset=circle&regDataset=reg-plane&learningRate=0.03&regularizationRate=0"
    "&noise=0&networkShape=4,2&seed=0.12345&showTestData=false&discretize=false&percTrainData=50&x=true&y=true"
    "&xTimesY=false&xSquared=false&ySquared=false&cosX=false&sinX=false&cosY=false&sinY=false"
    "&collectStats=false&problem=classification&initZero=false&hideText=false"
)

HIDDEN = {"problem", "learningRate", "sinX"}
# A TFP link as a teacher saves it from TFP's "hide controls" list, with the text hidden too.
CLASSROOM = TFP_HASH.replace("hideText=false", "hideText=true") + "".join(f"&{name}_hide=true" for name in HIDDEN)


def control_visibility(page) -> dict[str, bool]:
    """Every element that names a control: {name: visible} (a name on several elements: all of them visible)."""
    pairs = page.eval_on_selector_all("[data-control]", """nodes => nodes.map((n) => {
        const box = n.getBoundingClientRect();
        return [n.dataset.control, getComputedStyle(n).display !== 'none' && box.width > 0 && box.height > 0];
    })""")
    visible: dict[str, bool] = {}
    for name, shown in pairs:
        visible[name] = visible.get(name, True) and shown
    return visible


def test_every_control_is_named_and_visible_by_default(playground):
    page = playground.open(CIRCLE).page
    visible = control_visibility(page)
    expected = {"resetButton", "playButton", "stepButton", "phaseStep", "speed", "learningRate", "activation",
                "init", "optimizer", "output", "loss", "advanced", "regularization", "regularizationRate", "problem", "dataset",
                "percTrainData", "noise", "batchSize", "regenerate", "numHiddenLayers", "numNeurons",
                "showTestData", "discretize", "copyLink", "copyTrainedLink", "narrate",
                "x", "y", "xSquared", "ySquared", "xTimesY", "sinX", "sinY"}
    assert expected <= set(visible), expected - set(visible)
    assert [name for name, shown in visible.items() if not shown] == []
    assert page.locator(".network-explainer").is_visible()
    assert page.locator(".workbench-hint").first.is_visible()


def test_a_classroom_link_hides_its_controls_and_text_and_keeps_the_flags(playground):
    page = playground.open(CLASSROOM).page
    visible = control_visibility(page)
    assert {name for name, shown in visible.items() if not shown} == HIDDEN - {"sinX"}  # sinX has no node at all
    assert page.locator(".node-feature").count() == 6
    assert page.locator(".node-feature[data-feature='sinX']").count() == 0
    assert [n.get_attribute("data-feature") for n in page.locator(".node-feature.is-on").all()] == ["x", "y"]
    for selector in ("#problem", "#learning-rate"):
        assert page.locator(selector).is_hidden(), selector
    # hideText: no explanatory prose
    assert page.locator("[data-help]").count() > 5
    assert page.eval_on_selector_all("[data-help]", "ns => ns.filter((n) => n.getClientRects().length).length") == 0
    assert page.locator("#output-heatmap").is_visible()

    # a control change (and a new shape) keeps the flags in the URL, and the controls hidden
    page.select_option("#activation", "relu")
    playground.wait_for_hash("activation=relu")
    page.click("#add-layer")
    playground.wait_for_hash("networkShape=4,2,2")
    params = playground.hash_params()
    assert {key for key, value in params.items() if key.endswith("_hide") and value == "true"} == {
        f"{name}_hide" for name in HIDDEN}
    assert params["hideText"] == "true"
    assert page.locator(".node-feature").count() == 6
    assert page.locator("#problem").is_hidden() and page.locator("#learning-rate").is_hidden()
    assert page.locator(".network-explainer").is_hidden()


def test_hiding_the_layer_buttons_and_the_play_button(playground):
    page = playground.open(CIRCLE + "&numHiddenLayers_hide=true&playButton_hide=true&numNeurons_hide=true").page
    assert page.locator("#add-layer").is_hidden() and page.locator("#remove-layer").is_hidden()
    assert page.locator(".layer-buttons").first.is_hidden()
    assert page.locator("#play-pause").is_hidden()
    assert page.inner_text("#layer-count") == "2"  # the count stays: it is not a control
    page.keyboard.press("ArrowRight")  # the keyboard still steps
    playground.wait_for_step(1)


def test_the_trained_link_opens_the_same_network_after_the_same_steps(playground, another_playground):
    page = playground.open(CIRCLE).page
    assert page.is_disabled("#copy-trained-link")  # nothing trained yet: Copy link says it all
    for step in range(1, 8):
        page.click("#step")
        playground.wait_for_step(step)
    playground.wait_for("() => !document.querySelector('#copy-trained-link').disabled")
    page.click("#copy-trained-link")
    playground.wait_for("() => document.querySelector('#copy-trained-link').classList.contains('is-copied')")
    link = page.evaluate("navigator.clipboard.readText()")
    assert link == page.get_attribute("#copy-trained-link", "data-link")
    fragment = link.split("#", 1)[1]
    assert "step=7" in fragment.split("&")
    assert fragment.replace("&step=7", "") == playground.hash()  # the share hash, plus the steps
    assert "7 steps" in page.get_attribute("#copy-trained-link", "title")

    other = another_playground().open(fragment)
    assert other.step() == 7
    assert other.page.inner_text("#loss-train") == page.inner_text("#loss-train")
    mine, theirs = playground.server_session()["state"], other.server_session()["state"]
    assert [layer["weights"] for layer in theirs["layers"]] == [layer["weights"] for layer in mine["layers"]]
    assert [layer["biases"] for layer in theirs["layers"]] == [layer["biases"] for layer in mine["layers"]]


def test_no_trained_link_for_a_run_a_replay_cannot_reproduce(playground):
    """The trained hash replays N steps with today's settings: a learning rate changed mid-run, or a weight set
    by hand, would open as another network. The page offers no trained link then, until new weights."""
    page = playground.open(CIRCLE).page
    trained = "() => !document.querySelector('#copy-trained-link').disabled"
    page.click("#step")
    playground.wait_for_step(1)
    playground.wait_for(trained)
    page.select_option("#learning-rate", "0.3")  # live: the weights stay, the run is no longer a replay
    playground.wait_for_hash("learningRate=0.3")
    page.click("#step")
    playground.wait_for_step(2)
    assert page.is_disabled("#copy-trained-link")
    assert "Reset" in page.get_attribute("#copy-trained-link", "title")

    page.click("#reset")
    playground.wait_for_step(0)
    page.click("#step")
    playground.wait_for_step(1)
    playground.wait_for(trained)

    page.click(".bias[data-layer='2'][data-j='0']")  # a weight set by hand
    field = page.locator("#inspector .inspector-value-input")
    field.fill("1.5")
    field.press("Enter")
    playground.wait_for("() => !document.querySelector('#copy-link').disabled && "
                        "document.querySelector('#copy-trained-link').disabled")


def test_the_first_frame_comes_with_the_connection(playground):
    """The page draws from the frame the server sends on connect: no separate request for the maps."""
    requests: list[str] = []
    playground.page.on("request", lambda request: requests.append(request.url))
    page = playground.open(CIRCLE).page
    assert page.eval_on_selector("#output-heatmap", "c => c.width") >= 100
    playground.wait_for("() => document.body.dataset.connection === 'open'")
    assert [url for url in requests if "/heatmaps" in url] == []
