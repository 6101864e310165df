"""The share URL: TensorFlow Playground's hash format, read by TFP's own rules, plus our extra keys.

One table, ``KEYS``, says for every key what it is: the URL key, the field it fills, how its text reads
(a choice from a registry, a number with a fix-up rule, a flag, or a reader of its own), TFP's default and
how it is written. ``parse_hash`` and ``format_hash`` both walk that table; adding a key is adding a row.
``format_hash`` writes TFP's keys in TFP's order (so the link also opens in TFP), then ours, then
``<name>_hide`` flags.

A non-empty hash opens with TFP's algorithm for every key it does not mention: tanh output (linear for
regression), ``half_mse``, ``uniform`` init (``zeros`` with ``initZero``), plain SGD, fixed order, 500 points
(1200 for regression). An empty hash gives an empty config: the server's own defaults apply.

``points`` (with ``dataset=custom``, or ``regDataset=custom`` when regression) reads
``x,y,label;x,y,label;...``, each number written as JavaScript prints it, x and y in [-6, 6]; label 1 = blue,
0 = orange, 2 = a third class, any number for regression. Malformed points are dropped. The seed is
percent-decoded on reading and percent-encoded on writing (only characters that could not travel in a
fragment), so any seed survives a round trip; a TFP seed such as ``0.64177`` is unchanged.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any, Callable
from urllib.parse import quote, unquote

from pydantic import ValidationError

from engine.activations import ACTIVATIONS
from engine.config import ORDERS
from engine.datasets import DATASETS, EXTENT, PROBLEMS
from engine.features import FEATURE_ORDER
from engine.network import INITS, REGULARIZATIONS
from engine.optimizers import OPTIMIZERS
from engine.outputs import LOSSES, OUTPUTS
from server.jsnumbers import JS_SPACE, js_number, js_string, url_text
from server.schemas import Config, View

CLASSIFICATION_DATASETS = tuple(n for n, d in DATASETS.items() if d.problem == "classification") + ("custom",)
REGRESSION_DATASETS = tuple(n for n, d in DATASETS.items() if d.problem == "regression") + ("custom",)
TFP_FEATURE_KEYS = ("x", "y", "xTimesY", "xSquared", "ySquared", "cosX", "sinX", "cosY", "sinY")
HIDE_SUFFIX = "_hide"
CONTROL_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_-]{0,63}")
MAX_HIDDEN = 64
MAX_SEED = 64
LINK_POINTS_CHARS = 6_000  # custom points travel in a share link while their text fits: ~450 clicked points
MID_PHASES = ("forward", "loss", "backward")  # phase=…: after the replayed steps, the next iteration stops here
SEED_SAFE = "!$'()*+,-./:;?@_~"  # kept as is in a seed; everything else outside [A-Za-z0-9] is %-encoded


# Fix-up rules for numbers: the value to use for what the hash gave, or None to keep the default ------------


def _clamp(low: float, high: float):
    return lambda v: float(min(max(v, low), high))


def _whole(minimum: int):
    return lambda v: max(minimum, math.floor(v + 0.5)) if math.isfinite(v) else None


def _count(v: float) -> int | None:
    return int(v) if math.isfinite(v) and v >= 0 and v == int(v) else None


def _fraction(v: float) -> float | None:
    return float(v) if 0 <= v < 1 else None


def _rate(v: float) -> float | None:
    return float(min(v, 100.0)) if v >= 0 else None


def _noise(v: float) -> float:
    return 50.0 if v > 80 else float(max(v, 0.0))  # TFP: a URL noise above 80 reads as 50


# The table --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Key:
    """One URL key.

    ``field``: the ``Config`` field it fills, ``view.<name>`` for a ``View`` field, ``replay.<name>`` for
    ``ParsedHash.step``/``resets``, None when a rule below combines it with other keys.
    ``read``: how its text becomes a value — ``choice`` (from ``rule``, a registry), ``number`` (``rule`` is
    the fix-up), ``flag``, or a reader of its own.
    ``default``: TFP's value when the key is absent or refused; a function of the other keys' values where
    TFP's default depends on them; None for a key that only counts when given.
    ``write``: the value written from ``(config, view, replay)``, None to leave the key out; absent, the
    field's own value.
    ``silent``: TFP writes the key but it changes nothing, so an empty value is not worth a note.
    """

    name: str
    field: str | None
    read: Callable[["_Reader", "Key", Any], Any]
    default: Any = None
    rule: Any = None
    write: Callable[[Config, View, dict], Any] | None = None
    silent: bool = False


class _Reader:
    """TFP's map of the hash (later duplicates win), the values read so far, and the notes on what it drops."""

    def __init__(self, text: str):
        self.map: dict[str, str | None] = {}
        for pair in text.split("&"):
            name, *rest = pair.split("=")  # like JS: "a=b=c" has value "b"; no "=" has no value
            if name:
                self.map[name] = rest[0] if rest else None
        self.values: dict[str, Any] = {}
        self.notes: dict[str, str] = {}

    def __getitem__(self, name: str) -> Any:
        """The value of key ``name``, read on first use (a default may ask for another key's value)."""
        if name not in self.values:
            key = KEYS[name]
            default = key.default(self) if callable(key.default) else key.default
            self.values[name] = key.read(self, key, default)
        return self.values[name]

    def drop(self, key: str, reason: str) -> None:
        raw = self.map.get(key)
        shown = key if raw is None else f"{key}={raw if len(raw) <= 40 else raw[:37] + '...'}"
        self.notes[key] = f"{shown} ({reason})"

    def text(self, key: Key) -> str | None:
        """TFP's hasKey: the raw value when present and not blank."""
        raw = self.map.get(key.name)
        if raw is None or not raw.strip(JS_SPACE):
            if key.name in self.map and not key.silent:
                self.drop(key.name, "empty")
            return None
        return raw


