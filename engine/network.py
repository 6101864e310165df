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

Buffers. At the sizes of the playground a NumPy call costs more than its arithmetic, and a new array more
than the call. ``forward`` and ``backward`` therefore take an optional ``Buffers``: one array per result
(z, a, dz, da of every layer) for batches of N samples, which they write into instead of allocating. The
trainer's ``step(n)`` keeps one set for the iterations of the call; without it (the phases, evaluation,
the probes) every result is a new array. Either way the same operations run in the same order on the same
inner loops, so the values are the same bit for bit (NaN sign bits too: see ``add_bias``, ``_product``).
"""
from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Callable

import numpy as np

from engine.activations import Activation, Array
from engine.outputs import Output

ZERO = np.zeros(())  # 0.0 as a 0-d array (see batch_sum)
ZERO.flags.writeable = False
# np.dot without its __array_function__ dispatch (a Python call per product, for arguments that are not
# ndarrays; the engine's always are): the C function itself, where NumPy exposes it.
_dot = getattr(np.dot, "_implementation", np.dot)


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


class Buffers:
    """Where one training iteration on a batch of ``n`` samples writes its results, for layer sizes
    ``[D, h1, ..., C]``, and which function makes each matrix product (see ``_product``).

    ``forward[l]`` = (product, where ``a[l-1] @ W[l]`` lands, ``z[l]``, tile (for ``add_bias``), ``a[l]``)
    ``backward[l]`` = (product for dW[l], product for ``da[l-1]``, ``da[l-1]``, ``dz[l-1]``)
    ``dz_out`` = dz[L], and ``n`` (a float64 0-d array);
    ``cache`` and ``gradients``, the ``Cache`` and ``Gradients`` the passes fill (their lists too are reused).
    ``Buffers.fresh(sizes, n)`` has the same products and None for every array: every result a new one.
    """

    def __init__(self, sizes: Sequence[int], n: int, allocate: bool = True):
        new = np.empty if allocate else (lambda shape: None)
        self.n = np.array(float(n)) if allocate else n
        self.forward: list[tuple] = [()]
        self.backward: list[tuple] = [()]
        for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
            z = new((n, fan_out))
            # add_bias: with more than one unit x @ W is made in z and b added from a tile in place; with
            # one, x @ W is made apart and b added as a scalar into z.
            product, tile = (z, new((n, fan_out))) if fan_out > 1 else (new((n, fan_out)), None)
            self.forward.append((_product(fan_in), product, z, tile, new((n, fan_out))))
            self.backward.append((_product(n), _product(fan_out), new((n, fan_in)), new((n, fan_in))))
        self.dz_out = new((n, sizes[-1]))
        if allocate:  # the lists of the passes' results, filled in place too
            layers = len(sizes)
            self.cache = Cache([None] * layers, [None] * layers)
            self.gradients = Gradients([], [None] * layers, [None] * layers)

    @staticmethod
    @functools.lru_cache(maxsize=256)
    def fresh(sizes: tuple[int, ...], n: int) -> "Buffers":
        """No arrays (shared: there is nothing in it to overwrite)."""
        return Buffers(sizes, n, allocate=False)

    @staticmethod
    def sizes_of(params: list[Array]) -> tuple[int, ...]:
        """Layer sizes ``(D, h1, ..., C)`` of ``params``."""
        return (params[0].shape[0], *(W.shape[1] for W in params[0::2]))


def _product(inner: int) -> Callable[..., Array]:
    """The function computing ``A @ B`` as ``np.matmul`` does for an inner dimension ``inner``: ``np.dot``
    when it is above 1 (both then make the same BLAS call, and ``np.dot`` costs a third as long to call),
    else ``np.matmul`` (at 1 ``np.dot`` takes a scalar path that can differ in the sign of a zero or a NaN)."""
    return _dot if inner > 1 else np.matmul


def add_bias(xw: Array, b: Array, out: Array | None = None, tile: Array | None = None) -> Array:
    """``xw + b`` (into ``out``): ``b (F,)`` added to every row of ``xw (N, F)``, in one of two ways that
    take NumPy about half the time of its broadcast of ``b`` on small arrays and run the inner loop that
    broadcast runs, so that the result is the same bit for bit, a NaN's sign bit included:

    - F > 1, with ``tile`` (an (N, F) array; ``out`` is then ``xw``): ``b`` is copied onto every row of the
      tile and the two added, shape for shape — the broadcast too adds row by row, contiguously;
    - F = 1: ``b`` as a 0-d view, the scalar NumPy's broadcast makes of it. A tile there would run the
      contiguous loop instead of the scalar one, which can return the other operand's NaN where both are
      NaN; so can adding in place at N = F = 1 (measured: NumPy 2.4, x86-64). Hence ``out`` apart from ``xw``.
    """
    if tile is not None:
        tile[...] = b
        return np.add(xw, tile, out)
    if len(b) == 1:
        return np.add(xw, b.reshape(()), out)
    return np.add(xw, b, out)


def batch_sum(dz: Array, out: Array | None = None) -> Array:
    """``Σ_n dz[n]`` (into ``out``), as ``np.add.reduce(dz, axis=0)`` computes it; for one sample that is
    0 + dz[0] (the reduction starts from its identity), an add at a third of the reduction's cost."""
    if len(dz) == 1:
        return np.add(ZERO, dz[0], out)
    return np.add.reduce(dz, 0, None, out)


