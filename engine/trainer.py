"""A training session: data, network, optimizer, and one iteration as four named phases.

    forward  — take the next mini-batch; input times weight, add a bias, activate, layer by layer
    loss     — compare the output with the targets: per-sample losses and the batch cost
    backward — propagate the error back to the inputs: dL/da, dL/dz, dW, db for every layer
    update   — move every parameter against its gradient (the optimizer's step)

A training iteration is written once, as four kernels (``_forward``, ``_loss``, ``_backward``, ``_update``)
that read and write the trainer's fields. The public phases run one kernel each and leave its results for
viewers; ``step(n)`` runs the same kernels back to back, skipping only what nobody reads between two
iterations (the per-sample losses, d cost / d x), and has them write into arrays it keeps for the call
(``network.Buffers`` per batch size, and the step on θ) instead of new ones: the same operations, so the
same values bit for bit, without the allocations. A call's arrays are its own, so what an earlier call left
on the trainer (the cache, gradients, step a viewer may still hold) is never overwritten.

Nothing here raises or warns on divergence: a non-finite output or parameter, or a loss that is not finite
or exceeds ``DIVERGENCE`` × the loss at the start of the run (``diverging``), sets ``status = "diverged"``
and stepping stops until ``reset``.

The trainer's state is plain fields: ``config``, ``resets``, ``theta`` (all parameters; ``params`` are
views of it), ``opt_state``, ``batches`` (order, generator, cursor), ``step_count``, ``epoch``, ``status``,
``start_loss``, ``history``, and the last iteration's results (``phase``, the batch, ``cache``, ``losses``,
``cost``, ``gradients``, ``step_flat``). Data, encodings and the objective follow from ``config`` alone.
"""
from __future__ import annotations

import math
from collections import deque

import numpy as np

from engine import datasets, features, network, optimizers
from engine.losslog import LossLog
from engine.activations import ACTIVATIONS, Array
from engine.batches import Batches
from engine.config import DATA_FIELDS, LIVE_FIELDS, TrainConfig, field_names, seed_int
from engine.objective import Objective
from engine.outputs import LOSSES, OUTPUTS, check_head, num_outputs

PHASES = ("forward", "loss", "backward", "update")
HISTORY = 200  # parameter snapshots kept for the landscape trajectory
CHECK_EVERY = 32  # step(n) checks the batch loss for divergence on its first iteration and every this many
DIVERGENCE = 1e6  # a loss this many times the run's starting loss counts as diverged


