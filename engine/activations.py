"""Activation functions as data: a name, the function, and its derivative beside it.

Every derivative is written in terms of the pre-activation ``z`` and the activation ``a = f(z)``
(whichever is cheaper), and matches PyTorch's autograd exactly, including at the kinks:
ReLU'(0) = 0 and LeakyReLU'(0) = slope, as ``torch.nn.functional`` defines them.

Both take an optional ``out``: an array of ``z``'s shape the result is written into (and returned), so a
training loop can reuse one array per layer instead of allocating. The values are the same bit for bit
either way: the same NumPy operations run in the same order, only where they store differs. (Leaky ReLU,
written with ``np.where``, which has no ``out``, returns a new array regardless; the identity returns ``z``.)
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

Array = np.ndarray

LEAKY_SLOPE = 0.01  # torch.nn.LeakyReLU's default negative_slope
ONE = np.ones(())  # 1.0 as a 0-d array: NumPy takes it in a third less time than the Python float
ONE.flags.writeable = False


@dataclass(frozen=True)
class Activation:
    """``f(z, out=None) -> a`` and ``df(z, a, out=None) -> f'(z)``, both element-wise on arrays of any shape."""

    name: str
    label: str
    f: Callable[..., Array]
    df: Callable[..., Array]
    formula: str


def _sigmoid(z: Array, out: Array | None = None) -> Array:
    # PyTorch's formula 1 / (1 + e^(−z)), one operation at a time. For z < -709 exp overflows to inf and
    # the result is the correct 0; callers that may reach there run under np.errstate(over="ignore").
    s = np.negative(z, out)
    np.exp(s, s)
    np.add(ONE, s, s)
    return np.divide(ONE, s, s)


def _relu(z: Array, out: Array | None = None) -> Array:
    return np.maximum(z, 0.0, out=out)


def _leaky_relu(z: Array, out: Array | None = None) -> Array:
    return np.where(z > 0, z, LEAKY_SLOPE * z)


def _identity(z: Array, out: Array | None = None) -> Array:
    return z


def _tanh_df(z: Array, a: Array, out: Array | None = None) -> Array:
    d = np.multiply(a, a, out)  # 1 − a²
    return np.subtract(ONE, d, d)


def _relu_df(z: Array, a: Array, out: Array | None = None) -> Array:
    return (z > 0).astype(z.dtype) if out is None else np.greater(z, 0.0, out)  # 1.0 where z > 0, else 0.0


def _sigmoid_df(z: Array, a: Array, out: Array | None = None) -> Array:
    d = np.subtract(ONE, a, out)  # a (1 − a)
    return np.multiply(a, d, d)


def _linear_df(z: Array, a: Array, out: Array | None = None) -> Array:
    if out is None:
        return np.ones_like(z)
    out.fill(1.0)
    return out


def _leaky_relu_df(z: Array, a: Array, out: Array | None = None) -> Array:
    return np.where(z > 0, 1.0, LEAKY_SLOPE)


ACTIVATIONS: dict[str, Activation] = {
    a.name: a
    for a in (
        Activation("tanh", "Tanh", np.tanh, _tanh_df, "tanh(z)"),
        Activation("relu", "ReLU", _relu, _relu_df, "max(0, z)"),
        Activation("sigmoid", "Sigmoid", _sigmoid, _sigmoid_df, "1 / (1 + e^(−z))"),
        Activation("linear", "Linear", _identity, _linear_df, "z"),
        Activation("leaky_relu", "Leaky ReLU", _leaky_relu, _leaky_relu_df, "max(0.01·z, z)"),
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
