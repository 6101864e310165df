"""Looking inside a trainer: grid maps, one sample's chain rule, 1-D slices, 2-D landscapes, gradient check.

Everything here reads the trainer and leaves it unchanged: parameters are copied before they are
perturbed. "The data" of a probe is the current mini-batch when one has been drawn (so slopes match
the gradients the next update uses) and the whole train set otherwise.
"""
from __future__ import annotations

from dataclasses import replace
from functools import lru_cache

import numpy as np

from engine import features, network
from engine.activations import Array
from engine.config import seed_int
from engine.gradcheck import numeric_gradient, relative_error
from engine.outputs import OUTPUTS


PROBE_POINTS = 256  # a landscape costs size² forward passes: it looks at this many train points at most
CHECK_POINTS = 64  # a gradient check costs two per checked entry: this many points of the batch at most


@lru_cache(maxsize=32)
def _grid_inputs(size: int, names: tuple[str, ...]) -> Array:
    return features.transform(features.grid(size), names)


@lru_cache(maxsize=32)
def _picture_inputs(size: int, names: tuple[str, ...]) -> Array:
    X = np.ascontiguousarray(_grid_inputs(size, names).T, dtype=np.float32)
    X.flags.writeable = False  # one copy serves every session with these features
    return X


def grid_maps(trainer, size: int) -> list[Array]:
    """Every layer's activation over a ``size``×``size`` grid of [-6, 6]²: ``a[l] (size², units)``.

    Layer 0 holds the input features; the last entry is the network's output ``y_hat``.
    """
    X = _grid_inputs(size, tuple(trainer.config.features))
    with np.errstate(all="ignore"):
        return trainer.objective.forward(trainer.params, X).a


def grid_pictures(trainer, size: int) -> list[Array]:
    """``grid_maps`` for drawing: every layer's activation as float32 rows ``(units, size²)``.

    Maps become bytes of 256 colour levels, far coarser than float32's rounding, so the pass runs in
    float32 with units along the rows (the bias then adds along contiguous memory): several times
    cheaper than ``grid_maps``, which a live frame would otherwise pay for on every send."""
    a = _picture_inputs(size, tuple(trainer.config.features))
    layers, params = [a], trainer.params
    last = len(params) - 2
    with np.errstate(all="ignore"):
        for k in range(0, last + 1, 2):
            z = params[k].T.astype(np.float32) @ a
            z += params[k + 1].astype(np.float32)[:, None]
            a = trainer.hidden.f(z) if k < last else trainer.head.f(z.T).T
            layers.append(a)
    return layers


def grad_norms(trainer) -> list[float] | None:
    """‖dW‖₂ for every layer, from the last backward pass (None before one)."""
    if trainer.gradients is None:
        return None
    norms = []
    for g in trainer.gradients.grads[0::2]:
        v = g.ravel()
        norms.append(float(np.sqrt(v.dot(v))))  # np.linalg.norm's own sum, without its checks (every frame)
    return norms


def probe_data(trainer) -> tuple[Array, Array]:
    """Inputs and targets a probe evaluates on: the current batch, else the train set (its first
    ``PROBE_POINTS``, already shuffled)."""
    if trainer.x_batch is not None:
        return trainer.x_batch, trainer.t_batch
    return trainer.X_train[:PROBE_POINTS], trainer.T_train[:PROBE_POINTS]


def backward_params(trainer) -> list[Array]:
    """The parameters the last backward pass saw: the current ones, or, once an update has moved
    them, the current ones minus the step ΔW just taken (equal to the old ones up to rounding)."""
    if trainer.phase == "update" and trainer.steps is not None:
        return [p - s for p, s in zip(trainer.params, trainer.steps)]
    return trainer.params


