"""activations: ReLU's derivative, ReLU through H, the sigmoid gaps (closed forms, numpy, hand);
the presentation's words in both writers."""

import math
import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator import doc
from generator.errors import VerificationError
from generator.escape import html_escape, latex_escape
from generator.kinds import activations
from generator.kinds.base import Solution
from generator.numeric.stable import sigmoid, sigmoid_scalar
from generator.presentation import activations as presentation
from generator.render import question_views
from generator.solve import solve_spec
from generator.spec import parse_spec
from generator.writers import HtmlWriter, LatexWriter
from helpers import params_of, spec_problems

REFERENCE = """
title: t
questions:
  - {id: q1, kind: activations, points: [4, 4, 4], sigmoid_k: [1, 5, 50], delta: 0.1, x_range: [-3, 3]}
"""


def solve(k=(1, 5, 50), delta=0.1, x_range=(-3, 3), parts=activations.PARTS):
    params = {"parts": list(parts), "sigmoid_k": list(k), "delta": delta,
              "x_range": list(x_range)}
    return params, activations.solve(params)


def test_reference_gaps():
    params, sol = solve()
    assert params == params_of(REFERENCE)
    gaps = sol.answers["sigmoid_gap"]
    assert [g["k"] for g in gaps] == [1, 5, 50] and all(g["delta"] == 0.1 for g in gaps)
    # hand-checked: 1/(1 + e^0.1) = 1/2.10517 = 0.47502; 1/(1 + e^0.5) = 1/2.64872 = 0.37754;
    # 1/(1 + e^5) = 1/149.41316 = 0.0066929
    assert [round(g["max_abs_error"], 4) for g in gaps] == [0.4750, 0.3775, 0.0067]
    for g in gaps:
        assert g["max_abs_error"] == pytest.approx(1 / (1 + math.exp(g["k"] * 0.1)), rel=1e-15)
    assert [z["value"] for z in sol.answers["sigmoid_at_zero"]] == [0.5, 0.5, 0.5]
    assert sol.answers["heaviside_at_zero"] == 0.5


def test_gap_is_the_dense_maximum_beyond_delta():
    _, sol = solve()
    for g in sol.answers["sigmoid_gap"]:
        x = np.linspace(0.1, 30, 300_001)
        x = np.concatenate([-x, x])
        with np.errstate(over="ignore"):  # e^(kx) = inf gives 1/inf = 0, correctly
            dense = np.max(np.abs(1 / (1 + np.exp(-g["k"] * x)) - (x > 0)))
        assert dense == pytest.approx(g["max_abs_error"], rel=1e-12)


@given(st.floats(0.01, 500), st.floats(0.001, 5))
def test_gap_formula_everywhere(k, delta):
    params, sol = solve([k], delta)
    gap = sol.answers["sigmoid_gap"][0]["max_abs_error"]
    e = math.exp(-k * delta)  # 1/(1 + e^(kδ)) = e^(-kδ)/(1 + e^(-kδ)), no overflow
    assert gap == pytest.approx(e / (1 + e), rel=1e-12, abs=1e-300)
    assert len(activations.verify(params, sol)) == 3  # gaps, definitions, derivative


def test_derivative_from_one_sided_limits():
    _, sol = solve()
    d = sol.answers["derivative"]
    assert (d["negative"], d["positive"], d["at_zero"]) == (0, 1, None)
    assert (d["left_limit_at_zero"], d["right_limit_at_zero"]) == (0, 1)
    for q in sol.work.quotients:  # (g(±ε) - g(0)) / ±ε
        assert (q.left, q.right) == (0, 1)


def test_alternative_definitions_hold_on_a_grid_including_zero():
    _, sol = solve()
    assert [d.key for d in sol.work.definitions] == ["xH", "x1mH", "integral", "sgn"]
    for d in sol.work.definitions:
        assert d.max_abs_error < 1e-12 and d.value_at_zero == 0
    grid = activations.check_grid(-3, 3)
    assert 0.0 in grid and grid[0] == -3 and grid[-1] == 3
    rows = {r.x: r for r in sol.work.samples}
    assert sorted(rows) == [-3, -1.5, 0, 1.5, 3]
    assert rows[0].heaviside == 0.5 and rows[0].values == [0, 0, 0, 0]
    assert rows[1.5].values == [1.5, 1.5, 1.5, 1.5] and rows[-1.5].relu == 0