class Trainer:
    """Owns one network and its data. ``params`` is the flat list ``[W1, b1, W2, b2, ...]``."""

    def __init__(self, config: TrainConfig, resets: int = 0):
        self.config = config
        self.resets = resets
        self.version = 0  # counts changes to parameters, data or loss (see ``changed``)
        self._evaluation: tuple[int, dict] | None = None  # (version, evaluate()'s result)
        self._make_data()
        self._init_weights()

    # ----- set-up -------------------------------------------------------------------------------
    def _rng(self, stream: int, draw: int = 0) -> np.random.Generator:
        # Independent streams per purpose, so a new network never changes the data and vice versa.
        return np.random.default_rng([seed_int(self.config.seed), stream, draw])

    def _make_data(self) -> None:
        c = self.config
        dataset = datasets.DATASETS.get(c.dataset)
        if c.dataset == "custom":
            classify = c.problem == "classification"
            x, y = datasets.make_custom(c.points or (), num_classes=3 if classify else 0)
            self.num_classes = int(y.max()) + 1 if classify else 0
            self.x_train, self.y_train, self.x_test, self.y_test = datasets.split(
                x, y, c.train_percent, self._rng(0))
        else:
            if dataset is None:
                raise ValueError(f"unknown dataset '{c.dataset}'")
            if dataset.problem != c.problem:
                raise ValueError(f"dataset '{c.dataset}' is a {dataset.problem} dataset, not {c.problem}")
            self.num_classes = dataset.num_classes
            self.x_train, self.y_train, self.x_test, self.y_test = datasets.make_data(
                c.dataset, c.num_samples, c.noise, c.train_percent, self._rng(0))
        if c.problem == "classification":
            self.num_classes = max(self.num_classes, 2)
        self._encode_data()

    def _encode_data(self) -> None:
        c = self.config
        check_head(c.problem, self.num_classes, c.output, c.loss)
        self.hidden = ACTIVATIONS[c.activation]
        self.head = OUTPUTS[c.output]
        self.loss_fn = LOSSES[c.loss]
        self.num_outputs = num_outputs(c.output, self.num_classes)
        self.X_train = features.transform(self.x_train, c.features)
        self.X_test = features.transform(self.x_test, c.features)
        self.T_train = self.head.targets(self.y_train, self.num_outputs)
        self.T_test = self.head.targets(self.y_test, self.num_outputs)
        self.objective = Objective(self.hidden, self.head, self.loss_fn, c.regularization, c.regularization_rate)
        self.hyper = optimizers.Hyper.of(c)

    def _init_weights(self) -> None:
        c = self.config
        self.sizes = network.layer_sizes(len(c.features), list(c.hidden_layers), self.num_outputs)
        # θ is one flat vector; params [W1, b1, ...] and the step buffer are views into flat buffers.
        initial = network.init_params(self.sizes, c.init, self._rng(1, self.resets))
        self.theta, self.params = network.flatten(initial)
        self._shapes = [p.shape for p in self.params]
        self._grad_flat, self._grad_views = network.flatten([np.zeros_like(p) for p in self.params])
        self.opt_state = optimizers.OptimizerState()
        self.batches = Batches(c.order, c.batch_size, self._rng(2, self.resets))
        self.step_count = 0
        self.epoch = 0
        self.status = "ok"
        self.changed()
        self.history: deque[Array] = deque(maxlen=HISTORY)
        self.loss_log = LossLog()  # (step, train, test) as evaluated: the loss curve, for export
        self._clear_phases()
        self._record()
        self._start_run()

    def _start_run(self) -> None:
        """The loss divergence is measured against: the train loss of the weights a run starts from."""
        self.start_loss = None
        self.start_loss = self.evaluate()["loss"]["train"]

    def diverging(self, loss: float) -> bool:
        """Is ``loss`` not finite, or more than ``DIVERGENCE`` times the run's starting loss?"""
        if not math.isfinite(loss):
            return True
        return bool(self.start_loss) and loss > DIVERGENCE * self.start_loss

    def changed(self) -> None:
        """Mark parameters, data or loss as changed, so cached evaluations are recomputed."""
        self.version += 1
        self._evaluation = None

    def _clear_phases(self) -> None:
        self.phase = "ready"
        self.batch_index = self.x_batch = self.t_batch = None
        self.cache = self.losses = self.cost = self.gradients = self.step_flat = None
        self._epoch_done = False

    def reset(self) -> None:
        """New initial weights from the next draw of the seed's stream; same data."""
        self.resets += 1
        self._init_weights()

    def configure(self, **changes) -> str:
        """Apply config changes; returns what they cost: 'live', 'weights' or 'data'."""
        unknown = changes.keys() - set(field_names())
        if unknown:
            raise ValueError(f"unknown config fields: {', '.join(sorted(unknown))}")
        changes = {k: v for k, v in changes.items() if getattr(self.config, k) != v}
        if not changes:
            return "live"
        self.changed()
        old = self.config
        self.config = old.changed(**changes)
        try:
            if DATA_FIELDS & changes.keys():
                self._make_data()
                self.resets = 0
                self._init_weights()
                return "data"
            self._encode_data()
            if changes.keys() <= LIVE_FIELDS:
                if "loss" in changes:  # a loss in other units: measure divergence from here on
                    self._start_run()
                if "optimizer" in changes:
                    self.opt_state = optimizers.OptimizerState()
                if changes.keys() & {"batch_size", "order"}:
                    self.batches.restart(self.config.order, self.config.batch_size)
                    self._clear_phases()
                return "live"
            self._init_weights()
            return "weights"
        except ValueError:
            self.config = old
            self._encode_data()
            raise

    # ----- the four phases ----------------------------------------------------------------------
    def forward(self) -> None:
        """Phase 1: a new mini-batch (unless one is mid-iteration) through every layer."""
        with np.errstate(all="ignore"):
            self._forward(new_batch=self.phase in ("ready", "update"))
        self.losses = self.cost = self.gradients = self.step_flat = None
        self.phase = "forward"
        self._check(self.cache.a[-1])

    def loss(self) -> None:
        """Phase 2: per-sample losses and the batch cost (the data loss, without the penalty)."""
        self._require("forward")
        with np.errstate(all="ignore"):
            self._loss()
        self.phase = "loss"
        if self.diverging(self.cost):
            self.status = "diverged"

    def backward(self) -> None:
        """Phase 3: gradients of the full objective (data cost + penalty) for every layer and the input."""
        self._require("loss")
        with np.errstate(all="ignore"):
            self._backward(input_grad=True)
        self.phase = "backward"

    def update(self) -> None:
        """Phase 4: the optimizer moves every parameter; ``steps`` holds ΔW, Δb (``step_flat`` the step on θ)."""
        self._require("backward")
        with np.errstate(all="ignore"):
            self._update()
        self._settle()

    def advance_phase(self) -> str:
        """Run the phase after the last completed one; returns its name."""
        if self.status == "diverged":
            return self.phase
        following = {"ready": "forward", "forward": "loss", "loss": "backward", "backward": "update",
                     "update": "forward"}[self.phase]
        getattr(self, following)()
        return following

    def _require(self, phase: str) -> None:
        order = ("ready",) + PHASES
        if order.index(self.phase) < order.index(phase) or self.phase == "update":
            raise RuntimeError(f"phase '{phase}' must run before this one (last completed: {self.phase})")

    # ----- whole iterations ---------------------------------------------------------------------
    def step(self, n: int = 1) -> int:
        """Run ``n`` whole iterations (finishing a phased one first); returns how many ran.

        The phases' kernels back to back; the batch loss is checked for divergence every ``CHECK_EVERY``
        iterations, and the last iteration's loss and parameters, which then read as a phased iteration
        leaves them.
        """
        ran = 0
        if self.phase not in ("ready", "update"):
            while self.phase != "update" and self.status == "ok":
                self.advance_phase()
            ran = int(self.status == "ok")
        if ran >= n or self.status != "ok":
            return ran
        forward, backward, update = self._forward, self._backward, self._update
        buffers: dict[int, network.Buffers] = {}  # this call's arrays, by batch size (an epoch's last may be short)
        step_out = [np.empty_like(self.theta)]
        whole, diverged = 0, False
        with np.errstate(all="ignore"):
            while ran < n:
                batch = forward(True, buffers)
                if ran % CHECK_EVERY == 0:
                    self._loss()
                    if self.diverging(self.cost):
                        diverged = True
                        break
                backward(False, batch)
                update(step_out)
                ran, whole = ran + 1, whole + 1
            if whole and not diverged:  # the last iteration's losses, as its loss phase leaves them
                self._loss()
        if diverged:  # the batch whose loss diverged, as the loss phase leaves it
            self.gradients = self.step_flat = None
            self.phase, self.status = "loss", "diverged"
            self.changed()
            if whole:
                self._record()
        elif whole:
            if self.diverging(self.cost):
                self.status = "diverged"
            self._settle()
        return ran

    # ----- one training iteration: the kernels ----------------------------------------------------
    def _forward(self, new_batch: bool = True, buffers: dict[int, network.Buffers] | None = None
                 ) -> network.Buffers | None:
        """With ``buffers`` (batch size -> ``network.Buffers``, filled as sizes come) the pass writes into
        the set for this batch's size, which it returns for the backward pass."""
        if new_batch:
            self.batch_index, self.x_batch, self.t_batch, self._epoch_done = self.batches.next(
                self.X_train, self.T_train)
        batch = None
        if buffers is not None:
            size = len(self.x_batch)
            batch = buffers.get(size) or buffers.setdefault(size, network.Buffers(self.sizes, size))
        self.cache = self.objective.forward(self.params, self.x_batch, batch)
        return batch

    def _loss(self) -> None:
        self.losses = self.objective.losses(self.cache, self.t_batch)
        self.cost = float(self.losses.mean())

    def _backward(self, input_grad: bool, buffers: network.Buffers | None = None) -> None:
        self.gradients = self.objective.gradients(self.params, self.cache, self.t_batch, input_grad,
                                                  self._grad_views, buffers)

    def _update(self, out: list[Array] | None = None) -> None:
        """The optimizer's step on θ from the flat gradient (into ``out``), and the iteration counted."""
        self.step_flat = optimizers.apply(self.config.optimizer, [self.theta], [self._grad_flat],
                                          self.opt_state, self.hyper, out)[0]
        self.step_count += 1
        if self._epoch_done:
            self.epoch += 1
            self._epoch_done = False

    def _settle(self) -> None:
        """After an iteration's update: what viewers read (phase, history, a new version), and the status."""
        self.phase = "update"
        self.changed()
        self._check(self.theta)
        self._record()

    @property
    def steps(self) -> list[Array] | None:
        """The last update's ΔW, Δb in the shapes of ``params`` (None until an update ran)."""
        return None if self.step_flat is None else network.views(self.step_flat, self._shapes)

    def _check(self, value) -> None:
        """Where a run is called diverged: a non-finite output, cost or parameter."""
        if not np.all(np.isfinite(value)):
            self.status = "diverged"

    def _record(self) -> None:
        self.history.append(self.theta.copy())

    # ----- evaluation ---------------------------------------------------------------------------
    def evaluate(self) -> dict:
        """Train and test data loss (no penalty, as TFP shows) and accuracy; cached per version."""
        if self._evaluation is not None and self._evaluation[0] == self.version:
            return self._evaluation[1]
        result = {"loss": {}, "accuracy": {} if self.config.problem == "classification" else None}
        with np.errstate(all="ignore"):
            for split, X, T, y in (("train", self.X_train, self.T_train, self.y_train),
                                   ("test", self.X_test, self.T_test, self.y_test)):
                if len(X) == 0:
                    result["loss"][split] = None
                    if result["accuracy"] is not None:
                        result["accuracy"][split] = None
                    continue
                cache = self.objective.forward(self.params, X)
                cost = float(self.objective.losses(cache, T).mean())
                result["loss"][split] = cost if math.isfinite(cost) else None
                if result["accuracy"] is not None:
                    result["accuracy"][split] = float((self.classify(cache.a[-1]) == y).mean())
        train_loss = result["loss"]["train"]
        if len(self.X_train) and (train_loss is None or self.diverging(train_loss)):
            self.status = "diverged"
        self._evaluation = (self.version, result)
        self.loss_log.record(self.step_count, result["loss"]["train"], result["loss"]["test"])
        return result

    def classify(self, y_hat: Array) -> Array:
        """Predicted class index (N,) from the head's output ``y_hat (N, C)``."""
        if y_hat.shape[1] > 1:
            return y_hat.argmax(axis=1)
        threshold = 0.0 if self.config.output == "tanh" else 0.5
        return (y_hat[:, 0] > threshold).astype(np.float64)

    def display_targets(self, T: Array) -> Array:
        """What the loss compares against, as a learner reads it: 0/1, ±1, class index or value."""
        return T.argmax(axis=1) if T.shape[1] > 1 else T[:, 0]

    def set_parameter(self, layer: int, kind: str, i: int, j: int | None, value: float) -> None:
        """Set one weight ``W[layer][i, j]`` or bias ``b[layer][i]`` by hand (layers count from 0)."""
        array = self.params[2 * layer + (kind == "bias")]
        if kind == "bias":
            array[i] = value
        else:
            array[i, j] = value
        self.params_edited()

    def params_edited(self) -> None:
        """After parameters were set by hand nothing left on the trainer may describe other weights: the
        phases this iteration has run are run again on its mini-batch at the new values (after an update
        too, so the gradient is the one at the current weights), and the step just taken — it moved the
        weights from values that are no longer there — is dropped. The status follows the values."""
        self.changed()
        self.step_flat = None
        self.status = "ok" if all(np.isfinite(p).all() for p in self.params) else "diverged"
        self._record()
        if self.cache is None or self.status != "ok":
            return
        done = self.phase
        self.phase = "forward"  # mid-iteration, so forward() keeps this batch
        self.forward()
        if done != "forward":
            self.loss()
        if done in ("backward", "update"):
            self.backward()
        self.phase = done
