"""The share URL: TensorFlow Playground's hash format, read by TFP's own rules, plus our extra keys.

``parse_hash`` turns a fragment into ``Config``/``View`` field values; ``format_hash`` writes the canonical
fragment: TFP's keys in TFP's order (so the link also opens in TFP), then ours, then ``<name>_hide`` flags.

A non-empty hash opens with TFP's algorithm for every key it does not mention: tanh output (linear for
regression), ``half_mse``, ``uniform`` init (``zeros`` with ``initZero``), plain SGD, fixed order, 500 points
(1200 for regression). An empty hash gives an empty config: the server's own defaults apply.

Our keys: ``optimizer loss output init order samples momentum beta1 beta2 alpha eps resets step`` and
``points`` for ``dataset=custom`` (``regDataset=custom`` when regression): ``points=x,y,label;x,y,label;...``,
each number written as JavaScript prints it (shortest form that reads back exactly), x and y in [-6, 6];
label 1 = blue, 0 = orange, 2 = a third class, any number for regression. Malformed points are dropped.
The seed is percent-decoded on reading and percent-encoded on writing (only characters that could not
travel in a fragment), so any seed survives a round trip; a TFP seed such as ``0.64177`` is unchanged.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import quote, unquote

from pydantic import ValidationError

from engine.activations import ACTIVATIONS
from engine.datasets import DATASETS, EXTENT
from engine.features import FEATURE_ORDER
from engine.network import INITS
from engine.optimizers import OPTIMIZERS
from engine.outputs import LOSSES, OUTPUTS
from server.schemas import Config, View

CLASSIFICATION_DATASETS = tuple(n for n, d in DATASETS.items() if d.problem == "classification") + ("custom",)
REGRESSION_DATASETS = tuple(n for n, d in DATASETS.items() if d.problem == "regression") + ("custom",)
TFP_FEATURE_KEYS = ("x", "y", "xTimesY", "xSquared", "ySquared", "cosX", "sinX", "cosY", "sinY")
SILENT_KEYS = frozenset({"cosX", "cosY", "collectStats"})  # TFP writes them; they change nothing
KNOWN_KEYS = frozenset({
    "activation", "regularization", "batchSize", "dataset", "regDataset", "learningRate",
    "regularizationRate", "noise", "networkShape", "seed", "showTestData", "discretize", "percTrainData",
    *TFP_FEATURE_KEYS, "collectStats", "tutorial", "problem", "initZero", "hideText",
    "optimizer", "loss", "output", "init", "order", "samples", "momentum", "beta1", "beta2", "alpha",
    "eps", "points", "resets", "step",
})
HIDE_SUFFIX = "_hide"
CONTROL_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_-]{0,63}")
MAX_HIDDEN = 64
MAX_SEED = 64
SEED_SAFE = "!$'()*+,-./:;?@_~"  # kept as is in a seed; everything else outside [A-Za-z0-9] is %-encoded

# JavaScript's StrWhiteSpaceChar: what unary + and String.prototype.trim strip.
JS_SPACE = "\t\n\v\f\r \xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a" \
           "\u2028\u2029\u202f\u205f\u3000\ufeff"
_JS_DECIMAL = re.compile(r"[+-]?(?:Infinity|(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)")
_JS_RADIX = re.compile(r"0(?:[xX][0-9a-fA-F]+|[oO][0-7]+|[bB][01]+)")


def js_number(text: str) -> float:
    """JavaScript's unary ``+`` on a string: ``"1e-3"`` → 0.001, ``" 7 "`` → 7, ``"0x1A"`` → 26,
    ``""`` → 0, ``"Infinity"`` → inf, anything else (``"abc"``, ``"inf"``, ``"1_0"``) → NaN."""
    text = text.strip(JS_SPACE)
    if not text:
        return 0.0
    if _JS_DECIMAL.fullmatch(text):
        return float(text.replace("Infinity", "inf"))
    if _JS_RADIX.fullmatch(text):
        try:
            return float(int(text, 0))
        except OverflowError:
            return math.inf
    return math.nan


def js_string(value: float) -> str:
    """A number as JavaScript's ``String(value)`` writes it: 0.03, 10, 1e-8, 0.000001, 1e+21."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if math.isnan(value):
        return "NaN"
    if value == 0:
        return "0"
    if value < 0:
        return "-" + js_string(-value)
    if math.isinf(value):
        return "Infinity"
    _, digit_tuple, exponent = Decimal(repr(value)).as_tuple()
    point = len(digit_tuple) + exponent  # value = 0.DIGITS × 10^point
    digits = "".join(map(str, digit_tuple)).rstrip("0")
    if len(digits) <= point <= 21:
        return digits + "0" * (point - len(digits))
    if 0 < point <= 21:
        return digits[:point] + "." + digits[point:]
    if -6 < point <= 0:
        return "0." + "0" * -point + digits
    mantissa = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
    return f"{mantissa}e{'+' if point > 0 else '-'}{abs(point - 1)}"


