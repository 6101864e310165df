"""engine.batches: the two batch orders, epochs, restarts, and a clone that hands out the same batches."""
from __future__ import annotations

import numpy as np
import pytest

from engine.batches import Batches
from engine.config import ORDERS


def data(n: int = 7) -> tuple[np.ndarray, np.ndarray]:
    X = np.arange(2.0 * n).reshape(n, 2)
    return X, X[:, :1] * 10.0


def take(batches: Batches, count: int, X=None, T=None):
    X, T = data() if X is None else (X, T)
    return [batches.next(X, T) for _ in range(count)]


def test_shuffled_epoch_visits_every_point_once_the_last_batch_short():
    X, T = data(7)
    epoch = take(Batches("shuffle", 3, np.random.default_rng(0)), 3, X, T)
    assert [len(index) for index, *_ in epoch] == [3, 3, 1]
    assert [done for *_, done in epoch] == [False, False, True]
    assert sorted(np.concatenate([index for index, *_ in epoch]).tolist()) == list(range(7))
    for index, x, t, _ in epoch:  # inputs and targets are the rows the indices name
        np.testing.assert_array_equal(x, X[index])
        np.testing.assert_array_equal(t, T[index])


def test_each_shuffled_epoch_draws_a_new_order():
    first, second = (np.concatenate([i for i, *_ in epoch]) for epoch in
                     np.split(np.array(take(Batches("shuffle", 7, np.random.default_rng(0)), 2),
                                       dtype=object), 2))
    assert sorted(first.tolist()) == sorted(second.tolist()) and first.tolist() != second.tolist()


def test_fixed_order_wraps_round_and_carries_leftovers():
    batches = take(Batches("fixed", 3, np.random.default_rng(0)), 4)
    assert [index.tolist() for index, *_ in batches] == [[0, 1, 2], [3, 4, 5], [6, 0, 1], [2, 3, 4]]
    assert [done for *_, done in batches] == [False, False, True, False]


def test_a_batch_larger_than_the_train_set_is_the_whole_set():
    index, x, _, done = Batches("fixed", 50, np.random.default_rng(0)).next(*data(7))
    assert index.tolist() == list(range(7)) and done


@pytest.mark.parametrize("order", ORDERS)
def test_a_clone_hands_out_the_same_batches_and_stays_independent(order):
    original = Batches(order, 3, np.random.default_rng(5))
    take(original, 2)  # mid-epoch
    twin = original.clone()
    ahead = take(original, 6)
    assert [i.tolist() for i, *_ in take(twin, 6)] == [i.tolist() for i, *_ in ahead]


def test_a_clone_serves_another_train_set_of_the_same_size():
    # Two trainers with different features share a batch order, not their data.
    original = Batches("shuffle", 4, np.random.default_rng(1))
    twin = original.clone()
    X, T = data(9)
    X3 = np.concatenate([X, X[:, :1] ** 2], axis=1)
    for (i, *_), (j, x, t, _) in zip(take(original, 5, X, T), take(twin, 5, X3, T)):
        assert i.tolist() == j.tolist()
        np.testing.assert_array_equal(x, X3[j])


def test_restart_begins_a_new_epoch_and_the_generator_goes_on():
    batches = Batches("shuffle", 3, np.random.default_rng(2))
    take(batches, 1)
    batches.restart("fixed", 2)
    assert [i.tolist() for i, *_ in take(batches, 2)] == [[0, 1], [2, 3]]
    batches.restart("shuffle", 7)
    reference = np.random.default_rng(2)
    reference.permutation(7)  # the first epoch's draw
    assert take(batches, 1)[0][0].tolist() == reference.permutation(7).tolist()


def test_unknown_order_is_refused():
    with pytest.raises(ValueError, match="order"):
        Batches("random", 3, np.random.default_rng(0))
