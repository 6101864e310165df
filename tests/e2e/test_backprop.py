"""Backprop made visible, in a real browser against a real server: phase stepping with its caption and
diagram, the inspector's chain rule in numbers, the derivative view, the landscape, gradient health and
the gradient check. The pure modules behind them are exercised in the same browser with real probes."""
from __future__ import annotations

import json
import urllib.request

import pytest

pytestmark = pytest.mark.browser

CIRCLE = "dataset=circle&networkShape=4,2&activation=tanh&learningRate=0.1&batchSize=10&seed=e2e-backprop"
MODULES = "/static/js/backprop/"


# --- talking to the server directly (to compare what the page shows with the server's numbers) -----

def call(server_url: str, method: str, path: str, body: dict | None = None) -> dict:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(server_url + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"} if data else {})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read() or b"null")


@pytest.fixture
def backward_session(server_url) -> dict:
    """A session stepped 20 iterations and then to the backward phase of the 21st."""
    session = call(server_url, "POST", "/api/sessions", {"hash": CIRCLE})
    path = f"/api/sessions/{session['id']}"
    call(server_url, "POST", path + "/step", {"steps": 20})
    for _ in range(3):
        state = call(server_url, "POST", path + "/phase")
    assert state["phase"] == "backward"
    return {**session, "state": state, "path": path}


@pytest.fixture
def modules(page, server_url):
    """A page of the server's origin (the registries' JSON) that can import the page's ES modules."""
    page.route("**/favicon.ico", lambda route: route.fulfill(status=204))  # a JSON page has no icon link
    page.goto("/api/registries")
    registries = json.loads(page.inner_text("body"))

    def run(script: str, arg=None):
        return page.evaluate(f"async (arg) => {{ const load = (m) => import('{MODULES}' + m + '.js'); {script} }}", arg)
    run.registries = registries
    return run


# --- the pure modules, with real numbers ---------------------------------------------------------------

def explain_in_browser(modules, session: dict, state: dict, trace: dict, target: dict) -> dict:
    """The inspector's model (chainRule.explain) of ``target``, built by the page's own modules."""
    return modules("""
        const { explain } = await load("chainRule");
        const { networkContext } = await load("names");
        const app = { config: arg.session.config, session: arg.session, state: arg.state };
        return explain({ context: networkContext(app), target: arg.target, trace: arg.trace, state: arg.state,
                         config: arg.session.config, registries: arg.registries });
    """, {"session": session, "state": state, "trace": trace, "target": target, "registries": modules.registries})


def test_chain_rule_model_multiplies_out_to_the_servers_gradient(modules, server_url, backward_session):
    """The inspector's model: for point n, a_i · δ_j is the point's own ∂ℓ/∂w; the batch line's result is the
    state's gradient; the update line is −η·∂L/∂w."""
    state = backward_session["state"]
    sample = state["batch"]["indices"][3]
    trace = call(server_url, "GET", backward_session["path"] + f"/inspect?sample={sample}&layer=1&i=2&j=1&at=backward")
    session = call(server_url, "GET", backward_session["path"])
    model = explain_in_browser(modules, session, state, trace, {"kind": "weight", "layer": 1, "i": 2, "j": 1})
    assert model["title"] == "Weight h¹₃ → h²₂"
    facts = {f["id"]: f["value"] for f in model["facts"]}
    assert facts["gradient"] == state["layers"][1]["grad_weights"][2][1]
    sections = {s["id"]: s for s in model["sections"]}
    line = sections["sample"]["lines"][0]
    factors = [t["value"] for t in line if t["t"] == "term"]
    product = next(t["value"] for t in line if t["t"] == "result")
    assert factors[0] * factors[1] == pytest.approx(product, rel=1e-12)
    assert [t["target"] for t in line if t["t"] == "term"] == [
        {"kind": "neuron", "layer": 1, "j": 2}, {"kind": "neuron", "layer": 2, "j": 1}]
    batch = sections["batch"]
    assert next(t["value"] for t in batch["lines"][0] if t.get("id") == "batch-gradient") == facts["gradient"]
    rows = batch["table"]["rows"]
    assert [r["index"] for r in rows] == state["batch"]["indices"]
    assert [r["selected"] for r in rows].count(True) == 1
    assert sum(r["cells"][2] for r in rows) / len(rows) == pytest.approx(facts["gradient"], rel=1e-12)
    planned = next(t["value"] for t in sections["update"]["lines"][0] if t.get("id") == "planned-step")
    assert planned == pytest.approx(-0.1 * facts["gradient"], rel=1e-15)


def test_chain_rule_model_adds_the_penalty_to_the_mean_of_the_terms(modules, server_url):
    session = call(server_url, "POST", "/api/sessions", {"hash": CIRCLE + "&regularization=L2&regularizationRate=0.1"})
    path = f"/api/sessions/{session['id']}"
    call(server_url, "POST", path + "/step", {"steps": 5})
    for _ in range(3):
        state = call(server_url, "POST", path + "/phase")
    trace = call(server_url, "GET", path + f"/inspect?sample={state['batch']['indices'][0]}&layer=0&i=1&j=3&at=backward")
    model = explain_in_browser(modules, session, state, trace, {"kind": "weight", "layer": 0, "i": 1, "j": 3})
    batch = next(section for section in model["sections"] if section["id"] == "batch")["lines"][0]
    terms = {t["symbol"]: t["value"] for t in batch if t["t"] == "term"}
    total = next(t["value"] for t in batch if t["t"] == "result")
    weight = state["layers"][0]["weights"][1][3]
    assert terms["penalty"] == pytest.approx(0.1 * weight, rel=1e-9)  # L2: λ·w
    assert terms["mean"] + terms["penalty"] == pytest.approx(total, rel=1e-12)
    assert total == state["layers"][0]["grad_weights"][1][3]


def test_chain_rule_of_a_hidden_neuron_sums_what_the_next_layer_sends_back(modules, server_url, backward_session):
    state = backward_session["state"]
    sample = state["batch"]["indices"][0]
    trace = call(server_url, "GET", backward_session["path"] + f"/inspect?sample={sample}&at=backward")
    session = call(server_url, "GET", backward_session["path"])
    model = explain_in_browser(modules, session, state, trace, {"kind": "neuron", "layer": 1, "j": 0})
    backward = next(s for s in model["sections"] if s["id"] == "backward")
    tokens = backward["lines"][0]
    terms = [t for t in tokens if t["t"] == "term"]
    df, pairs = terms[0]["value"], terms[1:]
    total = sum(pairs[k]["value"] * pairs[k + 1]["value"] for k in range(0, len(pairs), 2))
    delta = next(t["value"] for t in tokens if t["t"] == "result")
    assert df * total == pytest.approx(delta, rel=1e-12)
    assert [p["target"]["kind"] for p in pairs] == ["weight", "neuron"] * 2  # walk on: w_jk and δ_k
    forward = next(s for s in model["sections"] if s["id"] == "forward")
    z_terms = [t["value"] for t in forward["lines"][0] if t["t"] == "term"]
    z = sum(z_terms[k] * z_terms[k + 1] for k in range(0, len(z_terms) - 1, 2)) + z_terms[-1]
    assert z == pytest.approx(next(t["value"] for t in forward["lines"][0] if t["t"] == "result"), rel=1e-12)


def test_phase_view_draws_gradients_on_one_log_scale(modules, backward_session):
    view = modules("""
        const { phaseView } = await load("phaseView");
        return ["forward", "backward", "update"].map((phase) => phaseView({ phase, state: arg }));
    """, backward_session["state"])
    forward, backward, update = view
    assert forward["neuronKind"] == "a" and forward["links"] is None  # weights drawn as usual
    assert len(forward["neurons"][0]) == 2  # the batch mean of each input
    assert backward["neuronKind"] == "delta" and backward["direction"] == "backward"
    grads = backward_session["state"]["layers"]
    cells = [(abs(g), c["width"]) for l, layer in enumerate(backward["links"]) for i, row in enumerate(layer)
             for g, c in zip(grads[l]["grad_weights"][i], row)]
    largest = max(cells)
    assert largest[1] == pytest.approx(8.0)
    ordered = sorted(cells)
    assert all(a[1] <= b[1] + 1e-12 for a, b in zip(ordered, ordered[1:]))  # wider means larger
    assert update["links"] is None  # the backward phase has no step to show yet


def test_probe_fetches_at_most_four_times_a_second_while_training_runs(modules):
    # The probe's throttle runs on a clock the test moves: a wish every 16 ms for one second of it.
    calls = modules("""
        const { Probe } = await load("probe");
        let now = 0;
        const timers = [];
        const clock = {
          now: () => now,
          setTimeout: (callback, ms) => { const timer = { at: now + ms, callback }; timers.push(timer); return timer; },
          clearTimeout: (timer) => { const i = timers.indexOf(timer); if (i >= 0) timers.splice(i, 1); },
        };
        const settle = () => new Promise((resolve) => setTimeout(resolve, 0));  // let a load's answer in
        async function advance(ms) {  // move the clock, firing the timers that fall due, in order
          const end = now + ms;
          for (;;) {
            timers.sort((a, b) => a.at - b.at);
            if (!timers.length || timers[0].at > end) break;
            const timer = timers.shift();
            now = timer.at;
            timer.callback();
            await settle();
          }
          now = end;
        }
        const starts = [];
        const probe = new Probe(async (p) => { starts.push(now); return p; }, () => {}, { interval: 250, clock });
        for (let t = 0; t < 1000; t += 16) {
          probe.want(String(t), { at: t }, { throttled: true });
          await settle();
          await advance(16);
        }
        await advance(300);
        const throttled = starts.slice();
        probe.want("paused", { at: 0 });  // paused: at once
        await settle();
        return { throttled, paused: starts.length - throttled.length, last: probe.dataKey };
    """)
    assert calls["throttled"] == [0, 250, 500, 750, 1000], calls
    assert calls["paused"] == 1 and calls["last"] == "paused"


def test_norm_history_stays_bounded_and_keeps_the_whole_run(modules):
    result = modules("""
        const { NormHistory } = await load("health");
        const history = new NormHistory(100);
        for (let step = 1; step <= 5000; step++) history.push(step, [1 / step, 2 / step]);
        const kept = history.points.length;
        history.push(1, [1, 1]);  // a reset: the counter went back
        return { kept, first: 1, start: history.points[0].step, afterReset: history.points.length };
    """)
    assert result["kept"] <= 100
    assert result["afterReset"] == 1


# (module, JavaScript expression over `m`, expected JSON value)
FORMATS = [
    ("health", "m.histogram([-1, -0.1, 0, 0.1, 1], 1, 5)", [1, 0, 3, 0, 1]),
    ("health", "[m.niceLimit([0.3, -0.07]), m.niceLimit([12]), m.niceLimit([])]", [0.5, 20, 0]),
    ("names", "m.neuronSymbol({features: [{label: 'X₁'}], hidden: [4, 2], outputs: 1}, 2, 1)", "h²₂"),
    ("names", "m.targetTitle({features: [{label: 'X₁'}], hidden: [4], outputs: 3}, {kind: 'weight', layer: 1, i: 3, j: 2})",
     "Weight h¹₄ → ŷ₃"),
    ("names", "m.targetExists({features: [{}, {}], hidden: [4], outputs: 1}, {kind: 'weight', layer: 1, i: 4, j: 0})",
     False),
    ("captions", "m.phaseCaption({phase: 'update', config: {optimizer: 'adam'}, state: {}})",
     "Update: Adam turns each gradient into a step ΔW and every weight moves by it — the links show the step, "
     "then the new weights."),
    ("derivative", "m.derivativeGeometry({values: [-1, 0, 1], losses: [1, 0, 1], current: -1, loss: 1, grad: -2, "
                   "next_value: 1, learning_rate: 1}).verdict", "too-far"),
    ("derivative", "m.derivativeGeometry({values: [-1, 0, 1], losses: [1, 0, 1], current: -1, loss: 1, grad: -2, "
                   "next_value: 0, learning_rate: 0.5}).verdict", "downhill"),
]


@pytest.mark.parametrize("module, expression, expected", FORMATS, ids=[f"{m}:{e[:40]}" for m, e, _ in FORMATS])
def test_pure_module(modules, module, expression, expected):
    assert modules(f"const m = await load('{module}'); return {expression};") == expected


def test_contours_and_nearest_point(modules):
    result = modules("""
        const { contours } = await load("landscape");
        const { nearestPoint } = await load("SamplePicker");
        const grid = [[0, 1, 2], [1, 2, 3], [2, 3, 4]];
        const [segments] = contours(grid, [1.5]);
        return { segments: segments.length, near: nearestPoint([[0, 0], [1, 1], [3, 3]], 0.9, 1.2, 0.5),
                 none: nearestPoint([[0, 0]], 3, 3, 0.5) };
    """)
    assert result == {"segments": 3, "near": 1, "none": None}


# --- the page ----------------------------------------------------------------------------------------

PIXELS = """(selector) => {
    const canvas = document.querySelector(selector);
    const { data } = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height);
    let painted = 0, hash = 0;
    for (let k = 0; k < data.length; k += 4) {
        if (data[k + 3] > 0) painted++;
        hash = (hash * 31 + data[k] + 7 * data[k + 1] + 13 * data[k + 2] + data[k + 3]) | 0;
    }
    return { painted, total: data.length / 4, hash };
}"""


class Backprop:
    """The playground page with the backprop views, and the id of its session on the server."""

    def __init__(self, playground, server_url: str):
        self.playground = playground
        self.page = playground.page
        self.server_url = server_url
        self.sockets: list[str] = []
        self.page.on("websocket", lambda socket: self.sockets.append(socket.url))

    def open(self, hash_: str = CIRCLE) -> "Backprop":
        self.playground.open(hash_)
        self.playground.wait_for("() => document.body.dataset.connection === 'open'")
        return self

    @property
    def session_path(self) -> str:
        return "/api/sessions/" + self.sockets[-1].split("/api/sessions/")[1].split("/")[0]

    def server_state(self) -> dict:
        return call(self.server_url, "GET", self.session_path)["state"]

    def phase_step(self, expected: str) -> None:
        self.page.click("#phase-step")
        self.playground.wait_for("p => document.querySelector('#phase-label').textContent.trim() === p", expected)
        self.playground.wait_for("p => document.querySelector('#phase-caption').dataset.phase === p", expected)

    def pixels(self, selector: str) -> dict:
        return self.page.evaluate(PIXELS, selector)

    def wait_painted(self, selector: str, share: float = 0.2) -> dict:
        self.playground.wait_for(f"s => ({PIXELS})(s).painted > {share} * ({PIXELS})(s).total", selector,
                                 timeout=15_000)
        return self.pixels(selector)

    def click_link(self, layer: int, i: int, j: int) -> None:
        """Click a link where no other link crosses it (the hit paths overlap where links fan out)."""
        point = self.page.evaluate("""([layer, i, j]) => {
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
        self.page.mouse.click(*point)

    def settle(self) -> None:
        """Wait for the phase's reveal animations to end (the tiles fill in column by column)."""
        self.page.wait_for_function("""() => document.getAnimations()
            .filter((a) => a.effect.getTiming().iterations !== Infinity)
            .every((a) => a.playState === "finished")""")

    def screenshot(self, artifacts, name: str, selector: str | None = None) -> None:
        self.settle()
        target = self.page.locator(selector) if selector else self.page
        kwargs = {} if selector else {"full_page": True}
        target.screenshot(path=str(artifacts / f"backprop-{name}.png"), **kwargs)


@pytest.fixture
def backprop(playground, server_url) -> Backprop:
    return Backprop(playground, server_url)


def tile_values(page, layer_selector: str) -> list[float]:
    return page.eval_on_selector_all(f"{layer_selector} .network-phases-tile:not([hidden])",
                                     "tiles => tiles.map((t) => Number(t.dataset.value))")


def test_phase_stepping_walks_the_four_phases_with_caption_and_diagram(backprop, artifacts):
    page = backprop.open().page
    assert page.inner_text("#phase-caption-text").startswith("Ready")
    captions = []

    backprop.phase_step("forward")
    captions.append(page.inner_text("#phase-caption-text"))
    page.wait_for_selector("#network[data-phase-view='a']")
    state = backprop.server_state()
    assert page.locator(".network-phases-tile:not([hidden])").count() == 2 + 4 + 2 + 1
    output = tile_values(page, ".node-output")
    assert output == pytest.approx(state["layers"][-1]["a"], rel=1e-12)  # the batch mean of ŷ
    hidden = tile_values(page, ".node-neuron[data-layer='1']")
    assert hidden == pytest.approx(state["layers"][0]["a"], rel=1e-12)
    backprop.screenshot(artifacts, "1-forward")

    backprop.phase_step("loss")
    captions.append(page.inner_text("#phase-caption-text"))
    state = backprop.server_state()
    badge = page.locator(".network-phases-loss")
    badge.wait_for()
    assert f"batch cost {state['batch']['cost']:.3f}"[:16] in badge.inner_text()
    assert page.locator(".network-phases-loss-bars i").count() == 10
    backprop.screenshot(artifacts, "2-loss")

    backprop.phase_step("backward")
    captions.append(page.inner_text("#phase-caption-text"))
    page.wait_for_selector("#network[data-phase-view='delta']")
    state = backprop.server_state()
    assert tile_values(page, ".node-output") == pytest.approx(state["layers"][-1]["delta"], rel=1e-12)
    links = page.eval_on_selector_all(".link", "ps => ps.map((p) => [p.dataset.shows, +p.getAttribute('stroke-width')])")
    assert {shows for shows, _ in links} == {"backward"}
    assert max(w for _, w in links) == pytest.approx(8.0)  # the largest ∂L/∂w
    assert min(w for _, w in links) < 7  # and smaller ones thinner
    backprop.screenshot(artifacts, "3-backward")

    backprop.phase_step("update")
    captions.append(page.inner_text("#phase-caption-text"))
    page.wait_for_selector("#network[data-phase-view='update-links']")
    assert set(page.eval_on_selector_all(".link", "ps => ps.map((p) => p.dataset.shows)")) == {"update"}
    backprop.screenshot(artifacts, "4-update")
    page.wait_for_selector("#network[data-phase-view='none']", timeout=5000)  # then the new weights
    assert set(page.eval_on_selector_all(".link", "ps => ps.map((p) => p.dataset.shows)")) == {"weight"}

    assert [c.split(":")[0] for c in captions] == ["Forward", "Loss", "Backward", "Update"]
    assert "cost" in captions[1] and "w ← w − 0.1 · ∂L/∂w" in captions[3]


def test_clicking_a_link_opens_the_inspector_with_the_chain_rule_in_numbers(backprop, artifacts):
    page = backprop.open().page
    for phase in ("forward", "loss", "backward"):
        backprop.phase_step(phase)
    backprop.click_link(1, 0, 1)
    inspector = page.locator("#inspector")
    inspector.wait_for()
    page.wait_for_selector("#inspector:not(.is-loading) [data-id='batch-gradient']")
    assert page.inner_text(".inspector-title") == "Weight h¹₁ → h²₂"
    state = backprop.server_state()
    grad = state["layers"][1]["grad_weights"][0][1]
    shown = page.locator("[data-fact='gradient'] .inspector-fact-value")
    assert float(shown.get_attribute("data-value")) == grad
    assert float(shown.inner_text().replace("−", "-")) == pytest.approx(grad, rel=1e-3)
    assert float(page.get_attribute("[data-id='batch-gradient']", "data-value")) == grad
    # the point's own term: a_i · δ_j
    factors = page.eval_on_selector_all("[data-section='sample'] .inspector-term .inspector-number",
                                        "ns => ns.map((n) => Number(n.dataset.value))")
    product = float(page.get_attribute("[data-id='sample-gradient']", "data-value"))
    assert factors[0] * factors[1] == pytest.approx(product, rel=1e-12)
    assert page.locator(".inspector-table tbody tr").count() == 10
    assert page.locator(".inspector-table tr.is-selected").count() == 1
    assert page.locator(".link-hit.is-inspected").count() == 1
    backprop.screenshot(artifacts, "inspector-weight", "#network")

    # walk back along the path: δ of h²₂, then back again
    page.click("[data-section='sample'] .inspector-term.is-link >> nth=1")
    page.wait_for_function("() => document.querySelector('.inspector-title').textContent === 'Neuron h²₂'")
    page.wait_for_selector("[data-section='backward'] [data-id='delta']")
    assert page.locator(".node-neuron.is-inspected[data-layer='2'][data-index='1']").count() == 1
    backprop.screenshot(artifacts, "inspector-neuron", "#inspector")
    page.click(".inspector-back")
    page.wait_for_function("() => document.querySelector('.inspector-title').textContent === 'Weight h¹₁ → h²₂'")
    page.click(".inspector-close")
    inspector.wait_for(state="hidden")


def test_choosing_a_point_in_the_output_plot_shows_its_numbers(backprop, server_url):
    page = backprop.open().page
    backprop.phase_step("forward")
    session = call(server_url, "GET", backprop.session_path)
    sample = 7
    x, y = session["data"]["train"]["x"][sample]
    box = page.locator(".sample-picker").bounding_box()
    page.mouse.click(box["x"] + (x + 6) / 12 * box["width"], box["y"] + (6 - y) / 12 * box["height"])
    page.wait_for_selector(f".sample-picker-chosen[data-sample='{sample}']")
    page.wait_for_function("s => document.querySelector('#phase-caption-text').textContent.includes(`point #${s}`)", arg=sample)
    trace = call(server_url, "GET", backprop.session_path + f"/inspect?sample={sample}&at=backward")
    page.wait_for_function("v => Number(document.querySelector('.node-output .network-phases-tile').dataset.value) === v",
                           arg=trace["layers"][-1]["a"][0])
    page.click(".phase-caption-clear")
    page.wait_for_selector(".phase-caption-sample", state="hidden")


def test_derivative_view_and_landscape_draw_and_update_after_a_step(backprop, artifacts):
    page = backprop.open().page
    derivative = backprop.wait_painted("#derivative-canvas", share=0.01)
    landscape = backprop.wait_painted("#landscape-canvas", share=0.5)
    assert "slope ∂L/∂w" in page.inner_text(".derivative-readout")
    page.click("#step")
    backprop.playground.wait_for_step(1)
    backprop.playground.wait_for(f"s => ({PIXELS})(s).hash !== {derivative['hash']}", "#derivative-canvas")
    backprop.playground.wait_for(f"s => ({PIXELS})(s).hash !== {landscape['hash']}", "#landscape-canvas")
    # the derivative follows the inspected link
    backprop.click_link(0, 1, 2)
    page.wait_for_function("() => document.querySelector('.derivative-target').textContent === 'Weight X₂ → h¹₃'")
    current = backprop.server_state()["layers"][0]["weights"][1][2]
    page.wait_for_function("w => Number(document.querySelector('.derivative-readout').dataset.current) === w", arg=current)
    backprop.screenshot(artifacts, "workbench", "#workbench")


def test_gradient_check_shows_agreement(backprop):
    page = backprop.open().page
    page.click("#step")
    backprop.playground.wait_for_step(1)
    page.click("#gradient-check-run")
    page.wait_for_selector("#gradient-check[data-result='agree']")
    assert page.locator(".gradient-check-table td.is-ok").count() == 6  # weights and biases of 3 layers
    assert "backprop is exact" in page.inner_text(".gradient-check-summary")


def test_gradient_health_charts_the_norms_per_layer(backprop):
    page = backprop.open().page
    for steps in (1, 2, 3):
        page.click("#step")
        backprop.playground.wait_for_step(steps)
    backprop.wait_painted("#gradient-health-chart", share=0.001)
    assert page.locator(".gradient-health-key").count() == 3
    assert page.locator(".gradient-health-histogram").count() == 6
    norms = backprop.server_state()["grad_norms"]
    legend = page.inner_text(".gradient-health-legend")
    assert f"{norms[0]:.2g}"[:3] in legend.replace("−", "-")


def test_narrated_play_walks_the_phases_by_itself(backprop):
    page = backprop.open().page
    page.click("#narrate")
    backprop.playground.wait_for("() => document.querySelector('#phase-label').textContent.trim() === 'forward'")
    backprop.playground.wait_for("() => document.querySelector('#phase-label').textContent.trim() === 'loss'")
    assert page.locator(".network-phases-loss").is_visible()
    page.click("#narrate")
    backprop.playground.wait_for("() => document.querySelector('#play-pause').getAttribute('aria-pressed') === 'false'")
    assert page.get_attribute("#narrate", "aria-pressed") == "false"


def test_pausing_a_narration_gives_play_its_pace_back(backprop):
    page = backprop.open().page
    page.click("#narrate")
    backprop.playground.wait_for("() => document.querySelector('#phase-label').textContent.trim() === 'forward'")
    page.click("#play-pause")  # the top bar's pause ends the narration
    backprop.playground.wait_for("() => document.querySelector('#narrate').getAttribute('aria-pressed') === 'false'")
    page.click("#play-pause")  # and play runs whole steps at full speed again
    backprop.playground.wait_for("() => +document.querySelector('#step-counter').textContent > 50")
    page.click("#play-pause")
