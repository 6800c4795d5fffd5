"""The one display formatter: hand-checked renderings of numbers and formulas with numbers."""

from __future__ import annotations

import json
import math
import pickle
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.numbers import (
    Given,
    fmt,
    fmt_factor,
    fmt_terms,
    fmt_vector,
    json_number,
    json_tidy,
    sci,
)
from generator.schema import Ctx, Int, Loc, Number, Vector
from generator.yamlsource import Marks


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


@pytest.mark.parametrize(("x", "decimals", "shown"), [
    (0.00015, 4, "0.0002"),     # the float64 is 1.49999...e-4: half-even on it gave 0.0001
    (-0.00015, 4, "-0.0002"),   # half away from zero
    (2.675, 2, "2.68"),         # the float64 is 2.67499999...
    (1.005, 2, "1.01"),
    (0.125, 2, "0.13"),         # an exact tie: half-even gave 0.12
    (-0.125, 2, "-0.13"),
    (2.5, 0, "3"),
    (-2.5, 0, "-3"),
    (0.45, 1, "0.5"),
    (0.00005, 4, "0.0001"),     # a tie at the smallest shown digit is not rounded to zero
    (0.0000499, 4, r"4.99 \times 10^{-5}"),
    (9.9995, 3, "10.000"),      # a carry into the units
])
def test_decimal_ties_round_half_up_as_by_hand(x, decimals, shown):
    assert fmt(x, decimals) == shown


@pytest.mark.parametrize(("x", "shown"), [
    (2.225e-16, r"2.23 \times 10^{-16}"),
    (-2.225e-16, r"-2.23 \times 10^{-16}"),
    (9.995e-20, r"1 \times 10^{-19}"),   # the mantissa carries: 10.0 is 1 x 10^1
    (1.5e16, r"1.5 \times 10^{16}"),
    (4.0e-9, r"4 \times 10^{-9}"),
])
def test_scientific_notation_rounds_half_up_too(x, shown):
    assert sci(x) == shown


def half_up(x: float, decimals: int) -> str:
    """The oracle: the shortest decimal of x rounded half away from zero, by integer arithmetic."""
    scaled = abs(Fraction(repr(x))) * 10**decimals
    digits = str(math.floor(scaled + Fraction(1, 2))).rjust(decimals + 1, "0")
    text = digits[:len(digits) - decimals] + ("." + digits[-decimals:] if decimals else "")
    return ("-" if x < 0 else "") + text


@given(st.floats(min_value=-1e12, max_value=1e12, allow_nan=False), st.integers(0, 10))
def test_fmt_is_the_half_up_rounding_of_the_shortest_decimal(x, decimals):
    shown = fmt(x, decimals)
    if x.is_integer():
        assert shown == str(int(x))
        return
    rounded = half_up(x, decimals)
    if Decimal(rounded) == 0:
        assert r"\times 10^{" in shown  # never 0.0000 for a value that is not zero
    elif Decimal(rounded) == Decimal(repr(x)):
        assert Decimal(shown) == Decimal(repr(x)) and not shown.endswith("0")  # as written
    else:
        assert shown == rounded  # every decimal shown
    assert shown == fmt(np.float64(x), decimals)


@given(st.floats(min_value=-1e12, max_value=1e12, allow_nan=False), st.integers(0, 6))
def test_fmt_agrees_with_decimal_quantize(x, decimals):
    expected = Decimal(repr(x)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    shown = fmt(x, decimals)
    if "times" not in shown:
        assert Decimal(shown) == expected


@pytest.mark.parametrize(("x", "shown"), [
    (0.12345, "0.12345"),
    (1.23456, "1.23456"),
    (0.00005, "0.00005"),
    (1e-3, "0.001"),
    (2.50, "2.5"),
    (-0.15346568707221, "-0.15346568707221"),
    (0.1 + 0.2, "0.30000000000000004"),  # what the user typed reads back as this float
    (123456789012.125, "123456789012.125"),
    (1.23456e-7, r"1.23456 \times 10^{-7}"),
    (-4e-9, r"-4 \times 10^{-9}"),
    (3e15, r"3 \times 10^{15}"),
    (2.0, "2"),
    (-0.0, "0"),
])
def test_given_values_are_shown_as_given_at_any_decimals(x, shown):
    for decimals in (0, 2, 4, 15):
        assert fmt(Given(x), decimals) == shown
    assert fmt_vector([Given(x)], 2) == f"[{shown}]"


@given(st.floats(min_value=1e-6, max_value=1e12, allow_nan=False), st.booleans(),
       st.integers(0, 15))
def test_a_given_value_reads_back_as_itself(x, negative, decimals):
    x = -x if negative else x
    shown = fmt(Given(x), decimals)
    assert float(shown) == x and Decimal(shown) == Decimal(repr(x))


def test_arithmetic_on_given_values_gives_computed_ones():
    a = Given(0.12345)
    for computed in (a * 1, a + 0, abs(a), a / 1, a - 0, 1 * a, a**1):
        assert type(computed) is float and fmt(computed, 4) == "0.1235"
    assert type(-a) is float and fmt(-a, 4) == "-0.1235"
    assert type(np.float64(a)) is np.float64 and fmt(np.asarray([a])[0], 4) == "0.1235"


def test_given_values_pickle_and_serialise_as_their_float():
    a = Given(0.00015)
    for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
        back = pickle.loads(pickle.dumps(a, protocol))
        assert type(back) is Given and back == a
    assert json.dumps({"x": a, "v": [Given(2.5)]}) == '{"x": 0.00015, "v": [2.5]}'
    assert json_number(Given(2.0)) == 2 and type(json_number(Given(2.0))) is int
    assert type(json_tidy([Given(0.5)])[0]) is float
    assert repr(a) == "0.00015" and a == 0.00015 and hash(a) == hash(0.00015)


def validated(validator, value):
    ctx = Ctx(Marks("a.yaml"))
    result = validator(value, Loc(("x",), "x"), ctx)
    assert ctx.problems == []
    return result


def test_number_fields_return_given_floats_and_keep_whole_numbers_whole():
    assert type(validated(Number(), 0.12345)) is Given
    assert type(validated(Number(), 3)) is int
    assert type(validated(Int(0, 10), 4.0)) is int
    assert [type(v) for v in validated(Vector(), [1, 0.5, -2.25])] == [int, Given, Given]
    assert fmt(validated(Number(), 1e-3), 2) == "0.001"


@pytest.mark.parametrize(("x", "decimals", "shown"), [
    (999999999999999.9, 15, "999999999999999.9"),     # 30 digits at 15 decimals: no overflow
    (-999999999999999.9, 15, "-999999999999999.9"),
    (123456789012.34567, 2, "123456789012.35"),
    (1.7976931348623157e308, 2, r"1.8 \times 10^{308}"),
    (5e-324, 4, r"5 \times 10^{-324}"),
    (0.99999, 4, "1.0000"),
    (-0.99995, 4, "-1.0000"),
])
def test_extreme_magnitudes_and_carries(x, decimals, shown):
    assert fmt(x, decimals) == shown
