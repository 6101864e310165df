"""Toy 2-D data sets, named in one registry, with TensorFlow Playground's (TFP's) semantics.

Every generator has the signature ``generate(n, noise, rng) -> (x, y)``:

- ``n`` is the total number of points, ``noise`` a percentage 0..100 exactly as in TFP's URL and UI
  (TFP divides it by 100 before use), ``rng`` an explicit ``np.random.Generator``.
- ``x (n, 2)`` float64, clipped to the visible square [-6, 6]².
- ``y (n,)`` float64. Binary sets: 1.0 is TFP's +1 ("blue"), 0.0 is TFP's −1 ("orange").
  ``spiral3``: the class index 0.0, 1.0 or 2.0. Regression: a real value, roughly in [-1, 1].

Where TFP makes ``n / 2`` points per class, an odd ``n`` gives the extra point to the first class
(TFP itself would produce ``n + 1`` points). Points come out grouped by class; ``split`` shuffles.
"""
from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from typing import Callable

import numpy as np

Array = np.ndarray
Generate = Callable[[int, float, np.random.Generator], tuple[Array, Array]]

EXTENT = 6.0  # data live in [-EXTENT, EXTENT]², the square every view draws
MOON_SCALE = 3.5  # unit half-moons span x in [-1, 2]; 3.5 × 1.5 = 5.25 keeps them inside the square
MOON_JITTER = 0.4  # gaussian σ in unit-moon coordinates at noise = 100 %
PROBLEMS = {"classification": "Classification", "regression": "Regression"}  # name -> label


@dataclass(frozen=True)
class Dataset:
    """A named generator. ``num_classes`` is 2 for binary, 3 for ``spiral3``, 0 for regression."""

    name: str
    problem: str  # a key of PROBLEMS
    num_classes: int
    generate: Generate


def _percent_noise(generate_fraction: Callable[..., tuple[Array, Array]]) -> Generate:
    """Wrap a generator written with TFP's noise fraction 0..1 into the public percent contract.

    Validates ``n`` and ``noise``, divides noise by 100, and clips ``x`` into the visible square.
    """

    @functools.wraps(generate_fraction)
    def generate(n: int, noise: float, rng: np.random.Generator) -> tuple[Array, Array]:
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 0:
            raise ValueError(f"n must be a non-negative integer, got {n!r}")
        if not (isinstance(noise, (int, float, np.number)) and 0 <= noise <= 100):
            raise ValueError(f"noise must be a percentage in [0, 100], got {noise!r}")
        x, y = generate_fraction(int(n), float(noise) / 100.0, rng)
        return np.clip(x, -EXTENT, EXTENT).astype(np.float64), y.astype(np.float64)

    return generate


