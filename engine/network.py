"""The multilayer perceptron: parameters, initialisation, and the forward/backward pair.

Glossary (one per layer l = 1..L, input side first):
    a[0] = x (N, D)           the inputs after the feature transform
    z[l] = a[l-1] @ W[l] + b[l]   "input times weight, add a bias"
    a[l] = f(z[l])            "activate" (the output head's f for the last layer)
    W[l] (fan_in, fan_out), b[l] (fan_out,)
Backward, from dz[L] = d cost / d z[L]:
    dW[l] = a[l-1].T @ dz[l],  db[l] = sum_n dz[l],  da[l-1] = dz[l] @ W[l].T,  dz[l-1] = da[l-1] * f'(z[l-1])

θ is one flat vector. A trainer keeps all parameters in one float64 vector θ, and ``params``
``[W1, b1, W2, b2, ...]`` are views of it in their shapes (``flatten``); gradients are written into views of
one flat buffer of the same layout (``backward``'s ``out``). Writing a view writes θ, so a viewer reads
``W[l]`` while the optimizer moves all of θ in a handful of vector operations, and a parameter snapshot,
a landscape direction or an optimizer buffer is one vector. Code outside the engine sees only the views.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from engine.activations import Activation, Array
from engine.outputs import Output


def _uniform(fan_in, fan_out, rng):
    return rng.uniform(-0.5, 0.5, size=(fan_in, fan_out)), np.full(fan_out, 0.1)


def _xavier(fan_in, fan_out, rng):
    bound = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-bound, bound, size=(fan_in, fan_out)), np.zeros(fan_out)


def _he(fan_in, fan_out, rng):
    return rng.normal(0.0, np.sqrt(2.0 / fan_in), size=(fan_in, fan_out)), np.zeros(fan_out)


def _zeros(fan_in, fan_out, rng):
    return np.zeros((fan_in, fan_out)), np.zeros(fan_out)


@dataclass(frozen=True)
class Init:
    """A weight initialisation: ``draw(fan_in, fan_out, rng) -> (W, b)``; ``label`` names it for a learner."""

    name: str
    label: str
    draw: Callable[[int, int, np.random.Generator], tuple[Array, Array]]


INITS: dict[str, Init] = {i.name: i for i in (
    Init("xavier", "Xavier (Glorot uniform)", _xavier),  # b = 0
    Init("he", "He (normal)", _he),                      # N(0, 2 / fan_in), b = 0
    Init("uniform", "Uniform ±0.5 (TFP)", _uniform),     # TensorFlow Playground: W ~ U[-0.5, 0.5), b = 0.1
    Init("zeros", "Zeros (symmetric)", _zeros),          # everything 0: every neuron of a layer stays identical
)}


def init_params(sizes: list[int], scheme: str, rng: np.random.Generator) -> list[Array]:
    """Flat parameter list ``[W1, b1, W2, b2, ...]`` for layer sizes ``[D, h1, ..., C]``."""
    params: list[Array] = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        W, b = INITS[scheme].draw(fan_in, fan_out, rng)
        params += [W, b]
    return params


def flatten(arrays: list[Array]) -> tuple[Array, list[Array]]:
    """One flat vector θ holding ``arrays``, and views of it in their shapes: writing either writes both."""
    flat = np.concatenate([a.ravel() for a in arrays]) if arrays else np.zeros(0)
    return flat, views(flat, [a.shape for a in arrays])


def views(flat: Array, shapes: list[tuple[int, ...]]) -> list[Array]:
    """``flat`` cut into consecutive views of the given shapes."""
    out, start = [], 0
    for shape in shapes:
        size = int(np.prod(shape))
        out.append(flat[start:start + size].reshape(shape))
        start += size
    return out


@dataclass
class Cache:
    """What the forward pass leaves for the backward pass and for viewers: ``z[l]``, ``a[l]``."""

    a: list[Array]  # a[0] = x, a[L] = y_hat
    z: list[Array]  # z[0] is None so that z[l] pairs with a[l]


def forward(params: list[Array], x: Array, hidden: Activation, output: Output) -> Cache:
    """Forward pass of ``x (N, D)`` through every layer: input times weight, add a bias, activate."""
    a, z = [x], [None]
    last = len(params) - 2
    for k in range(0, last + 1, 2):
        z_l = a[-1] @ params[k] + params[k + 1]
        z.append(z_l)
        a.append(hidden.f(z_l) if k < last else output.f(z_l))
    return Cache(a, z)


def predict(params: list[Array], x: Array, hidden: Activation, output: Output) -> Array:
    """``y_hat (N, C)`` without keeping the cache."""
    return forward(params, x, hidden, output).a[-1]


@dataclass
class Gradients:
    """``grads`` parallels ``params``; ``dz[l]``, ``da[l]`` per layer (index 0 is the input)."""

    grads: list[Array]
    dz: list[Array | None]
    da: list[Array | None]


def backward(params: list[Array], cache: Cache, dz_out: Array, hidden: Activation,
             input_grad: bool = True, out: list[Array] | None = None) -> Gradients:
    """Propagate ``dz_out (N, C)`` = d cost / d z[L] back to the inputs (``da[0]`` only with
    ``input_grad``: training does not need it). The gradients are written into ``out``, views of one flat
    buffer shaped like ``params`` (a new buffer when None)."""
    last = len(params) // 2
    grads = out if out is not None else views(np.empty(sum(p.size for p in params)), [p.shape for p in params])
    dz: list[Array | None] = [None] * (last + 1)
    da: list[Array | None] = [None] * (last + 1)
    a, z, df = cache.a, cache.z, hidden.df
    dz_l = dz[last] = dz_out
    for l in range(last, 0, -1):
        np.matmul(a[l - 1].T, dz_l, out=grads[2 * l - 2])
        np.add.reduce(dz_l, axis=0, out=grads[2 * l - 1])
        if l > 1:
            da[l - 1] = dz_l @ params[2 * l - 2].T
            dz_l = dz[l - 1] = da[l - 1] * df(z[l - 1], a[l - 1])
        elif input_grad:
            da[0] = dz_l @ params[0].T
    return Gradients(grads, dz, da)


@dataclass(frozen=True)
class Regularization:
    """A penalty on the weights: ``formula`` is what it adds to the cost at rate λ."""

    name: str
    label: str
    formula: str


REGULARIZATIONS: dict[str, Regularization] = {r.name: r for r in (
    Regularization("none", "None", "0"),
    Regularization("L1", "L1", "λ·Σ|w|"),
    Regularization("L2", "L2", "λ·½Σw²"),
)}


def penalty(params: list[Array], kind: str, rate: float) -> float:
    """Regularisation term over the weights only: L1 rate·Σ|w|, L2 rate·½Σw²."""
    if kind == "none" or rate == 0:
        return 0.0
    weights = params[0::2]
    if kind == "L1":
        return rate * float(sum(np.abs(W).sum() for W in weights))
    return 0.5 * rate * float(sum((W * W).sum() for W in weights))


def add_penalty_grads(params: list[Array], grads: list[Array], kind: str, rate: float) -> None:
    """Add the penalty's gradient to the weight gradients in place (biases are never regularised)."""
    if kind == "none" or rate == 0:
        return
    for i in range(0, len(params), 2):
        grads[i] += rate * (np.sign(params[i]) if kind == "L1" else params[i])


def layer_sizes(num_features: int, hidden_layers: list[int], num_outputs: int) -> list[int]:
    return [num_features, *hidden_layers, num_outputs]
