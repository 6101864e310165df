"""The page at / (and its JSON twin, /api/registries): the shared vocabulary of every <select>."""
from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.templating import Jinja2Templates

from engine.activations import ACTIVATIONS
from engine.config import ORDERS
from engine.datasets import DATASETS, PROBLEMS
from engine.features import FEATURE_ORDER, FEATURES
from engine.network import INITS, REGULARIZATIONS
from engine.optimizers import OPTIMIZERS
from engine.outputs import LOSSES, OUTPUTS
from server.assets import asset_dir

templates = Jinja2Templates(directory=asset_dir("templates"))
router = APIRouter()

VERSION = "0.1.0"


def registries() -> dict:
    return {
        "problems": [{"name": name, "label": label} for name, label in PROBLEMS.items()],
        "datasets": [{"name": d.name, "problem": d.problem, "num_classes": d.num_classes}
                     for d in DATASETS.values()],
        "features": [{"name": n, "label": FEATURES[n].label} for n in FEATURE_ORDER],
        "activations": [{"name": a.name, "label": a.label, "formula": a.formula} for a in ACTIVATIONS.values()],
        "outputs": [{"name": o.name, "label": o.label, "formula": o.formula, "problems": list(o.problems)}
                    for o in OUTPUTS.values()],
        "losses": [{"name": l.name, "label": l.label, "formula": l.formula} for l in LOSSES.values()],
        "optimizers": [{"name": o.name, "label": o.label, "rule": o.rule} for o in OPTIMIZERS.values()],
        "inits": [{"name": i.name, "label": i.label} for i in INITS.values()],
        "regularizations": [{"name": r.name, "label": r.label, "formula": r.formula}
                            for r in REGULARIZATIONS.values()],
        "orders": [{"name": name, "label": label} for name, label in ORDERS.items()],
    }


def limits(settings) -> dict:
    return {name: getattr(settings, name) for name in (
        "max_layers", "max_width", "max_samples", "max_batch_size", "max_steps", "max_replay_steps", "max_work",
        "max_grid",
        "max_landscape", "max_slice_points", "frame_rate", "heatmap_size", "neuron_map_size")}


@router.get("/api/registries")
def read_registries(request: Request) -> dict:
    """Every choice the engine offers, and the server's limits."""
    return {**registries(), "limits": limits(request.app.state.settings)}


def index_context(request: Request) -> dict:
    """What the playground's template needs (the lesson page extends it)."""
    return {"version": VERSION, "limits": limits(request.app.state.settings), "registries": registries()}


@router.get("/", include_in_schema=False)
def index(request: Request):
    return templates.TemplateResponse(request, "index.html", index_context(request))


@router.get("/embed", include_in_schema=False)
def embed(request: Request):
    """The compact page for an iframe: ``/embed#<share hash>`` (the app's CSP lets any page frame it)."""
    return templates.TemplateResponse(request, "embed.html", index_context(request))
