"""The page in a real browser against a real server: controls, live training, URL state, copy link."""
from __future__ import annotations


import pytest

pytestmark = pytest.mark.browser

# A TensorFlow Playground link, exactly as TFP writes it.
TFP_HASH = (
    "activation=tanh&batchSize=10&dataset=circle&regDataset=reg-plane&learningRate=0.03&regularizationRate=0"
    "&noise=0&networkShape=4,2&seed=0.12345&showTestData=false&discretize=false&percTrainData=50&x=true&y=true"
    "&xTimesY=false&xSquared=false&ySquared=false&cosX=false&sinX=false&cosY=false&sinY=false"
    "&collectStats=false&problem=classification&initZero=false&hideText=false"
)
CIRCLE = "dataset=circle&networkShape=4,2&activation=tanh&learningRate=0.03&batchSize=10&seed=e2e-circle"


def test_page_shows_every_part(playground):
    page = playground.open().page
    assert page.title() == "Backprop Playground"
    for element_id in ("play-pause", "step", "phase-step", "reset", "epoch-counter", "copy-link",
                       "copy-trained-link", "learning-rate", "activation", "init", "optimizer", "loss",
                       "regularization",
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
    playground.wait_for("() => +document.querySelector('#epoch-counter').textContent >= 2", timeout=60_000)
    playground.page.click("#play-pause")
    playground.wait_for("() => document.querySelector('#play-pause').getAttribute('aria-pressed') === 'false'")
    assert playground.epoch() >= 2
    assert playground.train_loss() < first_loss * 0.8, (first_loss, playground.train_loss())


def test_step_moves_one_iteration_and_phase_step_walks_the_four_phases(playground):
    page = playground.open(CIRCLE).page
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
        playground.wait_for("p => document.querySelector('#phase-label').textContent.trim() !== p", before)
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



def test_dataset_sliders_and_problem_type_change_the_url(playground):
    page = playground.open(CIRCLE).page
    page.click(".dataset-thumb[data-dataset='spiral']")
    playground.wait_for_hash("dataset=spiral")
    page.locator("#noise").fill("20")
    playground.wait_for_hash("noise=20")
    page.locator("#train-percent").fill("70")
    playground.wait_for_hash("percTrainData=70")
    page.locator("#batch-size").fill("5")
    playground.wait_for_hash("batchSize=5")

    page.check("#show-test-data")
    playground.wait_for_hash("showTestData=true")
    page.check("#discretize")
    playground.wait_for_hash("discretize=true")

    page.select_option("#problem", "regression")
    playground.wait_for_hash("problem=regression")
    visible = [t.get_attribute("data-dataset") for t in page.locator(".dataset-thumb:not([hidden])").all()]
    assert visible and all(name.startswith("reg-") for name in visible)
    assert page.locator(".dataset-thumb.is-selected").get_attribute("data-dataset") == visible[0]
    assert page.locator(".metric-accuracy").is_hidden()


def test_learning_rate_and_optimizer_apply_without_resetting_the_weights(playground):
    page = playground.open(CIRCLE).page
    page.click("#step")
    playground.wait_for_step(1)
    page.select_option("#learning-rate", "0.3")
    playground.wait_for_hash("learningRate=0.3")
    page.select_option("#optimizer", "adam")
    playground.wait_for_hash("optimizer=adam")
    assert playground.step() == 1


def test_initialization_select_draws_new_weights_and_changes_the_url(playground):
    page = playground.open(CIRCLE).page
    options = page.eval_on_selector_all("#init option", "os => os.map((o) => o.value)")
    registries = page.evaluate("JSON.parse(document.querySelector('#registries').textContent).inits")
    assert options == [i["name"] for i in registries] and "he" in options
    assert page.input_value("#init") == "uniform"  # a TFP link without our keys: TFP's U(-0.5, 0.5)
    page.click("#step")
    playground.wait_for_step(1)
    before = playground.server_session()["state"]["layers"]

    page.select_option("#init", "he")
    playground.wait_for_hash("init=he")
    playground.wait_for_step(0)  # new weights: training starts again
    assert page.input_value("#init") == "he"
    after = playground.server_session()
    assert after["config"]["init"] == "he"
    assert [layer["weights"] for layer in after["state"]["layers"]] != [layer["weights"] for layer in before]

    page.select_option("#init", "zeros")
    playground.wait_for_hash("initZero=true")  # TFP's own flag for it
    playground.wait_for("() => [...document.querySelectorAll('.link')].every((p) => p.getAttribute('stroke-width') === '1.00')")


def test_keyboard_shortcuts_and_form_fields_keep_their_keys(playground):
    page = playground.open(CIRCLE).page
    page.keyboard.press("ArrowRight")
    playground.wait_for_step(1)
    page.keyboard.press("ArrowRight")
    playground.wait_for_step(2)

    page.focus("#learning-rate")  # typing in a field: R and the arrows are the field's
    since = len(playground.sent)
    page.keyboard.press("r")
    page.keyboard.press("ArrowRight")
    page.click("#step")  # a message the page surely sends, after anything the keys had sent
    playground.wait_for_step(3)
    sent = playground.sent_types(since)
    assert sent.count("step") == 1 and "reset" not in sent, sent

    page.click(".page-title")  # away from any field
    page.keyboard.press("r")
    playground.wait_for_step(0)

    page.keyboard.press(" ")
    playground.wait_for("() => document.querySelector('#play-pause').getAttribute('aria-pressed') === 'true'")
    page.keyboard.press(" ")
    playground.wait_for("() => document.querySelector('#play-pause').getAttribute('aria-pressed') === 'false'")


def test_speed_control_slows_play_down(playground):
    # The pace itself is measured on an injected clock (tests/test_live.py); here: the slider's choice
    # reaches the server's play loop, and play at it advances.
    page = playground.open(CIRCLE).page
    page.locator("#speed").fill("0")  # the slowest: one step a second
    assert page.inner_text("#speed-label") == "1/s"
    page.click("#play-pause")
    playground.wait_for("() => +document.querySelector('#step-counter').textContent >= 1")
    pace = page.evaluate("""async (path) => {
        const socket = new WebSocket(`ws://${location.host}${path}/live?format=json`);
        const frame = await new Promise((resolve) => socket.addEventListener("message", (event) => {
          const message = JSON.parse(event.data);
          if (message.type === "frame") resolve(message);
        }));
        socket.close();
        return [frame.playing, frame.steps_per_second, frame.speed_unit];
    }""", playground.session_path())
    assert pace == [True, 1, "step"]
    page.click("#play-pause")
    playground.wait_for("() => document.querySelector('#play-pause').getAttribute('aria-pressed') === 'false'")


def test_hovering_a_neuron_shows_its_map_in_the_output(playground):
    page = playground.open(CIRCLE).page
    assert page.locator("#output-caption").is_hidden()
    page.hover(".node-neuron[data-layer='1'][data-index='2']")
    playground.wait_for("() => !document.querySelector('#output-caption').hidden")
    assert page.inner_text("#output-caption") == "Neuron 3 of hidden layer 1"
    page.hover(".node-feature[data-feature='sinX']")
    playground.wait_for("() => document.querySelector('#output-caption').textContent === 'Input sin(X₁)'")
    page.hover(".page-title")
    playground.wait_for("() => document.querySelector('#output-caption').hidden")


def test_hover_shows_a_parameter_and_click_opens_it_in_the_inspector_to_edit(playground):
    page = playground.open(CIRCLE).page
    playground.wait_for("() => document.body.dataset.connection === 'open'")
    bias = page.locator(".bias[data-layer='2'][data-j='0']")
    bias.hover()
    assert page.locator("#hover-card").is_visible()
    assert page.inner_text("#hover-card .hover-card-label") == "Bias"
    bias.click()
    field = page.locator("#inspector .inspector-value-input")
    field.wait_for()
    assert page.inner_text(".inspector-title") == "Bias of ŷ"
    assert page.evaluate("document.activeElement === document.body"), "opening the inspector must not take the focus"
    shown = float(field.input_value())
    assert shown == pytest.approx(playground.server_session()["state"]["layers"][2]["biases"][0], rel=1e-5)

    field.fill("0.9")
    field.press("Enter")
    expected = page.evaluate("import('/static/js/colors.js').then(colors => colors.cssColor(0.9))")
    playground.wait_for("c => document.querySelector(\".bias[data-layer='2'][data-j='0']\").getAttribute('fill') === c",
                        expected)
    assert playground.server_session()["state"]["layers"][2]["biases"][0] == 0.9
    assert field.input_value() == "0.9"
    assert not page.evaluate("document.activeElement.matches('input')"), "Enter gives the keys back"
    page.keyboard.press("ArrowRight")
    playground.wait_for_step(1)
    playground.wait_for("() => document.querySelector('#inspector .inspector-value-input').value !== '0.9'")

    # Esc puts the live value back and sets nothing
    live = field.input_value()
    field.fill("-3")
    field.press("Escape")
    assert field.input_value() == live
    assert playground.server_session()["state"]["layers"][2]["biases"][0] == pytest.approx(float(live), rel=1e-5)

    link = page.locator(".link-hit[data-layer='1'][data-i='0'][data-j='0']")
    link.dispatch_event("click", {"clientX": 400, "clientY": 300})
    page.wait_for_function("() => document.querySelector('.inspector-title').textContent === 'Weight h¹₁ → h²₁'")
    field.fill("4.5")
    field.press("Enter")
    # TFP's width: 1 + 9·|w| / 5
    playground.wait_for(
        "() => document.querySelector(\".link[data-layer='1'][data-i='0'][data-j='0']\").getAttribute('stroke-width') === '9.10'")
    assert playground.server_session()["state"]["layers"][1]["weights"][0][0] == 4.5
    assert page.locator("#hover-card-input, .hover-card-input").count() == 0  # no editor pops up at the pointer


def test_keyboard_shortcuts_work_right_after_a_click_on_a_link(playground):
    page = playground.open(CIRCLE).page
    page.focus("#learning-rate")  # a field had the keys before the click
    page.click(".bias[data-layer='1'][data-j='0']")
    page.locator("#inspector .inspector-value-input").wait_for()
    page.keyboard.press("ArrowRight")
    playground.wait_for_step(1)
    page.keyboard.press("Shift+ArrowRight")
    playground.wait_for("() => document.querySelector('#phase-label').textContent.trim() === 'forward'")
    page.keyboard.press(" ")
    playground.wait_for("() => document.querySelector('#play-pause').getAttribute('aria-pressed') === 'true'")
    page.keyboard.press(" ")
    playground.wait_for("() => document.querySelector('#play-pause').getAttribute('aria-pressed') === 'false'")
    assert page.input_value("#learning-rate") == "0.03"  # the select did not take the keys


def test_a_diverged_run_says_so_instead_of_nan(playground):
    page = playground.open("problem=regression&dataset=reg-plane&learningRate=10&activation=relu"
                           "&networkShape=8,8&seed=diverge").page
    page.click("#play-pause")
    playground.wait_for("() => document.querySelector('#status-banner').dataset.kind === 'diverged'")
    banner = page.inner_text("#status-banner")
    assert "lower the learning rate" in banner.lower()
    shown = page.inner_text("#output")
    assert "NaN" not in shown and "Infinity" not in shown
    playground.wait_for("() => document.querySelector('#play-pause').getAttribute('aria-pressed') === 'false'")


def test_the_loss_curve_memory_stays_bounded(playground):
    page = playground.open().page
    result = page.evaluate("""async () => {
        const { LossHistory } = await import('/static/js/lossHistory.js');
        const history = new LossHistory(256);
        for (let step = 0; step <= 200000; step++) history.push(step, 1 / (1 + step), 2 / (1 + step));
        const extent = history.extent();
        const last = history.nearest(200000);
        return { size: history.size, first: extent.firstStep, lastStep: extent.lastStep, max: extent.max,
                 nearestLast: last.lastStep };
    }""")
    assert result["size"] <= 256
    assert result["first"] == 0 and result["lastStep"] == 200000 and result["nearestLast"] == 200000
    assert result["max"] == 2


def test_a_link_beyond_the_servers_limits_opens_the_defaults_and_says_why(playground, browser_errors):
    browser_errors.expect("status of 422")  # the refused POST /api/sessions, which the page reports itself
    page = playground.open("networkShape=99,99&seed=too-big").page
    assert page.locator("#status-banner").is_visible()
    assert "could not be opened" in page.inner_text("#status-banner")
    assert page.locator(".node-neuron").count() > 0
    assert "networkShape=99" not in playground.hash()


def test_three_classes_get_a_class_legend(playground):
    page = playground.open("dataset=spiral3&seed=0.3").page
    assert page.is_visible("#class-legend")
    assert page.locator("#class-legend .class-legend-item").all_inner_texts() == ["class 0", "class 1", "class 2"]
    swatches = page.eval_on_selector_all("#class-legend .class-legend-swatch",
                                         "nodes => nodes.map(n => getComputedStyle(n).backgroundColor)")
    assert len(set(swatches)) == 3
    page.click(".dataset-thumb[data-dataset='circle']")
    playground.wait_for_hash("dataset=circle")
    playground.wait_for("() => document.querySelector('#class-legend').hidden")