def test_grid_includes_zero_when_the_range_does_not():
    grid = activations.check_grid(1, 4)
    assert grid[0] == 0 and grid[-1] == 4 and np.all(np.diff(grid) > 0)
    values = activations.definitions_on(grid)
    for v in values.values():
        assert np.max(np.abs(v - np.maximum(grid, 0))) < 1e-12


def test_heaviside_and_sigmoid_match_numpy_without_overflow():
    x = np.array([-1e308, -800.0, -1.0, 0.0, 1e-300, 2.0, 800.0])
    assert np.array_equal(activations.heaviside(x), np.heaviside(x, 0.5))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        s = sigmoid(x)
        scalar = [sigmoid_scalar(float(v)) for v in x]
    assert s[3] == 0.5 and s[0] == 0 and s[-1] == 1 and np.all(np.isfinite(s))
    assert scalar == s.tolist()
    mid = np.linspace(-30, 30, 61)
    assert np.allclose(sigmoid(mid), 1 / (1 + np.exp(-mid)), rtol=1e-14, atol=0)


def test_large_k_underflows_to_zero_gap_without_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        params, sol = solve([1e6], 10)
        activations.verify(params, sol)
    assert sol.answers["sigmoid_gap"][0]["max_abs_error"] == 0.0
    assert sol.work.gaps[0].exp_k_delta is None


def test_verification_catches_a_wrong_gap():
    params, sol = solve()
    bad = Solution({**sol.answers, "sigmoid_gap": [dict(g) for g in sol.answers["sigmoid_gap"]]})
    bad.answers["sigmoid_gap"][2]["max_abs_error"] = 0.0066  # 1/(1 + e^5) rounded wrongly
    with pytest.raises(VerificationError, match="k = 50"):
        activations.verify(params, bad)


@pytest.mark.parametrize("extra, expected", [
    ("x_range: [3, -3]", "q1.x_range: needs lo < hi, got [3, -3]"),
    ("x_range: [1, 1]", "q1.x_range: needs lo < hi, got [1, 1]"),
    ("x_range: [1]", "q1.x_range: expected a list [lo, hi], got a list of 1"),
    ("sigmoid_k: [1, -5]", "q1.sigmoid_k[1]: must be greater than 0, got -5"),
    ("sigmoid_k: []", "q1.sigmoid_k: must not be empty"),
    ("delta: 0", "q1.delta: must be greater than 0, got 0"),
    ("delta: two", "q1.delta: expected a number, got 'two'"),
    ("deltta: 1", "q1.deltta: unknown key 'deltta' (did you mean 'delta'?); valid keys here: "
                  "id, kind, title, points, statement, decimals, answer_space, constraints, "
                  "parts, sigmoid_k, delta, x_range"),
])
def test_bad_input_is_located(extra, expected):
    problems = spec_problems(f"title: t\nquestions:\n  - {{id: q1, kind: activations, {extra}}}\n")
    assert len(problems) == 1 and problems[0].endswith(expected), problems


def test_defaults_are_the_reference_question():
    params = params_of("title: t\nquestions:\n  - {id: q1, kind: activations}\n")
    assert params == {"parts": ["derivative", "definitions", "sigmoid"],
                      "sigmoid_k": [1, 5, 50], "delta": 0.1, "x_range": [-3, 3]}


def view(question: str = "{id: q1, kind: activations}"):
    """The QuestionView of a one-question spec, solved."""
    spec = parse_spec(f"title: T\nquestions:\n  - {question}\n", "s.yaml")
    return question_views(spec, solve_spec(spec))[0]


def words(blocks) -> list[str]:
    """Every Text (and list label) of a document tree, in order."""
    out = []
    for node in blocks:
        if isinstance(node, doc.Text):
            out.append(node.text)
        elif isinstance(node, (doc.Para, doc.Heading, doc.Strong, doc.Emph, doc.Cell)):
            out += words(node.children)
        elif isinstance(node, doc.Row):
            out += words(node.cells)
        elif isinstance(node, doc.Table):
            out += words(node.head + node.body)
        elif isinstance(node, doc.Items):
            for label, entry in zip(node.labels or [None] * len(node.items), node.items):
                out += [label] * (label is not None) + words(entry)
        elif isinstance(node, doc.Figure):
            out += words(node.caption)
    return out


