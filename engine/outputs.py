"""Output heads and losses, defined exactly as PyTorch defines them.

An output head turns the last pre-activation ``z (N, C)`` into the prediction ``y_hat (N, C)`` and knows
how labels become the targets ``T (N, C)`` the loss compares against. A loss gives the per-sample loss
``l_n`` and its derivative ``dl_n/dz`` (per sample, not yet divided by the batch size); the cost is the
mean of ``l_n`` over the mini-batch, so its gradient is ``dl/dz / N``.

Per-sample loss for C outputs averages over the C outputs, so the cost equals ``nn.MSELoss`` /
``nn.L1Loss`` with ``reduction="mean"`` over all N·C elements.

As for the activations, ``f``, ``backward`` and a loss's ``grad`` take an optional ``out`` array the result
is written into (same values bit for bit; softmax allocates regardless).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from engine.activations import ACTIVATIONS, Array, log_softmax, softmax


@dataclass(frozen=True)
class Output:
    """An output activation with its vector-Jacobian product and its target encoding."""

    name: str
    label: str
    formula: str  # y_hat as a function of z, for a learner
    f: Callable[..., Array]  # (z, out=None) -> y_hat
    backward: Callable[..., Array]  # (z, y_hat, d y_hat, out=None) -> dz
    targets: Callable[[Array, int], Array]  # (labels (N,), C) -> T (N, C)
    problems: tuple[str, ...]


def _elementwise_backward(name: str) -> Callable[[Array, Array, Array], Array]:
    df = ACTIVATIONS[name].df
    return lambda z, y_hat, d_y_hat, out=None: np.multiply(d_y_hat, df(z, y_hat), out)


def _softmax_backward(z: Array, y_hat: Array, d_y_hat: Array, out: Array | None = None) -> Array:
    # Jacobian of softmax: dz_i = s_i (g_i - sum_k g_k s_k).
    return np.multiply(y_hat, d_y_hat - (d_y_hat * y_hat).sum(axis=1, keepdims=True), out)


def _softmax(z: Array, out: Array | None = None) -> Array:
    return softmax(z)


def _column(labels: Array, num_outputs: int) -> Array:
    return labels.reshape(-1, 1).astype(np.float64)


def _signed_column(labels: Array, num_outputs: int) -> Array:
    return 2.0 * labels.reshape(-1, 1) - 1.0


def _one_hot(labels: Array, num_outputs: int) -> Array:
    return np.eye(num_outputs)[labels.astype(np.int64)]


OUTPUTS: dict[str, Output] = {
    o.name: o
    for o in (
        Output("sigmoid", "Sigmoid (labels 0/1)", "σ(z)", ACTIVATIONS["sigmoid"].f,
               _elementwise_backward("sigmoid"), _column, ("classification",)),
        Output("tanh", "Tanh (labels ±1)", "tanh(z)", ACTIVATIONS["tanh"].f,
               _elementwise_backward("tanh"), _signed_column, ("classification",)),
        Output("softmax", "Softmax (class index)", "softmax of every output's z", _softmax,
               _softmax_backward, _one_hot, ("classification",)),
        Output("linear", "Linear", "z", ACTIVATIONS["linear"].f,
               _elementwise_backward("linear"), _column, ("regression",)),
    )
}


def num_outputs(output: str, num_classes: int) -> int:
    """Width of the output layer: one unit, or one per class for softmax."""
    return num_classes if output == "softmax" else 1


@dataclass(frozen=True)
class Loss:
    """``value(z, y_hat, T) -> l (N,)`` and ``grad(z, y_hat, T, output, out=None) -> dl/dz (N, C)``."""

    name: str
    label: str
    formula: str
    value: Callable[[Array, Array, Array], Array]
    grad: Callable[..., Array]


def _mse(z, y_hat, T):
    return ((y_hat - T) ** 2).mean(axis=1)


def _mse_grad(z, y_hat, T, output, out=None):
    return output.backward(z, y_hat, 2.0 * (y_hat - T) / T.shape[1], out)


def _half_mse(z, y_hat, T):
    return 0.5 * ((y_hat - T) ** 2).mean(axis=1)


def _half_mse_grad(z, y_hat, T, output, out=None):
    return output.backward(z, y_hat, (y_hat - T) / T.shape[1], out)


def _mae(z, y_hat, T):
    return np.abs(y_hat - T).mean(axis=1)


def _mae_grad(z, y_hat, T, output, out=None):
    return output.backward(z, y_hat, np.sign(y_hat - T) / T.shape[1], out)


def _cross_entropy(z, y_hat, T):
    if z.shape[1] == 1:  # BCEWithLogitsLoss on the logit, in its overflow-free form
        return (np.maximum(z, 0.0) - z * T + np.log1p(np.exp(-np.abs(z))))[:, 0]
    return -(T * log_softmax(z)).sum(axis=1)  # CrossEntropyLoss on the logits


def _cross_entropy_grad(z, y_hat, T, output, out=None):
    # Both forms differentiate to prediction minus target with respect to the logits.
    return np.subtract(y_hat, T, out)


LOSSES: dict[str, Loss] = {
    l.name: l
    for l in (
        Loss("mse", "MSE", "mean (ŷ − y)²", _mse, _mse_grad),
        Loss("half_mse", "½ MSE", "½ · mean (ŷ − y)²", _half_mse, _half_mse_grad),
        Loss("mae", "MAE", "mean |ŷ − y|", _mae, _mae_grad),
        Loss("cross_entropy", "Cross-entropy", "−Σ y log ŷ (on the logits)",
             _cross_entropy, _cross_entropy_grad),
    )
}


def check_head(problem: str, num_classes: int, output: str, loss: str) -> None:
    """Raise ValueError when the output head and the loss do not fit the problem."""
    head = OUTPUTS[output]
    if problem not in head.problems:
        raise ValueError(f"output '{output}' does not fit a {problem} problem")
    if output in ("sigmoid", "tanh") and num_classes > 2:
        raise ValueError(f"output '{output}' has one unit; a {num_classes}-class dataset needs 'softmax'")
    if loss == "cross_entropy" and output not in ("sigmoid", "softmax"):
        raise ValueError("loss 'cross_entropy' needs output 'sigmoid' or 'softmax'")
