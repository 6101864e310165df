"""Browser-test fixtures: a real server process on a free port, and headless Chromium through Playwright.

Chromium is Debian's /usr/bin/chromium. Where it is missing, CI (CI=true) fails — browser tests are
never skipped there; a developer's machine falls back to Playwright's own browser, or skips.
"""
from __future__ import annotations

import json

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]
SERVER_START_SECONDS = 30
IN_CI = os.environ.get("CI") == "true"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until_serving(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + SERVER_START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the server exited with {process.returncode} before serving:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.1)
    pytest.fail(f"the server did not answer {url} within {SERVER_START_SECONDS} s")


class ServerProcess:
    """`python -m server --port N` as a subprocess on 127.0.0.1, its output appended to `log_path`."""

    def __init__(self, port: int, log_path: Path):
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.log_path = log_path
        self.process: subprocess.Popen | None = None

    def start(self) -> "ServerProcess":
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "server", "--port", str(self.port)],
                cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
            )
        _wait_until_serving(self.url + "/", self.process, self.log_path)
        return self

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@pytest.fixture(scope="session")
def server_url(artifacts):
    """The server every browser test shares; stopped at the end of the session."""
    server = ServerProcess(_free_port(), artifacts / "server.log")
    server.log_path.write_bytes(b"")
    try:
        yield server.start().url
    finally:
        server.stop()


@pytest.fixture
def own_server(artifacts):
    """A server of the test's own, which the test may stop and start again (on the same port)."""
    server = ServerProcess(_free_port(), artifacts / "own-server.log")
    try:
        yield server.start()
    finally:
        server.stop()


@pytest.fixture(scope="session")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        if IN_CI:
            pytest.fail("playwright is not installed (pip install -e '.[test]')")
        pytest.skip("playwright is not installed")
    with sync_playwright() as playwright:
        if CHROMIUM.exists():
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        elif IN_CI:
            pytest.fail(f"{CHROMIUM} is missing: CI runs the browser tests on Debian's Chromium")
        else:
            try:
                browser = playwright.chromium.launch(args=CHROMIUM_ARGS)
            except Exception as error:  # no browser build of Playwright's own either
                pytest.skip(f"no Chromium: {CHROMIUM} is missing and Playwright's browser failed: {error}")
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


class BrowserErrors(list):
    """Console errors and uncaught page errors of one test's pages, less those a test said it expects."""

    def __init__(self):
        super().__init__()
        self.expected: list[str] = []

    def watch(self, page) -> None:
        page.on("console", lambda message: self.record(f"console.{message.type}: {message.text}")
                if message.type == "error" else None)
        page.on("pageerror", lambda error: self.record(f"page error: {error}"))

    def expect(self, fragment: str) -> None:
        """An error containing ``fragment`` is part of what the test checks (e.g. a refused request)."""
        self.expected.append(fragment)

    def record(self, text: str) -> None:
        if not any(fragment in text for fragment in self.expected):
            self.append(text)


@pytest.fixture
def browser_errors() -> BrowserErrors:
    return BrowserErrors()


@pytest.fixture
def context(browser, server_url, browser_errors):
    """A fresh browser context (1280×800, clipboard allowed); every page it opens is watched for errors."""
    context = browser.new_context(viewport={"width": 1280, "height": 800}, base_url=server_url)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server_url)
    context.on("page", browser_errors.watch)
    yield context
    context.close()


@pytest.fixture
def page(context, browser_errors):
    page = context.new_page()
    yield page
    assert not browser_errors, "the page logged errors:\n" + "\n".join(browser_errors)


class Playground:
    """The page as the tests read it: stable ids only, numbers parsed from what the page shows."""

    def __init__(self, page):
        self.page = page
        self.sockets: list[str] = []  # the live URLs the page opened: the last one names its session
        self.sent: list[str] = []  # every text message the page sent on them, in order
        page.on("websocket", self._watch)

    def _watch(self, socket) -> None:
        self.sockets.append(socket.url)
        socket.on("framesent", lambda payload: self.sent.append(payload) if isinstance(payload, str) else None)

    def sent_types(self, since: int = 0) -> list[str]:
        """The ``type`` of each message the page sent since the ``since``-th."""
        return [json.loads(message).get("type") for message in self.sent[since:]]

    def open(self, hash_: str = "") -> "Playground":
        self.page.goto("/" + (f"#{hash_}" if hash_ else ""))
        self.page.wait_for_selector("body[data-ready='true']", timeout=15_000)
        return self

    def number(self, selector: str) -> float:
        return float(self.page.inner_text(selector).strip())

    def epoch(self) -> int:
        return int(self.page.inner_text("#epoch-counter").strip())

    def step(self) -> int:
        return int(self.page.inner_text("#step-counter").strip())

    def phase(self) -> str:
        return self.page.inner_text("#phase-label").strip()

    def train_loss(self) -> float:
        return self.number("#loss-train")

    def hash(self) -> str:
        return self.page.evaluate("location.hash.slice(1)")

    def session_path(self) -> str:
        return "/api/sessions/" + self.sockets[-1].split("/api/sessions/")[1].split("/")[0]

    def server_session(self) -> dict:
        """The session as the server has it now (GET /api/sessions/{id})."""
        return self.page.request.get(self.session_path()).json()

    def hash_params(self) -> dict[str, str]:
        return dict(part.split("=", 1) for part in self.hash().split("&") if "=" in part)

    def wait_for(self, expression: str, arg=None, timeout: float = 10_000) -> None:
        self.page.wait_for_function(expression, arg=arg, timeout=timeout)

    def wait_for_step(self, step: int) -> None:
        self.wait_for("s => document.querySelector('#step-counter').textContent.trim() === String(s)", step)

    def wait_for_hash(self, fragment: str) -> None:
        self.wait_for("f => location.hash.includes(f)", fragment)


@pytest.fixture
def playground(page) -> Playground:
    return Playground(page)


@pytest.fixture
def another_playground(context):
    """Open more pages in the test's context (each watched for errors like the first)."""
    return lambda: Playground(context.new_page())
