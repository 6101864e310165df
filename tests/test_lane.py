"""The compute lane: a click before a frame before a training slice; training keeps only the share of the
lane that frames leave, and gives the rest back when nobody watches."""
from __future__ import annotations

import asyncio
import platform
import threading

import pytest

from server.allocator import keep_freed_memory
from server.lane import COMMAND, FRAME, TRAIN, ComputeLane
from server.player import FRAME_SHARE, MIN_SLICE, MIN_TRAIN_SHARE, Beside, Player
from server.sessions import SessionStore
from server.settings import Settings
from tests.conftest import run_async


def run(coroutine):
    return run_async(coroutine)


def test_a_click_goes_before_a_frame_before_a_slice():
    async def scenario():
        lane, started, release, order = ComputeLane(), threading.Event(), threading.Event(), []
        def busy():
            started.set()
            release.wait(30)
        first = asyncio.ensure_future(lane.run(TRAIN, busy))
        await asyncio.get_running_loop().run_in_executor(None, started.wait, 30)
        queued = [asyncio.ensure_future(lane.run(priority, order.append, name))
                  for priority, name in ((TRAIN, "slice"), (FRAME, "frame"), (COMMAND, "click"))]
        await asyncio.sleep(0.05)  # all three are in the queue before the running slice ends
        release.set()
        await asyncio.gather(first, *queued)
        lane.close()
        return order
    assert run(scenario()) == ["click", "frame", "slice"]


def test_training_over_its_share_waits_and_a_later_frame_goes_first():
    async def scenario():
        lane, order = ComputeLane(), []
        lane.train_share, lane._budget = 0.5, -0.05  # training spent more than its share just now
        slice_done = asyncio.ensure_future(lane.run(TRAIN, order.append, "slice"))
        await asyncio.sleep(0.01)
        await lane.run(FRAME, order.append, "frame")
        await slice_done  # the slice still runs once its budget is back
        lane.close()
        return order
    assert run(scenario()) == ["frame", "slice"]


def watched_player(sessions: int, frame_seconds: float) -> Player:
    """``sessions`` sessions, each playing (a loop of its own) and watched by a socket."""
    player = Player(Settings(), SessionStore(Settings()))
    player.loops = set()
    for k in range(sessions):
        loop = object()
        player.loops.add(loop)
        player.beside[str(k)] = Beside(sockets=1, loop=loop)
    player.frame_seconds = frame_seconds
    return player


@pytest.mark.parametrize("sessions, cost, interval, share", [
    (1, 0.002, 1 / 30, 1 - 1.5 * 0.002 * 30),  # one learner: frames at the full rate, training keeps almost all
    (10, 0.002, 1 / 30, 10 * MIN_SLICE * 30),  # frames would leave 0.1: training keeps a short slice per frame
    # a classroom: frames stretch to their share; training keeps one short slice per session per interval
    (50, 0.002, 50 * 0.002 / FRAME_SHARE, 50 * MIN_SLICE / (50 * 0.002 / FRAME_SHARE)),
    (50, 0.0002, 1 / 30, 1 - 1.5 * 50 * 0.0002 * 30),  # cheap frames: at the full rate, training keeps the rest
])
def test_frames_come_first_as_more_sessions_are_watched(sessions, cost, interval, share):
    player = watched_player(sessions, cost)
    assert player.frame_interval(30) == pytest.approx(interval)
    assert player.lane.train_share == pytest.approx(share)


def test_training_keeps_a_slice_per_watched_session_however_dear_the_frames():
    """Frames are sent only when the session changed: a classroom whose frames left training below one
    slice per session per interval would get fewer frames, not more."""
    player = watched_player(50, 0.002)
    interval = player.frame_interval(30)
    assert player.lane.train_share * interval >= 50 * MIN_SLICE * 0.999
    assert player.lane.train_share > MIN_TRAIN_SHARE


def test_slices_shrink_as_more_sessions_play():
    player = watched_player(1, 0.002)
    one = player.slice_seconds()
    player.loops = {object() for _ in range(10)}
    assert player.slice_seconds() == pytest.approx(one / 10)


def test_the_allocator_keeps_freed_memory_for_the_next_frame():
    """glibc takes the thresholds; another C library is left as it is (and says so), never an error."""
    assert keep_freed_memory() is (platform.libc_ver()[0] == "glibc")
