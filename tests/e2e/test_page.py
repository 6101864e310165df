"""The page in a real browser against a real server: controls, live training, URL state, copy link."""
from __future__ import annotations

import time

import pytest

pytestmark = pytest.mark.browser

# A TensorFlow Playground link, exactly as TFP writes it.
TFP_HASH = (
    "activation=tanh&batchSize=10&dataset=circle&regDataset=reg-plane&learningRate=0.03&regularizationRate=0"
    "&noise=0&networkShape=4,2&seed=0.12345&showTestData=false&discretize=false&percTrainData=50&x=true&y=true"
    "&xTimesY=false&xSquared=false&ySquared=false&cosX=false&sinX=false&cosY=false&sinY=false"
    "&collectStats=false&problem=classification&initZero=false&hideText=false"
)
LOG = []
CIRCLE = "dataset=circle&networkShape=4,2&activation=tanh&learningRate=0.03&batchSize=10&seed=e2e-circle"


def test_page_shows_every_part(playground):
    page = playground.open().page
    assert page.title() == "Backprop Playground"
    for element_id in ("play-pause", "step", "phase-step", "reset", "epoch-counter", "copy-link",
                       "learning-rate", "activation", "optimizer", "loss", "regularization",
                       "regularization-rate", "problem", "speed", "train-percent", "noise", "batch-size",
                       "regenerate", "show-test-data", "discretize"):
        assert page.locator(f"#{element_id}").is_visible(), element_id
    size = page.eval_on_selector("#output-heatmap", "c => [c.width, c.height]")
    assert min(size) >= 100
    assert page.locator(".node-feature").count() == 7
    assert page.locator(".node-neuron").count() == 6  # the default 4,2
    assert page.locator(".dataset-thumb:not([hidden])").count() >= 4
    assert playground.epoch() == 0


def test_play_advances_epochs_and_train_loss_falls_on_circle(playground):
    playground.open(CIRCLE)
    first_loss = playground.train_loss()
    playground.page.click("#play-pause")
    playground.wait_for("() => document.querySelector('#play-pause').getAttribute('aria-pressed') === 'true'")
    time.sleep(3)
    playground.wait_for("() => +document.querySelector('#epoch-counter').textContent >= 2")
    playground.page.click("#play-pause")
    playground.wait_for("() => document.querySelector('#play-pause').getAttribute('aria-pressed') === 'false'")
    assert playground.epoch() >= 2
    assert playground.train_loss() < first_loss * 0.8, (first_loss, playground.train_loss())


def test_step_moves_one_iteration_and_phase_step_walks_the_four_phases(playground):
    page = playground.page
    page.add_init_script("""
      window.__log = [];
      const send = WebSocket.prototype.send;
      WebSocket.prototype.send = function (d) { window.__log.push(['out', performance.now()|0, d]); return send.call(this, d); };
      const add = WebSocket.prototype.addEventListener;
      WebSocket.prototype.addEventListener = function (t, f, o) {
        if (t === 'message') { const g = f; f = (e) => { const m = JSON.parse(e.data); window.__log.push(['in', performance.now()|0, m.type, m.state && m.state.phase, m.state && m.state.step]); g(e); }; }
        if (t === 'close') { const g = f; f = (e) => { window.__log.push(['close', e.code]); g(e); }; }
        return add.call(this, t, f, o);
      };
    """)
    playground.open(CIRCLE)
    assert playground.step() == 0
    page.click("#step")
    playground.wait_for_step(1)
    page.keyboard.press("ArrowRight")
    playground.wait_for_step(2)
    assert playground.phase() in ("ready", "update")

    seen = []
    for _ in range(4):
        before = playground.phase()
        page.click("#phase-step")
        try:
            playground.wait_for("p => document.querySelector('#phase-label').textContent.trim() !== p", before)
        except Exception:
            raise AssertionError((seen, before, playground.step(), page.evaluate("window.__log")))
        seen.append(playground.phase())
    assert seen == ["forward", "loss", "backward", "update"]
    assert playground.step() == 3  # the update completed the third iteration
    assert page.locator(".phase-list li.is-current").inner_text() == "update"

    page.keyboard.press("Shift+ArrowRight")
    playground.wait_for("() => document.querySelector('#phase-label').textContent.trim() === 'forward'")


def test_feature_layer_and_activation_redraw_the_network_and_change_the_url(playground):
    page = playground.open(CIRCLE).page
    assert playground.hash_params()["xSquared"] == "false"

    page.click(".node-feature[data-feature='xSquared']")
    playground.wait_for_hash("xSquared=true")
    assert page.locator(".node-feature.is-on").count() == 3
    assert page.locator(".link").count() == 3 * 4 + 4 * 2 + 2

    page.click("#add-layer")
    playground.wait_for_hash("networkShape=4,2,2")
    assert page.locator(".node-neuron").count() == 8
    assert page.inner_text("#layer-count") == "3"

    page.select_option("#activation", "relu")
    playground.wait_for_hash("activation=relu")
    assert page.input_value("#activation") == "relu"


def test_a_tensorflow_playground_link_is_applied(playground):
    page = playground.open(TFP_HASH).page
    params = playground.hash_params()
    assert params["seed"] == "0.12345"
    assert params["networkShape"] == "4,2"
    assert page.input_value("#activation") == "tanh"
    assert float(page.input_value("#learning-rate")) == 0.03
    assert page.input_value("#problem") == "classification"
    assert [n.get_attribute("data-feature") for n in page.locator(".node-feature.is-on").all()] == ["x", "y"]
    assert page.locator(".node-neuron").count() == 6
    assert page.locator(".dataset-thumb[data-dataset='circle']").get_attribute("aria-pressed") == "true"
    assert not page.is_checked("#show-test-data")


def test_a_link_with_a_non_default_config_is_applied(playground):
    page = playground.open(
        "dataset=xor&activation=relu&networkShape=3&learningRate=0.1&xTimesY=true&x=true&y=false"
        "&showTestData=true&discretize=true&batchSize=20&percTrainData=70&noise=10&seed=e2e"
    ).page
    assert page.input_value("#activation") == "relu"
    assert float(page.input_value("#learning-rate")) == 0.1
    assert page.inner_text("#layer-count") == "1"
    assert page.locator(".node-neuron").count() == 3
    assert [n.get_attribute("data-feature") for n in page.locator(".node-feature.is-on").all()] == ["x", "xTimesY"]
    assert page.locator(".dataset-thumb[data-dataset='xor']").get_attribute("aria-pressed") == "true"
    assert page.is_checked("#show-test-data") and page.is_checked("#discretize")
    assert page.input_value("#batch-size") == "20"
    assert page.input_value("#train-percent") == "70"
    assert page.input_value("#noise") == "10"


def test_copy_link_round_trips(playground, another_playground):
    page = playground.open(CIRCLE).page
    page.select_option("#activation", "sigmoid")
    playground.wait_for_hash("activation=sigmoid")
    page.click("#copy-link")
    playground.wait_for("() => document.querySelector('#copy-link').classList.contains('is-copied')")
    link = page.evaluate("navigator.clipboard.readText()")
    assert link == page.get_attribute("#copy-link", "data-link")
    assert link.endswith("#" + playground.hash())

    other = another_playground().open(link.split("#", 1)[1])
    assert other.hash() == playground.hash()
    assert other.page.input_value("#activation") == "sigmoid"

