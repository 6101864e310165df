"""A classroom on one server: N sessions (default 50) playing over WebSockets as pages do.

Each session is a spiral net 8,8,8 with five features; every socket asks for play and reads binary frames
as the page does. While they play, one more session — idle, no socket — takes REST Steps over fresh
connections. Prints, per run: per-session frames/s (min, median), steps/s (min, median) and fairness
(min / median of steps/s), the idle REST Step p50/p99, the server's memory per session (and Redis's),
totals and the server's CPU time; then the ratio of each run's frames and steps to the first run's.

    python bench/classroom.py [--sessions 50] [--seconds 10] [--runs memory:1 redis:1 redis:2]

``memory:1`` is the README's command (one process, in-memory sessions); ``redis:N`` starts Debian's
redis-server on a free loopback port and ``--workers N --store redis://…``. Client and server share this
machine: the client's own CPU (N sockets decoding frames) is part of the load, the same for every run.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import threading
import time
import urllib.request
from pathlib import Path

import websockets

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from server import frames  # noqa: E402
from tests.services import Redis, Server  # noqa: E402

CONFIG = {"dataset": "spiral", "hidden_layers": [8, 8, 8], "features": ["x", "y", "xSquared", "ySquared", "xTimesY"]}


def call(base: str, method: str, path: str, body: dict | None = None) -> dict:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(base + path, data, {"content-type": "application/json"}, method=method)
    with urllib.request.urlopen(request, timeout=120) as response:
        return json.load(response)


async def student(base: str, session_id: str, window: dict, out: dict, pace: float | None) -> None:
    """One page: the session message, then play; frames and steps counted inside the window."""
    url = base.replace("http", "ws") + f"/api/sessions/{session_id}/live"
    count, steps = 0, []
    async with websockets.connect(url, max_size=None) as ws:
        await ws.recv()
        if pace:
            await ws.send(json.dumps({"type": "speed", "steps_per_second": pace}))
        await ws.send(json.dumps({"type": "play"}))
        while not window["over"]:
            try:
                message = await asyncio.wait_for(ws.recv(), timeout=0.5)
            except asyncio.TimeoutError:
                continue
            if not isinstance(message, bytes):
                continue
            step = frames.decode(message)[0]["state"]["step"]
            if window["open"] and not window["over"]:
                count += 1
                steps.append((time.monotonic(), step))
        await ws.send(json.dumps({"type": "pause"}))
    seconds = window["seconds"]
    out[session_id] = {"fps": count / seconds,
                       "steps": (steps[-1][1] - steps[0][1]) / max(steps[-1][0] - steps[0][0], 1e-9) if len(steps) > 1 else 0.0}


def idle_steps(base: str, session_id: str, stop: threading.Event, out: list) -> None:
    """An idle student's REST Step, over a fresh connection each time, ten times a second."""
    while not stop.is_set():
        began = time.perf_counter()
        call(base, "POST", f"/api/sessions/{session_id}/step", {"steps": 1})
        out.append(time.perf_counter() - began)
        stop.wait(0.1)


