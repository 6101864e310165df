"""What a learner meets in the first ten minutes, done as a learner does it, in a real browser against a real
server: every number the page shows adds up, divergence is explained at any pace, only valid choices are
offered, the default pace can be watched, a restart loses nothing it can give back, each problem type
remembers its setup, hover values follow the phase, small screens fit, and the small things work."""
from __future__ import annotations

import json
import re
import urllib.request

import pytest

from tests.e2e.conftest import ServerProcess, _free_port

pytestmark = pytest.mark.browser

CIRCLE = "dataset=circle&networkShape=4,2&activation=tanh&learningRate=0.1&batchSize=10&seed=learner" \
         "&optimizer=sgd&output=sigmoid&loss=cross_entropy"
EXPLODING = "problem=regression&dataset=reg-plane&activation=relu&learningRate=10&networkShape=4,2&seed=blowup"
# A TensorFlow Playground link: none of our keys, so it opens with TFP's algorithm (tanh output, ½ MSE).
TFP_LINK = "activation=tanh&batchSize=10&dataset=circle&regDataset=reg-plane&learningRate=0.03&" \
           "regularizationRate=0&noise=0&networkShape=4,2&seed=0.58&showTestData=false&discretize=false&" \
           "percTrainData=50&x=true&y=true&xTimesY=false&xSquared=false&ySquared=false&cosX=false&sinX=false&" \
           "cosY=false&sinY=false&collectStats=false&problem=classification&initZero=false&hideText=false"


def get(base: str, path: str) -> dict:
    with urllib.request.urlopen(base + path, timeout=10) as response:
        return json.loads(response.read())


def values(page, selector: str) -> list[float]:
    return page.eval_on_selector_all(selector, "ns => ns.map((n) => Number(n.dataset.value))")


def shown_number(text: str) -> float:
    return float(text.strip().replace("−", "-"))


def banner(page) -> tuple[str, str]:
    """The banner's kind and text ("" when it is hidden)."""
    return page.evaluate("""() => { const b = document.querySelector('#status-banner');
        return b.hidden ? ['', ''] : [b.dataset.kind, b.innerText]; }""")


def click_link(page, layer: int, i: int, j: int) -> None:
    """Click a link where no other link crosses it (the hit paths overlap where links fan out)."""
    point = page.evaluate("""([layer, i, j]) => {
        const hit = document.querySelector(`.link-hit[data-layer="${layer}"][data-i="${i}"][data-j="${j}"]`);
        const length = hit.getTotalLength();
        for (const f of [0.5, 0.4, 0.6, 0.3, 0.7, 0.25, 0.75]) {
            const p = hit.getPointAtLength(f * length);
            const m = hit.getScreenCTM();
            const x = m.a * p.x + m.c * p.y + m.e, y = m.b * p.x + m.d * p.y + m.f;
            if (document.elementFromPoint(x, y) === hit) return [x, y];
        }
        return null;
    }""", [layer, i, j])
    assert point, f"no free spot on link {layer},{i},{j}"
    return point


def step_times(playground, n: int) -> None:
    for k in range(1, n + 1):
        playground.page.click("#step")
        playground.wait_for_step(k)


def phase_step(playground, expected: str) -> None:
    playground.page.click("#phase-step")
    playground.wait_for("p => document.querySelector('#phase-label').textContent.trim() === p", expected)


def choose_speed(page, position: int) -> None:
    page.locator("#speed").fill(str(position))
    page.locator("#speed").dispatch_event("change")


# --- 1. after a hand edit, every number is at the new weights --------------------------------------------