@pytest.mark.parametrize("parts", [list(activations.PARTS), ["definitions"], ["sigmoid"]])
def test_pdf_and_page_say_the_same_words(parts):
    q = view(f"{{id: q1, kind: activations, parts: {parts}}}")
    for blocks in (presentation.statement(q), presentation.answer(q)):
        tex, html = LatexWriter().write(blocks), HtmlWriter().write(blocks)
        texts = words(blocks)
        assert texts and all(latex_escape(t) in tex and html_escape(t) in html for t in texts)


def test_headings_and_labels_follow_the_parts_asked():
    q = view("{id: q1, kind: activations, parts: [sigmoid, derivative]}")
    [intro, shown, asked] = presentation.statement(q)
    assert doc.text_of(intro.children).startswith("Using the following definition of the "
                                                  "derivative and")
    assert shown.rows[0][0].startswith(r"\frac{d}{dx}f(x)") and asked.labels == ("(a)", "(b)")
    answer = presentation.answer(q)
    assert [doc.text_of(b.children) for b in answer if isinstance(b, doc.Heading)] == [
        "(a) The derivative of ReLU", "(b) The sigmoid approaches the step"]
    only = view("{id: q1, kind: activations, parts: [definitions]}")
    [intro, shown, asked] = presentation.statement(only)
    assert doc.text_of(intro.children) == "Using the definition of the Heaviside step function:"
    assert shown.rows[0][0].startswith("H(x) =") and asked.labels == ("(a)",)
    assert not any(isinstance(b, doc.Figure) for b in presentation.answer(only))


def test_the_statement_prints_the_given_values():
    q = view("{id: q1, kind: activations, parts: [sigmoid], sigmoid_k: [1.25, 5], "
             "delta: 0.00005, x_range: [-1.125, 2.5]}")
    text = doc.text_of(presentation.statement(q)[2].items[0][0].children)
    for value in (r"k \in \{1.25, 5\}", r"\delta = 0.00005", r"x \in [-1.125, 2.5]"):
        assert value in text


def test_the_figure_caption_and_alt_name_the_steepnesses():
    q = view()
    [figure] = [b for b in presentation.answer(q) if isinstance(b, doc.Figure)]
    assert figure.name == "q1-relu-sigmoid"
    assert doc.text_of(figure.caption) == (r"ReLU g and its derivative H (left); H and "
                                          r"\sigma(kx) for k \in \{1, 5, 50\}, the band "
                                          r"|x| < \delta shaded (right).")
    assert figure.alt == ("Plot of ReLU g and the Heaviside step H over x from -3 to 3, and of "
                          "H with the sigmoids sigma(kx) for k = 1, 5, 50")


def test_an_overflowing_exponential_shows_the_gap_alone():
    q = view("{id: q1, kind: activations, parts: [sigmoid], sigmoid_k: [1, 1000000], "
             "delta: 10}")
    [table] = [b for b in presentation.answer(q) if isinstance(b, doc.Table)]
    gaps = [doc.text_of(r.cells[2].children) for r in table.body]
    assert gaps[0].startswith(r"\frac{1}{1 + e^{10}} = \frac{1}{1 + ")  # e^10 is shown
    assert gaps[1] == r"\mathbf{0}"  # e^(10^7) is not a number a page can show


_ends = st.floats(-50, 50, allow_nan=False).filter(lambda v: v != 0)


@given(_ends, _ends, st.lists(st.floats(-50, 50, allow_nan=False) | st.sampled_from(
    [0.0, -0.0]), max_size=8))
def test_the_grid_union_is_numpys(lo, hi, samples):
    """activations.union stands in for np.union1d (whose numpy.ma import costs start-up):
    the same values on check_grid's points and any samples; of 0.0 and -0.0 it keeps the
    grid's 0.0 (np.union1d's pick between them depends on its sort)."""
    grid = activations.check_grid(min(lo, hi), max(lo, hi))
    assert 0.0 in grid and (np.diff(grid) > 0).all()  # (0 was missing from [-0.01, 19])
    assert grid[0] == min(lo, hi, 0) and grid[-1] == max(lo, hi, 0)
    ours, numpys = activations.union(grid, samples), np.union1d(grid, samples)
    assert len(ours) == len(numpys) and (ours == numpys).all()
    assert not np.signbit(ours[ours == 0]).any()
