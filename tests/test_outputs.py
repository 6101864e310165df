"""engine.outputs: output heads (targets, backward) and losses defined exactly as PyTorch defines them
(nn.MSELoss, ½·MSE, nn.L1Loss, nn.BCEWithLogitsLoss, nn.CrossEntropyLoss, all with reduction="mean")."""
from __future__ import annotations

import math

import numpy as np
import pytest

from engine.gradcheck import numeric_gradient, relative_error
from engine.outputs import LOSSES, OUTPUTS, check_head, num_outputs
from tests.heads import INVALID_PAIRS, VALID_PAIRS, problem_of

TOLERANCE = 1e-7
HEADS = tuple(OUTPUTS)
LOSS_NAMES = tuple(LOSSES)


VALID, INVALID = VALID_PAIRS, INVALID_PAIRS


def sample(output: str, n: int = 6, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Logits ``z (n, C)`` and encoded targets ``T (n, C)`` for a head."""
    rng = np.random.default_rng(seed)
    problem, k = problem_of(output)
    c = num_outputs(output, k)
    z = rng.normal(scale=1.5, size=(n, c))
    labels = rng.integers(0, k, n).astype(np.float64) if k else rng.uniform(-1, 1, n)
    return z, OUTPUTS[output].targets(labels, c)


# Registries ------------------------------------------------------------------------------------


def test_registries_hold_the_documented_entries():
    assert set(HEADS) == {"sigmoid", "tanh", "softmax", "linear"}
    assert set(LOSS_NAMES) == {"mse", "half_mse", "mae", "cross_entropy"}


@pytest.mark.parametrize("name", HEADS)
def test_head_is_named_by_its_key(name):
    assert OUTPUTS[name].name == name and OUTPUTS[name].label


@pytest.mark.parametrize("name", LOSS_NAMES)
def test_loss_is_named_by_its_key(name):
    assert LOSSES[name].name == name and LOSSES[name].label and LOSSES[name].formula


def test_valid_combinations():
    assert set(INVALID) == {("tanh", "cross_entropy"), ("linear", "cross_entropy")}


# Heads -----------------------------------------------------------------------------------------


def test_targets_encoding():
    labels = np.array([1.0, 0.0, 1.0])
    assert OUTPUTS["sigmoid"].targets(labels, 1).tolist() == [[1.0], [0.0], [1.0]]
    assert OUTPUTS["tanh"].targets(labels, 1).tolist() == [[1.0], [-1.0], [1.0]]
    assert OUTPUTS["softmax"].targets(np.array([2.0, 0.0, 1.0]), 3).tolist() == [
        [0.0, 0.0, 1.0], [1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]
    assert OUTPUTS["linear"].targets(np.array([0.25, -0.5]), 1).tolist() == [[0.25], [-0.5]]
    for name in HEADS:
        assert OUTPUTS[name].targets(labels, 3 if name == "softmax" else 1).dtype == np.float64


def test_num_outputs():
    assert num_outputs("softmax", 3) == 3
    assert [num_outputs(name, 2) for name in ("sigmoid", "tanh", "linear")] == [1, 1, 1]
    assert num_outputs("linear", 0) == 1


@pytest.mark.parametrize("name", HEADS)
def test_head_backward_is_the_vector_jacobian_product(name):
    head = OUTPUTS[name]
    z, _ = sample(name)
    g = np.random.default_rng(5).normal(size=z.shape)
    analytic = head.backward(z, head.f(z), g)
    numeric = numeric_gradient(lambda: float((head.f(z) * g).sum()), z)
    error = relative_error(analytic, numeric)
    assert error < TOLERANCE, f"{name}: analytic {analytic}, numeric {numeric}, relative error {error:.3g}"


# Check of head against problem -----------------------------------------------------------------


@pytest.mark.parametrize("problem, k, output, loss", [
    ("classification", 2, "linear", "mse"),
    ("regression", 0, "sigmoid", "mse"),
    ("regression", 0, "softmax", "cross_entropy"),
    ("classification", 3, "sigmoid", "cross_entropy"),
    ("classification", 3, "tanh", "mse"),
    ("classification", 2, "tanh", "cross_entropy"),
    ("regression", 0, "linear", "cross_entropy"),
])
def test_check_head_refuses(problem, k, output, loss):
    with pytest.raises(ValueError):
        check_head(problem, k, output, loss)


@pytest.mark.parametrize("output, loss", VALID)
def test_check_head_accepts(output, loss):
    check_head(*problem_of(output), output, loss)


# Loss values by hand, as PyTorch defines them ---------------------------------------------------


def sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z))


def test_mse_half_mse_mae_on_one_output():
    z = np.array([[-1.0], [0.5], [2.0]])
    T = np.array([[0.0], [1.0], [1.0]])
    y_hat = np.array([[sigmoid(-1.0)], [sigmoid(0.5)], [sigmoid(2.0)]])
    squared = [(sigmoid(-1.0) - 0.0) ** 2, (sigmoid(0.5) - 1.0) ** 2, (sigmoid(2.0) - 1.0) ** 2]
    absolute = [sigmoid(-1.0), 1.0 - sigmoid(0.5), 1.0 - sigmoid(2.0)]
    np.testing.assert_allclose(LOSSES["mse"].value(z, y_hat, T), squared, rtol=1e-15)
    np.testing.assert_allclose(LOSSES["half_mse"].value(z, y_hat, T), [0.5 * s for s in squared], rtol=1e-15)
    np.testing.assert_allclose(LOSSES["mae"].value(z, y_hat, T), absolute, rtol=1e-15)


def test_mse_and_mae_average_over_all_elements_like_torch():
    # nn.MSELoss() / nn.L1Loss() on (N, C) average over all N·C elements; cost = mean of per-sample.
    y_hat = np.array([[0.1, 0.2, 0.7], [0.5, 0.25, 0.25]])
    T = np.array([[0.0, 0.0, 1.0], [0.0, 1.0, 0.0]])
    squares = 0.01 + 0.04 + 0.09 + 0.25 + 0.5625 + 0.0625
    absolutes = 0.1 + 0.2 + 0.3 + 0.5 + 0.75 + 0.25
    assert LOSSES["mse"].value(None, y_hat, T).mean() == pytest.approx(squares / 6, rel=1e-15)
    assert LOSSES["half_mse"].value(None, y_hat, T).mean() == pytest.approx(squares / 12, rel=1e-15)
    assert LOSSES["mae"].value(None, y_hat, T).mean() == pytest.approx(absolutes / 6, rel=1e-15)


def test_bce_with_logits_by_hand():
    z = np.array([[-1.0], [0.0], [2.0], [3.0]])
    T = np.array([[0.0], [1.0], [1.0], [0.0]])
    expected = [-math.log(1 - sigmoid(-1.0)), math.log(2.0), -math.log(sigmoid(2.0)), -math.log(1 - sigmoid(3.0))]
    losses = LOSSES["cross_entropy"].value(z, sigmoid_array(z), T)
    assert losses.shape == (4,)
    np.testing.assert_allclose(losses, expected, rtol=1e-14)


def test_bce_with_logits_is_finite_at_extreme_logits():
    z = np.array([[800.0], [800.0], [-800.0], [-800.0], [40.0]])
    T = np.array([[1.0], [0.0], [1.0], [0.0], [0.0]])
    losses = LOSSES["cross_entropy"].value(z, sigmoid_array(z), T)
    # log(1 + e^-800) is 0 in float64; log(1 + e^-40) = e^-40 to rounding.
    assert losses.tolist() == [0.0, 800.0, 800.0, 0.0, pytest.approx(40.0 + math.exp(-40.0), rel=1e-16)]
    grad = LOSSES["cross_entropy"].grad(z, sigmoid_array(z), T, OUTPUTS["sigmoid"])
    assert np.all(np.isfinite(grad))
    np.testing.assert_allclose(grad[:4, 0], [0.0, 1.0, -1.0, 0.0], atol=0)


def test_cross_entropy_on_softmax_by_hand():
    z = np.array([[1.0, 2.0, 3.0], [0.5, -0.5, 0.0]])
    T = np.array([[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]])
    expected = [
        -math.log(math.exp(1) / (math.exp(1) + math.exp(2) + math.exp(3))),
        -math.log(math.exp(0) / (math.exp(0.5) + math.exp(-0.5) + math.exp(0))),
    ]
    head = OUTPUTS["softmax"]
    np.testing.assert_allclose(LOSSES["cross_entropy"].value(z, head.f(z), T), expected, rtol=1e-14)


def test_cross_entropy_on_softmax_is_finite_at_extreme_logits():
    z = np.array([[800.0, -800.0, 0.0], [800.0, -800.0, 0.0], [-800.0, -800.0, -800.0]])
    T = np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 1.0]])
    head = OUTPUTS["softmax"]
    losses = LOSSES["cross_entropy"].value(z, head.f(z), T)
    assert losses[:2].tolist() == [1600.0, 0.0]
    assert losses[2] == pytest.approx(math.log(3), rel=1e-15)
    grad = LOSSES["cross_entropy"].grad(z, head.f(z), T, head)
    np.testing.assert_allclose(grad[:2], [[1.0, -1.0, 0.0], [0.0, 0.0, 0.0]], atol=0)


@pytest.mark.parametrize("output, loss", [(o, l) for o, l in VALID if l != "cross_entropy"])
def test_extreme_logits_give_finite_losses_and_gradients(output, loss):
    z = np.array([[800.0], [-800.0]]) if output != "softmax" else np.array([[800.0, -800.0, 0.0]] * 2)
    T = OUTPUTS[output].targets(np.array([1.0, 0.0]), z.shape[1])
    head = OUTPUTS[output]
    with np.errstate(over="ignore"):  # sigmoid's exp(800): 1 / (1 + inf) is the correct 0
        y_hat = head.f(z)
    assert np.all(np.isfinite(LOSSES[loss].value(z, y_hat, T)))
    assert np.all(np.isfinite(LOSSES[loss].grad(z, y_hat, T, head)))


def test_mae_gradient_at_a_perfect_prediction_is_zero_like_torch():
    # torch: d|x|/dx at 0 is sign(0) = 0.
    z = np.array([[0.25], [-0.5]])
    assert LOSSES["mae"].grad(z, z, z.copy(), OUTPUTS["linear"]).tolist() == [[0.0], [0.0]]


def sigmoid_array(z: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore"):
        return OUTPUTS["sigmoid"].f(z)


# Loss gradients w.r.t. the logits --------------------------------------------------------------


@pytest.mark.parametrize("output, loss", VALID)
def test_loss_gradient_matches_centred_differences(output, loss):
    head, loss_fn = OUTPUTS[output], LOSSES[loss]
    z, T = sample(output)
    if loss == "mae":  # keep |ŷ − y| off the kink of |·|
        assert np.abs(head.f(z) - T).min() > 1e-3
    analytic = loss_fn.grad(z, head.f(z), T, head)
    assert analytic.shape == z.shape
    # rows are independent, so the gradient of the sum over samples holds each sample's dl/dz
    numeric = numeric_gradient(lambda: float(loss_fn.value(z, head.f(z), T).sum()), z)
    error = relative_error(analytic, numeric)
    assert error < TOLERANCE, (
        f"{output}+{loss}: analytic {analytic.tolist()}, numeric {numeric.tolist()}, relative error {error:.3g}")


@pytest.mark.parametrize("output, loss", VALID)
def test_loss_values_are_per_sample(output, loss):
    z, T = sample(output, n=7)
    values = LOSSES[loss].value(z, OUTPUTS[output].f(z), T)
    assert values.shape == (7,) and values.dtype == np.float64 and np.all(values >= 0)
