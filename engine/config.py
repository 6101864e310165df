"""The training configuration: every engine choice, with TensorFlow-Playground-like defaults."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, fields, replace

# Which changes keep what: a live change keeps weights and data, a shape change draws new weights,
# a data change draws new data and new weights.
LIVE_FIELDS = frozenset({
    "learning_rate", "momentum", "beta1", "beta2", "alpha", "eps", "regularization",
    "regularization_rate", "batch_size", "optimizer", "loss", "order",
})
DATA_FIELDS = frozenset({"problem", "dataset", "points", "num_samples", "noise", "train_percent", "seed"})

# The order mini-batches take through the train set: name -> label.
ORDERS = {
    "shuffle": "Shuffled every epoch",
    "fixed": "Fixed (TFP): the same order, leftovers carry over",
}


@dataclass(frozen=True)
class TrainConfig:
    problem: str = "classification"
    dataset: str = "circle"
    points: tuple[tuple[float, float, float], ...] | None = None
    num_samples: int = 500
    noise: float = 0.0
    train_percent: float = 50.0
    features: tuple[str, ...] = ("x", "y")
    hidden_layers: tuple[int, ...] = (4, 2)
    activation: str = "tanh"
    output: str = "sigmoid"
    loss: str = "cross_entropy"
    optimizer: str = "sgd"
    learning_rate: float = 0.1
    momentum: float = 0.9
    beta1: float = 0.9
    beta2: float = 0.999
    alpha: float = 0.99
    eps: float = 1e-8
    regularization: str = "none"
    regularization_rate: float = 0.0
    batch_size: int = 10
    init: str = "xavier"
    order: str = "shuffle"
    seed: str = "0"

    def changed(self, **changes) -> "TrainConfig":
        return replace(self, **changes)


def field_names() -> list[str]:
    return [f.name for f in fields(TrainConfig)]


def seed_int(seed: str) -> int:
    """A 64-bit generator seed from any string, identical in every process (no salted hash())."""
    return int.from_bytes(hashlib.sha256(seed.encode("utf-8")).digest()[:8], "little")
