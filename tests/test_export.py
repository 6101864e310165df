"""GET /export: the four formats, and the exported script run in a subprocess with only NumPy, whose
weights.json must equal the server's weights (compared exactly: the script repeats the engine)."""
from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys

import pytest

from engine.activations import ACTIVATIONS
from engine.network import INITS
from engine.optimizers import OPTIMIZERS
from server import script_parts
from tests.heads import VALID_PAIRS


def url(session: dict, tail: str = "") -> str:
    return f"/api/sessions/{session['id']}{tail}"


def trained(client, config: dict, steps: int) -> dict:
    response = client.post("/api/sessions", json={"config": {"seed": "export", **config}})
    assert response.status_code == 201, response.text
    session = response.json()
    if steps:
        assert client.post(url(session, "/step"), json={"steps": steps}).status_code == 200
    return session


def run_script(client, session: dict, folder) -> tuple[dict, str]:
    """Save train.py into an empty folder, run it with a bare environment, return weights.json and stdout."""
    script = client.get(url(session, "/export"), params={"format": "numpy"})
    assert script.status_code == 200
    assert script.headers["content-disposition"] == 'attachment; filename="train.py"'
    (folder / "train.py").write_text(script.text)
    env = {"PATH": os.environ.get("PATH", ""), "PYTHONNOUSERSITE": "1"}
    done = subprocess.run([sys.executable, "-I", "train.py"], cwd=folder, env=env, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return json.loads((folder / "weights.json").read_text()), done.stdout


def head_config(output: str, loss: str) -> dict:
    if output == "linear":
        return {"problem": "regression", "dataset": "reg-gauss", "output": output, "loss": loss}
    return {"dataset": "spiral3" if output == "softmax" else "xor", "output": output, "loss": loss}


CASES = [
    *[pytest.param({"optimizer": name, "learning_rate": 0.01}, id=f"optimizer-{name}") for name in OPTIMIZERS],
    *[pytest.param({"activation": name, "hidden_layers": [5, 3]}, id=f"activation-{name}") for name in ACTIVATIONS],
    *[pytest.param(head_config(o, l), id=f"head-{o}-{l}") for o, l in VALID_PAIRS],
    *[pytest.param({"init": name, "order": "fixed", "batch_size": 7}, id=f"init-{name}-fixed") for name in INITS],
    pytest.param({"regularization": "L1", "regularization_rate": 0.003, "features": list(script_parts.FEATURES)},
                 id="L1-every-feature"),
    pytest.param({"regularization": "L2", "regularization_rate": 0.01, "hidden_layers": [], "batch_size": 1},
                 id="L2-no-hidden-layer"),
]


@pytest.mark.parametrize("config", CASES)
def test_the_script_trains_the_same_weights_as_the_server(client, tmp_path, config):
    session = trained(client, {"num_samples": 120, **config}, steps=37)
    weights, printed = run_script(client, session, tmp_path)
    server = client.get(url(session, "/export"), params={"format": "json"}).json()
    assert server["step"] == weights["step"] == 37
    assert weights["config"] == server["config"]
    assert weights["layers"] == server["layers"]  # bit for bit: JSON floats round-trip exactly
    assert printed.splitlines()[0].startswith("step       0  train loss")
    assert "step      37" in printed


def test_the_script_repeats_a_reset_and_custom_points(client, tmp_path):
    session = trained(client, {"dataset": "custom", "points": [[1, 2, 1], [-1, -2, 0], [2, 2, 1], [-2, 1, 0],
                                                               [0.5, 0.5, 1], [-3, -3, 0]]}, steps=0)
    assert client.post(url(session, "/reset")).status_code == 200
    client.post(url(session, "/step"), json={"steps": 25})
    weights, _ = run_script(client, session, tmp_path)
    server = client.get(url(session, "/export"), params={"format": "json"}).json()
    assert (weights["resets"], server["resets"]) == (1, 1)
    assert weights["layers"] == server["layers"]


def test_every_registry_key_has_its_script_piece():
    assert set(script_parts.OPTIMIZERS) == set(OPTIMIZERS) == set(script_parts.HYPER)
    assert set(script_parts.ACTIVATIONS) == set(ACTIVATIONS)
    assert set(script_parts.INITS) == set(INITS)


def test_json_export_has_the_states_shapes(client):
    session = trained(client, {"hidden_layers": [3]}, steps=4)
    exported = client.get(url(session, "/export")).json()
    state = client.get(url(session)).json()["state"]
    assert exported["step"] == 4 and exported["config"]["hidden_layers"] == [3]
    assert [(l["weights"], l["biases"]) for l in exported["layers"]] == \
        [(l["weights"], l["biases"]) for l in state["layers"]]


def test_csv_export_is_the_data_with_its_split(client, session):
    text = client.get(url(session, "/export"), params={"format": "csv"})
    assert text.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(text.text)))
    assert list(rows[0]) == ["x", "y", "label", "split"]
    train = [[float(r["x"]), float(r["y"])] for r in rows if r["split"] == "train"]
    assert train == session["data"]["train"]["x"]
    assert [float(r["label"]) for r in rows if r["split"] == "test"] == session["data"]["test"]["y"]


def test_loss_csv_has_a_row_per_step_seen(client, session):
    for _ in range(3):
        client.post(url(session, "/step"), json={"steps": 10})
    text = client.get(url(session, "/export"), params={"format": "loss_csv"}).text
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["step", "train_loss", "test_loss"]
    assert [int(r[0]) for r in rows[1:]] == [0, 10, 20, 30]
    last = client.get(url(session)).json()["state"]["loss"]
    assert (float(rows[-1][1]), float(rows[-1][2])) == (last["train"], last["test"])


@pytest.mark.parametrize("query, status", [({"format": "xml"}, 422), ({}, 200)])
def test_export_format_is_checked(client, session, query, status):
    assert client.get(url(session, "/export"), params=query).status_code == status


def test_export_of_an_unknown_session_is_404(client):
    assert client.get("/api/sessions/nope/export").status_code == 404
