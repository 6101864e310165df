"""Trainer → wire dictionaries (the shapes of server.schemas). Arrays become lists only here."""
from __future__ import annotations

import base64
import math

import numpy as np

from engine import inspect
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
    return None if values is None or values[l] is None else values[l].mean(axis=0)


def state(trainer, with_batch: bool = True) -> dict:
    """The ``State`` of a trainer: counters, losses, every layer's parameters and latest phase results."""
    evaluation = trainer.evaluate()
    grads = trainer.gradients.grads if trainer.gradients is not None else None
    steps = trainer.steps
    cache = trainer.cache
    layers = []
    for l in range(len(trainer.params) // 2):
        W, b = trainer.params[2 * l], trainer.params[2 * l + 1]
        layers.append({
            "weights": to_list(W), "biases": to_list(b),
            "grad_weights": to_list(grads[2 * l]) if grads else None,
            "grad_biases": to_list(grads[2 * l + 1]) if grads else None,
            "step_weights": to_list(steps[2 * l]) if steps else None,
            "step_biases": to_list(steps[2 * l + 1]) if steps else None,
            "z": to_list(_layer_mean(cache.z, l + 1)) if cache else None,
            "a": to_list(_layer_mean(cache.a, l + 1)) if cache else None,
            "delta": to_list(_layer_mean(trainer.gradients.dz, l + 1) * len(trainer.x_batch))
            if trainer.gradients is not None else None,
        })
    batch = None
    if with_batch and trainer.x_batch is not None:
        batch = {
            "indices": trainer.batch_index.tolist(),
            "inputs": to_list(trainer.x_batch),
            "targets": to_list(trainer.display_targets(trainer.t_batch)),
            "outputs": to_list(cache.a[-1]) if cache is not None else [],
            "losses": to_list(trainer.losses) if trainer.losses is not None else None,
            "cost": trainer.cost if trainer.cost is not None and np.isfinite(trainer.cost) else None,
        }
    return {
        "step": trainer.step_count, "epoch": trainer.epoch, "phase": trainer.phase,
        "status": trainer.status, "loss": evaluation["loss"], "accuracy": evaluation["accuracy"],
        "layers": layers, "grad_norms": to_list(inspect.grad_norms(trainer)), "batch": batch,
    }


def sample_trace(trace: dict, at: str, phase: str, batch_terms: dict | None) -> dict:
    """The inspector's answer for one sample: ``engine.inspect.trace_sample``'s arrays as lists, the
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


def quantise(values) -> str:
    """Values in [-1, 1] (clipped) as base64 bytes: q = round((v + 1)·127.5); NaN → 127."""
    v = np.nan_to_num(np.asarray(values, dtype=np.float64), nan=0.0, posinf=1.0, neginf=-1.0)
    q = np.rint((np.clip(v, -1.0, 1.0) + 1.0) * 127.5).astype(np.uint8)
    return base64.b64encode(q.tobytes()).decode("ascii")


def output_scale(trainer, y_hat) -> np.ndarray:
    """The output on TFP's −1 … +1 colour scale: 2p − 1 for a sigmoid, the value itself otherwise."""
    if trainer.config.output == "sigmoid":
        return 2.0 * y_hat[:, 0] - 1.0
    if trainer.config.output == "softmax":
        return y_hat.max(axis=1) * 2.0 - 1.0
    return y_hat[:, 0]


def heatmaps(trainer, size: int, neuron_size: int) -> dict:
    """The output map at ``size``² and every neuron's map (input features included) at ``neuron_size``²."""
    with np.errstate(all="ignore"):
        y_hat = inspect.grid_maps(trainer, size)[-1]
        small = inspect.grid_maps(trainer, neuron_size)
        neurons = [[quantise(a[:, k]) for k in range(a.shape[1])] for a in small[:-1]]
        out_small = output_scale(trainer, small[-1])
        neurons.append([quantise(out_small)] if trainer.config.output != "softmax"
                       else [quantise(2 * small[-1][:, k] - 1) for k in range(small[-1].shape[1])])
        classes = None
        if trainer.config.output == "softmax":
            classes = [quantise(2.0 * y_hat[:, k] - 1.0) for k in range(y_hat.shape[1])]
        return {"size": size, "neuron_size": neuron_size, "extent": 6.0,
                "output": quantise(output_scale(trainer, y_hat)), "classes": classes, "neurons": neurons}
