"""What a learner takes away from a session (``GET /api/sessions/{id}/export``), one function per format.

``json``: the config, the step and every layer's ``weights (fan_in, fan_out)`` and ``biases (fan_out,)``;
``numpy``: a standalone training script (server.script); ``csv``: the data as ``x,y,label,split``;
``loss_csv``: the loss history as ``step,train_loss,test_loss``.
"""
from __future__ import annotations

import csv
import io
import json

from server import points, script, snapshot

# format -> (media type, file name)
FORMATS = {
    "json": ("application/json", "weights.json"),
    "numpy": ("text/x-python; charset=utf-8", "train.py"),
    "csv": ("text/csv; charset=utf-8", "data.csv"),
    "loss_csv": ("text/csv; charset=utf-8", "loss.csv"),
}


def weights(session) -> dict:
    """The ``json`` export: what the exported script writes as weights.json, key for key."""
    t = session.trainer
    return {"config": session.config.model_dump(), "step": t.step_count, "resets": t.resets,
            "layers": [{"weights": snapshot.to_list(t.params[k]), "biases": snapshot.to_list(t.params[k + 1])}
                       for k in range(0, len(t.params), 2)]}


def loss_csv(trainer) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["step", "train_loss", "test_loss"])
    trainer.evaluate()  # the current step is always the last row
    for step, train, test in trainer.loss_log.rows:
        writer.writerow([step, "" if train is None else repr(train), "" if test is None else repr(test)])
    return out.getvalue()


def export(session, kind: str) -> str:
    """The text of one export format (a key of ``FORMATS``)."""
    if kind == "json":
        return json.dumps(weights(session))
    if kind == "numpy":
        return script.training_script(session)
    if kind == "csv":
        return points.data_csv(session.trainer)
    return loss_csv(session.trainer)
