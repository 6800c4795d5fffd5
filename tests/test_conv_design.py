"""conv_design: every configuration of the reference parts, the pick rule, the bounds."""

import copy
import textwrap

import pytest

from generator.errors import VerificationError
from generator.kinds import conv_design
from generator.render import render_html, render_latex
from generator.solve import solve_spec
from generator.spec import parse_spec
from helpers import params_of, spec_problems

REFERENCE = """
title: t
questions:
  - id: q7
    kind: conv_design
    parts:
      - {label: "1(a)", input: [3, 64, 64], output: [64, 32, 32], given: {k: 8, d: 1}}
      - {label: "1(b)", input: [3, 64, 64], output: [64, 32, 32], given: {d: 7, s: 2}}
      - {label: "2(a)", layer: pool, input: [64, 32, 32], output: [64, 8, 8], given: {p: 0, d: 1}, non_overlapping: true}
      - {label: "2(b)", layer: pool, input: [64, 32, 32], given: {k: 8, s: 4, p: 0, d: 1}}
      - {label: "3(a)", input: [64, 8, 8], output: [128, 4, 4], given: {p: 0, d: 1}}
      - {label: "3(b)", input: [64, 8, 8], output: [128, 4, 4], given: {d: 2, p: 2}}
      - {label: "3(c)", input: [64, 8, 8], output: [128, 4, 4], given: {p: 1, d: 1}}
"""


@pytest.fixture(scope="module")
def solved():
    params = params_of(REFERENCE)
    return params, conv_design.solve(params)


def parts(solved):
    return {p["label"]: p for p in solved[1].answers["parts"]}


def test_reference_answers(solved):
    p = parts(solved)
    assert p["1(a)"]["answer"] == {"k": 8, "s": 2, "p": 3, "d": 1}
    assert p["1(b)"]["answer"] == {"k": 2, "s": 2, "p": 3, "d": 7}
    assert p["2(a)"]["answer"] == {"k": 4, "s": 4, "p": 0, "d": 1}
    assert p["2(b)"]["output"] == [64, 7, 7]
    assert p["3(a)"]["answer"] == {"k": 2, "s": 2, "p": 0, "d": 1}
    assert p["3(c)"]["answer"] == {"k": 4, "s": 2, "p": 1, "d": 1}
    # The sheet's 3(b) answer k=2, s=3 pads 2 around a 3-wide window (more than half of it):
    # outside the documented bounds. Within them: k=3, s=2.
    assert p["3(b)"]["answer"] == {"k": 3, "s": 2, "p": 2, "d": 2}


