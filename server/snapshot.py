"""Trainer → wire dictionaries (the shapes of server.schemas). Arrays become lists only here."""
from __future__ import annotations

import base64
import math

import numpy as np

from engine import probes
from engine.features import FEATURES


def to_list(array) -> list | None:
    """A NumPy array as nested lists, with null for NaN or infinity (JSON has neither)."""
    if array is None:
        return None
    array = np.asarray(array, dtype=np.float64)
    if np.isfinite(array).all():
        return array.tolist()
    return finite(array.tolist())  # JSON has no NaN: a diverged value travels as null


def finite(value):
    """Any JSON-bound structure with NaN and infinities replaced by null."""
    if isinstance(value, dict):
        return {k: finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [finite(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _layer_mean(values, l):
    if values is None or values[l] is None:
        return None
    with np.errstate(all="ignore"):  # a diverged batch holds infinities: their mean is one too
        return values[l].mean(axis=0)


def layer_arrays(trainer, phase_values: bool = True) -> list[dict]:
    """Every layer's parameters and latest phase results, as float64 arrays (None before that phase).

    One dict per weight matrix, input side first: ``weights (fan_in, fan_out)``, ``biases (fan_out,)``,
    their gradients and the step just taken, and the batch means ``z``, ``a``, ``delta`` of the neurons
    it feeds (None without ``phase_values``: a frame at full pace leaves them out). The JSON State and the
    binary frame both read these, so the names live here only.
    """
    grads = trainer.gradients.grads if trainer.gradients is not None else None
    steps = trainer.steps
    cache = trainer.cache if phase_values else None
    layers = []
    for l in range(len(trainer.params) // 2):
        layers.append({
            "weights": trainer.params[2 * l], "biases": trainer.params[2 * l + 1],
            "grad_weights": grads[2 * l] if grads else None,
            "grad_biases": grads[2 * l + 1] if grads else None,
            "step_weights": steps[2 * l] if steps else None,
            "step_biases": steps[2 * l + 1] if steps else None,
            "z": _layer_mean(cache.z, l + 1) if cache else None,
            "a": _layer_mean(cache.a, l + 1) if cache else None,
            "delta": _layer_mean(trainer.gradients.dz, l + 1) * np.float64(len(trainer.x_batch))
            if phase_values and trainer.gradients is not None else None,
        })
    return layers


def batch_arrays(trainer) -> dict | None:
    """The current mini-batch: train ``indices``, ``inputs (n, d)``, ``targets``, ``outputs (n, k)``,
    per-sample ``losses`` (after the loss phase) and their mean ``cost``; None before a batch is drawn."""
    if trainer.x_batch is None:
        return None
    cache = trainer.cache
    return {
        "indices": trainer.batch_index,
        "inputs": trainer.x_batch,
        "targets": trainer.display_targets(trainer.t_batch),
        "outputs": cache.a[-1] if cache is not None else np.empty((0,)),
        "losses": trainer.losses,
        "cost": trainer.cost if trainer.cost is not None and np.isfinite(trainer.cost) else None,
    }


def counters(trainer) -> dict:
    """The State's scalars: step, epoch, phase, status, loss and accuracy."""
    evaluation = trainer.evaluate()
    return {"step": trainer.step_count, "epoch": trainer.epoch, "phase": trainer.phase,
            "status": trainer.status, "loss": evaluation["loss"], "accuracy": evaluation["accuracy"]}


def state(trainer, with_batch: bool = True) -> dict:
    """The ``State`` of a trainer: counters, losses, every layer's parameters and latest phase results."""
    layers = [{name: to_list(value) for name, value in layer.items()} for layer in layer_arrays(trainer)]
    batch = batch_arrays(trainer) if with_batch else None
    if batch is not None:
        batch = {"indices": batch["indices"].tolist(), "cost": batch["cost"],
                 **{name: to_list(batch[name]) for name in ("inputs", "targets", "outputs", "losses")}}
    return {**counters(trainer), "layers": layers, "grad_norms": to_list(probes.grad_norms(trainer)),
            "batch": batch}


def sample_trace(trace: dict, at: str, phase: str, batch_terms: dict | None) -> dict:
    """The inspector's answer for one sample: ``engine.probes.trace_sample``'s arrays as lists, the
    parameters it was traced at (``at``), the trainer's phase and a weight's batch terms (or None)."""
    return finite({
        "index": trace["index"], "at": at, "phase": phase,
        "input": to_list(trace["input"]), "target": float(trace["target"]), "loss": trace["loss"],
        "dloss_dyhat": to_list(trace["dloss_dyhat"]),
        "layers": [{name: to_list(value) for name, value in layer.items()} for layer in trace["layers"]],
        "batch_terms": batch_terms,
    })


def data(trainer) -> dict:
    return {"train": {"x": trainer.x_train.tolist(), "y": trainer.y_train.tolist()},
            "test": {"x": trainer.x_test.tolist(), "y": trainer.y_test.tolist()}}


def feature_info(trainer) -> list[dict]:
    return [{"name": n, "label": FEATURES[n].label} for n in trainer.config.features]


def quantise_bytes(values) -> np.ndarray:
    """Values in [-1, 1] (clipped) as bytes q = round((v + 1)·127.5), same shape; NaN → 128 (0)."""
    v = np.nan_to_num(np.asarray(values, dtype=np.float32), nan=0.0, posinf=1.0, neginf=-1.0)
    return np.rint((np.clip(v, -1.0, 1.0) + 1.0) * 127.5).astype(np.uint8)


def output_scale(trainer, y_hat) -> np.ndarray:
    """The output on TFP's −1 … +1 colour scale: 2p − 1 for a sigmoid, the value itself otherwise.
    ``y_hat (C, N)``: one row per output, as ``probes.grid_pictures`` gives it."""
    if trainer.config.output == "sigmoid":
        return 2.0 * y_hat[0] - 1.0
    if trainer.config.output == "softmax":
        return y_hat.max(axis=0) * 2.0 - 1.0
    return y_hat[0]


def heatmap_bytes(trainer, size: int, neuron_size: int) -> dict:
    """Every map as uint8 rows (row 0 at the top): ``output (size²,)``, ``classes (k, size²)`` for softmax
    (else None), and ``neurons``: per layer, input features first and the output last, ``(units, n²)``."""
    with np.errstate(all="ignore"):
        y_hat = probes.grid_pictures(trainer, size)[-1]
        small = probes.grid_pictures(trainer, neuron_size)
        neurons = [quantise_bytes(a) for a in small[:-1]]
        if trainer.config.output == "softmax":
            neurons.append(quantise_bytes(2.0 * small[-1] - 1.0))
            classes = quantise_bytes(2.0 * y_hat - 1.0)
        else:
            neurons.append(quantise_bytes(output_scale(trainer, small[-1])[None, :]))
            classes = None
        return {"output": quantise_bytes(output_scale(trainer, y_hat)), "classes": classes, "neurons": neurons}


def heatmaps(trainer, size: int, neuron_size: int) -> dict:
    """The output map at ``size``² and every neuron's map (input features included) at ``neuron_size``²."""
    maps = heatmap_bytes(trainer, size, neuron_size)
    text = lambda row: base64.b64encode(row.tobytes()).decode("ascii")  # noqa: E731
    return {"size": size, "neuron_size": neuron_size, "extent": 6.0, "output": text(maps["output"]),
            "classes": None if maps["classes"] is None else [text(row) for row in maps["classes"]],
            "neurons": [[text(row) for row in layer] for layer in maps["neurons"]]}