@dataclass
class ParsedHash:
    """What a share hash asks for: ``config`` (Config JSON fields the hash determines), ``view`` (every
    View field), ``step`` (replay this many iterations), ``resets`` (weights of the K-th reset draw)
    and ``ignored`` (``key=value (reason)`` for each key or value dropped or adjusted)."""

    config: dict
    view: dict
    step: int = 0
    resets: int = 0
    ignored: list[str] = field(default_factory=list)


class _Reader:
    """TFP's map of the hash (later duplicates win) with its typed readers; notes what it drops."""

    def __init__(self, text: str):
        self.map: dict[str, str | None] = {}
        for pair in text.split("&"):
            name, *rest = pair.split("=")  # like JS: "a=b=c" has value "b"; no "=" has no value
            if name:
                self.map[name] = rest[0] if rest else None
        self.notes: dict[str, str] = {}

    def drop(self, key: str, reason: str) -> None:
        raw = self.map.get(key)
        shown = key if raw is None else f"{key}={raw if len(raw) <= 40 else raw[:37] + '...'}"
        self.notes[key] = f"{shown} ({reason})"

    def text(self, key: str) -> str | None:
        """TFP's hasKey: the raw value when present and not blank."""
        raw = self.map.get(key)
        if raw is None or not raw.strip(JS_SPACE):
            if key in self.map and key not in SILENT_KEYS:
                self.drop(key, "empty")
            return None
        return raw

    def boolean(self, key: str, default: bool) -> bool:
        raw = self.text(key)
        return default if raw is None else raw != "false"

    def choice(self, key: str, choices, default):
        raw = self.text(key)
        if raw is None:
            return default
        if raw not in choices:
            self.drop(key, "unknown value")
            return default
        return raw

    def number(self, key: str, default, fix):
        """``fix(value)`` returns the value to use, or None to keep the default."""
        raw = self.text(key)
        if raw is None:
            return default
        value = js_number(raw)
        fixed = None if math.isnan(value) else fix(value)
        if fixed is None:
            self.drop(key, "not a number" if math.isnan(value) else "out of range")
            return default
        if fixed != value:
            self.drop(key, f"taken as {js_string(fixed)}")
        return fixed


def _clamp(low: float, high: float):
    return lambda v: float(min(max(v, low), high))


def _whole(minimum: int):
    return lambda v: max(minimum, math.floor(v + 0.5)) if math.isfinite(v) else None


def _count(v: float) -> int | None:
    return int(v) if math.isfinite(v) and v >= 0 and v == int(v) else None


def _fraction(v: float) -> float | None:
    return float(v) if 0 <= v < 1 else None


NUMBER_RULES = {  # URL key -> (Config field, TFP's default, fix)
    "learningRate": ("learning_rate", 0.03, lambda v: float(min(v, 100.0)) if v > 0 else None),
    "regularizationRate": ("regularization_rate", 0.0, lambda v: float(min(v, 100.0)) if v >= 0 else None),
    "noise": ("noise", 0.0, lambda v: 50.0 if v > 80 else float(max(v, 0.0))),  # TFP: URL noise > 80 → 50
    "percTrainData": ("train_percent", 50.0, _clamp(10, 90)),
    "batchSize": ("batch_size", 10, _whole(1)),
    "samples": ("num_samples", None, _whole(10)),  # None: TFP's 500, or 1200 for regression
}
EXTRA_NUMBER_RULES = {  # only present when the hash gives them
    "momentum": _fraction, "beta1": _fraction, "beta2": _fraction, "alpha": _fraction,
    "eps": lambda v: float(v) if 0 < v <= 1 else None,
}