def brute_force(i, o, given, non_overlapping=False, pool=False):
    """Every configuration within the default bounds, by trying all small values (a pool's
    padding at most half its kernel, PyTorch's rule)."""
    found = []
    for k in range(1, i + 1):
        for d in range(1, i + 1):
            span = d * (k - 1) + 1
            if span > i or (d > 1 and k < 2):
                continue
            for p in range(0, span // 2 + 1):
                for s in range(1, span + 1):
                    cfg = {"k": k, "s": s, "p": p, "d": d}
                    if any(cfg[n] != v for n, v in given.items()):
                        continue
                    if non_overlapping and s < span or pool and p > k // 2:
                        continue
                    windows = len(range(0, i + 2 * p - span + 1, s))  # window starts
                    if windows == o:
                        found.append(cfg)
    return sorted(found, key=lambda c: (c["k"], c["s"], c["p"], c["d"]))


def test_every_configuration_is_found(solved):
    key = lambda c: (c["k"], c["s"], c["p"], c["d"])  # noqa: E731
    for raw, answer in zip(solved[0]["parts"], solved[1].answers["parts"]):
        if raw["output"] is None:
            continue
        given = {k: v for k, v in raw["given"].items() if v is not None}
        expected = brute_force(raw["input"][1], raw["output"][1], given, raw["non_overlapping"],
                               raw["layer"] == "pool")
        assert sorted(answer["solutions"], key=key) == expected, raw["label"]


def test_pool_cannot_change_channels_and_no_solution_is_said():
    params = params_of("""
        title: t
        questions:
          - id: q
            kind: conv_design
            parts:
              - {layer: pool, input: [64, 32, 32], output: [128, 8, 8]}
              - {input: [3, 8, 8], output: [3, 2, 2], given: {k: 2, s: 1, p: 0, d: 1}}
    """)
    s = conv_design.solve(params)
    assert [p["answer"] for p in s.answers["parts"]] == [None, None]
    assert s.work.parts[0].channel_mismatch
    assert s.answers["parts"][0]["label"] == "(a)"


def test_bounds_can_be_widened():
    text = """
        title: t
        questions:
          - id: q
            kind: conv_design
            parts:
              - {input: [64, 8, 8], output: [128, 4, 4], given: {d: 2, p: 2}, bounds: BOUNDS}
    """
    wide = params_of(text.replace("BOUNDS", "{max_padding: 4}"))
    sols = conv_design.solve(wide).answers["parts"][0]["solutions"]
    assert {"k": 2, "s": 3, "p": 2, "d": 2} in sols  # the sheet's answer, now allowed


def test_verification_substitutes_back(solved):
    params, s = solved[0], copy.deepcopy(solved[1])
    s.answers["parts"][0]["solutions"].append({"k": 8, "s": 1, "p": 3, "d": 1})
    with pytest.raises(VerificationError, match="gives 63, not 32"):
        conv_design.verify(params, s)


def test_bad_parts():
    problems = spec_problems("""
        title: t
        questions:
          - id: q
            kind: conv_design
            parts:
              - {input: [3, 64, 32], output: [64, 32, 32]}
              - {input: [3, 64, 64], given: {k: 0}}
              - {input: [3, 64, 64], given: {s: 2}}
              - {input: [3, 64, 64], non_overlapping: true, given: {k: 2, s: 3}, output: [3, 32, 32]}
    """)
    assert problems == [
        "s.yaml:7:41: q.parts[1].given.k: must be at least 1, got 0",
    ]
    problems = spec_problems("""
        title: t
        questions:
          - id: q
            kind: conv_design
            parts:
              - {input: [3, 64, 32], output: [64, 32, 32]}
              - {input: [3, 64, 64], given: {s: 2}}
              - {input: [3, 64, 64], non_overlapping: true, given: {k: 3, s: 2}, output: [3, 32, 32]}
    """)
    assert problems == [
        "s.yaml:6:17: q.parts[0].input: only square shapes are supported, got 64×32",
        "s.yaml:7:37: q.parts[1].given: without `output`, give at least the kernel k",
        "s.yaml:7:9: q.parts[1]: a conv part without `output` needs `filters`",
        "s.yaml:8:47: q.parts[2].non_overlapping: non-overlapping windows need "
        "s ≥ d(k − 1) + 1 = 3, but given k = 3, s = 2, d = 1",
    ]


def test_the_picked_configuration_is_bold_in_the_key_and_marked_on_the_page():
    spec = parse_spec(textwrap.dedent(REFERENCE), "s.yaml")
    results = solve_spec(spec)
    key, page = render_latex(spec, results, True)[0], render_html(spec, results, True)
    # 1(b): k=2, s=2, p=3, d=7 (k' = 8) picked first of 9; every cell bold, the others not
    assert (r"\bfseries 2 & \bfseries 2 & \bfseries 3 & \bfseries 7 & \bfseries 8 & "
            r"\bfseries yes (picked) \\" + "\n4 & 2 & 10 & 7 & 22 & yes \\\\") in key
    assert page.count('<tr class="picked">') == 6  # one per part with configurations to find
    assert "1 configuration within the bounds gives $o = 32$" in key
    assert "9 configurations within the bounds give $o = 32$" in key
    # 2(b) computes its output: the formula filled in, no table
    assert (r"\frac{32 + 2\cdot 0 - 8}{4} \right\rfloor + 1 = \left\lfloor \frac{24}{4} "
            r"\right\rfloor + 1 = 7") in key
