"""The loss history of a run: (step, train loss, test loss) rows, bounded however long the run.

A row is recorded each time the trainer evaluates at a new step (every live frame, every REST answer),
so the history holds what a learner saw on the loss curve. Past ``capacity`` rows every other row goes
(the first and the latest always stay) and the history keeps thinning evenly as the run goes on.
"""
from __future__ import annotations

CAPACITY = 10_000


class LossLog:
    def __init__(self, capacity: int = CAPACITY):
        self.capacity = capacity
        self.rows: list[tuple[int, float | None, float | None]] = []

    def record(self, step: int, train: float | None, test: float | None) -> None:
        """Add a row; a second evaluation at the same step (a live setting changed) replaces the first."""
        if self.rows and self.rows[-1][0] == step:
            self.rows[-1] = (step, train, test)
            return
        self.rows.append((step, train, test))
        if len(self.rows) > self.capacity:
            self.rows = self.rows[:-1:2] + self.rows[-1:]
