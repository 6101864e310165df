"""engine.trainer: the four phases in order and readable, step(n) and epochs, phased = whole iterations,
determinism (in this process and another), reset, configure, sanity of training, divergence."""
from __future__ import annotations

import hashlib
import math
import os
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

from engine import network
from engine.config import TrainConfig
from engine.gradcheck import numeric_gradient, relative_error
from engine.optimizers import OPTIMIZERS, Hyper
from engine.outputs import LOSSES
from engine.trainer import DIVERGENCE, PHASES, Trainer

ROOT = Path(__file__).resolve().parents[1]
BASE = TrainConfig()  # circle, 500 points, 50 % train → 250, hidden 4,2 tanh, sigmoid + cross-entropy, sgd
ALL_FEATURES = ("x", "y", "xSquared", "ySquared", "xTimesY", "sinX", "sinY")
TOLERANCE = 1e-7


def copy_params(trainer: Trainer) -> list[np.ndarray]:
    return [p.copy() for p in trainer.params]


def data_bytes(trainer: Trainer) -> bytes:
    return b"".join(a.tobytes() for a in (trainer.X_train, trainer.y_train, trainer.X_test, trainer.y_test,
                                          trainer.T_train, trainer.T_test))


def params_bytes(params: list[np.ndarray]) -> bytes:
    return b"".join(p.tobytes() for p in params)


def run_phases(trainer: Trainer, iterations: int) -> None:
    for _ in range(iterations):
        for phase in PHASES:
            getattr(trainer, phase)()


@pytest.fixture
def trainer() -> Trainer:
    return Trainer(BASE)


# The four phases -------------------------------------------------------------------------------


def test_phases_refuse_to_run_out_of_order(trainer):
    for phase in ("loss", "backward", "update"):
        with pytest.raises(RuntimeError):
            getattr(trainer, phase)()
    trainer.forward()
    for phase in ("backward", "update"):
        with pytest.raises(RuntimeError):
            getattr(trainer, phase)()
    trainer.loss()
    with pytest.raises(RuntimeError):
        trainer.update()
    trainer.backward()
    trainer.update()
    for phase in ("loss", "backward", "update"):  # a finished iteration needs a new forward
        with pytest.raises(RuntimeError):
            getattr(trainer, phase)()


def test_advance_phase_cycles_through_the_four(trainer):
    assert trainer.phase == "ready"
    names = [trainer.advance_phase() for _ in range(9)]
    assert names == list(PHASES) * 2 + ["forward"]
    assert trainer.phase == "forward" and trainer.step_count == 2


def test_forward_leaves_the_batch_and_every_layer(trainer):
    trainer.forward()
    assert trainer.x_batch.shape == (10, 2) and trainer.t_batch.shape == (10, 1)
    np.testing.assert_array_equal(trainer.x_batch, trainer.X_train[trainer.batch_index])
    np.testing.assert_array_equal(trainer.t_batch, trainer.T_train[trainer.batch_index])
    cache = trainer.cache
    assert cache.a[0] is trainer.x_batch and cache.z[0] is None
    assert [a.shape for a in cache.a] == [(10, 2), (10, 4), (10, 2), (10, 1)]
    assert [z.shape for z in cache.z[1:]] == [(10, 4), (10, 2), (10, 1)]
    for l in (1, 2):
        np.testing.assert_array_equal(cache.a[l], np.tanh(cache.z[l]))
    np.testing.assert_array_equal(cache.z[1], trainer.x_batch @ trainer.params[0] + trainer.params[1])
    np.testing.assert_array_equal(cache.a[3], 1 / (1 + np.exp(-cache.z[3])))
    assert trainer.losses is None and trainer.gradients is None and trainer.steps is None


def test_loss_leaves_per_sample_losses_and_the_mean(trainer):
    trainer.forward()
    trainer.loss()
    z, T = trainer.cache.z[-1], trainer.t_batch
    by_hand = np.maximum(z, 0) - z * T + np.log1p(np.exp(-np.abs(z)))  # BCEWithLogitsLoss per sample
    assert trainer.losses.shape == (10,)
    np.testing.assert_allclose(trainer.losses, by_hand[:, 0], rtol=1e-15)
    assert trainer.cost == float(trainer.losses.mean())