@dataclass
class Cache:
    """What the forward pass leaves for the backward pass and for viewers: ``z[l]``, ``a[l]``."""

    a: list[Array]  # a[0] = x, a[L] = y_hat
    z: list[Array]  # z[0] is None so that z[l] pairs with a[l]


def forward(params: list[Array], x: Array, hidden: Activation, output: Output,
            buffers: Buffers | None = None) -> Cache:
    """Forward pass of ``x (N, D)`` through every layer: input times weight, add a bias, activate
    (into ``buffers`` when given)."""
    last = len(params) // 2
    if buffers is None:
        plan = Buffers.fresh(Buffers.sizes_of(params), len(x)).forward
        cache = Cache([None] * (last + 1), [None] * (last + 1))
    else:
        plan, cache = buffers.forward, buffers.cache
    a, z = cache.a, cache.z
    a[0] = a_l = x
    f = hidden.f
    for l in range(1, last + 1):
        matmul_, product, z_into, tile, a_into = plan[l]
        if l == last:
            f = output.f
        xw = matmul_(a_l, params[2 * l - 2], product)               # input times weight
        z[l] = z_l = add_bias(xw, params[2 * l - 1], z_into, tile)  # add a bias
        a[l] = a_l = f(z_l, a_into)                                 # activate
    return cache


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
             input_grad: bool = True, out: list[Array] | None = None, buffers: Buffers | None = None) -> Gradients:
    """Propagate ``dz_out (N, C)`` = d cost / d z[L] back to the inputs (``da[0]`` only with
    ``input_grad``: training does not need it). The gradients are written into ``out``, views of one flat
    buffer shaped like ``params`` (a new buffer when None); dz and da into ``buffers`` when given."""
    last = len(params) // 2
    grads = out if out is not None else views(np.empty(sum(p.size for p in params)), [p.shape for p in params])
    if buffers is None:
        plan = Buffers.fresh(Buffers.sizes_of(params), len(dz_out)).backward
        gradients = Gradients(grads, [None] * (last + 1), [None] * (last + 1))
    else:
        plan, gradients = buffers.backward, buffers.gradients
        gradients.grads = grads
    dz, da = gradients.dz, gradients.da
    a, z, df = cache.a, cache.z, hidden.df
    dz_l = dz[last] = dz_out
    da[0] = None
    for l in range(last, 0, -1):
        matmul_dw, matmul_da, da_into, dz_into = plan[l]
        matmul_dw(a[l - 1].T, dz_l, grads[2 * l - 2])                # dW = a.T @ dz
        batch_sum(dz_l, grads[2 * l - 1])                            # db = Σ_n dz
        if l > 1 or input_grad:
            da_l = da[l - 1] = matmul_da(dz_l, params[2 * l - 2].T, da_into)  # da = dz @ W.T
            if l > 1:  # dz = da * f'(z), f'(z) computed in place
                dz_l = dz[l - 1] = np.multiply(da_l, df(z[l - 1], a[l - 1], dz_into), dz_into)
    return gradients


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
