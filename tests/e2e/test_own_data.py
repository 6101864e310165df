"""Your own data and what you take away, in a real browser: points clicked onto the plot (and removed), a CSV
uploaded and downloaded, a link with custom points, the Export menu, /embed playing inside a cross-origin
iframe, a new hash and Back in an open tab, and axe-core on / and /embed."""
from __future__ import annotations

import csv
import io
import json
import threading
from pathlib import Path
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.e2e.axe import describe, run_axe

pytestmark = pytest.mark.browser

GAUSS = "dataset=gauss&samples=20&networkShape=3&learningRate=0.1&seed=own-data"
XOR = "dataset=xor&networkShape=5,2&learningRate=0.03&seed=own-data-xor"


def plot_point(page, fx: float, fy: float) -> dict:
    """A position on the drawing surface, as fractions of its width and height."""
    surface = page.locator("#point-editor")
    surface.wait_for(state="visible")
    box = surface.bounding_box()
    return {"x": fx * box["width"], "y": fy * box["height"]}


def near(point: list, expected: list) -> bool:
    """A clicked point lands within a pixel (0.05 units) of where it was aimed, with the expected label."""
    return point[2] == expected[2] and all(abs(a - b) <= 0.05 for a, b in zip(point[:2], expected[:2]))


def wait_for_points(playground, count: int) -> list:
    playground.wait_for("n => document.querySelector('#own-data-status').textContent.includes(`your ${n} point`)",
                        count)
    return playground.server_session()["config"]["points"]


def test_clicking_points_in_adds_and_removes_them_and_training_goes_on(playground, artifacts):
    page = playground.open(GAUSS).page
    page.click("#draw-points")
    assert page.get_attribute("#draw-points", "aria-pressed") == "true"
    surface = page.locator("#point-editor")
    surface.click(position=plot_point(page, 0.25, 0.25))  # (-3, 3): blue, the pen's class
    points = wait_for_points(playground, 21)
    assert near(points[-1], [-3, 3, 1])
    surface.click(position=plot_point(page, 0.75, 0.25), modifiers=["Shift"])  # (3, 3): the other class
    assert near(wait_for_points(playground, 22)[-1], [3, 3, 0])
    surface.click(position=plot_point(page, 0.25, 0.25), modifiers=["Alt"])  # removes (-3, 3)
    points = wait_for_points(playground, 21)
    assert not any(near(p, [-3, 3, 1]) for p in points) and near(points[-1], [3, 3, 0])
    page.check("input[name='point-pen'][value='2']")
    surface.click(position=plot_point(page, 0.5, 0.75))  # (0, -3): a third class, so softmax
    session = playground.server_session()
    wait_for_points(playground, 22)
    assert playground.server_session()["num_classes"] == 3
    assert "points=" in playground.hash() and "dataset=custom" in playground.hash()
    # the keyboard: the focused plot has a cursor; arrows move it, Enter adds a point there
    surface.focus()
    page.keyboard.press("Shift+ArrowUp")
    page.keyboard.press("Enter")
    assert near(wait_for_points(playground, 23)[-1], [0, -2, 2])
    page.keyboard.press("Escape")
    assert page.get_attribute("#draw-points", "aria-pressed") == "false" and surface.is_hidden()
    page.click("#play-pause")
    playground.wait_for("() => Number(document.querySelector('#step-counter').textContent.replace(/\\D/g, '')) > 20")
    page.click("#play-pause")
    assert session["id"] == playground.server_session()["id"]  # the same session, trained on the new data
    page.screenshot(path=str(artifacts / "own-data-drawn.png"), full_page=True)


def test_a_regression_click_adds_the_pickers_value(playground):
    page = playground.open("problem=regression&regDataset=reg-plane&samples=10&seed=own-reg").page
    assert page.locator("input[name='point-pen'][value='1']").is_hidden()
    page.click("#draw-points")
    page.locator("#point-value").fill("-0.4")
    page.locator("#point-editor").click(position=plot_point(page, 0.5, 0.5), modifiers=["Shift"])
    assert near(wait_for_points(playground, 11)[-1], [0, 0, 0.4])


def test_uploading_and_downloading_a_csv(playground, tmp_path, browser_errors):
    browser_errors.expect("status of 422")  # the bad file below
    page = playground.open(GAUSS).page
    upload = tmp_path / "mine.csv"
    upload.write_text("x,y,label\n1,1,1\n-1,-1,0\n2,2,1\n-2,-2,0\n")
    page.set_input_files("#points-file", str(upload))
    assert wait_for_points(playground, 4) == [[1, 1, 1], [-1, -1, 0], [2, 2, 1], [-2, -2, 0]]
    with page.expect_download() as download:
        page.click("#download-points")
    rows = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text())))
    assert sorted((float(r["x"]), float(r["y"]), float(r["label"])) for r in rows) == \
        [(-2, -2, 0), (-1, -1, 0), (1, 1, 1), (2, 2, 1)]
    bad = tmp_path / "bad.csv"
    bad.write_text("x,y,label\n1,1,1\n9,0,1\n")
    page.set_input_files("#points-file", str(bad))
    playground.wait_for("() => document.querySelector('#own-data-status').textContent.includes('line 3')")
    assert "outside the plot's extent" in page.inner_text("#own-data-status")
    assert playground.server_session()["config"]["points"] == [[1, 1, 1], [-1, -1, 0], [2, 2, 1], [-2, -2, 0]]