def _network_shape(reader: _Reader) -> list[int]:
    if "networkShape" not in reader.map:
        return [4, 2]
    raw = reader.map["networkShape"]
    if raw is None:
        reader.drop("networkShape", "no value")
        return [4, 2]
    if not raw.strip(JS_SPACE):
        return []  # TFP: an empty networkShape means no hidden layer
    entries = [(entry, js_number(entry)) for entry in raw.split(",")]
    widths = [math.ceil(w) for _, w in entries if math.isfinite(w) and w >= 1]  # TFP's loop builds ceil(w)
    if len(widths) != len(entries) or any(w != int(w) for _, w in entries if math.isfinite(w) and w >= 1):
        reader.drop("networkShape", f"taken as {','.join(map(str, widths))}")
    return widths


def _points(reader: _Reader, problem: str) -> list[tuple[float, float, float]]:
    points, bad = [], 0
    for chunk in (reader.text("points") or "").split(";"):
        parts = chunk.split(",")
        if not chunk.strip(JS_SPACE):
            continue
        if len(parts) != 3 or any(not p.strip(JS_SPACE) for p in parts):
            bad += 1
            continue
        x, y, label = map(js_number, parts)
        ok = all(map(math.isfinite, (x, y, label))) and abs(x) <= EXTENT and abs(y) <= EXTENT
        if ok and (problem == "regression" or label in (0, 1, 2)):
            points.append((x, y, label))
        else:
            bad += 1
    if bad:
        reader.drop("points", f"{bad} malformed point(s) dropped")
    return points


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


def _head(reader: _Reader, problem: str, num_classes: int) -> tuple[str, str]:
    """The output head and loss: the hash's if they fit the data, else TFP's (softmax for 3 classes)."""
    output = reader.choice("output", OUTPUTS, None)
    loss = reader.choice("loss", LOSSES, None)
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


def _config(reader: _Reader, hidden: list[str]) -> dict:
    problem = reader.choice("problem", ("classification", "regression"), "classification")
    regression = problem == "regression"
    dataset = reader.choice("dataset", CLASSIFICATION_DATASETS, "circle")
    reg_dataset = reader.choice("regDataset", REGRESSION_DATASETS, "reg-plane")
    config: dict = {"problem": problem, "dataset": reg_dataset if regression else dataset}
    if config["dataset"] == "custom":
        config["points"] = _points(reader, problem)
        if not config["points"]:
            reader.drop("points", "no usable point: built-in dataset used")
            config["dataset"] = "reg-plane" if regression else "circle"
            del config["points"]
    elif "points" in reader.map:
        reader.drop("points", "only with dataset=custom")
    if config["dataset"] == "custom":
        num_classes = 0 if regression else (3 if any(p[2] == 2 for p in config["points"]) else 2)
    else:
        num_classes = DATASETS[config["dataset"]].num_classes

    for key, (name, default, fix) in NUMBER_RULES.items():
        config[name] = reader.number(key, (1200 if regression else 500) if default is None else default, fix)
    for name, fix in EXTRA_NUMBER_RULES.items():
        value = reader.number(name, None, fix)
        if value is not None:
            config[name] = value

    features = [f for f in FEATURE_ORDER if reader.boolean(f, f in ("x", "y"))]
    for name in [f for f in features if f in hidden]:
        reader.notes.setdefault(name, f"{name} (hidden by {name}{HIDE_SUFFIX}, so not an input)")
    features = [f for f in features if f not in hidden]
    if not features:
        reader.notes["features"] = "features (none selected: x and y used)"
        features = ["x", "y"]
    config["features"] = features
    config["hidden_layers"] = _network_shape(reader)
    config["activation"] = reader.choice("activation", ACTIVATIONS, "tanh")
    config["output"], config["loss"] = _head(reader, problem, num_classes)
    config["optimizer"] = reader.choice("optimizer", OPTIMIZERS, "sgd")
    config["regularization"] = reader.choice("regularization", ("none", "L1", "L2"), "none")
    config["init"] = reader.choice("init", INITS, "zeros" if reader.boolean("initZero", False) else "uniform")
    config["order"] = reader.choice("order", ("shuffle", "fixed"), "fixed")
    seed = reader.text("seed")
    if seed is not None:
        try:
            seed = unquote(seed, errors="strict")
        except UnicodeDecodeError:
            pass
        if len(seed) > MAX_SEED:
            reader.drop("seed", "too long")
        else:
            config["seed"] = seed
    return config


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