def flag(reader: _Reader, key: Key, default: bool) -> bool:
    raw = reader.text(key)
    return default if raw is None else raw != "false"


def choice(reader: _Reader, key: Key, default):
    raw = reader.text(key)
    if raw is None:
        return default
    if raw not in key.rule:
        reader.drop(key.name, "unknown value")
        return default
    return raw


def number(reader: _Reader, key: Key, default):
    raw = reader.text(key)
    if raw is None:
        return default
    value = js_number(raw)
    fixed = None if math.isnan(value) else key.rule(value)
    if fixed is None:
        reader.drop(key.name, "not a number" if math.isnan(value) else "out of range")
        return default
    if fixed != value:
        reader.drop(key.name, f"taken as {js_string(fixed)}")
    return fixed


def _network_shape(reader: _Reader, key: Key, default: list[int]) -> list[int]:
    if key.name not in reader.map:
        return default
    raw = reader.map[key.name]
    if raw is None:
        reader.drop(key.name, "no value")
        return default
    if not raw.strip(JS_SPACE):
        return []  # TFP: an empty networkShape means no hidden layer
    entries = [(entry, js_number(entry)) for entry in raw.split(",")]
    widths = [math.ceil(w) for _, w in entries if math.isfinite(w) and w >= 1]  # TFP's loop builds ceil(w)
    if len(widths) != len(entries) or any(w != int(w) for _, w in entries if math.isfinite(w) and w >= 1):
        reader.drop(key.name, f"taken as {','.join(map(str, widths))}")
    return widths


def _seed(reader: _Reader, key: Key, default):
    seed = reader.text(key)
    if seed is None:
        return default
    try:
        seed = unquote(seed, errors="strict")
    except UnicodeDecodeError:
        pass
    if len(seed) > MAX_SEED:
        reader.drop(key.name, "too long")
        return default
    return seed


