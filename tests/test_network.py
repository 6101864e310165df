"""engine.network: initialisation, the forward/backward pair by hand, the penalty, and the gradient of the
FULL objective (data cost + penalty) against centred differences for every hidden activation ×
(output head, loss) × regularization."""
from __future__ import annotations

import math

import numpy as np
import pytest

from engine import network
from engine.activations import ACTIVATIONS
from engine.gradcheck import numeric_gradient, relative_error
from engine.objective import Objective
from engine.outputs import LOSSES, OUTPUTS, num_outputs
from tests.heads import VALID_PAIRS, problem_of

TOLERANCE = 1e-7
MARGIN = 1e-3  # distance kept from every kink: ReLU's z = 0, L1's w = 0, MAE's ŷ = y

ACTIVATION_NAMES = tuple(ACTIVATIONS)
REGULARIZATIONS = {"none": ("none", 0.0), "L1": ("L1", 0.01), "L2": ("L2", 0.01)}


HEADS = VALID_PAIRS


# A small problem, drawn off every kink ----------------------------------------------------------


class Case:
    """A net ``2 → hidden → C`` with params, a batch ``x (N, 2)``, targets ``T (N, C)`` and the objective."""

    def __init__(self, activation, output, loss, regularization, hidden=(3, 3), n=5, seed=0):
        self.hidden, self.head, self.loss = ACTIVATIONS[activation], OUTPUTS[output], LOSSES[loss]
        self.kind, self.rate = REGULARIZATIONS[regularization]
        self.spec = Objective(self.hidden, self.head, self.loss, self.kind, self.rate)
        problem, k = problem_of(output)
        c = num_outputs(output, k)
        sizes = network.layer_sizes(2, list(hidden), c)
        rng = np.random.default_rng(seed)
        for _ in range(1000):  # redraw until every kink is at least MARGIN away
            self.x = rng.uniform(-2.0, 2.0, size=(n, 2))
            labels = rng.integers(0, k, n).astype(np.float64) if k else rng.uniform(-1.0, 1.0, n)
            self.T = self.head.targets(labels, c)
            self.params = []
            for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
                self.params += [rng.normal(0.0, 1.0 / math.sqrt(fan_in), (fan_in, fan_out)),
                                rng.normal(0.0, 0.5, fan_out)]
            if self.off_the_kinks(loss):
                return
        raise AssertionError("could not draw a case off the kinks")

    def off_the_kinks(self, loss: str) -> bool:
        cache = network.forward(self.params, self.x, self.hidden, self.head)
        if any(np.abs(z).min() < MARGIN for z in cache.z[1:-1]):
            return False
        if self.kind == "L1" and any(np.abs(W).min() < MARGIN for W in self.params[0::2]):
            return False
        return loss != "mae" or np.abs(cache.a[-1] - self.T).min() >= MARGIN

    def objective(self, params, x=None) -> float:
        return self.spec.value(params, self.x if x is None else x, self.T)

    def gradients(self) -> network.Gradients:
        return self.spec.gradients(self.params, self.spec.forward(self.params, self.x), self.T)


def assert_gradients_match(case: Case, label: str) -> None:
    analytic = case.gradients().grads
    for i, (p, g) in enumerate(zip(case.params, analytic)):
        numeric = numeric_gradient(lambda: case.objective(case.params), p)
        error = relative_error(g, numeric)
        name = f"{'Wb'[i % 2]}{i // 2 + 1}"
        assert error < TOLERANCE, (
            f"{label} d objective / d {name}: relative error {error:.3g}\n"
            f"analytic {g.tolist()}\nnumeric  {numeric.tolist()}")


# Gradient checks -------------------------------------------------------------------------------


@pytest.mark.parametrize("regularization", REGULARIZATIONS)
@pytest.mark.parametrize("output, loss", HEADS)
@pytest.mark.parametrize("activation", ACTIVATION_NAMES)
def test_full_objective_gradient(activation, output, loss, regularization):
    case = Case(activation, output, loss, regularization)
    assert_gradients_match(case, f"{activation} / {output}+{loss} / {regularization}")


@pytest.mark.parametrize("hidden", [(), (4,), (2, 3, 2)], ids=str)
@pytest.mark.parametrize("activation", ["tanh", "relu"])
@pytest.mark.parametrize("output, loss", [("sigmoid", "cross_entropy"), ("softmax", "cross_entropy"),
                                          ("linear", "mse"), ("tanh", "half_mse")])
