"""Activation functions as data: a name, the function, and its derivative beside it.

Every derivative is written in terms of the pre-activation ``z`` and the activation ``a = f(z)``
(whichever is cheaper), and matches PyTorch's autograd exactly, including at the kinks:
ReLU'(0) = 0 and LeakyReLU'(0) = slope, as ``torch.nn.functional`` defines them.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

Array = np.ndarray

LEAKY_SLOPE = 0.01  # torch.nn.LeakyReLU's default negative_slope


@dataclass(frozen=True)
class Activation:
    """``f(z) -> a`` and ``df(z, a) -> f'(z)``, both element-wise on arrays of any shape."""

    name: str
    label: str
    f: Callable[[Array], Array]
    df: Callable[[Array, Array], Array]
    formula: str


def _sigmoid(z: Array) -> Array:
    # PyTorch's formula. For z < -709 exp overflows to inf and the result is the correct 0;
    # callers that may reach there run under np.errstate(over="ignore").
    return 1.0 / (1.0 + np.exp(-z))


def _relu(z: Array) -> Array:
    return np.maximum(z, 0.0)


def _leaky_relu(z: Array) -> Array:
    return np.where(z > 0, z, LEAKY_SLOPE * z)


ACTIVATIONS: dict[str, Activation] = {
    a.name: a
    for a in (
        Activation("tanh", "Tanh", np.tanh, lambda z, a: 1.0 - a * a, "tanh(z)"),
        Activation("relu", "ReLU", _relu, lambda z, a: (z > 0).astype(z.dtype), "max(0, z)"),
        Activation("sigmoid", "Sigmoid", _sigmoid, lambda z, a: a * (1.0 - a), "1 / (1 + e^(−z))"),
        Activation("linear", "Linear", lambda z: z, lambda z, a: np.ones_like(z), "z"),
        Activation(
            "leaky_relu",
            "Leaky ReLU",
            _leaky_relu,
            lambda z, a: np.where(z > 0, 1.0, LEAKY_SLOPE),
            "max(0.01·z, z)",
        ),
    )
}

HIDDEN_ACTIVATIONS = tuple(ACTIVATIONS)


def softmax(z: Array) -> Array:
    """Row-wise softmax of ``z (N, C)``, shifted by the row maximum for stability."""
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def log_softmax(z: Array) -> Array:
    """Row-wise log-softmax of ``z (N, C)``."""
    shifted = z - z.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