def test_1_after_a_hand_edit_every_sum_the_inspector_shows_adds_up(playground, artifacts):
    page = playground.open(CIRCLE).page
    step_times(playground, 5)
    page.mouse.click(*click_link(page, 1, 0, 0))  # the link h¹₁ → h²₁
    page.wait_for_selector("#inspector:not(.is-loading) [data-id='batch-gradient']")
    field = page.locator(".inspector-value-input")
    field.fill("2")
    field.press("Enter")
    # the inspector redraws from the edit's State and a trace at the new weights
    playground.wait_for("() => document.querySelector('[data-section=\"update\"] .inspector-heading')"
                        "?.textContent.includes('set by hand')")
    page.wait_for_selector("#inspector:not(.is-loading) [data-id='batch-gradient']")
    state = playground.server_session()["state"]
    assert state["layers"][1]["weights"][0][0] == 2
    assert all(layer["step_weights"] is None for layer in state["layers"])
    assert float(field.get_attribute("data-value")) == 2

    # the point alone: ∂ℓ/∂w = a · δ
    a, delta = values(page, "[data-section='sample'] .inspector-term .inspector-number")
    alone = float(page.get_attribute("[data-id='sample-gradient']", "data-value"))
    assert a * delta == pytest.approx(alone, rel=1e-12)
    # its row in the batch table holds the same three numbers
    row = values(page, ".inspector-table tr.is-selected .inspector-number")
    assert row == pytest.approx([a, delta, alone], rel=1e-12)
    # the batch: the mean of every row's a·δ is the mean shown, and it (no penalty here) is the gradient
    terms = page.eval_on_selector_all(".inspector-table tbody tr",
                                      "rows => rows.map((r) => Number(r.querySelectorAll('.inspector-number')[2]"
                                      ".dataset.value))")
    mean = values(page, "[data-section='batch'] .inspector-term .inspector-number")[0]
    total = float(page.get_attribute("[data-id='batch-gradient']", "data-value"))
    assert sum(terms) / len(terms) == pytest.approx(mean, rel=1e-12)
    assert mean == pytest.approx(total, rel=1e-12)
    assert total == state["layers"][1]["grad_weights"][0][0]  # the gradient at the weights shown
    assert float(page.get_attribute("[data-fact='gradient'] .inspector-fact-value", "data-value")) == total
    # no "before + Δw = now" from the last step: it moved other weights
    update = page.inner_text("[data-section='update']")
    assert "before" not in update
    assert "at the weights as they are now" in page.inner_text(".inspector-status")
    planned = float(page.get_attribute("[data-id='planned-step']", "data-value"))
    assert planned == pytest.approx(-0.1 * total, rel=1e-12)
    page.locator("#inspector").screenshot(path=str(artifacts / "learner-inspector-after-edit.png"))


# --- 2. divergence, explained at a pace one can watch -------------------------------------------------

def test_2_divergence_is_explained_at_ten_steps_a_second_and_the_views_keep_their_history(playground, artifacts):
    page = playground.open(EXPLODING).page
    start = playground.train_loss()
    choose_speed(page, 3)
    assert page.inner_text("#speed-label") == "10/s"
    page.click("#play-pause")
    playground.wait_for("() => document.querySelector('#status-banner').dataset.kind === 'diverged'", timeout=30_000)
    kind, text = banner(page)
    assert "Training diverged at step" in text and "Lower the learning rate (now 10)" in text and "Reset" in text
    playground.wait_for("() => document.querySelector('#play-pause').getAttribute('aria-pressed') === 'false'")
    state = playground.server_session()["state"]
    assert state["status"] == "diverged" and state["step"] < 200
    loss = state["loss"]["train"]
    assert loss is None or loss > 1e6 * start
    if loss is not None:  # still a number: the page shows it
        assert shown_number(page.inner_text("#loss-train")) == pytest.approx(loss, rel=1e-2)
    # the loss curve keeps what it drew (on a log scale, so the calm start still shows)
    assert "has-curve" in page.get_attribute("#loss-chart", "class")
    assert page.evaluate("""() => { const c = document.querySelector('#loss-chart canvas');
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let painted = 0; for (let k = 3; k < d.length; k += 4) painted += d[k] > 0; return painted; }""") > 50
    page.screenshot(path=str(artifacts / "learner-diverged.png"))
    page.click("#reset")
    playground.wait_for_step(0)
    playground.wait_for("() => document.querySelector('#status-banner').hidden")


# --- 3. only valid choices -----------------------------------------------------------------------------

