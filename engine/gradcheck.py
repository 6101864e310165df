"""Checking a gradient against centred differences: one definition for the probe and for the tests.

    numeric  ∂f/∂θ_i ≈ (f(θ + h·e_i) − f(θ − h·e_i)) / 2h          h = 1e-5, in float64
    relative error   = ‖g − n‖ / max(‖g‖, ‖n‖, 1e-8)              over the entries compared

Below 1e-7 for smooth functions is agreement; a wrong gradient shows as 1e-3 or more. The 1e-8 floor
keeps a gradient that is rightly zero from dividing by zero.
"""
from __future__ import annotations

from typing import Callable

import numpy as np

from engine.activations import Array

H = 1e-5


def numeric_gradient(f: Callable[[], float], array: Array, h: float = H,
                     entries: Array | None = None) -> Array:
    """Centred differences of ``f()`` with respect to entries of ``array``.

    Each entry is perturbed in place and restored, so ``f`` must read ``array`` (or a view of it).
    ``entries`` are flat indices (default: every entry, and the result has ``array``'s shape).
    """
    flat = array.reshape(-1)
    if not np.shares_memory(flat, array):
        raise ValueError("array must be contiguous, so its entries can be perturbed in place")
    picks = np.arange(flat.size) if entries is None else np.asarray(entries)
    numeric = np.empty(len(picks))
    for k, position in enumerate(picks):
        saved = flat[position]
        flat[position] = saved + h
        plus = f()
        flat[position] = saved - h
        minus = f()
        flat[position] = saved
        numeric[k] = (plus - minus) / (2 * h)
    return numeric.reshape(array.shape) if entries is None else numeric


def relative_error(analytic: Array, numeric: Array) -> float:
    """``‖analytic − numeric‖ / max(‖analytic‖, ‖numeric‖, 1e-8)`` over all entries."""
    analytic, numeric = np.asarray(analytic, dtype=np.float64), np.asarray(numeric, dtype=np.float64)
    scale = max(float(np.linalg.norm(analytic)), float(np.linalg.norm(numeric)), 1e-8)
    return float(np.linalg.norm(analytic - numeric)) / scale
