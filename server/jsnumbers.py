"""Numbers as JavaScript reads and writes them, so a share hash means here what it means in a browser.

``js_number`` is unary ``+`` on a string; ``js_string`` is ``String(number)``: the shortest text that
reads back to the same float.
"""
from __future__ import annotations

import math
import re
from decimal import Decimal

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


def url_text(value) -> str:
    """A value as a page's script writes it into a link: true/false, a number as String(n), else the text."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return js_string(value)
    return str(value)
