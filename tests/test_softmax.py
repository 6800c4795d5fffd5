"""softmax: the reference values, ties, overflow, the limits and both reparameterisations."""

import math
import warnings

import numpy as np
import pytest
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st

from generator.errors import VerificationError
from generator.kinds import softmax
from generator.kinds.base import Solution
from helpers import params_of, spec_problems

REFERENCE = """
title: t
questions:
  - {id: q2, kind: softmax, points: [3, 3, 3, 3], x: [1.0, 2.0, 3.0], shift: 10, scales: [0, 0.5, 1, 10, 100]}
"""


def solve(x, shift=10, scales=(0, 0.5, 1, 10, 100), pair=None, parts=softmax.PARTS):
    params = {"x": list(x), "shift": shift, "scales": list(scales), "pair": pair,
              "parts": list(parts)}
    return params, softmax.solve(params)


def naive(v):
    e = np.exp(np.asarray(v, dtype=float))
    return e / e.sum()


def test_reference_values():
    params, sol = solve([1.0, 2.0, 3.0])
    assert params == params_of(REFERENCE)
    a = sol.answers
    e = math.e
    hand = [e / (e + e**2 + e**3), e**2 / (e + e**2 + e**3), e**3 / (e + e**2 + e**3)]
    assert a["S"] == pytest.approx(hand, rel=1e-15)
    assert [round(v, 4) for v in a["S"]] == [0.09, 0.2447, 0.6652]
    assert a["S_shifted"] == pytest.approx(hand, rel=1e-15)
    scaled = {r["c"]: r["S"] for r in a["scaled"]}
    assert list(scaled) == [0, 0.5, 1, 10, 100]
    assert scaled[0] == [1 / 3] * 3
    assert scaled[0.5] == pytest.approx(naive([0.5, 1, 1.5]), rel=1e-15)
    # c = 100: S_1 = e^-200 / (1 + e^-100 + e^-200), by hand
    assert scaled[100][0] == pytest.approx(math.exp(-200) / (1 + math.exp(-100)), rel=1e-14)
    assert scaled[100][2] == 1.0
    assert a["limits"] == {"c_zero": [1 / 3] * 3, "c_infinity": [0, 0, 1], "argmax": [3]}
    two = a["two_class"]
    assert (two["x"], two["z"]) == ([1.0, 2.0], -1.0)
    assert two["sigma"] == pytest.approx(1 / (1 + math.e), rel=1e-15)  # σ(-1), hand: 0.2689
    assert two["S"] == pytest.approx([1 / (1 + e), e / (1 + e)], rel=1e-15)
    assert a["reduced"]["y"] == [1.0, 2.0]
    assert a["reduced"]["S"] == pytest.approx(hand, rel=1e-15)
    assert len(softmax.verify(params, sol)) == 3


def test_overflow_case_c_1000_is_exact_and_finite():
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow or invalid-value warning either
        params, sol = solve([1.0, 2.0, 3.0], scales=[1000])
        softmax.verify(params, sol)
        with np.errstate(all="ignore"):
            assert np.isnan(naive([1000.0, 2000.0, 3000.0])).all()  # what the naive form gives
    assert sol.answers["scaled"][0]["S"] == [0.0, 0.0, 1.0]
    assert sol.work["underflow"]


def test_huge_logits_and_shift():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        params, sol = solve([1e6, -1e6, 999_999.0], shift=-1e6, scales=[0, 1000, 1e6])
        softmax.verify(params, sol)
    a = sol.answers
    assert a["S"] == pytest.approx([1 / (1 + math.exp(-1)), 0, math.exp(-1) / (1 + math.exp(-1))])
    assert a["scaled"][2]["S"] == [1.0, 0.0, 0.0]


def test_ties_share_the_limit():
    params, sol = solve([3, 3, 1], scales=[0, 1000], pair=[0.5, -1.5])
    a = sol.answers
    assert a["scaled"][1]["S"] == [0.5, 0.5, 0.0]
    assert a["limits"]["c_infinity"] == [0.5, 0.5, 0.0] and a["limits"]["argmax"] == [1, 2]
    assert sol.work["ties"] == 2 and sol.work["repeats"] and not sol.work["all_equal"]
    assert a["two_class"]["z"] == 2.0
    assert a["two_class"]["sigma"] == pytest.approx(1 / (1 + math.exp(-2)), rel=1e-15)
    softmax.verify(params, sol)


def test_all_equal_entries_are_scale_invariant():
    _, sol = solve([2, 2], scales=[0, 1, 10])
    assert sol.work["all_equal"] and sol.work["counter"] is None
    assert all(r["S"] == [0.5, 0.5] for r in sol.answers["scaled"])


def test_counterexample_prefers_a_nonzero_scale():
    _, sol = solve([1.0, 2.0, 3.0])
    assert sol.work["counter"]["c"] == 0.5


@given(st.lists(st.floats(-50, 50), min_size=2, max_size=10), st.floats(-1e3, 1e3),
       st.lists(st.floats(0, 1e3), min_size=1, max_size=5, unique=True))
def test_properties_against_numpy(x, shift, scales):
    params, sol = solve(x, shift, scales)
    a = sol.answers
    assert a["S"] == pytest.approx(naive(x), rel=1e-12, abs=1e-300)
    assert sum(a["S"]) == pytest.approx(1, abs=1e-14)
    assert a["S_shifted"] == pytest.approx(a["S"], rel=1e-9, abs=1e-300)
    assert a["reduced"]["S"] == pytest.approx(a["S"], rel=1e-9, abs=1e-300)
    for row in a["scaled"]:
        assert np.all(np.isfinite(row["S"])) and sum(row["S"]) == pytest.approx(1, abs=1e-14)
    softmax.verify(params, sol)


