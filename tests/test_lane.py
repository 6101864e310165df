"""The compute lane: a click before a frame before a training slice; training keeps only the share of the
lane that frames leave, and gives the rest back when nobody watches."""
from __future__ import annotations

import asyncio
import threading

import pytest

from server.lane import COMMAND, FRAME, TRAIN, ComputeLane
from server.player import FRAME_SHARE, MIN_TRAIN_SHARE, Beside, Player
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
    player = Player(Settings(), SessionStore(Settings()))
    loop = object()
    player.loops = {loop}
    for k in range(sessions):
        player.beside[str(k)] = Beside(sockets=1, loop=loop)
    player.frame_seconds = frame_seconds
    return player


@pytest.mark.parametrize("sessions, interval, share", [
    (1, 1 / 30, 1 - 1.5 * 0.002 * 30),   # one learner: frames at the full rate, training keeps almost all
    (10, 1 / 30, 1 - 1.5 * 10 * 0.002 * 30),
    (50, 50 * 0.002 / FRAME_SHARE, MIN_TRAIN_SHARE),  # a classroom: frames stretch to their share, training the rest
])
def test_frames_come_first_as_more_sessions_are_watched(sessions, interval, share):
    player = watched_player(sessions, 0.002)
    assert player.frame_interval(30) == pytest.approx(interval)
    assert player.lane.train_share == pytest.approx(share)


def test_slices_shrink_as_more_sessions_play():
    player = watched_player(1, 0.002)
    one = player.slice_seconds()
    player.loops = {object() for _ in range(10)}
    assert player.slice_seconds() == pytest.approx(one / 10)
