"""A trainer as plain data and back: the one place that knows which of its fields make its future.

``to_plain(trainer)`` gives ``(fields, arrays)``: JSON-ready counters, the batch order and its generator,
the phase reached, and float64/int arrays (θ, optimizer buffers, the epoch's permutation, the latest phase
results, the trajectory and the loss log). ``from_plain(config, fields, arrays)`` rebuilds the data from
the config (a pure function of it) and puts every field back, so the restored trainer continues bit for
bit as the saved one would have — the property a step=N link already relies on, kept across processes
and restarts.
"""
from __future__ import annotations

from collections import deque

import numpy as np

from engine import network
from engine.config import TrainConfig
from engine.trainer import HISTORY, Trainer

COUNTERS = ("resets", "step_count", "epoch", "status", "version", "phase", "_epoch_done", "start_loss")


def to_plain(trainer: Trainer) -> tuple[dict, dict[str, np.ndarray]]:
    t, batches = trainer, trainer.batches
    fields = {name: getattr(t, name) for name in COUNTERS}
    fields["batches"] = {"order": batches.order, "size": batches.size, "cursor": batches.cursor,
                         "rng": batches.rng.bit_generator.state}
    fields["opt_t"] = t.opt_state.t
    fields["opt_buffers"] = {name: len(arrays) for name, arrays in t.opt_state.buffers.items()}
    arrays = {"theta": t.theta,
              "history": np.stack(list(t.history)) if t.history else np.zeros((0, t.theta.size)),
              "loss_log": np.array([[step, _nan(train), _nan(test)] for step, train, test in t.loss_log.rows],
                                   dtype=np.float64).reshape(-1, 3)}
    for name, buffers in t.opt_state.buffers.items():
        for k, buffer in enumerate(buffers):
            arrays[f"opt.{name}.{k}"] = buffer
    if batches.permutation is not None:
        arrays["permutation"] = batches.permutation
    if t.batch_index is not None:
        arrays["batch_index"] = t.batch_index
    if t.cache is not None:
        _put_layers(arrays, "cache.z", t.cache.z)
        _put_layers(arrays, "cache.a", t.cache.a)
    if t.losses is not None:
        arrays["losses"] = t.losses
    if t.cost is not None:
        arrays["cost"] = np.array(t.cost)
    if t.gradients is not None:
        arrays["grad_flat"] = t._grad_flat  # the gradients live in views of it; the update reads it
        _put_layers(arrays, "dz", t.gradients.dz, first=0)
        _put_layers(arrays, "da", t.gradients.da, first=0)
    if t.step_flat is not None:
        arrays["step_flat"] = t.step_flat
    return fields, arrays


def from_plain(config: TrainConfig, fields: dict, arrays: dict[str, np.ndarray]) -> Trainer:
    t = Trainer(config, resets=fields["resets"])
    for name in COUNTERS:
        setattr(t, name, fields[name])
    t._evaluation = None
    saved = fields["batches"]
    t.batches.restart(saved["order"], saved["size"])
    t.batches.rng.bit_generator.state = saved["rng"]
    t.batches.cursor = saved["cursor"]
    t.batches.permutation = np.array(arrays["permutation"], dtype=np.intp) if "permutation" in arrays else None
    t.theta[...] = arrays["theta"]  # params stay views of θ
    t.opt_state.t = fields["opt_t"]
    t.opt_state.buffers = {name: [np.array(arrays[f"opt.{name}.{k}"]) for k in range(count)]
                           for name, count in fields["opt_buffers"].items()}
    t.history = deque((np.array(row) for row in arrays["history"]), maxlen=HISTORY)
    t.loss_log.rows = [(int(step), _none(train), _none(test)) for step, train, test in arrays["loss_log"].tolist()]
    if "batch_index" in arrays:
        t.batch_index = np.array(arrays["batch_index"], dtype=np.intp)
        t.x_batch, t.t_batch = t.X_train[t.batch_index], t.T_train[t.batch_index]
    if "cache.z.count" in arrays:
        t.cache = network.Cache(a=[t.x_batch, *_get_layers(arrays, "cache.a")], z=[None, *_get_layers(arrays, "cache.z")])
    t.losses = np.array(arrays["losses"]) if "losses" in arrays else None
    t.cost = float(arrays["cost"]) if "cost" in arrays else None
    if "grad_flat" in arrays:
        t._grad_flat[...] = arrays["grad_flat"]
        t.gradients = network.Gradients(grads=t._grad_views, dz=_get_layers(arrays, "dz", first=0),
                                        da=_get_layers(arrays, "da", first=0))
    t.step_flat = np.array(arrays["step_flat"]) if "step_flat" in arrays else None
    return t


def _nan(value: float | None) -> float:
    return np.nan if value is None else value


def _none(value: float) -> float | None:
    return None if np.isnan(value) else value


def _put_layers(arrays: dict, name: str, values: list, first: int = 1) -> None:
    """``values[first:]`` under ``name.l``; a None entry is simply absent (read back as None)."""
    arrays[f"{name}.count"] = np.array(len(values))
    for l in range(first, len(values)):
        if values[l] is not None:
            arrays[f"{name}.{l}"] = values[l]


def _get_layers(arrays: dict, name: str, first: int = 1) -> list:
    count = int(arrays[f"{name}.count"])
    return [np.array(arrays[f"{name}.{l}"]) if f"{name}.{l}" in arrays else None for l in range(first, count)]