def test_derivations_symbolically():
    x1, x2, x3, c = sp.symbols("x1 x2 x3 c", real=True)
    xs = [x1, x2, x3]

    def S(v, i):
        return sp.exp(v[i]) / sum(sp.exp(t) for t in v)

    for i in range(3):  # translation invariance and the K - 1 parameter form
        assert sp.simplify(S([t + c for t in xs], i) - S(xs, i)) == 0
        assert sp.simplify(S([0, x2 - x1, x3 - x1], i) - S(xs, i)) == 0
    sigma = 1 / (1 + sp.exp(-(x1 - x2)))
    assert sp.simplify(S([x1, x2], 0) - sigma) == 0
    assert sp.simplify(S([x1, x2], 1) - (1 - sigma)) == 0


def test_plot_range_covers_every_scale():
    low, high = softmax.plot_range([1, 2, 3], [0, 0.5, 1, 10, 100])
    assert low == 0.1 and high == 100
    for x, scales in (([0, 0], [0]), ([0, 5e-324], [0]), ([-1e6, 1e6], [1e6])):
        low, high = softmax.plot_range(x, scales)
        assert 0 < low < high < math.inf and high >= max(scales)


def test_verification_catches_a_wrong_softmax():
    params, sol = solve([1.0, 2.0, 3.0])
    bad = Solution({**sol.answers, "S": [0.0900, 0.2447, 0.6652]})  # rounded: not S(x)
    with pytest.raises(VerificationError, match=r"S\(x\)"):
        softmax.verify(params, bad)


@pytest.mark.parametrize("extra, expected", [
    ("x: [1]", "q2.x: needs at least 2 entries, got 1"),
    ("shift: 1", "q2: missing required key 'x'"),
    ("x: [1, 2], scales: [0, -1]", "q2.scales[1]: must be at least 0, got -1"),
    ("x: [1, 2], scales: [1, 1]", "q2.scales: must not repeat an entry"),
    ("x: [1, 2], pair: [1, 2, 3]", "q2.pair: expected a list [x1, x2], got a list of 3"),
    ("x: [1, .inf]", "q2.x[1]: expected a finite number, got .inf"),
    ("x: [1, 2], shift: big", "q2.shift: expected a number, got 'big'"),
    ("x: [1, 2], scale: [1]", "q2.scale: unknown key 'scale' (did you mean 'scales'?)"),
])
def test_bad_input_is_located(extra, expected):
    problems = spec_problems(f"title: t\nquestions:\n  - {{id: q2, kind: softmax, {extra}}}\n")
    assert len(problems) == 1 and expected in problems[0], problems


@pytest.mark.parametrize("K", [10, 20, 32])
def test_many_classes_are_accepted_and_right(K):
    x = [round(math.sin(3 * i) * 4, 3) for i in range(K)]
    params = params_of(f"title: t\nquestions:\n  - {{id: q, kind: softmax, x: {x}}}\n")
    sol = softmax.solve(params)
    assert np.allclose(sol.answers["S"], naive(x), rtol=1e-13, atol=0)
    assert np.allclose(sol.answers["reduced"]["S"], naive(x), rtol=1e-12, atol=0)
    softmax.verify(params, sol)


def test_more_classes_than_the_page_holds_are_refused_with_the_limit():
    x = list(range(softmax.MAX_K + 1))
    problems = spec_problems(f"title: t\nquestions:\n  - {{id: q, kind: softmax, x: {x}}}\n")
    assert problems == [f"s.yaml:3:31: q.x: has {softmax.MAX_K + 1} entries; at most "
                        f"{softmax.MAX_K}, because the key prints every entry of each softmax "
                        "(8 to a line)"]


@pytest.mark.parametrize("parts", [["scaling"], ["two_class", "translation"], ["reduced"],
                                   list(softmax.PARTS)])
def test_parts_choose_what_is_asked_answered_and_checked(parts):
    params, sol = solve([1.0, 2.0, 3.0], parts=parts)
    asked = [p for p in softmax.PARTS if p in parts]
    assert list(sol.work["labels"]) == asked
    assert list(sol.work["labels"].values()) == ["(a)", "(b)", "(c)", "(d)"][:len(asked)]
    keys = {"S"} | {k for p in asked for k in softmax.ANSWER_KEYS[p]}
    assert set(sol.answers) == keys
    assert bool(sol.figures) == ("scaling" in parts)
    checks = softmax.verify(params, sol)
    assert any("scalings" in c.what for c in checks) == ("scaling" in parts)
    if "two_class" in parts:
        wrong = {**sol.answers, "two_class": {**sol.answers["two_class"], "sigma": 0.5}}
        with pytest.raises(VerificationError):
            softmax.verify(params, Solution(wrong))


def test_an_unknown_part_gets_a_hint():
    problems = spec_problems("title: t\nquestions:\n  - {id: q, kind: softmax, x: [1, 2], "
                             "parts: [scaling, translaton]}\n")
    assert len(problems) == 1 and problems[0].endswith(
        "q.parts[1]: expected one of translation, scaling, two_class, reduced, got "
        "'translaton' (did you mean 'translation'?)"), problems