def trace_sample(trainer, index: int, params: list[Array] | None = None) -> dict:
    """One training sample through the network and back, at ``params`` (default: the current ones).

    Per layer l (1..L): ``weights`` W[l] (fan_in, fan_out) and ``biases`` b[l] the trace used, ``z``,
    ``a``, ``df`` = f'(z) (None for a softmax head), ``delta`` = ∂ℓ/∂z, ``grad_weights`` =
    a[l-1] ⊗ delta (∂ℓ/∂W for this sample alone, without the penalty).
    ``dloss_dyhat`` is ∂ℓ/∂ŷ (None for cross-entropy, whose δ is ŷ − y on the logits).
    """
    params = trainer.params if params is None else params
    x, T = trainer.X_train[index:index + 1], trainer.T_train[index:index + 1]
    head, hidden = trainer.head, trainer.hidden
    sample_loss = replace(trainer.objective, rate=0.0)  # one sample's loss ℓ: no penalty, no 1/N
    with np.errstate(all="ignore"):
        cache = sample_loss.forward(params, x)
        z_out, y_hat = cache.z[-1], cache.a[-1]
        loss = float(sample_loss.losses(cache, T)[0])
        back = sample_loss.gradients(params, cache, T)
        dloss_dyhat = None
        if trainer.config.loss != "cross_entropy":
            dloss_dyhat = trainer.loss_fn.grad(z_out, y_hat, T, OUTPUTS["linear"])[0]
    last = len(cache.a) - 1
    layers = []
    for l in range(1, last + 1):
        if l < last:
            df = hidden.df(cache.z[l], cache.a[l])[0]
        else:
            df = None if trainer.config.output == "softmax" else \
                (head.backward(cache.z[l], y_hat, np.ones_like(y_hat)))[0]
        layers.append({"weights": params[2 * l - 2], "biases": params[2 * l - 1],
                       "z": cache.z[l][0], "a": cache.a[l][0], "df": df, "delta": back.dz[l][0],
                       "grad_weights": back.grads[2 * l - 2], "grad_biases": back.grads[2 * l - 1]})
    return {"index": index, "input": x[0], "target": trainer.display_targets(T)[0], "loss": loss,
            "dloss_dyhat": dloss_dyhat, "layers": layers}


def batch_terms(trainer, layer: int, i: int, j: int) -> dict | None:
    """The batch gradient of weight ``W[layer][i, j]`` as the mean of per-sample terms a_i·δ_j.

    Needs a completed backward phase (None otherwise). ``penalty`` is the regulariser's share.
    """
    if trainer.gradients is None:
        return None
    N = len(trainer.x_batch)
    a_prev = trainer.cache.a[layer][:, i]
    delta = trainer.gradients.dz[layer + 1][:, j] * N  # dz holds d cost / dz = δ_n / N
    terms = a_prev * delta
    total = float(trainer.gradients.grads[2 * layer][i, j])
    return {"indices": trainer.batch_index.tolist(), "a": a_prev.tolist(), "delta": delta.tolist(),
            "terms": terms.tolist(), "mean": float(terms.mean()), "penalty": total - float(terms.mean()),
            "total": total}


def _address(layer: int, kind: str, i: int, j: int | None) -> tuple[int, tuple]:
    """Which array of ``params`` holds weight ``W[layer][i, j]`` or bias ``b[layer][i]``, and where."""
    return 2 * layer + (kind == "bias"), (i,) if kind == "bias" else (i, j)


def loss_slice(trainer, layer: int, kind: str, i: int, j: int | None, span: float | None = None,
               points: int = 81) -> dict:
    """The objective as a function of one parameter, the others fixed, with its tangent and next step."""
    X, T = probe_data(trainer)
    objective = trainer.objective
    array_index, position = _address(layer, kind, i, j)
    params = [p.copy() for p in trainer.params]
    current = float(params[array_index][position])
    with np.errstate(all="ignore"):
        grad = float(objective.gradients_at(params, X, T)[array_index][position])
        lr = trainer.config.learning_rate
        if span is None:  # wide enough to show the next step and the curve's shape around it
            span = max(1.0, 2.0 * abs(lr * grad), 0.5 * abs(current))
        values = current + np.linspace(-span, span, points)
        losses = []
        for value in values:
            params[array_index][position] = value
            losses.append(objective.value(params, X, T))
        params[array_index][position] = current
        loss = objective.value(params, X, T)
    return {"values": values.tolist(), "losses": losses, "current": current,
            "loss": loss, "grad": grad, "learning_rate": lr,
            "next_value": current - lr * grad, "on": "batch" if trainer.x_batch is not None else "train"}