def test_3_output_and_loss_offer_only_what_works_and_say_what_changed(playground):
    page = playground.open(TFP_LINK).page
    assert page.input_value("#output-head") == "tanh" and page.input_value("#loss") == "half_mse"
    page.select_option("#loss", "cross_entropy")  # tanh cannot take it: the output follows, and a note says so
    playground.wait_for("() => document.querySelector('#output-head').value === 'sigmoid'")
    playground.wait_for_hash("output=sigmoid")  # the server's word
    kind, text = banner(page)
    assert kind == "notice" and "Cross-entropy needs a sigmoid or softmax output" in text
    assert "\n" not in text.strip() and "Value error" not in text
    config = playground.server_session()["config"]
    assert (config["output"], config["loss"]) == ("sigmoid", "cross_entropy")
    page.select_option("#output-head", "tanh")  # and back: the loss follows
    playground.wait_for("() => document.querySelector('#loss').value === 'mse'")
    assert "does not work with a Tanh" in banner(page)[1]
    page.click("#step")  # the learner moves on: the note has served
    playground.wait_for("() => document.querySelector('#status-banner').hidden")

    page.select_option("#problem", "regression")
    playground.wait_for("() => document.querySelector('#output-head').value === 'linear'")
    offered = page.eval_on_selector_all("#output-head option", "os => os.filter((o) => !o.hidden).map((o) => o.value)")
    assert offered == ["linear"]
    assert page.eval_on_selector("#loss option[value='cross_entropy']", "o => o.disabled")
    assert banner(page) == ["", ""]
    # a refusal from the server reaches the learner in words, not as validation text
    words = page.evaluate("""async () => (await import('/static/js/messages.js')).refusalMessage({
        message: "Value error, loss 'cross_entropy' needs output 'sigmoid' or 'softmax'", field: null })""")
    assert "Value error" not in words and "'" not in words and words.endswith("the controls show the settings in use.")


# --- 4. a pace one can watch -------------------------------------------------------------------------

def test_4_the_default_pace_is_one_epoch_per_frame_and_max_is_still_there(playground):
    page = playground.open(CIRCLE).page
    playground.wait_for("() => document.body.dataset.connection === 'open'")
    page.wait_for_timeout(300)  # the server's first frames (at its own default pace) must not move the slider
    assert page.inner_text("#speed-label") == "1 epoch/frame (1500/s)"  # 250 points / 10 a batch × 60 frames
    began = page.evaluate("performance.now()")
    page.click("#play-pause")
    playground.wait_for("() => Number(document.querySelector('#step-counter').textContent) > 200", timeout=20_000)
    page.click("#play-pause")
    playground.wait_for("() => document.querySelector('#play-pause').getAttribute('aria-pressed') === 'false'")
    elapsed = (page.evaluate("performance.now()") - began) / 1000
    assert playground.step() <= 1500 * elapsed + 200  # never faster than the pace (slower under load is fine)
    choose_speed(page, 11)
    assert page.inner_text("#speed-label") == "max"


def test_4_past_the_replay_limit_copy_trained_link_says_why(browser, artifacts, monkeypatch, browser_errors):
    monkeypatch.setenv("PLAYGROUND_MAX_REPLAY_STEPS", "50")
    server = ServerProcess(_free_port(), artifacts / "learner-server.log")
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.on("page", browser_errors.watch)
    try:
        server.start()
        page = context.new_page()
        page.goto(server.url + "/#" + CIRCLE)
        page.wait_for_selector("body[data-ready='true']")
        page.click("#step")
        page.wait_for_function("() => !document.querySelector('#copy-trained-link').disabled")
        assert page.locator("#copy-trained-why").is_hidden()
        page.click("#play-pause")
        page.wait_for_function("() => Number(document.querySelector('#step-counter').textContent) > 60")
        page.click("#play-pause")
        page.wait_for_function("() => document.querySelector('#copy-trained-link').disabled")
        # the reason names the steps taken: the frames after the pause may still move it, so the button's
        # title and the line beside it are compared once they settle on the same text
        page.wait_for_function("() => document.querySelector('#copy-trained-link').title === "
                               "document.querySelector('#copy-trained-why').textContent")
        why = page.inner_text("#copy-trained-why")
        assert "a link replays at most 50 steps" in why and "Reset" in why
    finally:
        context.close()
        server.stop()
    assert not browser_errors, browser_errors