def _class_sizes(n: int, k: int) -> list[int]:
    """Split ``n`` points into ``k`` near-equal classes; the first classes take the remainder."""
    return [n // k + (1 if c < n % k else 0) for c in range(k)]


def _polar(r: Array, angle: Array) -> Array:
    """Points ``(r sin θ, r cos θ)`` as TFP places them, shape (len(r), 2)."""
    return np.column_stack([r * np.sin(angle), r * np.cos(angle)])


# Classification --------------------------------------------------------------------------------


@_percent_noise
def circle(n: int, noise: float, rng: np.random.Generator) -> tuple[Array, Array]:
    """Blue disc r < 2.5 inside an orange ring 3.5 < r < 5.

    Noise does not move a point: it shifts the point that decides its label by U(-5, 5)·noise.
    """
    radius = 5.0
    n_inner, n_outer = _class_sizes(n, 2)
    r_inner = rng.uniform(0.0, radius * 0.5, n_inner)
    r = np.concatenate([r_inner, rng.uniform(radius * 0.7, radius, n_outer)])
    x = _polar(r, rng.uniform(0.0, 2 * np.pi, n))
    shifted = x + rng.uniform(-radius, radius, (n, 2)) * noise
    y = np.hypot(shifted[:, 0], shifted[:, 1]) < radius * 0.5
    return x, y


@_percent_noise
def xor(n: int, noise: float, rng: np.random.Generator) -> tuple[Array, Array]:
    """Uniform on [-5, 5]², pushed 0.3 away from both axes; blue where x₁·x₂ ≥ 0.

    Noise shifts the label-deciding point by U(-5, 5)·noise; the drawn point stays put.
    """
    x = rng.uniform(-5.0, 5.0, (n, 2))
    x += np.where(x > 0, 0.3, -0.3)
    shifted = x + rng.uniform(-5.0, 5.0, (n, 2)) * noise
    y = shifted[:, 0] * shifted[:, 1] >= 0
    return x, y


@_percent_noise
def gauss(n: int, noise: float, rng: np.random.Generator) -> tuple[Array, Array]:
    """Two gaussian blobs: blue around (2, 2), orange around (-2, -2); variance 0.5 + 7·noise."""
    n_blue, n_orange = _class_sizes(n, 2)
    sigma = math.sqrt(0.5 + 7.0 * noise)
    centres = np.repeat([[2.0, 2.0], [-2.0, -2.0]], [n_blue, n_orange], axis=0)
    x = centres + rng.normal(0.0, sigma, (n, 2))
    y = np.repeat([1.0, 0.0], [n_blue, n_orange])
    return x, y


def _spiral_arm(m: int, delta_t: float, noise: float, rng: np.random.Generator) -> Array:
    """``m`` points along one arm: r = 5·i/m, θ = 1.75·2π·i/m + Δθ, jittered by U(-1, 1)·noise."""
    fraction = np.arange(m) / max(m, 1)
    x = _polar(5.0 * fraction, 1.75 * 2 * np.pi * fraction + delta_t)
    return x + rng.uniform(-1.0, 1.0, (m, 2)) * noise


def _spiral_arms(n: int, noise: float, rng: np.random.Generator, labels: list[float]) -> tuple[Array, Array]:
    """One arm per label, arms rotated by 2π / len(labels); arm c carries ``labels[c]``."""
    k = len(labels)
    sizes = _class_sizes(n, k)
    arms = [_spiral_arm(m, 2 * np.pi * c / k, noise, rng) for c, m in enumerate(sizes)]
    return np.concatenate(arms), np.repeat(labels, sizes)


@_percent_noise
def spiral(n: int, noise: float, rng: np.random.Generator) -> tuple[Array, Array]:
    """Two interleaved spiral arms: blue at Δθ = 0, orange at Δθ = π."""
    return _spiral_arms(n, noise, rng, [1.0, 0.0])


@_percent_noise
def spiral3(n: int, noise: float, rng: np.random.Generator) -> tuple[Array, Array]:
    """Three spiral arms at Δθ = 0, 2π/3, 4π/3 labelled 0, 1, 2 (class index as float64)."""
    return _spiral_arms(n, noise, rng, [0.0, 1.0, 2.0])


@_percent_noise
def moons(n: int, noise: float, rng: np.random.Generator) -> tuple[Array, Array]:
    """Two interleaved half-moons: blue upper arc, orange lower arc, scaled ×3.5 about their centre.

    Noise is gaussian jitter on position, σ = 0.4·noise in unit-moon coordinates (1.4·noise here).
    """
    n_upper, n_lower = _class_sizes(n, 2)
    t_upper, t_lower = rng.uniform(0.0, np.pi, n_upper), rng.uniform(0.0, np.pi, n_lower)
    upper = np.column_stack([np.cos(t_upper), np.sin(t_upper)])
    lower = np.column_stack([1.0 - np.cos(t_lower), 0.5 - np.sin(t_lower)])
    unit = np.concatenate([upper, lower]) + rng.normal(0.0, MOON_JITTER * noise, (n, 2))
    x = (unit - [0.5, 0.25]) * MOON_SCALE
    y = np.repeat([1.0, 0.0], [n_upper, n_lower])
    return x, y


# Regression ------------------------------------------------------------------------------------

GAUSSIAN_CENTRES = np.array(  # (cx, cy, sign): two rows of three, alternating sign
    [[-4.0, 2.5, 1.0], [0.0, 2.5, -1.0], [4.0, 2.5, 1.0],
     [-4.0, -2.5, -1.0], [0.0, -2.5, 1.0], [4.0, -2.5, -1.0]]
)


def _uniform_with_shift(n: int, noise: float, rng: np.random.Generator) -> tuple[Array, Array]:
    """Points uniform on [-6, 6]² and the label-deciding points shifted by U(-6, 6)·noise."""
    x = rng.uniform(-EXTENT, EXTENT, (n, 2))
    return x, x + rng.uniform(-EXTENT, EXTENT, (n, 2)) * noise


@_percent_noise
def reg_plane(n: int, noise: float, rng: np.random.Generator) -> tuple[Array, Array]:
    """Label (x₁ + x₂) / 10 of the noise-shifted point: a tilted plane, in [-1.2, 1.2] without noise."""
    x, shifted = _uniform_with_shift(n, noise, rng)
    return x, shifted.sum(axis=1) / 10.0


def gaussian_bumps(points: Array) -> Array:
    """reg-gauss's label for ``points (N, 2)``, shape (N,).

    Each centre gives ``sign · max(0, 1 − d/2)`` (a cone of radius 2); the label is the one with the
    largest magnitude, the first centre winning ties, 0 far from every centre.
    """
    d = np.linalg.norm(points[:, None, :] - GAUSSIAN_CENTRES[None, :, :2], axis=2)
    values = GAUSSIAN_CENTRES[:, 2] * np.clip(1.0 - d / 2.0, 0.0, 1.0)
    strongest = np.argmax(np.abs(values), axis=1)
    return values[np.arange(len(points)), strongest]


@_percent_noise
def reg_gauss(n: int, noise: float, rng: np.random.Generator) -> tuple[Array, Array]:
    """Six signed bumps in two rows of three, alternating sign; label of the noise-shifted point."""
    x, shifted = _uniform_with_shift(n, noise, rng)
    return x, gaussian_bumps(shifted)


DATASETS: dict[str, Dataset] = {
    d.name: d
    for d in (
        Dataset("circle", "classification", 2, circle),
        Dataset("xor", "classification", 2, xor),
        Dataset("gauss", "classification", 2, gauss),
        Dataset("spiral", "classification", 2, spiral),
        Dataset("moons", "classification", 2, moons),
        Dataset("spiral3", "classification", 3, spiral3),
        Dataset("reg-plane", "regression", 0, reg_plane),
        Dataset("reg-gauss", "regression", 0, reg_gauss),
    )
}


# User data, split, and the one-call helper ------------------------------------------------------


def make_custom(points: object, num_classes: int = 2) -> tuple[Array, Array]:
    """Validate user points ``[[x1, x2, label], ...]`` and return ``x (N, 2)``, ``y (N,)`` float64.

    Coordinates must be finite and inside [-6, 6]². With ``num_classes > 0`` labels must be class
    indices 0..num_classes-1 (binary: 1 = blue, 0 = orange); with ``num_classes == 0`` (regression)
    any finite real. Raises ``ValueError`` naming the first problem found.
    """
    try:
        table = np.asarray(points, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise ValueError(f"points must be a list of [x, y, label] numbers: {error}") from None
    if table.ndim != 2 or table.shape[1] != 3:
        raise ValueError(f"points must be a list of [x, y, label] triples, got shape {table.shape}")
    if len(table) == 0:
        raise ValueError("points must contain at least one [x, y, label] triple")
    bad = np.flatnonzero(~np.isfinite(table).all(axis=1))
    if bad.size:
        raise ValueError(f"point {bad[0]} has a non-finite value: {table[bad[0]].tolist()}")
    x, y = table[:, :2], table[:, 2]
    bad = np.flatnonzero((np.abs(x) > EXTENT).any(axis=1))
    if bad.size:
        raise ValueError(f"point {bad[0]} lies outside [-6, 6]²: {x[bad[0]].tolist()}")
    if num_classes > 0:
        bad = np.flatnonzero((y != np.round(y)) | (y < 0) | (y >= num_classes))
        if bad.size:
            expected = f"a class index 0..{num_classes - 1}"
            raise ValueError(f"point {bad[0]} has label {y[bad[0]]:g}; expected {expected}")
    return x.copy(), y.copy()


Splits = tuple[Array, Array, Array, Array]


def split(x: Array, y: Array, train_percent: float, rng: np.random.Generator) -> Splits:
    """Shuffle ``x (N, 2)``, ``y (N,)`` together; the first floor(N·train_percent/100) are train.

    Returns ``x_train, y_train, x_test, y_test`` (TFP: Fisher–Yates shuffle, then cut).
    """
    if len(x) != len(y):
        raise ValueError(f"x and y must have the same length, got {len(x)} and {len(y)}")
    if not 0 <= train_percent <= 100:
        raise ValueError(f"train_percent must be in [0, 100], got {train_percent!r}")
    order = rng.permutation(len(x))
    n_train = math.floor(len(x) * train_percent / 100)
    train, test = order[:n_train], order[n_train:]
    return x[train], y[train], x[test], y[test]


def make_data(name: str, n: int, noise: float, train_percent: float, rng: np.random.Generator) -> Splits:
    """Generate ``n`` points of ``DATASETS[name]`` and split them: ``x_train, y_train, x_test, y_test``."""
    if name not in DATASETS:
        raise ValueError(f"unknown dataset {name!r}; known: {', '.join(DATASETS)}")
    x, y = DATASETS[name].generate(n, noise, rng)
    return split(x, y, train_percent, rng)