def random_directions(trainer, draw: int = 0) -> tuple[Array, Array]:
    """Two random directions in θ, filter-normalised: each neuron's incoming weights get the norm of the
    current ones; bias directions are zero."""
    rng = np.random.default_rng([seed_int(trainer.config.seed), 3, draw])
    pair = []
    for _ in range(2):
        flat, direction = network.flatten([np.zeros_like(p) for p in trainer.params])
        for W, d in zip(trainer.params[0::2], direction[0::2]):
            d[...] = rng.standard_normal(W.shape)
            d *= np.linalg.norm(W, axis=0) / np.maximum(np.linalg.norm(d, axis=0), 1e-12)
        pair.append(flat)
    return pair[0], pair[1]


def unit_direction(trainer, layer: int, kind: str, i: int, j: int | None) -> Array:
    """The direction in θ along one weight or bias alone."""
    array_index, position = _address(layer, kind, i, j)
    flat, direction = network.flatten([np.zeros_like(p) for p in trainer.params])
    direction[array_index][position] = 1.0
    return flat


def landscape(trainer, d1: Array, d2: Array, size: int = 21, span: float = 1.0) -> dict:
    """The objective on the train set (its first ``PROBE_POINTS``, already shuffled) over
    θ + α·d1 + β·d2 (directions in θ), α, β ∈ [-span, span] (size odd puts the current parameters at the
    centre), and the recent trajectory projected onto the plane."""
    X, T = trainer.X_train[:PROBE_POINTS], trainer.T_train[:PROBE_POINTS]
    theta, shapes, objective = trainer.theta, [p.shape for p in trainer.params], trainer.objective
    steps = np.linspace(-span, span, size)
    grid = np.empty((size, size))
    with np.errstate(all="ignore"):
        for row, beta in enumerate(steps):
            for col, alpha in enumerate(steps):
                grid[row, col] = objective.value(network.views(theta + alpha * d1 + beta * d2, shapes), X, T)
        origin_loss = objective.value(trainer.params, X, T)
    basis = np.stack([d1, d2], 1)
    trajectory = []
    history = [h for h in trainer.history if np.isfinite(h).all()]
    if history and np.isfinite(theta).all() and np.isfinite(basis).all() and np.abs(basis).sum() > 0:
        offsets = np.stack(history) - theta
        coords = np.linalg.lstsq(basis, offsets.T, rcond=None)[0].T
        trajectory = [[float(a), float(b)] for a, b in coords]
    return {"alphas": steps.tolist(), "betas": steps.tolist(),
            "loss": grid.tolist(), "origin_loss": origin_loss, "trajectory": trajectory}


def gradient_check(trainer, max_per_tensor: int = 64) -> list[dict]:
    """Backprop against centred finite differences of the objective on the probe data (engine.gradcheck).

    Per tensor: the relative error over up to ``max_per_tensor`` entries, on up to ``CHECK_POINTS``
    points of the probe data.
    """
    X, T = (data[:CHECK_POINTS] for data in probe_data(trainer))
    objective = trainer.objective
    params = [p.copy() for p in trainer.params]
    report = []
    with np.errstate(all="ignore"):
        analytic = objective.gradients_at(params, X, T)
        for index, p in enumerate(params):
            picks = np.arange(p.size) if p.size <= max_per_tensor else \
                np.linspace(0, p.size - 1, max_per_tensor).astype(int)
            numeric = numeric_gradient(lambda: objective.value(params, X, T), p, entries=picks)
            error = relative_error(analytic[index].reshape(-1)[picks], numeric)
            report.append({"layer": index // 2, "kind": "bias" if index % 2 else "weight",
                           "relative_error": error, "checked": int(len(picks))})
    return report
