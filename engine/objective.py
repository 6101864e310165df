"""The objective a network is trained on — the batch's mean loss plus the weight penalty — and its gradient.

This is the one place the chain "forward → loss → dl/dz / N → backward → penalty" is written: the
trainer's phases, its fast ``step(n)``, the probes and the tests all call it.

    value(θ; X, T)     = mean_n l(ŷ_n, t_n) + penalty(W)        ŷ = forward(θ, X)
    gradients(θ; X, T) = backward(dz[L] = dl/dz / N) + d penalty / dW

``buffers`` (``network.Buffers``, optional) are where a pass writes its results instead of new arrays:
``Trainer.step(n)`` keeps one set across its iterations. The values do not depend on it.

Nothing here changes NumPy's error state: callers that may overflow (a diverging run) wrap the calls
in ``np.errstate``, once per loop rather than once per call.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine import network
from engine.activations import Activation, Array
from engine.outputs import Loss, Output


@dataclass(frozen=True)
class Objective:
    """A network's objective: hidden activation, output head, loss and penalty (kind, rate λ)."""

    hidden: Activation
    head: Output
    loss: Loss
    regularization: str = "none"
    rate: float = 0.0

    def forward(self, params: list[Array], X: Array, buffers: network.Buffers | None = None) -> network.Cache:
        """``X (N, D)`` through every layer."""
        return network.forward(params, X, self.hidden, self.head, buffers)

    def losses(self, cache: network.Cache, T: Array) -> Array:
        """Per-sample data losses ``l (N,)`` of a forward pass against targets ``T (N, C)``."""
        return self.loss.value(cache.z[-1], cache.a[-1], T)

    def penalty(self, params: list[Array]) -> float:
        return network.penalty(params, self.regularization, self.rate)

    def value(self, params: list[Array], X: Array, T: Array) -> float:
        """Data cost (mean loss) of ``params`` on ``X (N, D)``, ``T (N, C)`` plus the penalty."""
        return float(self.losses(self.forward(params, X), T).mean()) + self.penalty(params)

    def gradients(self, params: list[Array], cache: network.Cache, T: Array, input_grad: bool = True,
                  out: list[Array] | None = None, buffers: network.Buffers | None = None) -> network.Gradients:
        """Gradient of ``value`` at ``params``, from the forward pass ``cache`` of the batch ``T`` belongs to.

        ``out``, ``input_grad`` and ``buffers`` are passed to ``network.backward`` (where the gradients land;
        whether d cost / d x is wanted; where dz and da land).
        """
        z_out, y_hat = cache.z[-1], cache.a[-1]
        if buffers is None:
            dz_out, n = self.loss.grad(z_out, y_hat, T, self.head), len(y_hat)
        else:
            dz_out, n = self.loss.grad(z_out, y_hat, T, self.head, buffers.dz_out), buffers.n
        if len(y_hat) > 1:  # dl/dz / N: the cost is the batch mean (a division by 1 changes no bit)
            np.divide(dz_out, n, dz_out)
        gradients = network.backward(params, cache, dz_out, self.hidden, input_grad, out, buffers)
        network.add_penalty_grads(params, gradients.grads, self.regularization, self.rate)
        return gradients

    def gradients_at(self, params: list[Array], X: Array, T: Array) -> list[Array]:
        """``d value / d params`` on ``X``, ``T`` (a forward pass, then ``gradients``)."""
        return self.gradients(params, self.forward(params, X), T, input_grad=False).grads
