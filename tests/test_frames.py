"""Binary frames: the encoder's layout, and the same revision in both formats number for number."""
from __future__ import annotations

import base64
import json
import math
import struct

import numpy as np
import pytest

from server import frames, snapshot
from tests.conftest import overflowing_session

ALL_FEATURES = ["x", "y", "xSquared", "ySquared", "xTimesY", "sinX", "sinY"]
CONFIGS = {
    "default": {"seed": "frames"},
    "spiral-6x8": {"dataset": "spiral", "hidden_layers": [8] * 6, "features": ALL_FEATURES, "seed": "frames"},
    "softmax": {"dataset": "spiral3", "hidden_layers": [5, 3], "seed": "frames"},
    "regression": {"problem": "regression", "hidden_layers": [3], "seed": "frames"},
    "no-hidden": {"hidden_layers": [], "seed": "frames"},
}


def connect(client, session_id: str, fmt: str | None = None):
    query = f"?format={fmt}" if fmt else ""
    return client.websocket_connect(f"/api/sessions/{session_id}/live{query}")


def next_message(ws):
    """The next message: a dict for JSON text, (header, arrays) for a binary frame."""
    message = ws.receive()
    if message.get("bytes") is not None:
        return frames.decode(message["bytes"]), message["bytes"]
    return json.loads(message["text"]), None


def both_formats(ws) -> tuple[dict, tuple, bytes]:
    """The binary frame the socket sends now, then the JSON frame of the same revision."""
    (header, arrays), raw = next_message(ws)
    ws.send_text(json.dumps({"type": "frame_format", "format": "json"}))
    as_json, _ = next_message(ws)
    assert as_json["type"] == "frame" and as_json["revision"] == header["revision"]
    ws.send_text(json.dumps({"type": "frame_format", "format": "binary"}))
    (again, _), _ = next_message(ws)
    assert again["revision"] == header["revision"]
    return as_json, (header, arrays), raw


def assert_same(expected, actual, where: str) -> None:
    """JSON values against decoded ones: equal floats, and null where the binary frame has NaN or ±inf."""
    if expected is None:
        assert actual is None or (isinstance(actual, float) and not math.isfinite(actual)), where
    elif isinstance(expected, list):
        assert len(expected) == len(actual), where
        for k, (e, a) in enumerate(zip(expected, actual)):
            assert_same(e, a, f"{where}[{k}]")
    else:
        assert float(actual) == expected, f"{where}: JSON {expected!r}, binary {actual!r}"


def check_against_json(as_json: dict, header: dict, arrays: dict) -> None:
    state = as_json["state"]
    for key in ("revision", "playing", "steps_per_second", "speed_unit", "trained_hash"):
        assert header[key] == as_json[key], key
    for key in ("step", "epoch", "phase", "status", "loss", "accuracy"):
        assert header["state"][key] == state[key], key
    assert header["shapes"] == [[len(l["weights"]), len(l["biases"])] for l in state["layers"]]
    for name in frames.LAYER_FIELDS:
        if state["layers"][0][name] is None:
            assert name not in arrays, name
            continue
        flat = [v for layer in state["layers"] for v in np.ravel(np.array(layer[name], dtype=object))]
        assert_same(flat, arrays[name].tolist(), name)
    assert_same(state["grad_norms"], arrays["grad_norms"].tolist() if "grad_norms" in arrays else None,
                "grad_norms")
    batch = state["batch"]
    if batch is None:
        assert "batch" not in header["state"] and "batch.indices" not in arrays
    else:
        assert header["state"]["batch"]["cost"] == batch["cost"]
        assert arrays["batch.indices"].tolist() == batch["indices"]
        for name in frames.BATCH_FIELDS:
            assert_same(batch[name], arrays[f"batch.{name}"].tolist() if f"batch.{name}" in arrays else None, name)
    maps = as_json["heatmaps"]
    for key in ("size", "neuron_size", "extent"):
        assert header["heatmaps"][key] == maps[key]
    assert arrays["heatmaps.output"].tobytes() == base64.b64decode(maps["output"])
    if maps["classes"] is None:
        assert "heatmaps.classes" not in arrays
    else:
        assert [row.tobytes() for row in arrays["heatmaps.classes"]] == [base64.b64decode(c) for c in maps["classes"]]
    hidden = [base64.b64decode(m) for layer in maps["neurons"][1:-1] for m in layer]
    sent = [row.tobytes() for row in arrays["heatmaps.neurons"]] if "heatmaps.neurons" in arrays else []
    assert sent == hidden


@pytest.mark.parametrize("name", CONFIGS)
def test_a_binary_frame_holds_the_json_state_of_the_same_revision(client, name):
    session = client.post("/api/sessions", json={"config": CONFIGS[name]}).json()
    with connect(client, session["id"]) as ws:
        assert next_message(ws)[0]["type"] == "session"
        check_against_json(*_unpack(both_formats(ws)))  # before any step: no gradients, no batch
        for command in ({"type": "step", "steps": 7}, {"type": "phase"}, {"type": "phase"}, {"type": "phase"},
                        {"type": "phase"}):
            ws.send_text(json.dumps(command))
            check_against_json(*_unpack(both_formats(ws)))


def _unpack(result):
    as_json, (header, arrays), _ = result
    return as_json, header, arrays


