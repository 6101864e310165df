"""server.jsnumbers: JavaScript's String(number) and unary + on a string."""
from __future__ import annotations

import math

import pytest

from server.jsnumbers import js_number, js_string


@pytest.mark.parametrize("value, text", [
    (0.03, "0.03"), (10.0, "10"), (10, "10"), (1e-8, "1e-8"), (1.5e-7, "1.5e-7"), (1e-6, "0.000001"),
    (1e-7, "1e-7"), (0.1 + 0.2, "0.30000000000000004"), (-0.5, "-0.5"), (0.0, "0"), (-0.0, "0"),
    (123456.789, "123456.789"), (1e20, "100000000000000000000"), (1e21, "1e+21"), (2.5e22, "2.5e+22"),
    (math.inf, "Infinity"), (-math.inf, "-Infinity"), (math.nan, "NaN"), (0.999, "0.999"),
])
def test_js_string(value, text):
    assert js_string(value) == text


@pytest.mark.parametrize("text, value", [
    ("1e-3", 0.001), (" 12 ", 12.0), ("\t7\n", 7.0), ("0x1A", 26.0), ("0b11", 3.0), ("0o17", 15.0),
    ("Infinity", math.inf), ("-Infinity", -math.inf), ("+5", 5.0), (".5", 0.5), ("5.", 5.0), ("", 0.0),
    ("1e999", math.inf), ("-0", -0.0), ("1E2", 100.0),
])
def test_js_number(text, value):
    assert js_number(text) == value


@pytest.mark.parametrize("text", ["abc", "inf", "nan", "NaN", "1_000", "-0x1A", "0x", "1e", "1,2", "--1",
                                  "infinity", "1 2", "١"])
def test_js_number_nan(text):
    assert math.isnan(js_number(text))