def _points(reader: _Reader, key: Key, default) -> list[tuple[float, float, float]]:
    points, bad = [], 0
    for chunk in (reader.text(key) or "").split(";"):
        parts = chunk.split(",")
        if not chunk.strip(JS_SPACE):
            continue
        if len(parts) != 3 or any(not p.strip(JS_SPACE) for p in parts):
            bad += 1
            continue
        x, y, label = map(js_number, parts)
        ok = all(map(math.isfinite, (x, y, label))) and abs(x) <= EXTENT and abs(y) <= EXTENT
        if ok and (reader["problem"] == "regression" or label in (0, 1, 2)):
            points.append((x, y, label))
        else:
            bad += 1
    if bad:
        reader.drop(key.name, f"{bad} malformed point(s) dropped")
    return points


def _refused(reason: str):
    def read(reader: _Reader, key: Key, default):
        if key.name in reader.map:
            reader.drop(key.name, reason)
        return default
    return read


def _regression(reader: _Reader) -> bool:
    return reader["problem"] == "regression"


def _positive(name: str):
    return lambda c, v, replay: replay[name] or None


KEYS: dict[str, Key] = {key.name: key for key in (
    # TensorFlow Playground's keys, in the order TFP writes them
    Key("activation", "activation", choice, "tanh", ACTIVATIONS),
    Key("regularization", "regularization", choice, "none", REGULARIZATIONS,
        write=lambda c, v, replay: None if c.regularization == "none" else c.regularization),  # TFP leaves "none" out
    Key("batchSize", "batch_size", number, 10, _whole(1)),
    Key("dataset", None, choice, "circle", CLASSIFICATION_DATASETS,
        write=lambda c, v, replay: "circle" if c.problem == "regression" else c.dataset),
    Key("regDataset", None, choice, "reg-plane", REGRESSION_DATASETS,
        write=lambda c, v, replay: c.dataset if c.problem == "regression" else "reg-plane"),
    Key("learningRate", "learning_rate", number, 0.03, lambda v: _rate(v) if v > 0 else None),
    Key("regularizationRate", "regularization_rate", number, 0.0, _rate),
    Key("noise", "noise", number, 0.0, _noise),
    Key("networkShape", "hidden_layers", _network_shape, [4, 2],
        write=lambda c, v, replay: ",".join(map(str, c.hidden_layers))),
    Key("seed", "seed", _seed, write=lambda c, v, replay: None if c.seed is None else quote(c.seed, safe=SEED_SAFE)),
    Key("showTestData", "view.show_test_data", flag, False),
    Key("discretize", "view.discretize", flag, False),
    Key("percTrainData", "train_percent", number, 50.0, _clamp(10, 90)),
    *(Key(name, None, flag, name in ("x", "y"), write=lambda c, v, replay, name=name: name in c.features,
          silent=name not in FEATURE_ORDER) for name in TFP_FEATURE_KEYS),
    Key("collectStats", None, flag, False, write=lambda c, v, replay: False, silent=True),
    Key("problem", "problem", choice, "classification", PROBLEMS),
    Key("initZero", None, flag, False, write=lambda c, v, replay: c.init == "zeros"),
    Key("hideText", "view.hide_text", flag, False),
    # Our keys
    Key("optimizer", "optimizer", choice, "sgd", OPTIMIZERS),
    Key("loss", "loss", choice, None, LOSSES),  # None: the head rule below picks TFP's
    Key("output", "output", choice, None, OUTPUTS),
    Key("init", "init", choice, lambda r: "zeros" if r["initZero"] else "uniform", INITS),
    Key("order", "order", choice, "fixed", ORDERS),
    Key("samples", "num_samples", number, lambda r: 1200 if _regression(r) else 500, _whole(10)),
    Key("momentum", "momentum", number, None, _fraction),
    Key("beta1", "beta1", number, None, _fraction),
    Key("beta2", "beta2", number, None, _fraction),
    Key("alpha", "alpha", number, None, _fraction),
    Key("eps", "eps", number, None, lambda v: float(v) if 0 < v <= 1 else None),
    Key("points", None, _points, write=lambda c, v, replay: None if c.dataset != "custom" else points_text(c.points)),
    Key("resets", "replay.resets", number, 0, _count, write=_positive("resets")),
    Key("step", "replay.step", number, 0, _count, write=_positive("step")),
    Key("phase", "replay.phase", choice, None, MID_PHASES, write=lambda c, v, replay: replay.get("phase")),
    Key("tutorial", None, _refused("tutorials are not served"), write=lambda c, v, replay: None),
)}


