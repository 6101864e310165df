"""engine.datasets: shapes, TFP semantics of every generator, noise, determinism, split, custom data."""
from __future__ import annotations

import math

import numpy as np
import pytest

from engine.datasets import DATASETS, gaussian_bumps, make_custom, make_data, split

NAMES = tuple(DATASETS)
BINARY = tuple(name for name, d in DATASETS.items() if d.num_classes == 2)
EXACTLY_HALVED = ("circle", "gauss", "spiral", "moons")  # class sizes fixed by construction (circle at noise 0)
LABEL_ONLY_NOISE = ("circle", "xor", "reg-plane", "reg-gauss")  # TFP: noise moves the label, not the point


def generate(name: str, n: int = 500, noise: float = 0, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    return DATASETS[name].generate(n, noise, np.random.default_rng(seed))


# Registry --------------------------------------------------------------------------------------


def test_registry_holds_the_documented_sets():
    assert set(NAMES) == {"circle", "xor", "gauss", "spiral", "moons", "spiral3", "reg-plane", "reg-gauss"}


@pytest.mark.parametrize("name", NAMES)
def test_entry_is_consistent(name):
    d = DATASETS[name]
    assert d.name == name
    expected = {"spiral3": ("classification", 3), "reg-plane": ("regression", 0), "reg-gauss": ("regression", 0)}
    assert (d.problem, d.num_classes) == expected.get(name, ("classification", 2))


# Shapes, dtypes, range, labels -----------------------------------------------------------------


@pytest.mark.parametrize("noise", [0, 25, 50, 100])
@pytest.mark.parametrize("n", [0, 1, 7, 500])
@pytest.mark.parametrize("name", NAMES)
def test_shapes_dtypes_and_range(name, n, noise):
    x, y = generate(name, n, noise)
    assert x.shape == (n, 2) and y.shape == (n,)
    assert x.dtype == np.float64 and y.dtype == np.float64
    assert np.all(np.isfinite(x)) and np.all(np.isfinite(y))
    assert np.all(np.abs(x) <= 6.0)
    k = DATASETS[name].num_classes
    if k:
        assert set(np.unique(y)) <= set(range(k))


@pytest.mark.parametrize("name", NAMES)
def test_every_class_is_present(name):
    k = DATASETS[name].num_classes
    _, y = generate(name, 300, 30)
    if k:
        assert set(np.unique(y)) == set(range(k))
    else:
        assert y.min() < 0 < y.max()


@pytest.mark.parametrize("n", [500, 12, 7])
@pytest.mark.parametrize(
    "name, noise", [(name, noise) for name in EXACTLY_HALVED for noise in (0, 50) if (name, noise) != ("circle", 50)]
)
def test_binary_classes_split_like_tfp(name, noise, n):
    _, y = generate(name, n, noise)
    assert (y == 1).sum() == n - n // 2 and (y == 0).sum() == n // 2


@pytest.mark.parametrize("n", [300, 301, 302])
def test_spiral3_arms_are_near_equal(n):
    _, y = generate("spiral3", n, 10)
    assert [int((y == c).sum()) for c in range(3)] == [n // 3 + (c < n % 3) for c in range(3)]


def test_xor_classes_are_roughly_balanced():
    _, y = generate("xor", 2000, 0)
    assert 0.45 < y.mean() < 0.55


# Determinism -----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_same_seed_same_bytes_other_seed_other_data(name):
    x1, y1 = generate(name, 200, 20, seed=7)
    x2, y2 = generate(name, 200, 20, seed=7)
    x3, _ = generate(name, 200, 20, seed=8)
    assert x1.tobytes() == x2.tobytes() and y1.tobytes() == y2.tobytes()
    assert x1.tobytes() != x3.tobytes()


# TFP semantics, noise-free ---------------------------------------------------------------------


def test_circle_inner_disc_is_blue_outer_ring_orange():
    x, y = generate("circle", 1000, 0)
    r = np.hypot(x[:, 0], x[:, 1])
    assert np.array_equal(y == 1, r < 2.5)
    assert r[y == 1].max() <= 2.5 and 3.5 <= r[y == 0].min() and r.max() <= 5.0


def test_xor_label_is_sign_of_product_and_points_avoid_axes():
    x, y = generate("xor", 1000, 0)
    assert np.array_equal(y == 1, x[:, 0] * x[:, 1] >= 0)
    assert np.all((np.abs(x) >= 0.3) & (np.abs(x) <= 5.3))


@pytest.mark.parametrize("noise, variance", [(0, 0.5), (20, 0.5 + 7 * 0.2), (50, 4.0)])
def test_gauss_centres_and_variance(noise, variance):
    x, y = generate("gauss", 4000, noise)
    for label, centre in [(1, 2.0), (0, -2.0)]:
        blob = x[y == label]
        assert np.allclose(blob.mean(axis=0), centre, atol=0.15)
        if noise < 50:  # at 50 % the [-6, 6] clip starts to shrink the spread
            assert np.allclose(blob.var(axis=0), variance, rtol=0.1)


def test_gauss_is_clipped_to_the_square_at_full_noise():
    x, _ = generate("gauss", 2000, 100)
    assert np.any(np.abs(x) == 6.0)


@pytest.mark.parametrize("name, offsets", [("spiral", {1: 0.0, 0: math.pi}), ("spiral3", {0: 0.0, 1: 2.09, 2: 4.19})])
def test_spiral_points_lie_on_their_arm(name, offsets):
    x, y = generate(name, 600, 0)
    r = np.hypot(x[:, 0], x[:, 1])
    angle = np.arctan2(x[:, 0], x[:, 1])  # TFP places points at (r sin θ, r cos θ)
    for label, delta in offsets.items():
        on_arm = (y == label) & (r > 1e-9)
        expected = 1.75 * 2 * math.pi * r[on_arm] / 5.0 + delta
        wrapped = np.angle(np.exp(1j * (angle[on_arm] - expected)))
        assert np.all(np.abs(wrapped) < 0.01), label
    assert r.max() < 5.0


def test_spiral_radii_step_evenly_along_each_arm():
    x, y = generate("spiral", 10, 0)
    r = np.hypot(x[:, 0], x[:, 1])
    assert np.allclose(r[y == 1], [0, 1, 2, 3, 4]) and np.allclose(r[y == 0], [0, 1, 2, 3, 4])


def test_moons_lie_on_two_interleaved_unit_arcs():
    x, y = generate("moons", 1000, 0)
    unit = x / 3.5 + [0.5, 0.25]
    upper, lower = unit[y == 1], unit[y == 0]
    assert np.allclose(np.hypot(upper[:, 0], upper[:, 1]), 1.0) and np.all(upper[:, 1] >= -1e-12)
    assert np.allclose(np.hypot(1 - lower[:, 0], 0.5 - lower[:, 1]), 1.0) and np.all(lower[:, 1] <= 0.5 + 1e-12)


def test_reg_plane_label_is_scaled_sum():
    x, y = generate("reg-plane", 500, 0)
    assert np.allclose(y, (x[:, 0] + x[:, 1]) / 10)
    assert np.all(np.abs(x) <= 6.0) and x.min() < -5.5 and x.max() > 5.5


@pytest.mark.parametrize(
    "point, label",
    [((-4, 2.5), 1.0), ((0, 2.5), -1.0), ((4, -2.5), -1.0), ((0, -2.5), 1.0), ((-4, 1.5), 0.5),
     ((1, 2.5), -0.5), ((0, 0), 0.0), ((6, 6), 0.0), ((-2, 2.5), 0.0)],
)
def test_reg_gauss_bumps(point, label):
    assert gaussian_bumps(np.array([point], dtype=float)) == pytest.approx([label])


def test_reg_gauss_label_follows_the_bumps():
    x, y = generate("reg-gauss", 500, 0)
    assert np.allclose(y, gaussian_bumps(x))
    assert np.all(np.abs(y) <= 1.0) and y.max() > 0.5 and y.min() < -0.5


# Noise -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", LABEL_ONLY_NOISE)
def test_noise_changes_labels_but_not_points(name):
    x0, y0 = generate(name, 500, 0, seed=3)
    x1, y1 = generate(name, 500, 40, seed=3)
    assert np.array_equal(x0, x1)
    if DATASETS[name].num_classes:
        assert 0.02 < np.mean(y0 != y1) < 0.5
    else:
        assert np.mean(~np.isclose(y0, y1)) > 0.5


def test_reg_plane_noise_shifts_the_label_point_by_at_most_six_times_noise():
    x, y0 = generate("reg-plane", 2000, 0, seed=3)
    _, y1 = generate("reg-plane", 2000, 40, seed=3)
    bound = 2 * 6 * 0.4 / 10  # both coordinates shifted by U(-6, 6)·0.4, then /10
    assert np.abs(y1 - y0).max() <= bound and np.abs(y1 - y0).max() > 0.8 * bound


@pytest.mark.parametrize("name, bound", [("spiral", 0.5), ("spiral3", 0.5)])
def test_spiral_noise_jitters_position_uniformly(name, bound):
    x0, y0 = generate(name, 1000, 0, seed=3)
    x1, y1 = generate(name, 1000, 50, seed=3)
    shift = x1 - x0
    assert np.array_equal(y0, y1)
    assert np.all(np.abs(shift) <= bound) and np.abs(shift).max() > 0.9 * bound


def test_moons_noise_is_gaussian_jitter_proportional_to_noise():
    x0, y0 = generate("moons", 4000, 0, seed=3)
    x1, y1 = generate("moons", 4000, 50, seed=3)
    assert np.array_equal(y0, y1)
    assert np.std(x1 - x0) == pytest.approx(0.4 * 0.5 * 3.5, rel=0.1)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("n, noise", [(-1, 0), (2.5, 0), (True, 0), (10, -1), (10, 100.5), (10, float("nan"))])
def test_bad_arguments_are_rejected(name, n, noise):
    with pytest.raises(ValueError):
        DATASETS[name].generate(n, noise, np.random.default_rng(0))


# Split and make_data ---------------------------------------------------------------------------


@pytest.mark.parametrize("percent", [0, 10, 33, 33.3, 50, 90, 100])
@pytest.mark.parametrize("n", [0, 1, 7, 500, 1200])
def test_split_sizes_and_disjointness(n, percent):
    x = np.column_stack([np.arange(n), -np.arange(n)]).astype(float)
    y = np.arange(n, dtype=float)
    x_train, y_train, x_test, y_test = split(x, y, percent, np.random.default_rng(1))
    assert len(x_train) == len(y_train) == math.floor(n * percent / 100)
    assert len(x_test) == len(y_test) == n - len(x_train)
    assert np.array_equal(x_train[:, 0], y_train) and np.array_equal(x_test[:, 0], y_test)  # rows stay paired
    assert sorted(np.concatenate([y_train, y_test])) == list(y)


def test_split_shuffles_deterministically():
    x, y = np.zeros((500, 2)), np.arange(500.0)
    first = split(x, y, 50, np.random.default_rng(5))[1]
    assert not np.array_equal(first, y[:250])
    assert np.array_equal(first, split(x, y, 50, np.random.default_rng(5))[1])
    assert not np.array_equal(first, split(x, y, 50, np.random.default_rng(6))[1])


@pytest.mark.parametrize("percent", [-1, 100.1])
def test_split_rejects_bad_percent(percent):
    with pytest.raises(ValueError, match="train_percent"):
        split(np.zeros((4, 2)), np.zeros(4), percent, np.random.default_rng(0))


def test_split_rejects_mismatched_lengths():
    with pytest.raises(ValueError, match="same length"):
        split(np.zeros((4, 2)), np.zeros(3), 50, np.random.default_rng(0))


@pytest.mark.parametrize("name", NAMES)
def test_make_data_generates_then_splits(name):
    parts = make_data(name, 500, 10, 30, np.random.default_rng(9))
    again = make_data(name, 500, 10, 30, np.random.default_rng(9))
    assert [len(p) for p in parts] == [150, 150, 350, 350]
    assert all(a.tobytes() == b.tobytes() for a, b in zip(parts, again))


def test_make_data_rejects_unknown_name():
    with pytest.raises(ValueError, match="unknown dataset 'moon'"):
        make_data("moon", 10, 0, 50, np.random.default_rng(0))


# Custom data -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "points, num_classes",
    [([[0, 0, 1], [-6, 6, 0], [6.0, -6.0, 1]], 2), ([[1.5, 2, 2], [0, 0, 0]], 3), ([[1, 2, -3.7]], 0)],
)
def test_custom_points_are_accepted(points, num_classes):
    x, y = make_custom(points, num_classes)
    assert x.dtype == y.dtype == np.float64
    assert np.array_equal(x, np.array(points, dtype=float)[:, :2])
    assert np.array_equal(y, np.array(points, dtype=float)[:, 2])


@pytest.mark.parametrize(
    "points, num_classes, message",
    [
        ([], 2, "shape"),
        (np.zeros((0, 3)), 2, "at least one"),
        ([[1, 2]], 2, "shape"),
        ([[1, 2, 1, 0]], 2, "shape"),
        ([1, 2, 1], 2, "shape"),
        ([[1, 2, 1], [1, 2]], 2, "list of"),
        ([[1, 2, "blue"]], 2, "list of"),
        (None, 2, "non-finite|shape"),
        ([[0, 0, 1], [float("nan"), 0, 1]], 2, "point 1 has a non-finite"),
        ([[0, float("inf"), 1]], 0, "non-finite"),
        ([[0, 0, float("nan")]], 0, "non-finite"),
        ([[6.5, 0, 1]], 2, "outside"),
        ([[0, -7, 0]], 0, "outside"),
        ([[0, 0, 2]], 2, "class index 0..1"),
        ([[0, 0, -1]], 2, "class index"),
        ([[0, 0, 0.5]], 2, "class index"),
        ([[0, 0, 3]], 3, "class index 0..2"),
    ],
)
def test_custom_points_are_validated(points, num_classes, message):
    with pytest.raises(ValueError, match=message):
        make_custom(points, num_classes)
