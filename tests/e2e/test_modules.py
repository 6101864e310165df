"""The page's pure modules (no DOM), run in the browser they are written for: one table row per case."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

# (module, JavaScript expression over `m`, expected JSON value)
CASES = [
    ("colors", "m.cssColor(-1)", "rgb(245,147,34)"),  # TFP's orange #f59322
    ("colors", "m.cssColor(0)", "rgb(232,234,235)"),  # TFP's grey #e8eaeb
    ("colors", "m.cssColor(1)", "rgb(8,119,189)"),  # TFP's blue #0877bd
    ("colors", "m.cssColor(7)", "rgb(8,119,189)"),  # clamped
    ("colors", "m.cssColor(0.2, true)", "rgb(8,119,189)"),  # discretized
    ("colors", "m.cssColor(NaN)", "rgb(154,154,154)"),
    ("colors", "Array.from(m.byteColorTable().slice(0, 4))", [245, 147, 34, 255]),
    ("heatmap", "Array.from(m.decodeBase64(btoa(String.fromCharCode(0, 128, 255))))", [0, 128, 255]),
    ("heatmap", "[m.byteToValue(0), m.byteToValue(255)]", [-1, 1]),
    ("heatmap", "m.valueAt(new Uint8Array([0, 255, 255, 0]), 2, 6, -3, 3)", -1),  # top-left cell
    ("heatmap", "m.valueAt(new Uint8Array([0, 255, 255, 0]), 2, 6, 3, 3)", 1),  # top-right cell
    ("networkLayout", "[0, 2.5, -2.5, 5, 100].map(m.linkWidth)", [1, 5.5, 5.5, 10, 10]),  # 1 + 9|w|/5, ≤ 10
    ("networkLayout", "m.layoutNetwork({features: 7, hidden: [4, 2]}, 800).columns.map(c => c.ys.length)",
     [7, 4, 2, 1]),
    ("format", "[m.formatLoss(0.12345), m.formatLoss(NaN), m.formatLoss(null), m.formatLoss(Infinity)]",
     ["0.123", "—", "—", "—"]),
    ("format", "[m.formatCount(12), m.formatPercent(0.5), m.formatSpeed(null), m.formatSpeed(5)]",
     ["12", "50.0%", "max", "5/s"]),
    ("format", "[0.36, -0.063, 0.0051, -6.7e-4, 1.234, 250, 0].map(m.formatTile)",
     ["0.36", "−0.063", "5e−3", "−7e−4", "1.2", "3e2", "0"]),  # at most six characters: a tile is 34 px
    ("format", "[m.formatValue(-0.012345), m.formatValue(3.2e-7), m.formatValue(null)]", ["−0.01235", "3.2e−7", "—"]),
    ("format", "[m.logStrength(1, 1), m.logStrength(0.01, 1), m.logStrength(1e-5, 1), m.logStrength(0, 1)]",
     [1, 0.5, 0, 0]),
    ("format", "[m.tickDigits(0.4835, 0.4836), m.tickDigits(0, 2)]", [6, 3]),
    ("keyboard", "m.actionForKey({key: ' '})", "toggle-play"),
    ("keyboard", "m.actionForKey({key: 'ArrowRight'})", "step"),
    ("keyboard", "m.actionForKey({key: 'ArrowRight', shiftKey: true})", "phase"),
    ("keyboard", "[m.actionForKey({key: 'r'}), m.actionForKey({key: 'R', shiftKey: false})]", ["reset", "reset"]),
    ("keyboard", "m.actionForKey({key: 'r'}, 'text')", None),
    ("keyboard", "m.actionForKey({key: ' '}, 'select')", None),
    ("keyboard", "m.actionForKey({key: 'ArrowRight'}, 'range')", None),
    ("keyboard", "m.actionForKey({key: ' '}, 'button')", None),
    ("keyboard", "m.actionForKey({key: 'r', ctrlKey: true})", None),
    ("configRules", "m.patchForProblem('regression', [{name: 'circle', problem: 'classification'},"
                    " {name: 'reg-plane', problem: 'regression'}])", {"problem": "regression", "dataset": "reg-plane"}),
    ("datasetIcons", "['circle', 'xor', 'gauss', 'spiral', 'spiral3', 'moons', 'reg-plane', 'reg-gauss']"
                     ".every(name => m.sketchOf(name).points.length > 50)", True),
    ("datasetIcons", "m.sketchOf('no-such-set')", None),
    ("featureMaps", "Array.from(m.featureMapBytes('x', 2))", [64, 191, 64, 191]),
    ("StatusBanner", "m.statusOf({state: {status: 'diverged'}}).hint", "Lower the learning rate, then press Reset."),
    ("StatusBanner", "m.statusOf({state: {status: 'ok'}, connection: 'open'})", None),
    ("ControlVisibility", "[m.isHidden({hidden: ['problem']}, 'problem'), m.isHidden({hidden: ['problem']}, 'x'),"
                          " m.isHidden({}, 'x'), m.isHidden(null, 'x')]", [True, False, False, False]),
]


@pytest.fixture(scope="module")
def module_page(browser, server_url):
    page = browser.new_page()
    page.goto(server_url + "/api/registries")  # any page of the origin: the modules are imported from it
    yield page
    page.close()


@pytest.mark.parametrize(("module", "expression", "expected"), CASES,
                         ids=[f"{module}:{expression[:40]}" for module, expression, _ in CASES])
def test_pure_module(module_page, module, expression, expected):
    actual = module_page.evaluate(
        f"async () => {{ const m = await import('/static/js/{module}.js'); return {expression}; }}")
    assert actual == expected


def test_a_step_that_goes_back_restarts_the_loss_curve(module_page):
    sizes = module_page.evaluate("""async () => {
        const { createAppState, applyState } = await import('/static/js/store.js');
        const app = createAppState({ registries: {}, limits: {} });
        for (const step of [0, 10, 20]) applyState(app, { step, loss: { train: 1, test: 1 } });
        const before = app.history.size;
        applyState(app, { step: 0, loss: { train: 1, test: 1 } });
        return [before, app.history.size];
    }""")
    assert sizes == [3, 1]