# --- 5. a restart is survivable ------------------------------------------------------------------------

def open_on(context, server, hash_: str):
    page = context.new_page()
    page.goto(server.url + "/#" + hash_)
    page.wait_for_selector("body[data-ready='true']")
    page.wait_for_function("() => document.body.dataset.connection === 'open'")
    return page


def restart(page, server) -> None:
    server.stop()
    page.wait_for_function("() => document.body.dataset.connection === 'reconnecting'")
    server.start()
    page.wait_for_function("() => document.body.dataset.connection === 'open'", timeout=20_000)
    page.wait_for_function("() => document.querySelector('#status-banner').dataset.kind === 'notice'",
                           timeout=10_000)


def test_5_a_restart_replays_the_run_or_says_plainly_what_was_lost(browser, own_server, browser_errors):
    browser_errors.expect("WebSocket connection")  # the server is away for a moment: expected here
    browser_errors.expect("Failed to load resource")
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.on("page", browser_errors.watch)
    sockets: list[str] = []
    context.on("page", lambda p: p.on("websocket", lambda s: sockets.append(s.url)))
    try:
        page = open_on(context, own_server, CIRCLE)
        for k in (1, 2, 3):
            page.click("#step")
            page.wait_for_function(f"() => document.querySelector('#step-counter').textContent.trim() === '{k}'")
        session_path = lambda: "/api/sessions/" + sockets[-1].split("/api/sessions/")[1].split("/")[0]  # noqa: E731
        before = get(own_server.url, session_path())["state"]

        restart(page, own_server)
        assert "replayed to step 3, exactly as it was" in page.inner_text("#status-banner")
        assert page.inner_text("#step-counter").strip() == "3"
        after = get(own_server.url, session_path())["state"]
        assert [l["weights"] for l in after["layers"]] == [l["weights"] for l in before["layers"]]

        # a weight set by hand: no link replays the run, and the page says so
        page.mouse.click(*click_link(page, 1, 0, 0))
        page.wait_for_selector("#inspector:not(.is-loading) [data-id='batch-gradient']")
        page.fill(".inspector-value-input", "1.5")
        page.press(".inspector-value-input", "Enter")
        page.wait_for_function("() => document.querySelector('#copy-trained-link').disabled")
        restart(page, own_server)
        text = page.inner_text("#status-banner")
        assert "this run was lost (a weight was set by hand" in text and "from step 0 with the same settings" in text
        assert page.inner_text("#step-counter").strip() == "0"
        page.click("#step")  # the learner carries on; the notice has served
        page.wait_for_function("() => document.querySelector('#status-banner').hidden")
    finally:
        context.close()
    assert not browser_errors, browser_errors


# --- 7. each problem type remembers its setup ----------------------------------------------------------

def test_7_switching_problem_type_comes_back_to_the_same_data_set(playground):
    page = playground.open(CIRCLE).page
    page.click(".dataset-thumb[data-dataset='spiral']")
    playground.wait_for("() => document.querySelector('.dataset-thumb.is-selected').dataset.dataset === 'spiral'")
    playground.wait_for_hash("dataset=spiral")
    page.select_option("#problem", "regression")
    page.click(".dataset-thumb[data-dataset='reg-gauss']")
    playground.wait_for("() => document.querySelector('.dataset-thumb.is-selected').dataset.dataset === 'reg-gauss'")
    playground.wait_for_hash("regDataset=reg-gauss")
    page.select_option("#problem", "classification")
    playground.wait_for("() => document.querySelector('.dataset-thumb.is-selected')?.dataset.dataset === 'spiral'")
    playground.wait_for("() => location.hash.includes('problem=classification')")  # the server's word
    assert playground.server_session()["config"]["dataset"] == "spiral"
    page.select_option("#problem", "regression")
    playground.wait_for("() => document.querySelector('.dataset-thumb.is-selected')?.dataset.dataset === 'reg-gauss'")