def test_a_diverged_network_travels_as_nan_where_json_says_null(client):
    session = overflowing_session(client)
    with connect(client, session["id"]) as ws:
        next_message(ws), next_message(ws)
        ws.send_text(json.dumps({"type": "step", "steps": 300}))
        as_json, header, arrays = _unpack(both_formats(ws))
        assert header["state"]["status"] == "diverged"
        assert np.isnan(arrays["a"]).any() and np.isnan(arrays["grad_weights"]).any()
        check_against_json(as_json, header, arrays)


def test_the_layout_is_aligned_and_self_describing(client):
    session = client.post("/api/sessions", json={"config": CONFIGS["spiral-6x8"]}).json()
    with connect(client, session["id"]) as ws:
        next_message(ws)
        (header, arrays), raw = next_message(ws)
    assert raw[:4] == b"BPF1"
    (length,) = struct.unpack_from("<I", raw, 4)
    body = 8 + length
    assert body % 8 == 0
    end = body
    for name, dtype, offset, shape in header["arrays"]:
        assert offset % 8 == 0, name
        end = max(end, body + offset + int(np.prod(shape)) * frames.DTYPES[dtype].itemsize)
    assert end <= len(raw) < end + 8
    assert arrays["heatmaps.neurons"].shape == (48, 24 * 24)  # six hidden layers of 8, maps of 24²


def test_a_binary_frame_is_much_smaller_than_json(client):
    session = client.post("/api/sessions", json={"config": CONFIGS["spiral-6x8"]}).json()
    with connect(client, session["id"]) as ws:
        next_message(ws), next_message(ws)
        ws.send_text(json.dumps({"type": "step", "steps": 3}))
        as_json, _, raw = both_formats(ws)
    assert len(raw) < 0.6 * len(json.dumps(as_json))


def test_a_step_is_answered_with_its_frame(client):
    session = client.post("/api/sessions", json={"config": {"seed": "answer"}}).json()
    with connect(client, session["id"]) as ws:
        next_message(ws), next_message(ws)
        for n in (1, 2, 3):
            ws.send_text(json.dumps({"type": "step", "steps": 1}))
            (header, arrays), _ = next_message(ws)
            assert header["state"]["step"] == n and "grad_weights" in arrays


def test_an_unknown_format_is_an_error_and_frames_stay_binary(client, session):
    with connect(client, session["id"], "xml") as ws:
        error, _ = next_message(ws)
        assert error["type"] == "error" and error["field"] == "format" and "binary, json" in error["message"]
        assert next_message(ws)[0]["type"] == "session"
        (header, _), raw = next_message(ws)
        assert raw is not None and header["type"] == "frame"
        ws.send_text(json.dumps({"type": "frame_format", "format": "yaml"}))
        error, _ = next_message(ws)
        assert error["type"] == "error" and error["field"] == "format"
        ws.send_text(json.dumps({"type": "step", "steps": 2}))
        (header, _), raw = next_message(ws)
        assert raw is not None and header["state"]["step"] == 2


def test_encode_and_decode_round_trip():
    arrays = [("a", "f8", np.arange(5.0)), ("b", "u1", np.arange(12, dtype=np.uint8).reshape(3, 4)),
              ("c", "i4", np.array([7, -1], dtype=np.int32)), ("d", "f4", np.array([0.5, np.nan]))]
    header, decoded = frames.decode(frames.encode({"type": "frame", "note": "é"}, arrays))
    assert header["note"] == "é"
    for name, _, array in arrays:
        np.testing.assert_array_equal(decoded[name], array)
    with pytest.raises(ValueError, match="BPF1"):
        frames.decode(b"{}" + bytes(8))


def test_a_frame_at_full_pace_travels_lighter_and_still_holds_the_state(client):
    """Playing at full pace: weights and biases float64 bit for bit, gradients and steps float32, no phase
    values, neuron maps at the live size — the maps of the same network, only coarser."""
    created = client.post("/api/sessions", json={"config": CONFIGS["spiral-6x8"]}).json()
    assert client.post(f"/api/sessions/{created['id']}/step", json={"steps": 30}).status_code == 200
    session, settings = client.portal.call(client.app.state.store.get, created["id"]), client.app.state.settings
    state = snapshot.state(session.trainer, with_batch=False)
    session.playing = True  # what `play` sets, without a loop training behind the test's back
    try:
        header, arrays = frames.decode(frames.binary_frame(session, settings))
    finally:
        session.playing = False
    layers = state["layers"]
    for name in ("weights", "biases"):
        assert arrays[name].dtype == np.float64
        assert_same([v for layer in layers for v in np.ravel(layer[name])], arrays[name].tolist(), name)
    for name in ("grad_weights", "grad_biases", "step_weights", "step_biases"):
        exact = np.concatenate([np.ravel(layer[name]) for layer in layers])
        assert arrays[name].dtype == np.float32
        np.testing.assert_array_equal(arrays[name], exact.astype(np.float32), err_msg=name)
    assert not {"z", "a", "delta", "batch.indices"} & set(arrays)
    size = settings.live_neuron_map_size
    assert header["heatmaps"]["neuron_size"] == size < settings.neuron_map_size
    maps = snapshot.heatmap_bytes(session.trainer, settings.heatmap_size, size)
    np.testing.assert_array_equal(arrays["heatmaps.neurons"], np.concatenate(maps["neurons"][1:-1]))
    np.testing.assert_array_equal(arrays["heatmaps.output"], maps["output"])
    paused = frames.binary_frame(session, settings)
    assert frames.decode(paused)[0]["heatmaps"]["neuron_size"] == settings.neuron_map_size
