"""The page against TensorFlow Playground (TFP), side by side in one headless Chromium.

    python bench/page.py [--seconds 4] [--clicks 15] [--rounds 2] [--nets A,B,C,D]

Starts our server and a static file server for the unmodified TFP build (../shared/anchors/
tensorflow-playground/, or --tfp DIR), opens both with the same hash, and prints for every net:
live epochs/s (ours with the speed slider at its last position, as fast as the server goes; TFP has
one speed, an epoch per animation frame) and our ratio to TFP, output-plot repaints per second, Step click → repaint p50/p90,
and the bytes of our live frames. Plays are interleaved (ours, TFP, ours, TFP, …) so a busy machine
slows both alike. It prints figures; it never passes or fails on time.

How it measures, the same way on both pages:
- epochs/s: the epoch counter (ours `#epoch-counter`, TFP `#iter-number`) over `--seconds` of play;
- repaints/s: animation frames in which the output plot's canvas was drawn to (`drawImage` or
  `putImageData` on it, counted once a frame);
- Step → repaint: `performance.now()` before `button.click()`, to the point after which the browser
  paints the changed counter: the end of the animation-frame callback that changed it (our page renders
  in one), or the next animation frame when the change came outside one (TFP steps synchronously);
- frame bytes: the median size of our live WebSocket frames while playing (binary messages), and that
  median frame deflated (zlib, level 6) as an estimate of the wire with permessage-deflate.
"""
from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import time
import zlib
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
# ../shared beside the checkout (or beside the folder of worktrees a checkout may sit in)
TFP_DIR = next((d for d in (ROOT.parent / "shared" / "anchors" / "tensorflow-playground",
                            ROOT.parent.parent / "shared" / "anchors" / "tensorflow-playground") if d.is_dir()),
               ROOT.parent / "shared" / "anchors" / "tensorflow-playground")
CHROMIUM = "/usr/bin/chromium"
ALL = "x=true&y=true&xTimesY=true&xSquared=true&ySquared=true&sinX=true&sinY=true&cosX=false&cosY=false"
XY = "x=true&y=true&xTimesY=false&xSquared=false&ySquared=false&sinX=false&sinY=false&cosX=false&cosY=false"
COMMON = "activation=tanh&learningRate=0.03&regularizationRate=0&noise=0&seed=0.12345&percTrainData=50"
NETS = {
    "A": ("circle 4,2, x y, batch 10", f"{COMMON}&dataset=circle&networkShape=4,2&batchSize=10&{XY}"),
    "B": ("spiral 8×6, all 7, batch 10", f"{COMMON}&dataset=spiral&networkShape=8,8,8,8,8,8&batchSize=10&{ALL}"),
    "C": ("circle 4,2, x y, batch 1", f"{COMMON}&dataset=circle&networkShape=4,2&batchSize=1&{XY}"),
    "D": ("10 layers of 32, all 7, batch 10",
          f"{COMMON}&dataset=spiral&networkShape={','.join(['32'] * 10)}&batchSize=10&{ALL}"),
}
PAGES = {  # play button, step button, epoch counter, the counter a Step changes, output canvas
    # (a TFP step is one epoch; ours is one mini-batch, which moves the step counter, not the epoch)
    "ours": ("#play-pause", "#step", "#epoch-counter", "#step-counter", "#output-heatmap"),
    "tfp": ("#play-pause-button", "#next-step-button", "#iter-number", "#iter-number", "#heatmap canvas"),
}

# Before any page script: count animation frames that draw to the output canvas, and tell whether a
# change happened inside an animation-frame callback (the browser paints right after those).
INSTRUMENT = """
(() => {
  const raf = window.requestAnimationFrame.bind(window);
  window.__bench = { frame: 0, drawnFrame: -1, repaints: 0, inFrame: false, target: null };
  const b = window.__bench;
  window.requestAnimationFrame = (callback) => raf((time) => {
    b.inFrame = true;
    try { callback(time); } finally { queueMicrotask(() => (b.inFrame = false)); }
  });
  const tick = () => { b.frame++; raf(tick); };
  raf(tick);
  for (const name of ['drawImage', 'putImageData']) {
    const original = CanvasRenderingContext2D.prototype[name];
    CanvasRenderingContext2D.prototype[name] = function (...args) {
      if (this.canvas === b.target && b.drawnFrame !== b.frame) { b.drawnFrame = b.frame; b.repaints++; }
      return original.apply(this, args);
    };
  }
})();
"""

