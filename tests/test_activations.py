"""engine.activations: every activation's derivative against centred differences, the kinks as PyTorch
defines them, and the row-wise softmax / log-softmax."""
from __future__ import annotations

import math

import numpy as np
import pytest

from engine.activations import ACTIVATIONS, HIDDEN_ACTIVATIONS, LEAKY_SLOPE, log_softmax, softmax
from engine.gradcheck import numeric_gradient, relative_error

NAMES = tuple(ACTIVATIONS)
TOLERANCE = 1e-7


def off_the_kink(rng: np.random.Generator, size: int) -> np.ndarray:
    """Pre-activations in [-4, 4] with |z| > 1e-3, so a centred difference never straddles 0."""
    z = rng.uniform(-4.0, 4.0, size)
    return np.where(np.abs(z) < 1e-3, 0.5, z)


# Registry --------------------------------------------------------------------------------------


def test_registry_holds_the_documented_activations():
    assert set(NAMES) == {"tanh", "relu", "sigmoid", "linear", "leaky_relu"}
    assert HIDDEN_ACTIVATIONS == NAMES


@pytest.mark.parametrize("name", NAMES)
def test_entry_is_named_by_its_key(name):
    activation = ACTIVATIONS[name]
    assert activation.name == name
    assert activation.label and activation.formula


# Values ----------------------------------------------------------------------------------------

HAND_VALUES = {
    # z = -2, -0.5, 0, 0.5, 2, written out from each definition
    "tanh": [math.tanh(-2), math.tanh(-0.5), 0.0, math.tanh(0.5), math.tanh(2)],
    "relu": [0.0, 0.0, 0.0, 0.5, 2.0],
    "sigmoid": [1 / (1 + math.exp(2)), 1 / (1 + math.exp(0.5)), 0.5, 1 / (1 + math.exp(-0.5)),
                1 / (1 + math.exp(-2))],
    "linear": [-2.0, -0.5, 0.0, 0.5, 2.0],
    "leaky_relu": [-0.02, -0.005, 0.0, 0.5, 2.0],
}


@pytest.mark.parametrize("name", NAMES)
def test_values_by_hand(name):
    z = np.array([-2.0, -0.5, 0.0, 0.5, 2.0])
    a = ACTIVATIONS[name].f(z)
    assert a.dtype == np.float64 and a.shape == z.shape
    np.testing.assert_allclose(a, HAND_VALUES[name], rtol=1e-15, atol=0)


@pytest.mark.parametrize("name", NAMES)
def test_keeps_shape_of_a_matrix(name):
    z = np.random.default_rng(0).normal(size=(5, 3))
    activation = ACTIVATIONS[name]
    a = activation.f(z)
    assert a.shape == (5, 3) and activation.df(z, a).shape == (5, 3)


def test_sigmoid_is_exact_at_extreme_logits():
    with np.errstate(over="ignore"):  # exp(800) overflows to inf; 1 / inf is the correct 0
        a = ACTIVATIONS["sigmoid"].f(np.array([-800.0, 800.0]))
    assert a.tolist() == [0.0, 1.0]


# Derivatives -----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_derivative_matches_centred_differences(name):
    activation = ACTIVATIONS[name]
    z = off_the_kink(np.random.default_rng(1), 200)
    analytic = activation.df(z, activation.f(z))
    points = [z[k:k + 1].copy() for k in range(len(z))]  # f acts element by element: one point at a time
    numeric = np.array([numeric_gradient(lambda: float(activation.f(p)[0]), p)[0] for p in points])
    error = np.array([relative_error(a, n) for a, n in zip(analytic, numeric)])
    worst = int(error.argmax())
    assert error.max() < TOLERANCE, (
        f"{name}'({z[worst]!r}): analytic {analytic[worst]!r}, numeric {numeric[worst]!r}, "
        f"relative error {error[worst]:.3g}")


KINKS = {  # f'(0) as torch autograd defines it
    "relu": 0.0,
    "leaky_relu": LEAKY_SLOPE,
    "tanh": 1.0,
    "sigmoid": 0.25,
    "linear": 1.0,
}


@pytest.mark.parametrize("name", NAMES)
def test_derivative_at_zero_is_pytorchs(name):
    activation = ACTIVATIONS[name]
    z = np.zeros(3)
    assert activation.df(z, activation.f(z)).tolist() == [KINKS[name]] * 3


def test_leaky_slope_is_pytorchs_default():
    assert LEAKY_SLOPE == 0.01


@pytest.mark.parametrize("name, left, right", [("relu", 0.0, 1.0), ("leaky_relu", 0.01, 1.0)])
def test_piecewise_derivative_on_each_side(name, left, right):
    activation = ACTIVATIONS[name]
    z = np.array([-3.0, -1e-300, 1e-300, 3.0])
    assert activation.df(z, activation.f(z)).tolist() == [left, left, right, right]


# Softmax ---------------------------------------------------------------------------------------


def test_softmax_by_hand():
    z = np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]])
    total = math.exp(1) + math.exp(2) + math.exp(3)
    expected = [[math.exp(1) / total, math.exp(2) / total, math.exp(3) / total], [1 / 3, 1 / 3, 1 / 3]]
    np.testing.assert_allclose(softmax(z), expected, rtol=1e-15, atol=0)
    np.testing.assert_allclose(log_softmax(z), np.log(expected), rtol=1e-15, atol=0)


def test_softmax_is_finite_at_extreme_logits():
    z = np.array([[800.0, -800.0, 0.0], [-800.0, -800.0, -800.0]])
    s = softmax(z)
    np.testing.assert_array_equal(s[0], [1.0, 0.0, 0.0])
    np.testing.assert_allclose(s[1], [1 / 3] * 3, rtol=1e-15)
    np.testing.assert_array_equal(log_softmax(z)[0], [0.0, -1600.0, -800.0])
    np.testing.assert_allclose(log_softmax(z)[1], [-math.log(3)] * 3, rtol=1e-15)


def test_softmax_rows_sum_to_one():
    z = np.random.default_rng(2).normal(scale=10, size=(20, 4))
    np.testing.assert_allclose(softmax(z).sum(axis=1), 1.0, rtol=1e-15)
    np.testing.assert_allclose(np.exp(log_softmax(z)), softmax(z), rtol=1e-13)