def test_backward_leaves_every_layers_gradients(trainer):
    trainer.forward()
    trainer.loss()
    trainer.backward()
    gradients = trainer.gradients
    assert [g.shape for g in gradients.grads] == [p.shape for p in trainer.params]
    assert [d.shape for d in gradients.dz[1:]] == [(10, 4), (10, 2), (10, 1)]
    assert [d.shape for d in gradients.da[:3]] == [(10, 2), (10, 4), (10, 2)]
    np.testing.assert_allclose(gradients.dz[-1], (trainer.cache.a[-1] - trainer.t_batch) / 10, rtol=1e-15)


def test_update_leaves_the_step_taken(trainer):
    run_phases(trainer, 1)
    old = copy_params(trainer)
    trainer.forward()
    trainer.loss()
    trainer.backward()
    grads = [g.copy() for g in trainer.gradients.grads]
    trainer.update()
    for new, before, step, g in zip(trainer.params, old, trainer.steps, grads):
        np.testing.assert_array_equal(step, -BASE.learning_rate * g)  # sgd: ΔW = −η·g
        np.testing.assert_allclose(new - before, step, rtol=0, atol=4 * np.finfo(float).eps * np.abs(before).max())
        np.testing.assert_array_equal(new, before + step)
    assert trainer.step_count == 2 and trainer.phase == "update"


def heads_on_datasets():
    datasets = {"sigmoid": "circle", "tanh": "circle", "softmax": "spiral3", "linear": "reg-plane"}
    for output, dataset in datasets.items():
        for loss in LOSSES:
            if loss == "cross_entropy" and output not in ("sigmoid", "softmax"):
                continue
            problem = "regression" if output == "linear" else "classification"
            yield TrainConfig(problem=problem, dataset=dataset, output=output, loss=loss, noise=10)


@pytest.mark.parametrize("regularization", ["none", "L1", "L2"])
@pytest.mark.parametrize("config", list(heads_on_datasets()), ids=lambda c: f"{c.output}+{c.loss}")
def test_backward_phase_is_the_gradient_of_the_objective(config, regularization):
    # an odd batch, so MAE's mean of signs is never exactly 0 (a centred difference cannot resolve 0)
    trainer = Trainer(config.changed(regularization=regularization, regularization_rate=0.01, batch_size=9))
    run_phases(trainer, 3)  # away from the initial weights
    for W in trainer.params[0::2]:  # and L1's kink at w = 0 kept away
        W[np.abs(W) < 1e-3] = 1e-2
    trainer.forward()
    trainer.loss()
    trainer.backward()
    X, T = trainer.x_batch, trainer.t_batch
    params = copy_params(trainer)
    for i, (p, g) in enumerate(zip(params, trainer.gradients.grads)):
        numeric = numeric_gradient(lambda: trainer.objective.value(params, X, T), p)
        error = relative_error(g, numeric)
        assert error < TOLERANCE, f"param {i}: analytic {g.tolist()}, numeric {numeric.tolist()}"


def test_objective_is_data_cost_plus_penalty():
    trainer = Trainer(BASE.changed(regularization="L2", regularization_rate=0.01))
    trainer.step(20)
    data_loss = trainer.evaluate()["loss"]["train"]
    penalty = network.penalty(trainer.params, "L2", 0.01)
    assert penalty > 0
    assert trainer.objective.value(trainer.params, trainer.X_train, trainer.T_train) == pytest.approx(
        data_loss + penalty, rel=1e-14)


# step(n), epochs and batch order ---------------------------------------------------------------


@pytest.mark.parametrize("order", ["shuffle", "fixed"])
def test_step_counts_steps_and_epochs(order):
    trainer = Trainer(BASE.changed(order=order))
    assert len(trainer.X_train) == 250
    assert trainer.step(24) == 24 and (trainer.step_count, trainer.epoch) == (24, 0)
    assert trainer.step(1) == 1 and (trainer.step_count, trainer.epoch) == (25, 1)
    assert trainer.step(225) == 225 and (trainer.step_count, trainer.epoch) == (250, 10)


