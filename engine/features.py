"""Input features: functions of the point (x₁, x₂), in TensorFlow Playground's input-node order.

TFP's node order is X₁, X₂, X₁², X₂², X₁X₂, sin(X₁), sin(X₂); keys are TFP's URL keys.
A network's input columns always follow that order, whatever order the names were given in.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Callable

import numpy as np

Array = np.ndarray


@dataclass(frozen=True)
class Feature:
    """``f(x1 (N,), x2 (N,)) -> (N,)``; ``label`` is the input node's display name."""

    name: str
    label: str
    f: Callable[[Array, Array], Array]


FEATURES: dict[str, Feature] = {
    feature.name: feature
    for feature in (
        Feature("x", "X₁", lambda x1, x2: x1),
        Feature("y", "X₂", lambda x1, x2: x2),
        Feature("xSquared", "X₁²", lambda x1, x2: x1 * x1),
        Feature("ySquared", "X₂²", lambda x1, x2: x2 * x2),
        Feature("xTimesY", "X₁X₂", lambda x1, x2: x1 * x2),
        Feature("sinX", "sin(X₁)", lambda x1, x2: np.sin(x1)),
        Feature("sinY", "sin(X₂)", lambda x1, x2: np.sin(x2)),
    )
}

FEATURE_ORDER: tuple[str, ...] = tuple(FEATURES)


def ordered(names: Sequence[str]) -> tuple[str, ...]:
    """The distinct ``names`` sorted into FEATURE_ORDER. Raises ``ValueError`` if empty or unknown."""
    if isinstance(names, str):
        raise ValueError(f"names must be a sequence of feature names, not the string {names!r}")
    unknown = [name for name in names if name not in FEATURES]
    if unknown:
        raise ValueError(f"unknown feature {unknown[0]!r}; known: {', '.join(FEATURE_ORDER)}")
    chosen = tuple(name for name in FEATURE_ORDER if name in names)
    if not chosen:
        raise ValueError("at least one input feature must be selected")
    return chosen


def transform(points: Array, names: Sequence[str]) -> Array:
    """Feature matrix ``(N, F)`` float64 of ``points (N, 2)``.

    Columns follow FEATURE_ORDER restricted to ``names``; the order of ``names`` does not matter.
    """
    points = np.asarray(points, dtype=np.float64)
    if points.ndim != 2 or points.shape[1] != 2:
        raise ValueError(f"points must have shape (N, 2), got {points.shape}")
    x1, x2 = points[:, 0], points[:, 1]
    columns = [FEATURES[name].f(x1, x2) for name in ordered(names)]
    return np.column_stack(columns).astype(np.float64, copy=False)


def grid(size: int, extent: float = 6.0) -> Array:
    """Cell centres of a ``size × size`` grid over [-extent, extent]², shape (size·size, 2).

    Row-major, image orientation: point ``row · size + col`` is the centre of the cell in row ``row``
    counted from the TOP (row 0 nearest y = +extent) and column ``col`` counted from the LEFT (column 0
    nearest x = -extent). So ``grid(size).reshape(size, size, 2)`` indexes like a picture: ``[row, col]``,
    and a map evaluated on it can be drawn straight into a canvas of ``size × size`` pixels.
    """
    if isinstance(size, bool) or not isinstance(size, (int, np.integer)) or size < 1:
        raise ValueError(f"size must be a positive integer, got {size!r}")
    if not extent > 0:
        raise ValueError(f"extent must be positive, got {extent!r}")
    centres = -extent + (np.arange(size) + 0.5) * (2.0 * extent / size)
    x1, x2 = np.meshgrid(centres, centres[::-1])  # x₁ varies along a row, x₂ falls down the rows
    return np.column_stack([x1.ravel(), x2.ravel()])
