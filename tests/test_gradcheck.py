"""engine.gradcheck: centred differences and the relative error every gradient check uses."""
from __future__ import annotations

import numpy as np
import pytest

from engine.gradcheck import numeric_gradient, relative_error


def test_numeric_gradient_of_a_known_function():
    # f(A) = Σ sin(A) · A² has ∂f/∂a = cos(a)·a² + 2a·sin(a).
    A = np.random.default_rng(0).uniform(-2, 2, (3, 4))
    numeric = numeric_gradient(lambda: float((np.sin(A) * A**2).sum()), A)
    exact = np.cos(A) * A**2 + 2 * A * np.sin(A)
    assert numeric.shape == A.shape
    assert relative_error(exact, numeric) < 1e-9


def test_numeric_gradient_restores_the_array_and_checks_chosen_entries():
    A = np.array([[1.0, 2.0], [3.0, 4.0]])
    before = A.copy()
    numeric = numeric_gradient(lambda: float((A**3).sum()), A, entries=[3, 0])
    np.testing.assert_allclose(numeric, [3 * 16.0, 3 * 1.0], rtol=1e-9)
    assert A.tobytes() == before.tobytes()


def test_a_copy_cannot_be_perturbed_in_place():
    with pytest.raises(ValueError, match="contiguous"):
        numeric_gradient(lambda: 0.0, np.ones((3, 4)).T)


def test_relative_error_definition():
    assert relative_error([3.0, 4.0], [3.0, 4.0]) == 0.0
    assert relative_error([1.0, 0.0], [0.0, 0.0]) == 1.0  # a wrong gradient against a zero one
    assert relative_error([2.0], [1.0]) == pytest.approx(0.5)  # ‖g − n‖ / max(‖g‖, ‖n‖)
    assert relative_error([0.0], [1e-12]) == pytest.approx(1e-4)  # the 1e-8 floor: both tiny, no blow-up