@pytest.mark.parametrize("order", ["shuffle", "fixed"])
def test_batches_that_do_not_divide_the_set(order):
    trainer = Trainer(BASE.changed(order=order, batch_size=30))
    trainer.step(8)
    assert trainer.epoch == 0
    trainer.step(1)
    assert trainer.epoch == 1
    if order == "shuffle":  # the epoch's last batch is the remainder
        assert len(trainer.batch_index) == 10
    else:  # TFP: one fixed order, the leftovers carry over into the next epoch
        np.testing.assert_array_equal(trainer.batch_index, np.arange(240, 270) % 250)


def test_shuffle_visits_every_point_once_per_epoch_in_a_new_order():
    trainer = Trainer(BASE)
    epochs = []
    for _ in range(2):
        seen = []
        for _ in range(25):
            trainer.step(1)
            seen.append(trainer.batch_index)
        epochs.append(np.concatenate(seen))
    for seen in epochs:
        np.testing.assert_array_equal(np.sort(seen), np.arange(250))
    assert not np.array_equal(epochs[0], epochs[1])


def test_fixed_order_walks_the_set_in_order():
    trainer = Trainer(BASE.changed(order="fixed"))
    for k in range(3):
        trainer.step(1)
        np.testing.assert_array_equal(trainer.batch_index, np.arange(10 * k, 10 * k + 10))


# Phased iterations are whole iterations --------------------------------------------------------


@pytest.mark.parametrize("regularization", ["none", "L1"])
@pytest.mark.parametrize("optimizer", OPTIMIZERS)
def test_phases_and_step_give_identical_params(optimizer, regularization):
    config = BASE.changed(optimizer=optimizer, regularization=regularization, regularization_rate=0.01,
                          learning_rate=0.01)
    phased, stepped = Trainer(config), Trainer(config)
    run_phases(phased, 30)  # crosses an epoch boundary
    assert stepped.step(30) == 30
    assert params_bytes(phased.params) == params_bytes(stepped.params)
    assert (phased.step_count, phased.epoch) == (stepped.step_count, stepped.epoch) == (30, 1)
    assert phased.opt_state.t == stepped.opt_state.t
    for name, buffers in phased.opt_state.buffers.items():
        assert params_bytes(buffers) == params_bytes(stepped.opt_state.buffers[name])
    # step(n) leaves the last iteration readable, as the phases do
    np.testing.assert_array_equal(phased.batch_index, stepped.batch_index)
    assert phased.cost == stepped.cost
    np.testing.assert_array_equal(phased.losses, stepped.losses)
    for a, b in zip(phased.gradients.grads + phased.steps, stepped.gradients.grads + stepped.steps):
        np.testing.assert_array_equal(a, b)
    # and they go on in step
    run_phases(stepped, 3)
    phased.step(3)
    assert params_bytes(phased.params) == params_bytes(stepped.params)


HEADS = [("classification", "circle", "sigmoid", "cross_entropy"), ("classification", "xor", "tanh", "mae"),
         ("classification", "spiral3", "softmax", "cross_entropy"), ("classification", "spiral3", "softmax", "mse"),
         ("regression", "reg-plane", "linear", "half_mse")]


@pytest.mark.parametrize("batch_size", [1, 7])
@pytest.mark.parametrize("head", range(len(HEADS)))
@pytest.mark.parametrize("activation", ["tanh", "relu", "sigmoid", "linear", "leaky_relu"])
def test_step_writing_into_its_buffers_computes_what_the_phases_compute(activation, head, batch_size):
    """step(n) writes into arrays it keeps for the call, the phases into new ones: the bytes agree, NaN sign
    bits included: at the larger learning rates the run diverges, and step(n) goes on with NaN until its next
    divergence check (7 rows: an epoch's last batch is shorter)."""
    problem, dataset, output, loss = HEADS[head]
    for rate in (0.05, 3.0, 40.0):
        config = TrainConfig(problem=problem, dataset=dataset, output=output, loss=loss, activation=activation,
                             hidden_layers=(5, 1, 3), batch_size=batch_size, num_samples=60, learning_rate=rate,
                             optimizer="momentum", seed=f"{activation}{head}")
        phased, stepped = Trainer(config), Trainer(config)
        ran = stepped.step(1) + stepped.step(45)
        run_phases(phased, ran)
        assert stepped.theta.tobytes() == phased.theta.tobytes()
        assert params_bytes(stepped.opt_state.buffers["momentum"]) == params_bytes(phased.opt_state.buffers["momentum"])
        if stepped.status == "ok":
            assert params_bytes(stepped.cache.a[1:] + stepped.cache.z[1:]) == params_bytes(phased.cache.a[1:] + phased.cache.z[1:])
            assert params_bytes(stepped.gradients.dz[1:] + stepped.gradients.da[1:-1]) == \
                params_bytes(phased.gradients.dz[1:] + phased.gradients.da[1:-1])
            assert stepped.step_flat.tobytes() == phased.step_flat.tobytes()


