"""engine.optimizers: three steps of every optimizer against torch.optim's update rules, written out
here independently (the formulas of the torch.optim documentation, no weight decay, dampening 0)."""
from __future__ import annotations

import math

import numpy as np
import pytest

from engine.optimizers import OPTIMIZERS, Hyper, OptimizerState, apply

NAMES = tuple(OPTIMIZERS)
STEPS = 3
HYPERS = {
    "defaults": Hyper(),
    "overridden": Hyper(learning_rate=0.5, momentum=0.5, beta1=0.8, beta2=0.9, alpha=0.9, eps=1e-6),
}


def initial_params() -> list[np.ndarray]:
    return [np.array([[0.5, -0.25, 1.0], [-1.5, 0.75, 0.125]]), np.array([0.1, -0.2, 0.0])]


def gradient_sequence() -> list[list[np.ndarray]]:
    """Three steps' gradients: fixed numbers of mixed sign and scale, a zero among them."""
    return [
        [np.array([[0.3, -0.1, 0.02], [-0.7, 0.0, 1.2]]), np.array([0.05, -0.4, 0.9])],
        [np.array([[-0.2, 0.3, 0.01], [0.4, -0.6, 0.8]]), np.array([-0.15, 0.25, 0.6])],
        [np.array([[0.1, 0.2, -0.03], [-0.5, 0.9, -1.1]]), np.array([0.35, -0.05, 0.0])],
    ]


# The reference rules, one element-wise function per optimizer: (p, g, state dict, t, h) -> new p.

def sgd(p, g, s, t, h):
    return p - h.learning_rate * g


def momentum(p, g, s, t, h):
    s["b"] = g.copy() if t == 1 else h.momentum * s["b"] + g
    return p - h.learning_rate * s["b"]


def nesterov(p, g, s, t, h):
    s["b"] = g.copy() if t == 1 else h.momentum * s["b"] + g
    return p - h.learning_rate * (g + h.momentum * s["b"])


def rmsprop(p, g, s, t, h):
    s["v"] = h.alpha * s.get("v", 0.0) + (1 - h.alpha) * g**2
    return p - h.learning_rate * g / (np.sqrt(s["v"]) + h.eps)


def adam(p, g, s, t, h):
    s["m"] = h.beta1 * s.get("m", 0.0) + (1 - h.beta1) * g
    s["v"] = h.beta2 * s.get("v", 0.0) + (1 - h.beta2) * g**2
    m_hat = s["m"] / (1 - h.beta1**t)
    v_hat = s["v"] / (1 - h.beta2**t)
    return p - h.learning_rate * m_hat / (np.sqrt(v_hat) + h.eps)


REFERENCE = {"sgd": sgd, "momentum": momentum, "nesterov": nesterov, "rmsprop": rmsprop, "adam": adam}


def reference_trajectory(name: str, h: Hyper) -> list[list[np.ndarray]]:
    params = initial_params()
    states = [{} for _ in params]
    trajectory = []
    for t, grads in enumerate(gradient_sequence(), start=1):
        params = [REFERENCE[name](p, g, s, t, h) for p, g, s in zip(params, grads, states)]
        trajectory.append(params)
    return trajectory


# Registry --------------------------------------------------------------------------------------


def test_every_optimizer_has_a_reference_rule():
    assert set(NAMES) == set(REFERENCE) == {"sgd", "momentum", "nesterov", "rmsprop", "adam"}


@pytest.mark.parametrize("name", NAMES)
def test_entry_is_named_by_its_key(name):
    assert OPTIMIZERS[name].name == name and OPTIMIZERS[name].label and OPTIMIZERS[name].rule


def test_defaults_are_torchs():
    h = Hyper()
    assert (h.momentum, h.beta1, h.beta2, h.alpha, h.eps) == (0.9, 0.9, 0.999, 0.99, 1e-8)


# Three steps against the reference -------------------------------------------------------------


