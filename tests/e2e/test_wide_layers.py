"""A network at the width limit: 32 neurons a layer keep maps a learner can read, and every one is reachable."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

WIDE = "dataset=spiral&networkShape=32,32,8&x=true&y=true&seed=wide"

NODES = """() => [...document.querySelectorAll('.node-neuron[data-layer="1"]')].map((node) => {
  const box = node.getBoundingClientRect();
  return { index: +node.dataset.index, width: box.width, height: box.height, top: box.top };
})"""


def test_a_layer_of_32_keeps_readable_maps_and_scrolls_to_every_neuron(playground, artifacts):
    page = playground.page
    page.set_viewport_size({"width": 1280, "height": 800})
    playground.open(WIDE)
    nodes = page.evaluate(NODES)
    assert len(nodes) == 32
    assert min(n["width"] for n in nodes) >= 20 and min(n["height"] for n in nodes) >= 20  # was 8 px
    tops = sorted(n["top"] for n in nodes)
    assert all(b - a >= 24 for a, b in zip(tops, tops[1:]))  # rows apart: no two maps overlap
    diagram = page.locator("#network-diagram")
    box = diagram.bounding_box()
    assert box["height"] <= 800  # the diagram keeps to the window and scrolls inside
    assert page.evaluate("() => { const d = document.querySelector('#network-diagram');"
                         " return d.scrollHeight > d.clientHeight; }")
    # the last neuron: scrolled into view, hovered, its map shown large in the output plot
    last = page.locator('.node-neuron[data-layer="1"][data-index="31"]')
    last.scroll_into_view_if_needed()
    last.hover()
    playground.wait_for("() => document.querySelector('#output-caption').textContent === "
                        "'Neuron 32 of hidden layer 1'")
    page.click("#step")
    playground.wait_for_step(1)
    page.screenshot(path=str(artifacts / "wide-32x32x8-1280x800.png"))