def test_a_step_call_leaves_what_an_earlier_call_left_alone():
    """What a step(n) call leaves for viewers lives in that call's own arrays: the next call writes elsewhere."""
    trainer = Trainer(BASE.changed(batch_size=7))
    trainer.step(5)
    left = [trainer.cache.a, trainer.cache.z[1:], trainer.gradients.dz[1:], [trainer.step_flat]]
    kept = [[array.copy() for array in arrays] for arrays in left]
    cache, gradients = trainer.cache, trainer.gradients
    trainer.step(60)  # crosses an epoch: a short batch too
    assert trainer.cache is not cache and trainer.gradients is not gradients
    for arrays, copies in zip(left, kept):
        assert params_bytes(arrays) == params_bytes(copies)


@pytest.mark.parametrize("n", [1, 3])
@pytest.mark.parametrize("done", ["forward", "loss", "backward"])
def test_step_finishes_a_phased_iteration_first(done, n):
    partial, whole = Trainer(BASE), Trainer(BASE)
    for phase in PHASES[: PHASES.index(done) + 1]:
        getattr(partial, phase)()
    assert partial.step(n) == n
    whole.step(n)
    assert params_bytes(partial.params) == params_bytes(whole.params)
    assert partial.step_count == whole.step_count == n and partial.phase == "update"


# Determinism -----------------------------------------------------------------------------------

DETERMINISM = BASE.changed(dataset="spiral", noise=20, optimizer="adam", learning_rate=0.01,
                           features=ALL_FEATURES, hidden_layers=(6, 4), seed="any string, ünïcode")


def fingerprint(config: TrainConfig, steps: int = 300) -> tuple[bytes, bytes, bytes]:
    trainer = Trainer(config)
    data, initial = data_bytes(trainer), params_bytes(trainer.params)
    trainer.step(steps)
    return data, initial, params_bytes(trainer.params)


def test_same_config_and_seed_give_identical_bytes():
    first, second = fingerprint(DETERMINISM), fingerprint(DETERMINISM)
    assert first == second


def test_a_different_seed_gives_different_data_and_weights():
    first, other = fingerprint(DETERMINISM), fingerprint(DETERMINISM.changed(seed="another"))
    assert first[0] != other[0] and first[1] != other[1] and first[2] != other[2]


CHILD = """
import hashlib, sys
from engine.config import TrainConfig
from engine.gradcheck import numeric_gradient, relative_error
from engine.trainer import Trainer
config = TrainConfig(dataset="spiral", noise=20, optimizer="adam", learning_rate=0.01,
                     features=("x", "y", "xSquared", "ySquared", "xTimesY", "sinX", "sinY"),
                     hidden_layers=(6, 4), seed="any string, ünïcode")
assert config == TrainConfig(**{**config.__dict__})
trainer = Trainer(config)
digest = hashlib.sha256()
digest.update(b"".join(a.tobytes() for a in (trainer.X_train, trainer.y_train, trainer.X_test,
                                            trainer.y_test, trainer.T_train, trainer.T_test)))
digest.update(b"".join(p.tobytes() for p in trainer.params))
trainer.step(300)
digest.update(b"".join(p.tobytes() for p in trainer.params))
print(digest.hexdigest())
"""


def test_another_process_gives_identical_bytes():
    data, initial, trained = fingerprint(DETERMINISM)
    expected = hashlib.sha256(data + initial + trained).hexdigest()
    env = {**os.environ, "PYTHONHASHSEED": "12345", "PYTHONPATH": str(ROOT)}  # a different str hash salt
    result = subprocess.run([sys.executable, "-c", CHILD], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=60, check=True)
    assert result.stdout.strip() == expected


