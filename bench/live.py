"""Live stream figures: bytes per frame, frames/s, training steps/s while playing, and fairness.

Runs a real server process on 127.0.0.1 and talks to it over HTTP and the WebSocket, as the page does.
    python bench/live.py [--seconds 5]
"""
from __future__ import annotations

import argparse
import asyncio
import json
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import websockets

from server import frames

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def post(base: str, path: str, body: dict) -> dict:
    request = urllib.request.Request(base + path, json.dumps(body).encode(), {"content-type": "application/json"})
    with urllib.request.urlopen(request) as response:
        return json.load(response)


async def watch(base: str, session_id: str, seconds: float, play: bool = True) -> dict:
    """Connect, optionally play, and count frames, bytes and steps for ``seconds``."""
    sizes, steps = [], []
    async with websockets.connect(base.replace("http", "ws") + f"/api/sessions/{session_id}/live",
                                  max_size=None) as ws:
        await ws.recv()  # the session message
        if play:
            await ws.send(json.dumps({"type": "play"}))
        began = time.monotonic()
        while time.monotonic() - began < seconds:
            try:
                text = await asyncio.wait_for(ws.recv(), timeout=0.5)
            except asyncio.TimeoutError:
                continue
            message = frames.decode(text)[0] if isinstance(text, bytes) else json.loads(text)
            if message["type"] == "frame":  # binary frames (the default) and JSON ones alike
                sizes.append(len(text))
                steps.append(message["state"]["step"])
        await ws.send(json.dumps({"type": "pause"}))
        elapsed = time.monotonic() - began
    return {"frames_per_s": len(sizes) / elapsed, "bytes_per_frame": statistics.median(sizes) if sizes else 0,
            "steps_per_s": (steps[-1] - steps[0]) / elapsed if len(steps) > 1 else 0.0, "steps": steps[-1] if steps else 0}


async def run(base: str, seconds: float) -> None:
    nets = {"A circle 4,2": {"seed": "bench"},
            "B spiral 8x6 all features": {"seed": "bench", "dataset": "spiral", "hidden_layers": [8] * 6,
                                          "features": ["x", "y", "xSquared", "ySquared", "xTimesY", "sinX", "sinY"]}}
    print(f"{'net':28} {'frames/s':>9} {'KB/frame':>9} {'steps/s':>9} {'epochs/s':>9}")
    for name, config in nets.items():
        session = post(base, "/api/sessions", {"config": config})
        r = await watch(base, session["id"], seconds)
        print(f"{name:28} {r['frames_per_s']:9.1f} {r['bytes_per_frame'] / 1000:9.1f} {r['steps_per_s']:9.0f} "
              f"{r['steps_per_s'] / 25:9.1f}")
    # Fairness: two sessions playing at once on one compute lane.
    first, second = (post(base, "/api/sessions", {"config": nets["A circle 4,2"]})["id"] for _ in range(2))
    a, b = await asyncio.gather(watch(base, first, seconds), watch(base, second, seconds))
    share = a["steps_per_s"] / max(a["steps_per_s"] + b["steps_per_s"], 1)
    print(f"two sessions playing together: {a['steps_per_s']:.0f} and {b['steps_per_s']:.0f} steps/s "
          f"(first's share {share:.2f}; 0.50 is perfectly fair)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=5.0)
    args = parser.parse_args()
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "server", "--port", str(port)], cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/api/registries")
                break
            except OSError:
                time.sleep(0.1)
        asyncio.run(run(base, args.seconds))
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