# Rules that combine several keys ----------------------------------------------------------------------


def _dataset(reader: _Reader, config: dict) -> int:
    """The dataset (and custom points) the problem asks for; returns its number of classes (0: regression)."""
    regression = _regression(reader)
    config["dataset"] = reader["regDataset" if regression else "dataset"]
    if config["dataset"] == "custom":
        config["points"] = reader["points"]
        if not config["points"]:
            reader.drop("points", "no usable point: built-in dataset used")
            config["dataset"] = "reg-plane" if regression else "circle"
            del config["points"]
    elif "points" in reader.map:
        reader.drop("points", "only with dataset=custom")
    if config["dataset"] == "custom":
        return 0 if regression else (3 if any(p[2] == 2 for p in config["points"]) else 2)
    return DATASETS[config["dataset"]].num_classes


def _features(reader: _Reader, hidden: list[str]) -> list[str]:
    """The input features the flags select, less any hidden by ``<name>_hide``; x and y if none is left."""
    features = [f for f in FEATURE_ORDER if reader[f]]
    for name in [f for f in features if f in hidden]:
        reader.notes.setdefault(name, f"{name} (hidden by {name}{HIDE_SUFFIX}, so not an input)")
    features = [f for f in features if f not in hidden]
    if not features:
        reader.notes["features"] = "features (none selected: x and y used)"
        features = ["x", "y"]
    return features


def _head(reader: _Reader, problem: str, num_classes: int) -> tuple[str, str]:
    """The output head and loss: the hash's if they fit the data, else TFP's (softmax for 3 classes)."""
    output, loss = reader["output"], reader["loss"]
    if output and (problem not in OUTPUTS[output].problems or (num_classes > 2 and output != "softmax")):
        reader.drop("output", f"does not fit this {problem} data")
        output = None
    if output is None:
        if problem == "regression":
            output = "linear"
        elif num_classes > 2:
            output = "softmax"
        else:
            output = "sigmoid" if loss == "cross_entropy" else "tanh"
    if loss is None:
        loss = "cross_entropy" if num_classes > 2 else "half_mse"
    if loss == "cross_entropy" and output not in ("sigmoid", "softmax"):
        reader.drop("loss", f"cross_entropy needs output sigmoid or softmax, not {output}")
        loss = "half_mse"
    return output, loss


def _hidden_controls(reader: _Reader) -> list[str]:
    hidden: list[str] = []
    for key, raw in reader.map.items():
        if not key.endswith(HIDE_SUFFIX):
            continue
        name = key[: -len(HIDE_SUFFIX)]
        if raw != "true":  # TFP hides only on exactly "true"
            if raw != "false":
                reader.drop(key, "only 'true' hides")
        elif not CONTROL_NAME.fullmatch(name) or len(hidden) >= MAX_HIDDEN:
            reader.drop(key, "bad control name")
        elif name not in hidden:
            hidden.append(name)
    return hidden


def _validated(config: dict, reader: _Reader) -> dict:
    """Safety net: drop any field Config still rejects (each one noted) rather than fail."""
    for _ in range(len(config) + 1):
        try:
            Config.model_validate(config)
            return config
        except ValidationError as error:
            names = {e["loc"][0] for e in error.errors() if e["loc"] and e["loc"][0] in config}
            for name in names or {"output", "loss", "points", "dataset"} & set(config):
                reader.notes[f"config.{name}"] = f"{name} (rejected by Config)"
                config.pop(name)
    return {}


@dataclass
class ParsedHash:
    """What a share hash asks for: ``config`` (Config JSON fields the hash determines), ``view`` (every
    View field), ``step`` (replay this many iterations), ``resets`` (weights of the K-th reset draw),
    ``ignored`` (``key=value (reason)`` for each key or value dropped or adjusted) and ``phase`` (then run
    the next iteration's phases up to this one: forward, loss or backward; None for whole steps)."""

    config: dict
    view: dict
    step: int = 0
    resets: int = 0
    ignored: list[str] = field(default_factory=list)
    phase: str | None = None


