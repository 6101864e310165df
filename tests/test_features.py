"""engine.features: TFP's node order and labels, feature values, transform, grid orientation."""
from __future__ import annotations

import math

import numpy as np
import pytest

from engine.features import FEATURE_ORDER, FEATURES, grid, ordered, transform

POINTS = np.array([[1.0, 2.0], [-0.5, 3.0], [math.pi / 2, -math.pi / 6], [0.0, 0.0]])

EXPECTED = {  # name -> (label, values on POINTS)
    "x": ("X₁", [1.0, -0.5, math.pi / 2, 0.0]),
    "y": ("X₂", [2.0, 3.0, -math.pi / 6, 0.0]),
    "xSquared": ("X₁²", [1.0, 0.25, math.pi**2 / 4, 0.0]),
    "ySquared": ("X₂²", [4.0, 9.0, math.pi**2 / 36, 0.0]),
    "xTimesY": ("X₁X₂", [2.0, -1.5, -math.pi**2 / 12, 0.0]),
    "sinX": ("sin(X₁)", [math.sin(1.0), math.sin(-0.5), 1.0, 0.0]),
    "sinY": ("sin(X₂)", [math.sin(2.0), math.sin(3.0), -0.5, 0.0]),
}


def test_order_is_tfp_node_order():
    assert FEATURE_ORDER == ("x", "y", "xSquared", "ySquared", "xTimesY", "sinX", "sinY")
    assert tuple(FEATURES) == FEATURE_ORDER


@pytest.mark.parametrize("name", FEATURE_ORDER)
def test_label_and_values(name):
    label, values = EXPECTED[name]
    feature = FEATURES[name]
    assert feature.name == name and feature.label == label
    assert np.allclose(feature.f(POINTS[:, 0], POINTS[:, 1]), values, rtol=0, atol=1e-12)


@pytest.mark.parametrize("name", FEATURE_ORDER)
def test_transform_single_feature(name):
    column = transform(POINTS, [name])
    assert column.shape == (len(POINTS), 1) and column.dtype == np.float64
    assert np.allclose(column[:, 0], EXPECTED[name][1], rtol=0, atol=1e-12)


@pytest.mark.parametrize(
    "names, columns",
    [
        (["sinY", "x"], ("x", "sinY")),
        (("xTimesY", "ySquared", "y"), ("y", "ySquared", "xTimesY")),
        (["y", "x", "y"], ("x", "y")),
        (list(reversed(FEATURE_ORDER)), FEATURE_ORDER),
    ],
)
def test_transform_columns_follow_feature_order(names, columns):
    assert ordered(names) == columns
    expected = np.column_stack([EXPECTED[name][1] for name in columns])
    assert np.allclose(transform(POINTS, names), expected, rtol=0, atol=1e-12)


def test_transform_of_no_points_keeps_width():
    assert transform(np.zeros((0, 2)), ["x", "sinX"]).shape == (0, 2)


def test_transform_accepts_integer_points():
    assert transform(np.array([[1, 2]]), ["sinX"]).dtype == np.float64


@pytest.mark.parametrize(
    "points, names, message",
    [
        (POINTS, [], "at least one"),
        (POINTS, ["x", "cosX"], "unknown feature 'cosX'"),
        (POINTS, ["X1"], "unknown feature"),
        (POINTS, "x", "not the string"),
        (np.zeros((3, 3)), ["x"], "shape"),
        (np.zeros(4), ["x"], "shape"),
    ],
)
def test_transform_rejects_bad_input(points, names, message):
    with pytest.raises(ValueError, match=message):
        transform(points, names)


# Grid ------------------------------------------------------------------------------------------


def test_grid_two_by_two_is_top_left_first():
    assert np.array_equal(grid(2), [[-3.0, 3.0], [3.0, 3.0], [-3.0, -3.0], [3.0, -3.0]])


def test_grid_single_cell_is_the_centre():
    assert np.array_equal(grid(1, extent=2.5), [[0.0, 0.0]])


@pytest.mark.parametrize("size, extent", [(100, 6.0), (10, 6.0), (7, 1.0)])
def test_grid_is_row_major_from_top_left(size, extent):
    points = grid(size, extent)
    assert points.shape == (size * size, 2) and points.dtype == np.float64
    image = points.reshape(size, size, 2)  # [row, col]
    step = 2 * extent / size
    assert np.allclose(image[0, 0], [-extent + step / 2, extent - step / 2])  # top-left cell centre
    assert np.allclose(image[-1, -1], [extent - step / 2, -extent + step / 2])  # bottom-right
    assert np.allclose(np.diff(image[:, :, 0], axis=1), step) and np.all(np.diff(image[:, :, 0], axis=0) == 0)
    assert np.allclose(np.diff(image[:, :, 1], axis=0), -step) and np.all(np.diff(image[:, :, 1], axis=1) == 0)
    assert np.all(np.abs(points) < extent)


def test_grid_feeds_transform():
    assert transform(grid(20), FEATURE_ORDER).shape == (400, len(FEATURE_ORDER))


@pytest.mark.parametrize("size, extent", [(0, 6.0), (-3, 6.0), (2.5, 6.0), (True, 6.0), (10, 0.0), (10, -1.0)])
def test_grid_rejects_bad_arguments(size, extent):
    with pytest.raises(ValueError):
        grid(size, extent)