def parse_hash(fragment: str) -> ParsedHash:
    """Read a share hash (with or without the leading '#') the way TFP reads it, plus our keys."""
    text = fragment[1:] if fragment.startswith("#") else fragment
    if not text.strip(JS_SPACE):
        return ParsedHash(config={}, view=View().model_dump())
    reader = _Reader(text)
    hidden = _hidden_controls(reader)
    view = {
        "show_test_data": reader.boolean("showTestData", False),
        "discretize": reader.boolean("discretize", False),
        "hide_text": reader.boolean("hideText", False),
        "hidden": hidden,
    }
    config = _validated(_config(reader, hidden), reader)
    step = reader.number("step", 0, _count)
    resets = reader.number("resets", 0, _count)
    if "tutorial" in reader.map:
        reader.drop("tutorial", "tutorials are not served")
    for key in reader.map:
        if key not in KNOWN_KEYS and not key.endswith(HIDE_SUFFIX):
            reader.drop(key, "unknown key")
    return ParsedHash(config, view, step, resets, list(reader.notes.values()))


def _text(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return js_string(value)
    return str(value)


def format_hash(config: dict | Config, view: dict | View | None = None, step: int = 0, resets: int = 0) -> str:
    """The canonical share hash, without '#'. ``parse_hash`` of it gives back the same Config and View
    (hidden names deduplicated; a hidden input feature must not be selected; noise at most 80)."""
    c = config if isinstance(config, Config) else Config.model_validate(config)
    v = view if isinstance(view, View) else View.model_validate(view or {})
    regression = c.problem == "regression"
    pairs: list[tuple[str, object]] = [("activation", c.activation)]
    if c.regularization != "none":  # TFP leaves "none" out
        pairs.append(("regularization", c.regularization))
    pairs += [
        ("batchSize", c.batch_size),
        ("dataset", "circle" if regression else c.dataset),
        ("regDataset", c.dataset if regression else "reg-plane"),
        ("learningRate", c.learning_rate),
        ("regularizationRate", c.regularization_rate),
        ("noise", c.noise),
        ("networkShape", ",".join(map(str, c.hidden_layers))),
    ]
    if c.seed is not None:
        pairs.append(("seed", quote(c.seed, safe=SEED_SAFE)))
    pairs += [("showTestData", v.show_test_data), ("discretize", v.discretize), ("percTrainData", c.train_percent)]
    pairs += [(name, name in c.features) for name in TFP_FEATURE_KEYS]
    pairs += [("collectStats", False), ("problem", c.problem), ("initZero", c.init == "zeros"),
              ("hideText", v.hide_text)]
    pairs += [("optimizer", c.optimizer), ("loss", c.loss), ("output", c.output), ("init", c.init),
              ("order", c.order), ("samples", c.num_samples), ("momentum", c.momentum), ("beta1", c.beta1),
              ("beta2", c.beta2), ("alpha", c.alpha), ("eps", c.eps)]
    if c.dataset == "custom":
        pairs.append(("points", ";".join(",".join(js_string(float(n)) for n in p) for p in c.points)))
    pairs += [(key, n) for key, n in (("resets", resets), ("step", step)) if n > 0]
    names = [n for n in dict.fromkeys(v.hidden) if CONTROL_NAME.fullmatch(n)][:MAX_HIDDEN]
    pairs += [(name + HIDE_SUFFIX, True) for name in names]
    return "&".join(f"{key}={_text(value)}" for key, value in pairs)
