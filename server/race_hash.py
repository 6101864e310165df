"""A race's share hash as one regular expression: the pattern the schema gives ``POST /api/races``'s ``hash``
and the test the route holds a hash to, so a hash the schema allows is one the server serves.

The hash is the base setup's ``key=value`` pairs with one ``race=`` pair among them (server.races). Keys
urlstate reads leniently (a value it cannot use is dropped with a note) take any value; the keys that set a
size the server bounds (samples, batchSize, networkShape, points, step) take values within its Settings.
Each variant is ``field:value`` pairs (``,`` between them, ``;`` between 2–4 variants), a field's value as
the page writes it (``url_text``) and within its Config field schema: an enum as its names, a bounded
number as the texts ``String(n)`` writes that read as a number within the bounds (conservatively: a few
texts that would fit are left out, none that would not is let in).
"""
from __future__ import annotations

import re

from server.jsnumbers import url_text
from server.limits import LimitError
from server.races import MAX_VARIANTS, MIN_VARIANTS, RACE_KEY
from server.settings import Settings
from server.urlstate import HIDE_SUFFIX, KEYS

ANY_VALUE = "[^&]*"
# Positive, below 1e-6 and above 0 (no underflow): what String(n) writes for numbers that small.
TINY = r"[1-9](?:\.[0-9]{0,15}[1-9])?e-(?:[7-9]|[1-9][0-9]|[12][0-9]{2}|30[0-7])"


def integers(low: int, high: int) -> str:
    """Whole numbers from ``low`` (0 or 1) to ``high`` as decimal digits without leading zeros."""
    digits = str(high)
    parts = ["0"] if low == 0 else []
    if len(digits) > 1:  # fewer digits
        parts.append("[1-9]" + (f"[0-9]{{0,{len(digits) - 2}}}" if len(digits) > 2 else ""))
    for i, digit in enumerate(map(int, digits)):  # as many digits, the first smaller one at i
        first = 1 if i == 0 else 0
        if digit > first:
            smaller = str(first) if digit - 1 == first else f"[{first}-{digit - 1}]"
            rest = len(digits) - i - 1
            parts.append(digits[:i] + smaller + ("[0-9]" * min(rest, 1)) + (f"{{{rest}}}" if rest > 1 else ""))
    parts.append(digits)
    return "|".join(dict.fromkeys(parts))


def decimals(schema: dict) -> str:
    """Numbers from 0 (or above 0) to a whole maximum (or below 1) as ``String(n)`` writes them. Below 1, a
    fraction stays below 1 as a float with at most 16 decimals, or 17 under 0.9, or 22 under 0.1; more may
    round up to 1, which only an inclusive bound takes."""
    low = schema.get("minimum", schema.get("exclusiveMinimum"))
    high = schema.get("maximum", schema.get("exclusiveMaximum"))
    below = "exclusiveMaximum" in schema
    if low != 0 or high is None or high != int(high) or (below and high != 1):
        raise ValueError(f"no hash grammar for the bounds of {schema}")
    parts = [] if "exclusiveMinimum" in schema else ["0"]
    parts += [r"0\.(?:[0-9]{0,15}|[0-8][0-9]{15}|0[0-9]{0,20})[1-9]" if below else r"0\.[0-9]{0,21}[1-9]", TINY]
    if high > 1:
        parts.append(rf"(?:{integers(1, int(high) - 1)})(?:\.[0-9]{{0,21}}[1-9])?")
    if not below:
        parts.append(str(int(high)))
    return "|".join(parts)


def value_grammar(schema: dict) -> str:
    """The texts of one variant field: ``schema`` is its Config field schema (null, where allowed, has no text)."""
    schema = next((b for b in schema.get("anyOf", []) if b.get("type") != "null"), schema)
    if "enum" in schema:
        return "|".join(re.escape(url_text(value)) for value in schema["enum"])
    if schema.get("type") == "integer":
        return integers(schema.get("minimum", 0), schema["maximum"])
    if schema.get("type") == "number":
        return decimals(schema)
    raise ValueError(f"no hash grammar for {schema}")


def bounded_keys(settings: Settings) -> dict[str, tuple[str, str]]:
    """The base keys that set a size the server bounds: the grammar of their values, and it in words."""
    width = f"(?:{integers(1, settings.max_width)})"
    shape = f"(?:{width}(?:,{width}){{0,{settings.max_layers - 1}}})?" if settings.max_layers else ""
    return {
        "samples": (integers(0, settings.max_samples), f"a whole number up to {settings.max_samples}"),
        "batchSize": (integers(0, settings.max_batch_size), f"a whole number up to {settings.max_batch_size}"),
        "networkShape": (shape, f"up to {settings.max_layers} widths of 1 to {settings.max_width}, e.g. 4,2"),
        # at most one point per ';'-separated chunk
        "points": (f"[^;&]*(?:;[^;&]*){{0,{settings.max_samples - 1}}}", f"up to {settings.max_samples} points"),
        "step": (integers(0, settings.max_replay_steps), f"a whole number up to {settings.max_replay_steps}"),
    }