def test_full_objective_gradient_for_other_depths(activation, output, loss, hidden):
    case = Case(activation, output, loss, "L2", hidden=hidden, n=4, seed=1)
    assert_gradients_match(case, f"{activation} {hidden} / {output}+{loss} / L2")


@pytest.mark.parametrize("activation", ACTIVATION_NAMES)
@pytest.mark.parametrize("output, loss", [("sigmoid", "cross_entropy"), ("softmax", "mse")])
def test_input_gradient(activation, output, loss):
    # da[0] is d cost / d x: the error propagated all the way back to the inputs.
    case = Case(activation, output, loss, "none")
    analytic = case.gradients().da[0]
    x = case.x.copy()
    numeric = numeric_gradient(lambda: case.objective(case.params, x), x)
    error = relative_error(analytic, numeric)
    assert error < TOLERANCE, f"d cost / d x: analytic {analytic.tolist()}, numeric {numeric.tolist()}"


def test_backward_leaves_every_layers_signals():
    case = Case("tanh", "sigmoid", "cross_entropy", "none", hidden=(4, 3), n=6)
    cache = network.forward(case.params, case.x, case.hidden, case.head)
    gradients = case.gradients()
    assert [None if d is None else d.shape for d in gradients.dz] == [None, (6, 4), (6, 3), (6, 1)]
    assert [d.shape for d in gradients.da[:3]] == [(6, 2), (6, 4), (6, 3)]
    assert [g.shape for g in gradients.grads] == [p.shape for p in case.params]
    for l in (1, 2):  # dz = da · f'(z), dW = a[l-1]ᵀ dz, db = Σ_n dz
        np.testing.assert_array_equal(gradients.dz[l], gradients.da[l] * (1 - cache.a[l] ** 2))
    for l in (1, 2, 3):
        np.testing.assert_allclose(gradients.grads[2 * l - 2], cache.a[l - 1].T @ gradients.dz[l], rtol=1e-15)
        np.testing.assert_allclose(gradients.grads[2 * l - 1], gradients.dz[l].sum(axis=0), rtol=1e-15)


# Forward by hand -------------------------------------------------------------------------------


def test_forward_by_hand():
    # 2 → 2 (tanh) → 1 (sigmoid): input times weight, add a bias, activate.
    params = [np.array([[0.5, -1.0], [0.25, 2.0]]), np.array([0.1, -0.2]),
              np.array([[1.5], [-0.5]]), np.array([0.3])]
    x = np.array([[1.0, 2.0]])
    z1 = [0.5 * 1 + 0.25 * 2 + 0.1, -1.0 * 1 + 2.0 * 2 - 0.2]
    a1 = [math.tanh(v) for v in z1]
    z2 = 1.5 * a1[0] - 0.5 * a1[1] + 0.3
    cache = network.forward(params, x, ACTIVATIONS["tanh"], OUTPUTS["sigmoid"])
    assert cache.z[0] is None and cache.a[0] is x
    np.testing.assert_allclose(cache.z[1], [z1], rtol=1e-15)
    np.testing.assert_allclose(cache.a[1], [a1], rtol=1e-15)
    np.testing.assert_allclose(cache.z[2], [[z2]], rtol=1e-15)
    np.testing.assert_allclose(cache.a[2], [[1 / (1 + math.exp(-z2))]], rtol=1e-15)
    np.testing.assert_array_equal(network.predict(params, x, ACTIVATIONS["tanh"], OUTPUTS["sigmoid"]), cache.a[2])


def test_no_hidden_layer_is_a_linear_model_through_the_head():
    params = [np.array([[2.0], [-1.0]]), np.array([0.5])]
    x = np.array([[1.0, 1.0], [0.0, 3.0]])
    cache = network.forward(params, x, ACTIVATIONS["relu"], OUTPUTS["linear"])
    assert len(cache.a) == 2 and len(cache.z) == 2
    np.testing.assert_array_equal(cache.a[1], [[1.5], [-2.5]])


# Initialisation --------------------------------------------------------------------------------


def test_init_registry():
    assert set(network.INITS) == {"uniform", "xavier", "he", "zeros"}