STEP = """async ([button, counter]) => {
  const node = document.querySelector(counter);
  const before = node.textContent;
  const b = window.__bench;
  return await new Promise((resolve) => {
    let began;
    const observer = new MutationObserver(() => {
      if (node.textContent === before) return;
      observer.disconnect();
      if (b.inFrame) resolve(performance.now() - began);
      else requestAnimationFrame(() => resolve(performance.now() - began));
    });
    observer.observe(node, { childList: true, characterData: true, subtree: true });
    began = performance.now();
    document.querySelector(button).click();
  });
}"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_serving(url: str, seconds: float = 30) -> None:
    import urllib.request
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"{url} did not answer within {seconds} s")


def epochs(page, counter: str) -> int:
    return int("".join(ch for ch in page.inner_text(counter) if ch.isdigit()) or 0)


class Side:
    """One page (ours or TFP) and what was measured on it."""

    def __init__(self, name: str, browser, base: str, path: str, hash_: str):
        self.name = name
        self.play, self.step, self.counter, self.step_counter, self.canvas = PAGES[name]
        context = browser.new_context(viewport={"width": 1280, "height": 800})
        context.add_init_script(INSTRUMENT)
        origin = base.split("://", 1)[1]
        context.route("**/*", lambda route: route.continue_() if origin in route.request.url else route.abort())
        self.page = context.new_page()
        self.frames: list[int] = []
        self.payloads: list[bytes] = []
        self.page.on("websocket", lambda ws: ws.on("framereceived", self.record))
        self.page.goto(f"{base}/{path}#{hash_}")
        if name == "ours":
            self.page.wait_for_selector("body[data-ready='true']", timeout=60_000)
        else:
            self.page.wait_for_selector(self.canvas, timeout=60_000)
        self.page.evaluate("sel => (window.__bench.target = document.querySelector(sel))", self.canvas)
        if name == "ours":  # live training as fast as the server goes: the speed slider's last position
            self.page.evaluate("""() => { const speed = document.querySelector('#speed');
                speed.value = speed.max; speed.dispatchEvent(new Event('input'));
                speed.dispatchEvent(new Event('change')); }""")
        self.live: list[tuple[float, float]] = []  # (epochs/s, repaints/s) per play
        self.steps: list[float] = []

    def record(self, payload) -> None:
        if isinstance(payload, bytes) and self.recording:
            self.frames.append(len(payload))
            if len(self.payloads) < 200:
                self.payloads.append(payload)

    recording = False

    def click(self, selector: str) -> None:
        """A click as the page's own script sees it, without waiting for a busy page to look idle."""
        self.page.evaluate("selector => document.querySelector(selector).click()", selector)

    def play_for(self, seconds: float) -> None:
        page = self.page
        self.click(self.play)
        page.wait_for_timeout(300)  # past the first slice
        e0, r0, t0 = epochs(page, self.counter), page.evaluate("window.__bench.repaints"), time.monotonic()
        self.recording = True
        page.wait_for_timeout(seconds * 1000)
        e1, r1, t1 = epochs(page, self.counter), page.evaluate("window.__bench.repaints"), time.monotonic()
        self.recording = False
        self.click(self.play)
        page.wait_for_timeout(500)
        self.live.append(((e1 - e0) / (t1 - t0), (r1 - r0) / (t1 - t0)))

    def click_steps(self, clicks: int) -> None:
        for _ in range(clicks):
            self.steps.append(self.page.evaluate(STEP, [self.step, self.step_counter]))
            self.page.wait_for_timeout(120)

    def figures(self) -> dict:
        steps = sorted(self.steps)
        quantile = lambda q: steps[min(len(steps) - 1, int(q * len(steps)))] if steps else float("nan")  # noqa: E731
        frame = sorted(self.payloads, key=len)[len(self.payloads) // 2] if self.payloads else b""
        return {"epochs": statistics.median(e for e, _ in self.live), "repaints": statistics.median(r for _, r in self.live),
                "p50": quantile(0.5), "p90": quantile(0.9),
                "bytes": statistics.median(self.frames) if self.frames else 0,
                "deflated": len(zlib.compress(frame, 6)) if frame else 0}

    def close(self) -> None:
        self.page.context.close()


def measure(browser, net: str, ours_url: str, tfp_url: str | None, args) -> dict:
    hash_ = NETS[net][1]
    sides = [Side("ours", browser, ours_url, "", hash_)]
    if tfp_url:
        sides.append(Side("tfp", browser, tfp_url, "index.html", hash_))
    try:
        for _ in range(args.rounds):  # interleaved: a busy neighbour slows both alike
            for side in sides:
                side.play_for(args.seconds)
        for side in sides:
            side.page.wait_for_timeout(300)
            side.click_steps(args.clicks)
        return {side.name: side.figures() for side in sides}
    finally:
        for side in sides:
            side.close()


RATIO_TARGETS = {"A": 30, "B": 15, "C": 3}  # issue 11: live epochs/s ours ÷ TFP's


def targets(net: str, ours: dict, tfp: dict | None) -> list[str]:
    """The issue's targets for one net, each marked met or not (a reading aid: nothing passes or fails)."""
    mark = lambda ok: "met" if ok else "NOT met"  # noqa: E731
    lines = [f"{mark(ours['repaints'] >= 30)}: ≥ 30 repaints/s ({ours['repaints']:.1f})"]
    if tfp and net in RATIO_TARGETS:
        ratio = ours["epochs"] / tfp["epochs"] if tfp["epochs"] > 0 else float("nan")
        lines.append(f"{mark(ratio >= RATIO_TARGETS[net])}: epochs/s ≥ {RATIO_TARGETS[net]}× TFP ({ratio:.1f}×)")
    if tfp and net in ("A", "B"):
        lines.append(f"{mark(ours['p50'] <= tfp['p50'])}: Step p50 ≤ TFP's ({ours['p50']:.1f} vs {tfp['p50']:.1f} ms)")
    if net == "B":
        lines.append(f"{mark(ours['p50'] <= 20)}: Step p50 ≤ 20 ms ({ours['p50']:.1f} ms)")
        lines.append(f"{mark(ours['bytes'] <= 30_000)}: frame ≤ 30 KB ({ours['bytes'] / 1000:.1f} KB)")
    return [f"  {net} {line}" for line in lines]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=4.0, help="seconds of play per round")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--clicks", type=int, default=15, help="Step clicks per page")
    parser.add_argument("--nets", default="A,B,C,D", help="A, B, C, D (D: 10 hidden layers of 32)")
    parser.add_argument("--tfp", type=Path, default=TFP_DIR, help="the TFP build to serve")
    args = parser.parse_args()
    ours_port, tfp_port = free_port(), free_port()
    servers = [subprocess.Popen([sys.executable, "-m", "server", "--port", str(ours_port)], cwd=ROOT,
                                stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)]
    tfp_url = None
    if (args.tfp / "index.html").exists():
        servers.append(subprocess.Popen([sys.executable, "-m", "http.server", str(tfp_port), "--bind", "127.0.0.1"],
                                        cwd=args.tfp, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT))
        tfp_url = f"http://127.0.0.1:{tfp_port}"
    else:
        print(f"no TFP build at {args.tfp}: our page only")
    ours_url = f"http://127.0.0.1:{ours_port}"
    try:
        wait_until_serving(ours_url + "/")
        if tfp_url:
            wait_until_serving(tfp_url + "/index.html")
        print(f"load average before: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")
        with sync_playwright() as playwright:
            launch = {"args": ["--headless", "--no-sandbox", "--disable-gpu"]}
            if Path(CHROMIUM).exists():
                launch["executable_path"] = CHROMIUM
            browser = playwright.chromium.launch(**launch)
            header = (f"{'net':34} {'epochs/s ours':>13} {'TFP':>7} {'ratio':>6} {'repaints/s ours':>15} {'TFP':>5} "
                      f"{'step p50/p90 ours ms':>20} {'TFP ms':>12} {'frame KB':>8} {'deflated':>8}")
            print(header)
            summary = []
            for net in args.nets.split(","):
                r = measure(browser, net, ours_url, tfp_url, args)
                ours, tfp = r["ours"], r.get("tfp")
                ratio = ours["epochs"] / tfp["epochs"] if tfp and tfp["epochs"] > 0 else float("nan")
                tfp_cols = (f"{tfp['epochs']:7.1f} {ratio:6.1f} {ours['repaints']:15.1f} {tfp['repaints']:5.1f} "
                            f"{ours['p50']:9.1f}/{ours['p90']:<10.1f} {tfp['p50']:5.1f}/{tfp['p90']:<6.1f}"
                            if tfp else f"{'—':>7} {'—':>6} {ours['repaints']:15.1f} {'—':>5} "
                            f"{ours['p50']:9.1f}/{ours['p90']:<10.1f} {'—':>12}")
                print(f"{net} {NETS[net][0]:32} {ours['epochs']:13.1f} {tfp_cols} {ours['bytes'] / 1000:8.1f} "
                      f"{ours['deflated'] / 1000:8.1f}", flush=True)
                summary += targets(net, ours, tfp)
            browser.close()
        print("targets (issue 11), this run:", *summary, sep="\n")
        print(f"load average after: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")
    finally:
        for server in servers:
            server.terminate()
            server.wait()


if __name__ == "__main__":
    main()
