"""server.pages: /api/registries serves every engine registry, and the page's selects are built from them."""
from __future__ import annotations

import re

import pytest

from engine.activations import ACTIVATIONS
from engine.config import ORDERS
from engine.datasets import DATASETS, PROBLEMS
from engine.network import INITS, REGULARIZATIONS
from engine.optimizers import OPTIMIZERS
from engine.outputs import LOSSES, OUTPUTS

REGISTRIES = {"problems": PROBLEMS, "datasets": DATASETS, "activations": ACTIVATIONS, "outputs": OUTPUTS,
              "losses": LOSSES, "optimizers": OPTIMIZERS, "inits": INITS, "regularizations": REGULARIZATIONS,
              "orders": ORDERS}


@pytest.mark.parametrize("name, registry", REGISTRIES.items())
def test_registries_serve_every_entry(client, name, registry):
    served = client.get("/api/registries").json()[name]
    assert [entry["name"] for entry in served] == list(registry)
    assert all(entry.get("label") or name == "datasets" for entry in served)


def test_labels_and_formulas_come_from_the_engine(client):
    registries = client.get("/api/registries").json()
    assert {i["name"]: i["label"] for i in registries["inits"]} == {n: i.label for n, i in INITS.items()}
    assert {o["name"]: o["formula"] for o in registries["outputs"]} == {n: o.formula for n, o in OUTPUTS.items()}
    assert {r["name"]: r["formula"] for r in registries["regularizations"]} == \
        {n: r.formula for n, r in REGULARIZATIONS.items()}


@pytest.mark.parametrize("select, registry", [
    ("activation", ACTIVATIONS), ("init", INITS), ("optimizer", OPTIMIZERS), ("loss", LOSSES),
    ("regularization", REGULARIZATIONS), ("problem", PROBLEMS),
])
def test_page_selects_offer_the_registry(client, select, registry):
    page = client.get("/").text
    body = re.search(rf'<select id="{select}"[^>]*>(.*?)</select>', page, re.S).group(1)
    assert re.findall(r'<option value="([^"]*)"', body) == list(registry)