@pytest.mark.parametrize("scheme", network.INITS)
def test_init_shapes_and_determinism(scheme):
    sizes = [3, 4, 2, 1]
    params = network.init_params(sizes, scheme, np.random.default_rng(7))
    again = network.init_params(sizes, scheme, np.random.default_rng(7))
    assert [p.shape for p in params] == [(3, 4), (4,), (4, 2), (2,), (2, 1), (1,)]
    assert all(p.dtype == np.float64 for p in params)
    for p, q in zip(params, again):
        assert p.tobytes() == q.tobytes()


def test_uniform_init_is_tfps():
    params = network.init_params([2, 50, 40], "uniform", np.random.default_rng(0))
    W, b = params[0], params[1]
    assert W.min() >= -0.5 and W.max() < 0.5 and W.min() < -0.45 and W.max() > 0.45
    np.testing.assert_array_equal(b, 0.1)


def test_xavier_init_is_glorot_uniform():
    W, b = network.init_params([30, 50], "xavier", np.random.default_rng(0))
    bound = math.sqrt(6.0 / 80)
    assert np.abs(W).max() <= bound and np.abs(W).max() > 0.95 * bound
    assert W.std() == pytest.approx(bound / math.sqrt(3), rel=0.05)
    np.testing.assert_array_equal(b, 0.0)


def test_he_init_is_normal_with_fan_in_variance():
    W, b = network.init_params([200, 300], "he", np.random.default_rng(0))
    assert W.mean() == pytest.approx(0.0, abs=0.01)
    assert W.std() == pytest.approx(math.sqrt(2.0 / 200), rel=0.02)
    np.testing.assert_array_equal(b, 0.0)


def test_zeros_init_is_all_zero_and_gives_hidden_units_no_gradient():
    params = network.init_params([2, 3, 1], "zeros", np.random.default_rng(0))
    assert all(not p.any() for p in params)
    x = np.array([[1.0, -2.0], [0.5, 0.5]])
    cache = network.forward(params, x, ACTIVATIONS["tanh"], OUTPUTS["sigmoid"])
    dz_out = LOSSES["cross_entropy"].grad(cache.z[-1], cache.a[-1], np.array([[1.0], [0.0]]), OUTPUTS["sigmoid"])
    grads = network.backward(params, cache, dz_out / 2, ACTIVATIONS["tanh"]).grads
    assert not grads[0].any() and not grads[1].any() and not grads[2].any()  # the symmetry problem
    assert grads[3].tolist() == [0.0]  # (0.5 − 1 + 0.5 − 0) / 2


def test_layer_sizes():
    assert network.layer_sizes(2, [4, 2], 1) == [2, 4, 2, 1]
    assert network.layer_sizes(7, [], 3) == [7, 3]


# Penalty ---------------------------------------------------------------------------------------

PENALTY_PARAMS = [np.array([[1.0, -2.0]]), np.array([5.0, -6.0]), np.array([[3.0], [-0.5]]), np.array([-7.0])]


@pytest.mark.parametrize("kind, rate, expected", [
    ("none", 0.1, 0.0),
    ("L1", 0.0, 0.0),
    ("L1", 0.1, 0.1 * (1 + 2 + 3 + 0.5)),            # biases never count
    ("L2", 0.1, 0.5 * 0.1 * (1 + 4 + 9 + 0.25)),
])
def test_penalty_by_hand(kind, rate, expected):
    assert network.penalty(PENALTY_PARAMS, kind, rate) == pytest.approx(expected, rel=1e-15)


@pytest.mark.parametrize("kind, expected_weight_grads", [
    ("none", [[[0.0, 0.0]], [[0.0], [0.0]]]),
    ("L1", [[[0.1, -0.1]], [[0.1], [-0.1]]]),
    ("L2", [[[0.1, -0.2]], [[0.3], [-0.05]]]),
])
def test_penalty_gradients_skip_biases(kind, expected_weight_grads):
    grads = [np.zeros_like(p) for p in PENALTY_PARAMS]
    network.add_penalty_grads(PENALTY_PARAMS, grads, kind, 0.1)
    np.testing.assert_allclose(grads[0], expected_weight_grads[0], rtol=1e-15)
    np.testing.assert_allclose(grads[2], expected_weight_grads[1], rtol=1e-15)
    assert not grads[1].any() and not grads[3].any()