def test_a_link_with_custom_points_and_one_past_the_budget(playground, tmp_path):
    points = "1.5,2,1;-1,-2.5,0;3,-3,1;-4,4,0"
    page = playground.open(f"dataset=custom&points={points}&seed=own-link").page
    assert playground.server_session()["config"]["points"] == [[1.5, 2, 1], [-1, -2.5, 0], [3, -3, 1], [-4, 4, 0]]
    link = page.get_attribute("#copy-link", "data-link")
    assert f"points={points}" in link
    page.click("#copy-link")
    assert page.evaluate("navigator.clipboard.readText()") == link
    assert f"points={points.replace('&', '&amp;')}" in page.get_attribute("#copy-embed", "data-link")
    many = [[round(-5.9 + (k % 97) * 0.1234567, 7), round(-5.9 + (k // 97) * 0.1234567, 7), k % 2] for k in range(600)]
    upload = tmp_path / "many.csv"
    upload.write_text("".join(f"{x},{y},{label}\n" for x, y, label in many))
    page.set_input_files("#points-file", str(upload))
    wait_for_points(playground, 600)
    page.reload()
    page.wait_for_selector("body[data-ready='true']")
    assert len(playground.server_session()["config"]["points"]) == 600  # the tab's URL still holds them all
    page.click("#copy-link")
    note = page.locator("#copy-link-note")
    note.wait_for()
    assert "600 points" in note.inner_text() and "CSV" in note.inner_text()
    assert page.get_attribute("#copy-link", "data-link") == ""


def test_the_export_menu(playground, tmp_path):
    page = playground.open(GAUSS).page
    page.click("#step")
    playground.wait_for_step(1)
    downloads = {}
    for item, name in (("#export-json", "weights.json"), ("#export-numpy", "train.py"), ("#export-csv", "data.csv"),
                       ("#export-loss", "loss.csv"), ("#export-png", "output.png")):
        page.click("#export-menu summary")
        with page.expect_download() as download:
            page.click(item)
        assert download.value.suggested_filename == name
        downloads[name] = Path(download.value.path()).read_bytes()
        assert not page.locator("#export-menu").evaluate("d => d.open")
    weights = json.loads(downloads["weights.json"])
    assert weights["step"] == 1 and weights["config"]["dataset"] == "gauss"
    assert downloads["train.py"].startswith(b'"""Backprop Playground, take-home copy')
    assert downloads["data.csv"].startswith(b"x,y,label,split\n")
    assert downloads["loss.csv"].startswith(b"step,train_loss,test_loss\n")
    assert downloads["output.png"][:8] == b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def other_origin(tmp_path, server_url):
    """A page on another origin (its own port) whose iframe shows our /embed."""
    (tmp_path / "post.html").write_text(
        '<!doctype html><title>A blog post</title><link rel="icon" href="data:,"><h1>My post</h1>'
        f'<iframe id="demo" src="{server_url}/embed#{XOR}&stepButton_hide=true" width="900" height="600"></iframe>')
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(SimpleHTTPRequestHandler, directory=str(tmp_path)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/post.html"
    finally:
        server.shutdown()
        server.server_close()


def test_embed_plays_inside_a_cross_origin_iframe(page, other_origin, artifacts):
    page.goto(other_origin)
    frame = page.frame_locator("#demo")
    frame.locator("body[data-ready='true']").wait_for(timeout=15_000)
    for selector in ("#output-heatmap", "#network", "#play-pause", "#phase-step", "#epoch-counter"):
        assert frame.locator(selector).is_visible(), selector
    assert frame.locator("#step").is_hidden()  # stepButton_hide=true
    assert frame.locator(".page-header").count() == 0 and frame.locator("#data-panel").count() == 0
    frame.locator("#play-pause").click()
    frame.locator("#epoch-counter").filter(has_not_text="0").wait_for(timeout=15_000)
    frame.locator("#play-pause").click()
    assert "dataset=xor" in frame.locator("#embed-open").get_attribute("href")
    page.screenshot(path=str(artifacts / "embed-in-iframe.png"))


def test_a_new_hash_in_the_open_tab_loads_it_and_back_returns(playground):
    page = playground.open(GAUSS).page
    first = playground.server_session()
    with page.expect_websocket():  # the new setup's session goes live
        page.evaluate("h => { location.hash = h; }", XOR)
    playground.wait_for("() => document.querySelector('.dataset-thumb[data-dataset=xor]').ariaPressed === 'true'")
    second = playground.server_session()
    assert second["id"] != first["id"] and second["config"]["hidden_layers"] == [5, 2]
    assert playground.hash() == second["share_hash"]
    assert page.locator(".node-neuron[data-layer='1']").count() == 5
    with page.expect_websocket():
        page.go_back()
    playground.wait_for("() => document.querySelector('.dataset-thumb[data-dataset=gauss]').ariaPressed === 'true'")
    third = playground.server_session()
    assert third["config"]["dataset"] == "gauss" and third["config"]["seed"] == "own-data"
    assert playground.hash() == third["share_hash"] == first["share_hash"]
    assert page.locator(".node-neuron[data-layer='1']").count() == 3
    with page.expect_websocket():
        page.go_forward()
    playground.wait_for("() => document.querySelector('.dataset-thumb[data-dataset=xor]').ariaPressed === 'true'")
    assert playground.server_session()["config"]["seed"] == "own-data-xor"


@pytest.mark.parametrize("path", ["/", "/embed"])
def test_axe_finds_no_violations(playground, path):
    page = playground.page
    page.goto(f"{path}#{GAUSS}")
    page.wait_for_selector("body[data-ready='true']", timeout=15_000)
    violations = run_axe(page)
    assert violations == [], describe(violations)
    page.click(".node-neuron[data-layer='1'][data-index='0']")
    page.wait_for_selector("#inspector:not([hidden]):not(.is-loading)")
    violations = run_axe(page)
    assert violations == [], describe(violations)