# Reset and configure ---------------------------------------------------------------------------


def test_reset_draws_new_weights_on_the_same_data(trainer):
    data, initial = data_bytes(trainer), params_bytes(trainer.params)
    trainer.step(40)
    trainer.forward()
    trainer.reset()
    assert data_bytes(trainer) == data
    assert params_bytes(trainer.params) != initial
    assert (trainer.step_count, trainer.epoch, trainer.phase, trainer.status) == (0, 0, "ready", "ok")
    assert trainer.opt_state.t == 0 and not trainer.opt_state.buffers
    second = params_bytes(trainer.params)
    trainer.reset()
    assert params_bytes(trainer.params) not in (initial, second)
    # resets are part of the reproducible state
    assert params_bytes(Trainer(BASE, resets=2).params) == params_bytes(trainer.params)


@pytest.mark.parametrize("change", [
    {"learning_rate": 0.1}, {"optimizer": "adam"}, {"regularization": "L2", "regularization_rate": 0.001},
    {"batch_size": 5}, {"order": "fixed"}, {"loss": "mse"}, {"momentum": 0.5},
], ids=lambda c: ",".join(c))
def test_live_change_keeps_weights_and_data(trainer, change):
    trainer.step(7)
    data, weights = data_bytes(trainer), params_bytes(trainer.params)
    assert trainer.configure(**change) == "live"
    assert params_bytes(trainer.params) == weights and data_bytes(trainer) == data
    assert trainer.step_count == 7
    assert all(getattr(trainer.config, k) == v for k, v in change.items())
    trainer.step(1)
    if "batch_size" in change:
        assert len(trainer.batch_index) == 5


def test_changing_the_optimizer_starts_a_fresh_state(trainer):
    trainer.configure(optimizer="momentum")
    trainer.step(3)
    trainer.configure(optimizer="adam")
    assert trainer.opt_state.t == 0 and not trainer.opt_state.buffers


@pytest.mark.parametrize("change", [
    {"hidden_layers": (3,)}, {"activation": "relu"}, {"init": "he"}, {"features": ALL_FEATURES},
    {"hidden_layers": ()},
], ids=lambda c: ",".join(c))
def test_shape_change_draws_new_weights_on_the_same_points(trainer, change):
    trainer.step(7)
    points, weights = trainer.x_train.tobytes(), params_bytes(trainer.params)
    assert trainer.configure(**change) == "weights"
    assert trainer.x_train.tobytes() == points
    assert params_bytes(trainer.params) != weights
    assert [p.shape[0] for p in trainer.params[0::2]] == [len(trainer.config.features),
                                                          *trainer.config.hidden_layers]
    assert trainer.step_count == 0


@pytest.mark.parametrize("change", [
    {"noise": 15}, {"seed": "other"}, {"dataset": "xor"}, {"num_samples": 200}, {"train_percent": 70},
], ids=lambda c: ",".join(c))
def test_data_change_regenerates_the_data(trainer, change):
    data = data_bytes(trainer)
    assert trainer.configure(**change) == "data"
    assert data_bytes(trainer) != data
    expected_train = math.floor(trainer.config.num_samples * trainer.config.train_percent / 100)
    assert len(trainer.X_train) == expected_train


def test_no_change_is_live(trainer):
    weights = params_bytes(trainer.params)
    assert trainer.configure(learning_rate=BASE.learning_rate) == "live"
    assert params_bytes(trainer.params) == weights


def test_a_bad_change_is_refused_and_leaves_the_trainer_working(trainer):
    trainer.step(3)
    weights = params_bytes(trainer.params)
    with pytest.raises(ValueError):
        trainer.configure(output="linear")  # a regression head on a classification set
    with pytest.raises(ValueError):
        trainer.configure(loss="cross_entropy", output="tanh")
    assert trainer.config == BASE and params_bytes(trainer.params) == weights
    assert trainer.step(2) == 2


# Evaluation and hand edits ---------------------------------------------------------------------


