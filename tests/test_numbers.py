"""The one display formatter: hand-checked renderings of numbers and formulas with numbers."""

from __future__ import annotations

import math

import numpy as np
import pytest

from generator.numbers import fmt, fmt_factor, fmt_terms, fmt_vector, json_number, json_tidy


@pytest.mark.parametrize(("x", "decimals", "shown"), [
    (5, 4, "5"),
    (np.int64(-3), 4, "-3"),
    (36.0, 4, "36"),
    (0.7, 4, "0.7"),                      # exact at 4 decimals: as written
    (1 / 9, 4, "0.1111"),
    (math.cos(3), 4, "-0.9900"),          # rounded: every decimal shown
    (-0.15346568707221, 4, "-0.1535"),    # the seed sheet's -0.1534 was wrong
    (11.987654320987655, 4, "11.9877"),
    (-0.00004, 4, r"-4 \times 10^{-5}"),  # would round to -0.0000
    (2.2204e-16, 2, r"2.22 \times 10^{-16}"),
    (3e15, 4, r"3 \times 10^{15}"),
    (-0.0, 4, "0"),
    (float("inf"), 4, r"\infty"),
    (float("-inf"), 4, r"-\infty"),
    (float("nan"), 4, r"\mathrm{NaN}"),
])
def test_fmt(x, decimals, shown):
    assert fmt(x, decimals) == shown


def test_fmt_refuses_booleans_and_text():
    with pytest.raises(TypeError):
        fmt(True, 4)
    with pytest.raises(TypeError):
        fmt("1", 4)


def test_factors_and_vectors():
    assert fmt_factor(-2, 4) == "(-2)"
    assert fmt_factor(1 / 9, 4) == "0.1111"
    assert fmt_vector([1, 0.5, -1 / 3], 2) == "[1, 0.5, -0.33]"


def test_terms_bracket_negative_factors_and_powered_bases():
    tangent_of_reciprocal = [("t", "-"), ("p", 1.0), ("t", " / "), ("b", 9.0), ("t", "^{2}")]
    assert fmt_terms(tangent_of_reciprocal, 4) == "-1 / 9^{2}"
    assert fmt_terms([("n", 36.1111111), ("t", " + "), ("p", math.cos(3))], 4) == \
        "36.1111 + (-0.9900)"
    assert fmt_terms([("b", -2.0), ("t", "^{3}")], 4) == r"\left(-2\right)^{3}"
    assert fmt_terms([("b", 1e-9), ("t", "^{2}")], 4) == r"\left(1 \times 10^{-9}\right)^{2}"
    with pytest.raises(ValueError):
        fmt_terms([("x", 1)], 4)


def test_json_keeps_full_precision_and_whole_numbers_as_ints():
    assert json_number(2.0) == 2 and isinstance(json_number(2.0), int)
    assert json_number(0.1 + 0.2) == 0.30000000000000004
    assert json_number(2.0**53) == 2.0**53 and isinstance(json_number(2.0**53), float)
    assert json_tidy({"a": np.array([1.0, 0.5]), 3: (np.float64(4.0),)}) == \
        {"a": [1, 0.5], "3": [4]}