# --- 8. hover values follow the phase ------------------------------------------------------------------

def test_8_hover_shows_the_gradient_in_backward_and_the_step_in_update(playground, artifacts):
    page = playground.open(CIRCLE).page
    page.click("#step")
    playground.wait_for_step(1)
    for phase in ("forward", "loss", "backward"):
        phase_step(playground, phase)
    link = ".link-hit[data-layer='1'][data-i='0'][data-j='1']"
    page.mouse.move(*click_link(page, 1, 0, 1))
    page.wait_for_selector("#hover-card:not([hidden])")
    state = playground.server_session()["state"]
    assert page.get_attribute("#hover-card", "data-shows") == "∂L/∂w"
    shown = page.inner_text(".hover-card-value")
    assert shown_number(shown.split(" (")[0]) == pytest.approx(state["layers"][1]["grad_weights"][0][1], rel=1e-3)
    page.mouse.move(5, 5)

    phase_step(playground, "update")
    state = playground.server_session()["state"]
    page.wait_for_selector(".network-phases-step")
    labels = page.eval_on_selector_all(".network-phases-step", """ls => ls.map((l) =>
        [Number(l.dataset.layer), Number(l.dataset.i), Number(l.dataset.j), Number(l.dataset.value)])""")
    assert labels and all(state["layers"][l]["step_weights"][i][j] == v for l, i, j, v in labels)
    page.mouse.move(*click_link(page, 1, 0, 1))
    page.wait_for_function("() => document.querySelector('#hover-card').dataset.shows === 'Δw'")
    shown = page.inner_text(".hover-card-value")
    assert shown_number(shown.split(" (")[0]) == pytest.approx(state["layers"][1]["step_weights"][0][1], rel=1e-3)
    assert page.locator(link).count() == 1
    page.locator("#network").screenshot(path=str(artifacts / "learner-update-phase.png"))


# --- 9. small screens ----------------------------------------------------------------------------------

@pytest.mark.parametrize("width, height", [(390, 844), (768, 1024)])
def test_9_a_small_screen_has_no_sideways_scroll_and_shows_play_and_the_output_at_once(
        browser, server_url, browser_errors, artifacts, width, height):
    context = browser.new_context(viewport={"width": width, "height": height}, base_url=server_url)
    context.on("page", browser_errors.watch)
    try:
        page = context.new_page()
        page.goto("/#" + CIRCLE)
        page.wait_for_selector("body[data-ready='true']")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        play, mini = page.locator("#play-pause").bounding_box(), page.locator("#mini-output").bounding_box()
        assert play["y"] + play["height"] <= height and mini["y"] + mini["height"] <= height
        assert mini["width"] >= 60
        pills = page.eval_on_selector_all(".phase-list li", "ls => ls.map((l) => l.getBoundingClientRect().right)")
        assert max(pills) <= width
        page.click("#play-pause")
        page.wait_for_function("() => Number(document.querySelector('#step-counter').textContent) > 50")
        page.click("#play-pause")
        painted = page.evaluate("""() => { const c = document.querySelector('#mini-output canvas');
            const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
            let n = 0; for (let k = 3; k < d.length; k += 4) n += d[k] > 0; return n / (c.width * c.height); }""")
        assert painted > 0.9  # the small plot is the output, drawn
        page.click("#mini-output")  # and leads to the full plot
        page.wait_for_function("""() => { const r = document.querySelector('#output-heatmap').getBoundingClientRect();
            return r.top < innerHeight && r.bottom > 0; }""")
        page.screenshot(path=str(artifacts / f"learner-{width}.png"))
    finally:
        context.close()
    assert not browser_errors, browser_errors


# --- 10. the small ones ---------------------------------------------------------------------------------

def test_10_regenerate_takes_the_old_batch_rings_away(playground):
    page = playground.open(CIRCLE).page
    page.click("#step")
    playground.wait_for_step(1)
    playground.wait_for("() => document.querySelectorAll('.sample-picker-ring').length === 10")
    seed = playground.server_session()["config"]["seed"]
    page.click("#regenerate")
    playground.wait_for("s => !location.hash.includes('seed=' + s)", seed)
    playground.wait_for("() => document.querySelectorAll('.sample-picker-ring').length === 0")