def test_evaluate_reports_losses_and_accuracy(trainer):
    result = trainer.evaluate()
    assert set(result) == {"loss", "accuracy"}
    assert set(result["loss"]) == set(result["accuracy"]) == {"train", "test"}
    assert 0 <= result["accuracy"]["train"] <= 1
    assert trainer.evaluate() is result  # cached until the params change
    trainer.step(1)
    assert trainer.evaluate() is not result
    regression = Trainer(TrainConfig(problem="regression", dataset="reg-gauss", output="linear", loss="mse"))
    assert regression.evaluate()["accuracy"] is None


def test_set_parameter_by_hand(trainer):
    version = trainer.version
    trainer.set_parameter(0, "weight", 1, 2, 0.5)
    trainer.set_parameter(1, "bias", 1, None, -0.25)
    assert trainer.params[0][1, 2] == 0.5 and trainer.params[3][1] == -0.25
    assert trainer.version == version + 2
    trainer.set_parameter(2, "weight", 0, 0, math.inf)
    assert trainer.status == "diverged"
    trainer.set_parameter(2, "weight", 0, 0, 1.0)
    assert trainer.status == "ok"


# Sanity: chance at init, overfitting, training -------------------------------------------------


def test_loss_at_init_is_near_chance():
    # sigmoid + cross-entropy on balanced classes, xavier: ≈ ln 2; softmax over 3 classes: ≈ ln 3
    binary = [Trainer(BASE.changed(seed=str(s))).evaluate()["loss"]["train"] for s in range(10)]
    assert all(abs(v - math.log(2)) < 0.25 for v in binary), binary
    assert np.mean(binary) == pytest.approx(math.log(2), abs=0.1)
    three = [Trainer(BASE.changed(dataset="spiral3", output="softmax", seed=str(s))).evaluate()["loss"]["train"]
             for s in range(10)]
    assert np.mean(three) == pytest.approx(math.log(3), abs=0.15), three


XOR_8 = ((-4, -4, 0), (-4, 4, 1), (4, -4, 1), (4, 4, 0), (-2, -2, 0), (-2, 2, 1), (2, -2, 1), (2, 2, 0))


def test_a_tiny_set_overfits():
    config = TrainConfig(dataset="custom", points=XOR_8, train_percent=100, hidden_layers=(8, 8),
                         optimizer="adam", learning_rate=0.03, batch_size=8)
    trainer = Trainer(config)
    assert len(trainer.X_train) == 8
    trainer.step(1500)
    result = trainer.evaluate()
    assert result["loss"]["train"] < 1e-3 and result["accuracy"]["train"] == 1.0


def test_circle_trains_to_a_low_loss():
    trainer = Trainer(BASE)
    start = trainer.evaluate()["loss"]["train"]
    trainer.step(3000)
    result = trainer.evaluate()
    assert trainer.status == "ok" and trainer.epoch == 120
    assert result["loss"]["train"] < 0.1 < start
    assert result["accuracy"]["test"] > 0.97


def test_spiral3_trains_with_softmax():
    config = BASE.changed(dataset="spiral3", output="softmax", features=ALL_FEATURES, hidden_layers=(8, 8),
                          optimizer="adam", learning_rate=0.01)
    trainer = Trainer(config)
    start = trainer.evaluate()["loss"]["train"]
    trainer.step(3000)
    result = trainer.evaluate()
    assert result["loss"]["train"] < 0.4 < start
    assert result["accuracy"]["train"] > 0.85


def test_zeros_init_keeps_the_hidden_units_identical():
    trainer = Trainer(BASE.changed(init="zeros", activation="sigmoid"))
    trainer.step(100)
    W1, W2 = trainer.params[0], trainer.params[2]
    assert np.abs(W2).max() > 0  # it learns, but every unit of a layer learns the same thing
    np.testing.assert_array_equal(W1, W1[:, :1].repeat(W1.shape[1], axis=1))
    np.testing.assert_array_equal(W2, W2[:1, :].repeat(W2.shape[0], axis=0))


# Divergence ------------------------------------------------------------------------------------

EXPLODING = TrainConfig(problem="regression", dataset="reg-plane", activation="relu", output="linear",
                        loss="mse", learning_rate=1e6)