def rss_kib(pid: int) -> int:
    """Resident memory of ``pid`` and its children (the workers), in KiB."""
    total, pending = 0, [pid]
    while pending:
        current = pending.pop()
        try:
            with open(f"/proc/{current}/status") as status:
                total += next(int(line.split()[1]) for line in status if line.startswith("VmRSS"))
            with open(f"/proc/{current}/task/{current}/children") as children:
                pending += [int(c) for c in children.read().split()]
        except (FileNotFoundError, StopIteration):
            continue
    return total


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of ``pid`` and its children (the workers), in seconds."""
    total, pending, tick = 0.0, [pid], os.sysconf("SC_CLK_TCK")
    while pending:
        current = pending.pop()
        try:
            with open(f"/proc/{current}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
            with open(f"/proc/{current}/task/{current}/children") as children:
                pending += [int(c) for c in children.read().split()]
        except FileNotFoundError:
            continue
    return total


def redis_kib(url: str) -> int:
    import redis
    client = redis.Redis.from_url(url)
    try:
        return client.info("memory")["used_memory"] // 1024
    finally:
        client.close()


async def classroom(base: str, pid: int, sessions: int, seconds: float, warmup: float, pace: float | None) -> dict:
    ids = [call(base, "POST", "/api/sessions", {"config": {**CONFIG, "seed": f"student-{k}"}})["id"]
           for k in range(sessions)]
    idle = call(base, "POST", "/api/sessions", {"config": {**CONFIG, "seed": "idle"}})["id"]
    window, results = {"open": False, "over": False, "seconds": seconds}, {}
    tasks = [asyncio.create_task(student(base, session_id, window, results, pace)) for session_id in ids]
    await asyncio.sleep(warmup)
    latencies, stop = [], threading.Event()
    stepper = threading.Thread(target=idle_steps, args=(base, idle, stop, latencies))
    window["open"], cpu = True, cpu_seconds(pid)
    stepper.start()
    await asyncio.sleep(seconds)
    window["over"], cpu = True, cpu_seconds(pid) - cpu
    stop.set()
    await asyncio.gather(*tasks)
    stepper.join()
    return {"results": list(results.values()), "latencies": sorted(latencies), "cpu": cpu / seconds}


def one_run(kind: str, workers: int, sessions: int, seconds: float, warmup: float, pace: float | None) -> dict:
    flags = ["--max-sessions", str(sessions + 10)]
    redis = Redis().__enter__() if kind == "redis" else None
    if redis is not None:
        flags += ["--workers", str(workers), "--store", redis.url]
    server = Server(*flags).start()
    try:
        before = rss_kib(server.process.pid)
        redis_before = redis_kib(redis.url) if redis else 0
        figures = asyncio.run(classroom(server.url, server.process.pid, sessions, seconds, warmup, pace))
        figures["kib_per_session"] = (rss_kib(server.process.pid) - before) / (sessions + 1)
        figures["redis_kib_per_session"] = (redis_kib(redis.url) - redis_before) / (sessions + 1) if redis else 0
    finally:
        server.stop()
        if redis is not None:
            redis.__exit__(None, None, None)
    return figures


def report(name: str, figures: dict) -> dict:
    fps = sorted(r["fps"] for r in figures["results"])
    steps = sorted(r["steps"] for r in figures["results"])
    lat = figures["latencies"]
    p = lambda q: lat[min(len(lat) - 1, int(q * len(lat)))] * 1000 if lat else float("nan")  # noqa: E731
    row = {"frames_min": fps[0], "frames_median": statistics.median(fps), "steps_min": steps[0],
           "steps_median": statistics.median(steps), "fairness": steps[0] / max(statistics.median(steps), 1e-9),
           "rest_p50": p(0.5), "rest_p99": p(0.99), "frames_total": sum(fps), "steps_total": sum(steps)}
    memory = f"{figures['kib_per_session']:.0f} KiB/session"
    if figures["redis_kib_per_session"]:
        memory += f" + Redis {figures['redis_kib_per_session']:.0f} KiB/session"
    print(f"{name:10} frames/s min {row['frames_min']:5.1f} median {row['frames_median']:5.1f} | steps/s min "
          f"{row['steps_min']:6.0f} median {row['steps_median']:6.0f} fairness {row['fairness']:.2f} | idle REST "
          f"Step p50 {row['rest_p50']:5.1f} ms p99 {row['rest_p99']:6.1f} ms ({len(lat)}) | {memory} | total "
          f"{row['frames_total']:.0f} frames/s {row['steps_total']:.0f} steps/s | server CPU {figures['cpu']:.2f} s/s, "
          f"{1000 * figures['cpu'] / max(row['frames_total'], 1e-9):.2f} ms per frame all in", flush=True)
    return row


def frame_costs(repeats: int = 200) -> None:
    """CPU ms to build one binary frame while playing, now and with the maps of a float64 grid pass (the way
    frames were built before), on this process — the same run, so the ratio holds under any load."""
    from engine import probes
    from server.schemas import Config, View
    from server.sessions import Session
    from server.settings import Settings
    from server import snapshot

    def float64_maps(trainer, size, neuron_size):
        y_hat, small = probes.grid_maps(trainer, size)[-1], probes.grid_maps(trainer, neuron_size)
        return [snapshot.quantise_bytes(a.T) for a in small] + [snapshot.quantise_bytes(2 * y_hat[:, 0] - 1)]

    def cpu_ms(work) -> float:
        work()
        began = time.thread_time()
        for _ in range(repeats):
            work()
        return (time.thread_time() - began) / repeats * 1000

    from server.allocator import keep_freed_memory

    settings = Settings()
    nets = {"spiral 8,8,8 x 5 features": CONFIG,
            "spiral 8x6 x all features": {"dataset": "spiral", "hidden_layers": [8] * 6,
                                          "features": ["x", "y", "xSquared", "ySquared", "xTimesY", "sinX", "sinY"]}}
    sessions = {}
    for name, config in nets.items():
        session = sessions[name] = Session("bench", Config.model_validate({**config, "seed": "frames"}), View())
        session.step(50)
        session.playing = True
        frame = cpu_ms(lambda: frames.binary_frame(session, settings))
        print(f"frame build, {name}, the C library's default allocator: {frame:.2f} ms", flush=True)
    keep_freed_memory()  # as the server does (server/allocator.py): from here on, as the server builds them
    for name, session in sessions.items():
        frame = cpu_ms(lambda: frames.binary_frame(session, settings))
        maps = cpu_ms(lambda: snapshot.heatmap_bytes(session.trainer, settings.heatmap_size, settings.neuron_map_size))
        old_maps = cpu_ms(lambda: float64_maps(session.trainer, settings.heatmap_size, settings.neuron_map_size))
        print(f"frame build, {name}: {frame:.2f} ms (maps {maps:.2f} ms); with float64 maps "
              f"{frame - maps + old_maps:.2f} ms (maps {old_maps:.2f} ms): ×{(frame - maps + old_maps) / frame:.1f}",
              flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--warmup", type=float, default=3.0)
    parser.add_argument("--runs", nargs="+", default=["memory:1", "redis:1", "redis:2", "memory:1@30"],
                        help="store:workers[@pace], e.g. memory:1 redis:2 memory:1@30 (30 steps/s each: "
                             "training nearly free, so the CPU per frame is the frame's own cost, all in)")
    parser.add_argument("--frames-only", action="store_true", help="only the frame build costs")
    args = parser.parse_args()
    frame_costs()
    if args.frames_only:
        return
    print(f"{args.sessions} sessions playing {CONFIG}, {args.seconds:.0f} s; load average "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
    rows = {}
    for run in args.runs:
        kind, rest = run.split(":")
        workers, _, pace = rest.partition("@")
        rows[run] = report(run, one_run(kind, int(workers), args.sessions, args.seconds, args.warmup,
                                        float(pace) if pace else None))
    first = next(iter(rows))
    for run, row in rows.items():
        if "@" in run:
            continue
        print(f"{run:10} vs {first}: frames ×{row['frames_total'] / max(rows[first]['frames_total'], 1e-9):.2f}, "
              f"steps ×{row['steps_total'] / max(rows[first]['steps_total'], 1e-9):.2f}")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