def test_10_turning_off_the_last_input_says_why_it_stays_on(playground):
    page = playground.open(CIRCLE).page
    page.click(".node-feature[data-feature='y']")
    playground.wait_for("() => document.querySelectorAll('.node-feature.is-on').length === 1")
    playground.wait_for_hash("y=false")
    page.click(".node-feature[data-feature='x']")
    playground.wait_for("() => document.querySelector('#status-banner').dataset.kind === 'notice'")
    assert "needs at least one input" in page.inner_text("#status-banner")
    assert playground.server_session()["config"]["features"] == ["x"]


def test_10_space_after_clicking_a_data_set_plays(playground):
    page = playground.open(CIRCLE).page
    page.click(".dataset-thumb[data-dataset='xor']")
    playground.wait_for("() => document.querySelector('.dataset-thumb.is-selected').dataset.dataset === 'xor'")
    playground.wait_for_hash("dataset=xor")
    page.keyboard.press(" ")
    playground.wait_for("() => document.querySelector('#play-pause').getAttribute('aria-pressed') === 'true'")
    page.keyboard.press(" ")
    playground.wait_for("() => document.querySelector('#play-pause').getAttribute('aria-pressed') === 'false'")
    assert playground.server_session()["config"]["dataset"] == "xor"


def test_10_advanced_sets_the_order_and_the_optimizers_settings(playground):
    page = playground.open(CIRCLE + "&order=shuffle").page
    assert page.locator("#beta1").is_hidden()
    page.click("#advanced summary")
    assert page.locator("#momentum").is_hidden()  # plain SGD has no setting of its own
    page.select_option("#optimizer", "adam")
    page.wait_for_selector("#beta1:visible")
    assert page.locator("#momentum").is_hidden()
    page.fill("#beta1", "0.8")
    page.press("#beta1", "Enter")
    playground.wait_for_hash("beta1=0.8")
    page.fill("#eps", "1e-6")
    page.press("#eps", "Enter")
    playground.wait_for("() => !location.hash.includes('eps=1e-8')")
    page.select_option("#order", "fixed")
    playground.wait_for_hash("order=fixed")
    config = playground.server_session()["config"]
    assert (config["beta1"], config["eps"], config["order"]) == (0.8, 1e-6, "fixed")
    page.fill("#beta2", "2")  # out of range: put back, with a note
    page.press("#beta2", "Enter")
    playground.wait_for("() => document.querySelector('#beta2').value === '0.999'")
    playground.wait_for("() => document.querySelector('#status-banner').dataset.kind === 'notice'")
    assert re.search(r"β₂ takes a number from 0 to 0\.9999", page.inner_text("#status-banner"))
    page.select_option("#optimizer", "momentum")
    page.wait_for_selector("#momentum:visible")
    assert page.locator("#beta1").is_hidden()


# --- screenshots at four widths --------------------------------------------------------------------------

@pytest.mark.parametrize("width, height", [(1920, 1080), (1280, 800), (768, 1024), (390, 844)])
def test_screenshots_of_a_trained_page(browser, server_url, browser_errors, artifacts, width, height):
    context = browser.new_context(viewport={"width": width, "height": height}, base_url=server_url)
    context.on("page", browser_errors.watch)
    try:
        page = context.new_page()
        page.goto("/#" + CIRCLE.replace("seed=learner", "seed=shots"))
        page.wait_for_selector("body[data-ready='true']")
        page.click("#play-pause")
        page.wait_for_function("() => Number(document.querySelector('#step-counter').textContent) > 300")
        page.click("#play-pause")
        page.wait_for_function("() => document.querySelector('#play-pause').getAttribute('aria-pressed') === 'false'")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.screenshot(path=str(artifacts / f"learner-page-{width}.png"))
    finally:
        context.close()
    assert not browser_errors, browser_errors