def test_divergence_is_a_state_not_an_error():
    trainer = Trainer(EXPLODING)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ran = trainer.step(300)
        assert trainer.status == "diverged" and ran < 300
        assert trainer.step(10) == 0
        phase = trainer.phase
        assert trainer.advance_phase() == phase
        loss = trainer.evaluate()["loss"]["train"]
        assert loss is None or loss > DIVERGENCE * trainer.start_loss
    trainer.reset()
    assert trainer.status == "ok" and all(np.isfinite(p).all() for p in trainer.params)
    trainer.configure(learning_rate=0.01)
    assert trainer.step(200) == 200 and trainer.status == "ok"
    assert math.isfinite(trainer.evaluate()["loss"]["train"])


def test_divergence_through_the_phases():
    trainer = Trainer(EXPLODING)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for _ in range(400):
            trainer.advance_phase()
            if trainer.status == "diverged":
                break
    assert trainer.status == "diverged"
    trainer.reset()
    assert trainer.status == "ok" and trainer.phase == "ready"


@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
def test_overflowing_parameters_neither_warn_nor_raise(optimizer):
    # A step so large that some parameters become +inf and others −inf in the same tensor.
    trainer = Trainer(EXPLODING.changed(activation="linear", optimizer=optimizer, learning_rate=1e308))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for _ in range(40):
            trainer.advance_phase()
        trainer.evaluate()
    assert trainer.status == "diverged"


def test_step_reports_the_divergence_of_its_last_update():
    # The phases flag non-finite parameters right after the update; step(n) must agree.
    trainer = Trainer(EXPLODING.changed(activation="linear", optimizer="adam", learning_rate=1e308))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        trainer.step(1)
    assert not all(np.isfinite(p).all() for p in trainer.params)
    assert trainer.status == "diverged"


def test_step_survives_a_first_forward_that_overflows():
    # Parameters still finite but so large that the forward overflows: a play loop calling step(1)
    # meets the divergence check on the first iteration of a call.
    trainer = Trainer(EXPLODING.changed(activation="linear", hidden_layers=(4, 4, 4), learning_rate=1e30))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for _ in range(100):
            trainer.step(1)
            if trainer.status == "diverged":
                break
    assert trainer.status == "diverged"


def test_step_after_hand_set_overflowing_weights():
    trainer = Trainer(EXPLODING.changed(activation="linear", learning_rate=0.01))
    for layer, W in enumerate(trainer.params[0::2]):
        for i, j in np.ndindex(*W.shape):
            trainer.set_parameter(layer, "weight", i, j, 1e300)
    assert trainer.status == "ok"  # every parameter is finite
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert trainer.step(5) == 0
    assert trainer.status == "diverged"


def test_params_are_views_of_one_flat_theta_through_every_path():
    """θ and [W1, b1, ...] are one memory: an update, a hand edit and a reset keep them in step."""
    trainer = Trainer(TrainConfig(seed="flat", optimizer="adam"))
    def joined():
        return np.concatenate([p.ravel() for p in trainer.params])
    trainer.step(7)
    np.testing.assert_array_equal(joined(), trainer.theta)
    trainer.forward(), trainer.loss(), trainer.backward(), trainer.update()
    np.testing.assert_array_equal(joined(), trainer.theta)
    trainer.set_parameter(1, "weight", 0, 1, 0.25)
    assert trainer.theta[trainer.params[0].size + trainer.params[1].size + 1] == 0.25
    trainer.reset()
    np.testing.assert_array_equal(joined(), trainer.theta)
    assert all(np.shares_memory(p, trainer.theta) for p in trainer.params)


def test_a_step_that_meets_a_diverging_loss_leaves_that_batch_readable():
    trainer = Trainer(EXPLODING.changed(activation="linear", learning_rate=0.01))
    for layer, W in enumerate(trainer.params[0::2]):
        W[...] = 1e300
    trainer.params_edited()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        trainer.step(3)
    assert trainer.phase == "loss" and trainer.status == "diverged" and trainer.step_count == 0
    assert not math.isfinite(trainer.cost)
    assert trainer.gradients is None and trainer.steps is None


