"""The bounds a client's request must keep: each breach is a ``LimitError`` that becomes a 422 naming the field."""
from __future__ import annotations

import math

from engine.datasets import EXTENT
from engine.features import FEATURE_ORDER
from server.schemas import Config
from server.settings import Settings


class LimitError(ValueError):
    """A size the client chose is over a server limit; becomes a 422 naming ``field``."""

    status = 422

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


class MismatchError(LimitError):
    """A request the schema allows that does not fit this session as it is now: a layer, neuron or sample its
    network lacks, arrays of another shape, more work than its size allows. Becomes a 409 naming ``field``."""

    status = 409


def check_limits(config: Config, settings: Settings) -> None:
    if len(config.hidden_layers) > settings.max_layers:
        raise LimitError("hidden_layers", f"at most {settings.max_layers} hidden layers")
    if any(w > settings.max_width for w in config.hidden_layers):
        raise LimitError("hidden_layers", f"at most {settings.max_width} neurons per layer")
    if config.num_samples > settings.max_samples:
        raise LimitError("num_samples", f"at most {settings.max_samples} samples")
    if config.points is not None and len(config.points) > settings.max_samples:
        raise LimitError("points", f"at most {settings.max_samples} points")
    if config.batch_size > settings.max_batch_size:
        raise LimitError("batch_size", f"at most {settings.max_batch_size}")
    if config.points is not None:
        outside = next((i for i, (x, y, _) in enumerate(config.points) if not (abs(x) <= EXTENT and abs(y) <= EXTENT)),
                       None)
        if outside is not None:
            raise LimitError("points", f"point {outside} lies outside [-{EXTENT:g}, {EXTENT:g}]²: "
                                       f"{list(config.points[outside][:2])}")
        check_train_split(len(config.points), config.train_percent)


def check_train_split(count: int, train_percent: float) -> None:
    """A 409 when ``count`` points leave none to train on: the train set is the first floor(N·p/100)."""
    if math.floor(count * train_percent / 100) < 1:
        raise MismatchError("points", f"{count} point(s) leave none to train on at {train_percent:g}% training "
                                      f"data: give at least {math.ceil(100 / train_percent)}")


def check_steps(trainer, steps: int, limit: int, settings: Settings, field: str = "steps") -> None:
    """Bound one request's training work: a step count, and steps × batch × weights for big nets."""
    check_race_steps([trainer], steps, limit, settings, field)


def check_race_steps(trainers: list, steps: int, limit: int, settings: Settings, field: str = "steps") -> None:
    """Bound the work of one request that steps every variant of a race ``steps`` times: ``limit``
    iterations and ``max_work`` (steps × batch × weights) for them all together."""
    if steps > limit:
        raise LimitError(field, f"at most {limit} steps per request")
    if steps * len(trainers) > limit:
        raise MismatchError(field, f"at most {limit // len(trainers)} steps per request for {len(trainers)} "
                                   f"variants ({limit} iterations in all)")
    weights = [sum(W.size for W in t.params[0::2]) for t in trainers]
    batches = [min(t.config.batch_size, len(t.X_train)) for t in trainers]
    affordable = int(settings.max_work // max(1, sum(b * w for b, w in zip(batches, weights))))
    if steps > affordable:
        networks = (f"a network of {weights[0]} weights and batch size {batches[0]}" if len(trainers) == 1 else
                    f"{len(trainers)} networks of {sum(weights)} weights in all, batch sizes "
                    f"{', '.join(map(str, batches))}")
        raise MismatchError(field, f"at most {affordable} steps per request for {networks}")


def check_index(trainer, layer: int, kind: str, i: int, j: int | None, field: str | None = None) -> None:
    """422-worthy errors for a parameter address outside the network (``field`` names them all, if given)."""
    layers = len(trainer.params) // 2
    if not 0 <= layer < layers:
        raise MismatchError(field or "layer", f"layer must be from 0 to {layers - 1}")
    fan_in, fan_out = trainer.params[2 * layer].shape
    if kind == "bias":
        if not 0 <= i < fan_out:
            raise MismatchError(field or "i", f"layer {layer} has {fan_out} biases")
        return
    if not 0 <= i < fan_in:
        raise MismatchError(field or "i", f"layer {layer} has {fan_in} inputs")
    if j is None or not 0 <= j < fan_out:
        raise MismatchError(field or "j", f"layer {layer} has {fan_out} outputs")


def address_limits(settings: Settings) -> tuple[int, int]:
    """The largest layer index and the largest neuron index any network within ``settings`` can have."""
    return settings.max_layers, max(settings.max_width, len(FEATURE_ORDER)) - 1


def check_address(settings: Settings, **indices: int | None) -> None:
    """422 for a ``layer``, ``i`` or ``j`` beyond any network the limits allow (the schema's maxima)."""
    max_layer, max_index = address_limits(settings)
    for field, value in indices.items():
        if value is not None:
            check_at_most(field, value, max_layer if field == "layer" else max_index)


def check_at_most(field: str, value: int, limit: int) -> None:
    if value > limit:
        raise LimitError(field, f"at most {limit}")


def at_most(field: str, value: int | None, default: int, limit: int) -> int:
    """A size a request may leave out: ``value`` within ``limit`` (a 422 above it); absent, ``default``, or
    ``limit`` where the server's limit is below the default (a request that names no size is served)."""
    if value is None:
        return min(default, limit)
    check_at_most(field, value, limit)
    return value
