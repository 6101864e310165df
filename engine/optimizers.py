"""Optimizers with the update rules of ``torch.optim`` at its defaults, operation for operation.

Each optimizer updates a list of parameter arrays in place and returns the step it took
(``new - old`` for every array), so a viewer can show ΔW. The operations follow PyTorch's
single-tensor CPU implementations in the same order; float64 results agree with PyTorch to within a
few ulps per step (PyTorch's kernels fuse multiply-adds, NumPy rounds each operation), as measured by
bench/torch_parity.py where PyTorch is installed.

``out`` (optional, one array per parameter) is where the steps are written instead of new arrays; the
values are the same either way.
"""
from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field, fields
from typing import Callable

import numpy as np

from engine.config import TrainConfig

Array = np.ndarray
_DEFAULTS = TrainConfig()  # the one source of default values


@dataclass(frozen=True)
class Hyper:
    """Hyperparameters (the training config's fields of the same names); an optimizer ignores those it
    does not use."""

    learning_rate: float = _DEFAULTS.learning_rate
    momentum: float = _DEFAULTS.momentum
    beta1: float = _DEFAULTS.beta1
    beta2: float = _DEFAULTS.beta2
    alpha: float = _DEFAULTS.alpha
    eps: float = _DEFAULTS.eps

    @classmethod
    def of(cls, config: TrainConfig) -> "Hyper":
        return cls(*(getattr(config, f.name) for f in fields(cls)))

    @functools.cached_property
    def descent(self) -> Array:
        """−η, the factor a step takes the gradient by, as a float64 0-d array: NumPy multiplies by it in
        less time than by the Python float (same value)."""
        return np.array(-self.learning_rate)


@dataclass
class OptimizerState:
    """Per-parameter buffers and the step count ``t`` (Adam's bias correction uses it)."""

    t: int = 0
    buffers: dict[str, list[Array]] = field(default_factory=dict)


def _sgd(params, grads, state, h, out):
    rate, steps = h.descent, []
    for p, g, o in zip(params, grads, out):
        d = np.multiply(rate, g, o)
        p += d
        steps.append(d)
    return steps


def _momentum_buffers(grads, state, h):
    # torch: the first step's buffer is the gradient itself, then buf = momentum * buf + g.
    bufs = state.buffers.get("momentum")
    if bufs is None:
        bufs = [g.copy() for g in grads]
        state.buffers["momentum"] = bufs
    else:
        for b, g in zip(bufs, grads):
            b *= h.momentum
            b += g
    return bufs


def _momentum(params, grads, state, h, out):
    bufs = _momentum_buffers(grads, state, h)
    steps = [np.multiply(h.descent, b, o) for b, o in zip(bufs, out)]
    for p, d in zip(params, steps):
        p += d
    return steps


def _nesterov(params, grads, state, h, out):
    bufs = _momentum_buffers(grads, state, h)
    steps = []
    for p, g, b, o in zip(params, grads, bufs, out):
        d = np.multiply(h.momentum, b, o)  # −η (g + μ b)
        np.add(g, d, d)
        np.multiply(h.descent, d, d)
        p += d
        steps.append(d)
    return steps


def _zeros_buffers(name, params, state):
    bufs = state.buffers.get(name)
    if bufs is None:
        bufs = [np.zeros_like(p) for p in params]
        state.buffers[name] = bufs
    return bufs


def _rmsprop(params, grads, state, h, out):
    square_avg = _zeros_buffers("square_avg", params, state)
    steps = []
    for p, g, v, o in zip(params, grads, square_avg, out):
        v *= h.alpha
        v += (1.0 - h.alpha) * (g * g)
        d = np.divide(-h.learning_rate * g, np.sqrt(v) + h.eps, o)
        p += d
        steps.append(d)
    return steps


def _lerp(start: Array, end: Array, weight: float) -> Array:
    # torch.lerp switches formula at weight 0.5 for accuracy; Adam's 1 - beta1 sits below it.
    if weight < 0.5:
        return start + weight * (end - start)
    return end - (end - start) * (1.0 - weight)


def _adam(params, grads, state, h, out):
    exp_avg = _zeros_buffers("exp_avg", params, state)
    exp_avg_sq = _zeros_buffers("exp_avg_sq", params, state)
    t = state.t
    step_size = h.learning_rate / (1.0 - h.beta1**t)
    bias_correction2_sqrt = math.sqrt(1.0 - h.beta2**t)
    steps = []
    for p, g, m, v, o in zip(params, grads, exp_avg, exp_avg_sq, out):
        m[...] = _lerp(m, g, 1.0 - h.beta1)
        v *= h.beta2
        v += (1.0 - h.beta2) * (g * g)
        denom = np.sqrt(v) / bias_correction2_sqrt + h.eps
        d = np.divide(-step_size * m, denom, o)
        p += d
        steps.append(d)
    return steps


@dataclass(frozen=True)
class Optimizer:
    name: str
    label: str
    rule: str
    update: Callable[[list[Array], list[Array], OptimizerState, Hyper, list], list[Array]]


OPTIMIZERS: dict[str, Optimizer] = {
    o.name: o
    for o in (
        Optimizer("sgd", "SGD", "w ← w − η·g", _sgd),
        Optimizer("momentum", "Momentum", "v ← μ·v + g;  w ← w − η·v", _momentum),
        Optimizer("nesterov", "Nesterov", "v ← μ·v + g;  w ← w − η·(g + μ·v)", _nesterov),
        Optimizer("rmsprop", "RMSprop", "s ← α·s + (1−α)·g²;  w ← w − η·g / (√s + ε)", _rmsprop),
        Optimizer("adam", "Adam",
                  "m ← β₁m + (1−β₁)g;  v ← β₂v + (1−β₂)g²;  w ← w − η·m̂ / (√v̂ + ε)", _adam),
    )
}


def apply(name: str, params: list[Array], grads: list[Array], state: OptimizerState, h: Hyper,
          out: list[Array] | None = None) -> list[Array]:
    """One optimizer step on ``params`` in place; returns the steps taken (same shapes), written into
    ``out`` when given."""
    state.t += 1
    return OPTIMIZERS[name].update(params, grads, state, h, out or [None] * len(params))