def test_trainers_given_one_batch_order_see_the_same_batches():
    # Two optimizers on one batch sequence: the second trainer takes a clone of the first's order.
    sgd, adam = Trainer(BASE), Trainer(BASE.changed(optimizer="adam", features=("x", "y", "sinX")))
    adam.batches = sgd.batches.clone()
    for _ in range(30):
        sgd.step(1), adam.step(1)
        assert sgd.batch_index.tolist() == adam.batch_index.tolist()
    assert sgd.epoch == adam.epoch == 1


def test_hyperparameter_defaults_are_the_configs():
    assert Hyper() == Hyper.of(TrainConfig())
    assert Hyper.of(BASE.changed(learning_rate=0.5, eps=1e-6)).learning_rate == 0.5


@pytest.mark.parametrize("chunk", [1, 7, 50])
def test_a_run_is_diverged_once_its_loss_passes_a_million_times_its_start(chunk):
    # Learning rate 10 on regression with ReLU (a learner's mistake): the loss grows for a while, finite.
    trainer = Trainer(TrainConfig(problem="regression", dataset="reg-plane", activation="relu", output="linear",
                                  loss="mse", learning_rate=10, seed="grows"))
    limit = DIVERGENCE * trainer.start_loss
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for _ in range(400):
            trainer.step(chunk)
            loss = trainer.evaluate()["loss"]["train"]
            if trainer.status == "diverged":
                break
            assert loss <= limit, f"status ok at a loss of {loss} (limit {limit})"
    assert trainer.status == "diverged"
    assert trainer.step(1) == 0


def test_a_finite_but_huge_loss_after_an_edit_is_divergence_and_undoing_it_recovers():
    trainer = Trainer(TrainConfig(problem="regression", dataset="reg-plane", output="linear", loss="mse"))
    bias = float(trainer.params[-1][0])
    trainer.set_parameter(2, "bias", 0, None, 1e5)  # loss ≈ 1e10: finite, far past 10⁶ × the start
    loss = trainer.evaluate()["loss"]["train"]
    assert math.isfinite(loss) and loss > DIVERGENCE * trainer.start_loss
    assert trainer.status == "diverged"
    trainer.set_parameter(2, "bias", 0, None, bias)
    assert trainer.status == "ok"
    assert trainer.evaluate()["loss"]["train"] == pytest.approx(trainer.start_loss, rel=1e-12)


def test_changing_the_loss_measures_divergence_in_its_own_units(trainer):
    trainer.step(30)
    trainer.configure(loss="mse")
    assert trainer.start_loss == trainer.evaluate()["loss"]["train"]


@pytest.mark.parametrize("phases", [1, 2, 3, 4])  # edit after forward, loss, backward, update
def test_a_hand_edit_leaves_only_numbers_at_the_new_weights(phases):
    trainer = Trainer(BASE.changed(seed="edit", regularization="L2", regularization_rate=0.01))
    trainer.step(5)
    for _ in range(phases):
        trainer.advance_phase()
    phase, batch = trainer.phase, trainer.batch_index.copy()
    trainer.set_parameter(1, "weight", 0, 1, 2.0)
    assert trainer.phase == phase and trainer.steps is None  # the step just taken moved other weights
    np.testing.assert_array_equal(trainer.batch_index, batch)
    fresh = network.forward(trainer.params, trainer.x_batch, trainer.hidden, trainer.head)
    np.testing.assert_array_equal(trainer.cache.a[-1], fresh.a[-1])
    if phases == 1:
        assert trainer.losses is None and trainer.gradients is None
        return
    assert trainer.cost == float(trainer.loss_fn.value(fresh.z[-1], fresh.a[-1], trainer.t_batch).mean())
    if phases == 2:
        assert trainer.gradients is None
        return
    # The gradient is the one at the current weights: centred differences of the batch objective.
    params = copy_params(trainer)
    for l, i, j in [(1, 0, 1), (0, 1, 2), (2, 1, 0)]:
        W = params[2 * l]
        numeric = numeric_gradient(lambda: trainer.objective.value(params, trainer.x_batch, trainer.t_batch), W,
                                   entries=[i * W.shape[1] + j])
        analytic = trainer.gradients.grads[2 * l][i, j]
        assert relative_error(analytic, numeric) < TOLERANCE, (analytic, numeric)
    next_phase = trainer.advance_phase()
    assert next_phase == ("update" if phases == 3 else "forward")