def pair_grammar(settings: Settings) -> str:
    """One base ``key=value`` pair (never ``race=``)."""
    bounded = bounded_keys(settings)
    free = "|".join(re.escape(name) for name in KEYS if name not in bounded)
    pairs = [f"(?:{free})={ANY_VALUE}", f"[^&=]*{HIDE_SUFFIX}={ANY_VALUE}",
             *(f"{name}=(?:{grammar})" for name, (grammar, _) in bounded.items())]
    return "|".join(pairs)


def variants_grammar(fields: dict[str, dict]) -> str:
    """``race=``'s value: 2–4 variants, each ``field:value`` pairs (``fields``: name → Config field schema)."""
    pair = "|".join(f"{re.escape(name)}:(?:{value_grammar(schema)})" for name, schema in sorted(fields.items()))
    variant = f"(?:(?:{pair})(?:,(?:{pair}))*)?"
    return f"{variant}(?:;{variant}){{{MIN_VARIANTS - 1},{MAX_VARIANTS - 1}}}"


def hash_grammar(fields: dict[str, dict], settings: Settings) -> str:
    """The whole hash: base pairs, the ``race=`` pair, base pairs; a leading ``#`` is allowed."""
    pair = f"(?:{pair_grammar(settings)})"
    return f"#?(?:{pair}&)*{RACE_KEY}=(?:{variants_grammar(fields)})(?:&{pair})*"


def hash_pattern(fields: dict[str, dict], settings: Settings) -> str:
    """``hash_grammar`` as a schema's pattern (anchored: JSON Schema's patterns search)."""
    return f"^{hash_grammar(fields, settings)}$"


def check_hash(text: str, fields: dict[str, dict], settings: Settings) -> None:
    """A 422 naming ``hash`` and what in it is out of the grammar, unless the whole ``text`` is in it."""
    if not re.fullmatch(hash_grammar(fields, settings), text):
        raise LimitError("hash", _first_problem(text, fields, settings))


def _first_problem(text: str, fields: dict[str, dict], settings: Settings) -> str:
    pairs = text.removeprefix("#").split("&")
    races = [pair for pair in pairs if pair.startswith(RACE_KEY + "=")]
    if len(races) != 1:
        return f"a race's hash names its variants in one '{RACE_KEY}=…' pair, not {len(races)}"
    bounded = bounded_keys(settings)
    for pair in pairs:
        if pair not in races and not re.fullmatch(pair_grammar(settings), pair):
            name = pair.partition("=")[0]
            if name in bounded:
                return f"'{_short(pair)}': {name} takes {bounded[name][1]}"
            return f"'{_short(name)}' is not a key of a share hash (or it has no '=value')"
    variants = races[0][len(RACE_KEY) + 1:].split(";")
    if not MIN_VARIANTS <= len(variants) <= MAX_VARIANTS:
        return f"a race has {MIN_VARIANTS} to {MAX_VARIANTS} variants (';' between them), not {len(variants)}"
    for index, variant in enumerate(variants):
        for item in filter(None, variant.split(",")):
            name, _, value = item.partition(":")
            if name not in fields:
                return f"race variant {index}: '{_short(name)}' cannot vary (it may: {', '.join(sorted(fields))})"
            if not re.fullmatch(value_grammar(fields[name]), value):
                return f"race variant {index}: {name} takes {_in_words(fields[name])}, not '{_short(value)}'"
    return f"a race's hash reads key=value pairs with one '{RACE_KEY}=field:value,…;…' among them"


def _in_words(schema: dict) -> str:
    schema = next((b for b in schema.get("anyOf", []) if b.get("type") != "null"), schema)
    if "enum" in schema:
        return "one of " + ", ".join(map(url_text, schema["enum"]))
    low = f"above {schema['exclusiveMinimum']}" if "exclusiveMinimum" in schema else f"from {schema.get('minimum', 0)}"
    high = f"below {schema['exclusiveMaximum']}" if "exclusiveMaximum" in schema else f"to {schema['maximum']}"
    return f"a number {low} {high} (as String(n) writes it)"


def _short(text: str) -> str:
    return text if len(text) <= 40 else text[:37] + "..."
