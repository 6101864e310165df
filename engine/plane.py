"""One plane through a starting point for several runs from it: the loss over the plane and each run's
path projected onto it (a race's landscape).

The plane is spanned by the two main directions of all the paths' displacements from the start (their top
two right singular vectors), so the paths lie in it as far as two dimensions can hold them; before any
path has moved, by two filter-normalised random directions. Coordinates are in units of θ (unit
directions), so distances on the plane are distances in parameter space.
"""
from __future__ import annotations

import numpy as np

from engine.activations import Array


def directions(start: Array, paths: list[Array], fallback: tuple[Array, Array]) -> tuple[Array, Array]:
    """Two orthonormal directions ``(P,)`` for paths ``[(T_k, P)]`` leaving ``start (P,)``."""
    moved = [p - start for p in paths if len(p)]
    offsets = np.concatenate(moved) if moved else np.zeros((0, start.size))
    offsets = offsets[np.isfinite(offsets).all(axis=1)]
    if len(offsets) and np.abs(offsets).max() > 0:
        _, singular, vt = np.linalg.svd(offsets, full_matrices=False)
        if len(singular) > 1 and singular[1] > 1e-12 * singular[0]:
            return vt[0], vt[1]
        first = vt[0]
    else:
        first = fallback[0] / max(np.linalg.norm(fallback[0]), 1e-300)
    second = fallback[1] - (fallback[1] @ first) * first  # a second direction orthogonal to the first
    return first, second / max(np.linalg.norm(second), 1e-300)


def project(start: Array, path: Array, d1: Array, d2: Array) -> list[list[float]]:
    """Each finite point of ``path (T, P)`` as plane coordinates [α, β] around ``start``."""
    finite = path[np.isfinite(path).all(axis=1)]
    offsets = finite - start
    return np.stack([offsets @ d1, offsets @ d2], axis=1).tolist() if len(finite) else []


def surface(objective, start: Array, d1: Array, d2: Array, alphas: Array, betas: Array) -> Array:
    """``objective(θ)`` over start + α·d1 + β·d2: ``(len(betas), len(alphas))``, row k at betas[k]."""
    grid = np.empty((len(betas), len(alphas)))
    for row, beta in enumerate(betas):
        for col, alpha in enumerate(alphas):
            grid[row, col] = objective(start + alpha * d1 + beta * d2)
    return grid


def extent(paths: list[list[list[float]]], minimum: float) -> float:
    """Half the side of a square around the start that holds every projected point, with a margin."""
    reach = max((abs(c) for path in paths for point in path for c in point), default=0.0)
    return max(minimum, 1.25 * reach)
