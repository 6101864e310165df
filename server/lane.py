"""The compute lane: one thread per server process runs every piece of NumPy work, most urgent first.

A learner's click (a REST call, a command) goes before frames, and frames go before training slices,
so a frame waits for at most the one slice that is running — never behind a round of every other
session's slices. Within one priority, work runs first come first served: play loops that queue their
next slice after the last one finished take turns.
"""
from __future__ import annotations

import asyncio
import itertools
import queue
import sys
import threading
import time

COMMAND, FRAME, TRAIN = 0, 1, 2  # priorities: lower runs first
SWITCH_INTERVAL = 0.001  # seconds a thread may keep the GIL while another waits for it
BUDGET_CAP = 0.01  # seconds of training a quiet lane may save up for a burst


class ComputeLane:
    """``await lane.run(priority, work, *args)`` runs ``work(*args)`` on the lane's thread."""

    def __init__(self, name: str = "compute-lane"):
        self._queue: queue.PriorityQueue = queue.PriorityQueue()
        self._order = itertools.count()
        self._name = name
        self._thread: threading.Thread | None = None
        self._start_lock = threading.Lock()
        self.busy_seconds = [0.0, 0.0, 0.0]  # CPU time spent per priority, for load estimates and benchmarks
        # The share of wall time training may take (the Player lowers it while frames need the rest): past
        # it, the lane leaves the GIL to the event loop — sending frames, answering clicks — until a frame
        # or a command comes, or training's budget is back.
        self.train_share = 1.0
        self._budget, self._budget_at = 0.0, time.perf_counter()

    async def run(self, priority: int, work, *args):
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        self._ensure_thread()
        self._queue.put((priority, next(self._order), work, args, loop, future))
        return await future

    def _ensure_thread(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            return
        with self._start_lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._serve, name=self._name, daemon=True)
                self._thread.start()

    def close(self) -> None:
        """Stop the thread once the work already queued has run."""
        if self._thread is not None and self._thread.is_alive():
            self._queue.put((TRAIN + 1, next(self._order), None, (), None, None))
            self._thread.join(timeout=5)

    def _serve(self) -> None:
        # NumPy on small arrays keeps the GIL; at the default 5 ms switch interval the event loop would wait
        # that long to send each frame or answer each click while this thread trains.
        sys.setswitchinterval(SWITCH_INTERVAL)
        while True:
            item = self._queue.get()
            priority, _, work, args, loop, future = item
            if work is None:
                return
            if future.cancelled():  # the caller gave up before its turn (a closed socket)
                continue
            if priority == TRAIN and not self._may_train():
                self._queue.put(item)  # back in line: a frame or a click that comes meanwhile goes first
                time.sleep(min(-self._budget / self.train_share, 0.002))
                continue
            began = time.thread_time()  # CPU time: a busy machine that takes the CPU away does not inflate it
            try:
                result, error = work(*args), None
            except BaseException as caught:  # handed to the awaiting coroutine, raised there
                result, error = None, caught
            spent = time.thread_time() - began
            self.busy_seconds[priority] += spent
            if priority == TRAIN:
                self._budget -= spent
            try:
                loop.call_soon_threadsafe(_settle, future, result, error)
            except RuntimeError:
                pass  # that event loop has closed: nobody waits for this result


    def _may_train(self) -> bool:
        now = time.perf_counter()
        share = self.train_share
        self._budget = min(BUDGET_CAP, self._budget + (now - self._budget_at) * share)
        self._budget_at = now
        return share >= 1 or self._budget >= 0


def _settle(future: asyncio.Future, result, error) -> None:
    if future.done():
        return
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(result)