@pytest.mark.parametrize("hyper", HYPERS, ids=str)
@pytest.mark.parametrize("name", NAMES)
def test_three_steps_match_the_reference_rule(name, hyper):
    h = HYPERS[hyper]
    params, state = initial_params(), OptimizerState()
    for t, (grads, expected) in enumerate(zip(gradient_sequence(), reference_trajectory(name, h)), start=1):
        before = [p.copy() for p in params]
        grads_before = [g.copy() for g in grads]
        steps = apply(name, params, grads, state, h)
        assert state.t == t
        for p, p_old, d, e, g, g_old in zip(params, before, steps, expected, grads, grads_before):
            # to rounding: a relative 1e-15, or an ulp or two of the operands where p − lr·… cancels
            ulps = 2 * np.finfo(float).eps * (np.abs(p_old).max() + np.abs(p).max())
            np.testing.assert_allclose(p, e, rtol=1e-15, atol=ulps, err_msg=f"{name} step {t}: params")
            np.testing.assert_allclose(d, p - p_old, rtol=0, atol=ulps,
                                       err_msg=f"{name} step {t}: returned step is not new − old")
            np.testing.assert_array_equal(g, g_old, err_msg=f"{name} step {t}: the gradient was modified")
            assert d.shape == p.shape and d is not p


def test_first_steps_by_hand():
    g = [np.array([2.0, -0.5, 0.0])]
    h = Hyper(learning_rate=0.1)

    def first(name):
        return apply(name, [np.zeros(3)], g, OptimizerState(), h)[0]

    np.testing.assert_allclose(first("sgd"), [-0.2, 0.05, 0.0], rtol=1e-16)
    np.testing.assert_allclose(first("momentum"), [-0.2, 0.05, 0.0], rtol=1e-16)  # buffer = g
    np.testing.assert_allclose(first("nesterov"), [-0.38, 0.095, 0.0], rtol=1e-15)  # g + 0.9 g
    # RMSprop: v = 0.01 g², step = lr g / (0.1 |g| + eps) ≈ lr · 10 · sign(g)
    np.testing.assert_allclose(first("rmsprop"), [-0.2 / (0.2 + 1e-8), 0.05 / (0.05 + 1e-8), 0.0], rtol=1e-15)
    # Adam: bias-corrected m̂ = g, v̂ = g², step = lr g / (|g| + eps) ≈ lr · sign(g)
    np.testing.assert_allclose(first("adam"), [-0.2 / (2 + 1e-8), 0.05 / (0.5 + 1e-8), 0.0], rtol=1e-15)


@pytest.mark.parametrize("name", NAMES)
def test_zero_gradient_from_the_start_moves_nothing(name):
    params = initial_params()
    steps = apply(name, params, [np.zeros_like(p) for p in params], OptimizerState(), Hyper())
    for p, p0, d in zip(params, initial_params(), steps):
        np.testing.assert_array_equal(p, p0)
        np.testing.assert_array_equal(d, 0.0)


@pytest.mark.parametrize("name", NAMES)
def test_state_belongs_to_one_parameter_list(name):
    # Two lists stepped with their own states follow the same path as one stepped alone.
    first, second = initial_params(), initial_params()
    first_state, second_state = OptimizerState(), OptimizerState()
    for grads in gradient_sequence():
        apply(name, first, grads, first_state, Hyper())
        apply(name, second, grads, second_state, Hyper())
    for a, b in zip(first, second):
        np.testing.assert_array_equal(a, b)


def test_adam_bias_correction_uses_the_step_count():
    # After t equal gradients g, m = (1 − β1^t) g exactly in the limit: m̂ = g, the step stays ≈ lr·sign(g).
    state, params = OptimizerState(), [np.zeros(2)]
    g = [np.array([0.3, -3.0])]
    for _ in range(5):
        step = apply("adam", params, g, state, Hyper(learning_rate=0.01))[0]
    assert state.t == 5
    np.testing.assert_allclose(step, [-0.01, 0.01], rtol=1e-6)
    assert math.isclose(params[0][0], -0.05, rel_tol=1e-6)
