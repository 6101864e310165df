"""Live frames, in the two formats a socket can ask for: one binary message (the page) or JSON (scripts).

A binary frame is one WebSocket message (docs/api.md, "Binary frames"):

    magic "BPF1" | uint32 LE header length H | H bytes of JSON header, space-padded | the arrays

The header carries the scalars (revision, counters, losses, …) and a table of the arrays that follow:
``[name, dtype, offset, shape]``, the offset counted from the end of the header (8 + H); 8 + H and every
offset are multiples of 8, so each array is aligned for its typed view. Little-endian, C order. Numbers are float64 (NaN where the JSON State has null); maps are raw uint8.
Arrays of the same kind for every layer travel as one block (the engine keeps θ flat the same way),
so the table stays a few lines long whatever the depth of the network.
"""
from __future__ import annotations

import json
import struct

import numpy as np

from engine import probes
from server import snapshot

MAGIC = b"BPF1"
FORMATS = ("binary", "json")
ALIGN = 8
DTYPES = {"f8": np.dtype("<f8"), "f4": np.dtype("<f4"), "i4": np.dtype("<i4"), "u1": np.dtype("u1")}
LAYER_FIELDS = ("weights", "biases", "grad_weights", "grad_biases", "step_weights", "step_biases",
                "z", "a", "delta")
BATCH_FIELDS = ("inputs", "targets", "outputs", "losses")
EXACT_FIELDS = ("weights", "biases")  # drawn as links and read as numbers in every frame: always float64


def with_batch(session) -> bool:
    """Frames carry the batch arrays except while playing at full pace (narrated play keeps them)."""
    return not session.playing or session.speed_unit == "phase"


def at_full_pace(session) -> bool:
    """Playing, not narrated: a binary frame is then one picture of many a second, and travels lighter."""
    return not with_batch(session)


def meta(session, settings) -> dict:
    """What every frame says besides the network: revision, play state, pace, trained link."""
    return {"type": "frame", "revision": session.revision, "playing": session.playing,
            "steps_per_second": session.steps_per_second, "speed_unit": session.speed_unit,
            "trained_hash": session.trained_hash(settings)}


def json_frame(session, settings) -> dict:
    """The JSON frame: meta, the State and the heatmaps (base64) — for scripts, ``?format=json``."""
    t = session.trainer
    return {**meta(session, settings), "state": snapshot.state(t, with_batch=with_batch(session)),
            "heatmaps": snapshot.heatmaps(t, settings.heatmap_size, settings.neuron_map_size)}


def binary_frame(session, settings) -> bytes:
    """The same frame as one binary message: the State's arrays and the maps the page draws."""
    t = session.trainer
    # At full pace: gradients and steps as float32 (they flash by, to 7 digits where the page shows 4),
    # no phase values, and the neuron maps at the live size; weights and biases stay float64 always.
    fast = at_full_pace(session)
    layers = snapshot.layer_arrays(t, phase_values=not fast)
    shapes = [list(layer["weights"].shape) for layer in layers]
    arrays: list[tuple[str, str, np.ndarray]] = []
    for name in LAYER_FIELDS:  # one block per kind: every layer's array, input side first
        if layers[0][name] is None:
            continue
        dtype = "f4" if fast and name not in EXACT_FIELDS else "f8"
        arrays.append((name, dtype, np.concatenate([np.ravel(layer[name]) for layer in layers])))
    norms = probes.grad_norms(t)
    if norms is not None:
        arrays.append(("grad_norms", "f8", np.asarray(norms, dtype=np.float64)))
    state = snapshot.counters(t)
    batch = snapshot.batch_arrays(t) if with_batch(session) else None
    if batch is not None:
        state["batch"] = {"cost": batch["cost"]}
        arrays.append(("batch.indices", "i4", batch["indices"]))
        for name in BATCH_FIELDS:
            if batch[name] is not None:
                arrays.append((f"batch.{name}", "f8", batch[name]))
    neuron_size = settings.live_neuron_map_size if fast else settings.neuron_map_size
    maps = snapshot.heatmap_bytes(t, settings.heatmap_size, neuron_size)
    arrays.append(("heatmaps.output", "u1", maps["output"]))
    if maps["classes"] is not None:
        arrays.append(("heatmaps.classes", "u1", maps["classes"]))
    hidden = maps["neurons"][1:-1]  # the input features are fixed (the page draws them); the output is above
    if hidden:
        arrays.append(("heatmaps.neurons", "u1", np.concatenate(hidden)))
    header = {**meta(session, settings), "state": state, "shapes": shapes,
              "heatmaps": {"size": settings.heatmap_size, "neuron_size": neuron_size, "extent": 6.0}}
    return encode(header, arrays)


def encode(header: dict, arrays: list[tuple[str, str, np.ndarray]]) -> bytes:
    """``header`` plus the table of ``arrays`` (name, dtype key, array) as one binary message."""
    table, offset = [], 0
    for name, dtype, array in arrays:
        table.append([name, dtype, offset, list(np.shape(array))])
        offset += _padded(np.size(array) * DTYPES[dtype].itemsize)
    text = json.dumps({**header, "arrays": table}, allow_nan=False, separators=(",", ":")).encode()
    text += b" " * (_padded(8 + len(text)) - 8 - len(text))
    body = 8 + len(text)
    out = bytearray(body + offset)
    out[0:4] = MAGIC
    out[4:8] = struct.pack("<I", len(text))
    out[8:body] = text
    for (_, dtype, at, _shape), (_, _, array) in zip(table, arrays):
        data = np.ascontiguousarray(array, dtype=DTYPES[dtype]).tobytes()
        out[body + at:body + at + len(data)] = data
    return bytes(out)


def _padded(n: int) -> int:
    return (n + ALIGN - 1) // ALIGN * ALIGN


def decode(message: bytes) -> tuple[dict, dict[str, np.ndarray]]:
    """A binary frame back into its header and named arrays (read-only views on ``message``)."""
    if message[:4] != MAGIC:
        raise ValueError("not a binary frame: the message does not start with BPF1")
    (length,) = struct.unpack_from("<I", message, 4)
    header = json.loads(message[8:8 + length])
    body = 8 + length
    arrays = {}
    for name, dtype, offset, shape in header["arrays"]:
        count = int(np.prod(shape)) if shape else 1
        arrays[name] = np.frombuffer(message, DTYPES[dtype], count, body + offset).reshape(shape)
    return header, arrays