def parse_hash(fragment: str) -> ParsedHash:
    """Read a share hash (with or without the leading '#') the way TFP reads it, plus our keys."""
    text = fragment[1:] if fragment.startswith("#") else fragment
    if not text.strip(JS_SPACE):
        return ParsedHash(config={}, view=View().model_dump())
    reader = _Reader(text)
    hidden = _hidden_controls(reader)
    parts: dict[str, dict] = {"config": {}, "view": {"hidden": hidden}, "replay": {}}
    for key in KEYS.values():
        value = reader[key.name]
        if key.field is not None and value is not None:
            part, _, name = key.field.rpartition(".")
            parts[part or "config"][name] = value
    config = parts["config"]
    num_classes = _dataset(reader, config)
    config["features"] = _features(reader, hidden)
    config["output"], config["loss"] = _head(reader, config["problem"], num_classes)
    config = _validated(config, reader)
    for key in reader.map:
        if key not in KEYS and not key.endswith(HIDE_SUFFIX):
            reader.drop(key, "unknown key")
    return ParsedHash(config, parts["view"], parts["replay"]["step"], parts["replay"]["resets"],
                      list(reader.notes.values()), parts["replay"].get("phase"))


def points_text(points) -> str:
    return ";".join(",".join(js_string(float(n)) for n in p) for p in points)


def link_note(config: Config) -> str | None:
    """Why a share link of ``config`` would not carry its custom points (None: it does)."""
    if config.dataset != "custom" or not config.points:
        return None
    size = len(points_text(config.points))
    if size <= LINK_POINTS_CHARS:
        return None
    return (f"{len(config.points)} points take {size:,} characters, more than the {LINK_POINTS_CHARS:,} a shared "
            f"link carries: download the data as CSV (Export) and share the file with the link.")


def format_hash(config: dict | Config, view: dict | View | None = None, step: int = 0, resets: int = 0,
                phase: str | None = None) -> str:
    """The canonical share hash, without '#'. ``parse_hash`` of it gives back the same Config and View
    (hidden names deduplicated; a hidden input feature must not be selected; noise at most 80)."""
    c = config if isinstance(config, Config) else Config.model_validate(config)
    v = view if isinstance(view, View) else View.model_validate(view or {})
    return join_hash(setup_texts(c, v), step, resets, phase)


def setup_texts(config: Config, view: View) -> list[str | Key]:
    """The hash's ``key=value`` texts in order, as far as the setup decides them; a replay key (resets,
    step, phase) stands as its Key, for ``join_hash`` to write. A session keeps these while its setup
    stays, so the trained link every frame carries costs a join, not a walk of the table."""
    sources = {"config": config, "view": view}
    texts: list[str | Key] = []
    for key in KEYS.values():
        if key.field is not None and key.field.startswith("replay."):
            texts.append(key)
            continue
        if key.write is not None:
            value = key.write(config, view, {})
        else:
            part, _, name = key.field.rpartition(".")
            value = getattr(sources[part or "config"], name)
        if value is not None:
            texts.append(f"{key.name}={url_text(value)}")
    names = [n for n in dict.fromkeys(view.hidden) if CONTROL_NAME.fullmatch(n)][:MAX_HIDDEN]
    texts += [f"{name}{HIDE_SUFFIX}={url_text(True)}" for name in names]
    return texts


def join_hash(texts: list[str | Key], step: int = 0, resets: int = 0, phase: str | None = None) -> str:
    """``setup_texts`` with the replay keys written in (each as its Key writes it)."""
    replay = {"step": step, "resets": resets, "phase": phase}
    out = []
    for text in texts:
        if isinstance(text, Key):
            value = text.write(None, None, replay)
            if value is not None:
                out.append(f"{text.name}={url_text(value)}")
        else:
            out.append(text)
    return "&".join(out)
