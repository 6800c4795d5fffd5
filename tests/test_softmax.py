"""softmax: the reference values, ties, overflow, the limits and both reparameterisations."""

import math
import warnings

import numpy as np
import pytest
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st

from generator import doc
from generator.errors import VerificationError
from generator.escape import html_escape, latex_escape
from generator.kinds import softmax
from generator.kinds.base import Solution
from generator.presentation import softmax as presentation
from generator.render import QuestionView
from generator.writers import HtmlWriter, LatexWriter
from helpers import doc_texts, params_of, spec_problems

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
    w = sol.work  # the stable steps shown: x - max x, its exponentials and their sum
    assert (w.K, w.compact, w.base.max, w.base.z) == (3, True, 3.0, [-2.0, -1.0, 0.0])
    assert w.base.exp == pytest.approx([e**-2, e**-1, 1], rel=1e-15)
    assert w.base.sum == pytest.approx(1 + 1 / e + e**-2, rel=1e-15)
    assert (w.translation.steps.v, w.translation.steps.max) == ([11.0, 12.0, 13.0], 13.0)
    assert w.two_class.exp_minus_z == pytest.approx(e, rel=1e-15)  # e^-z at z = -1
    assert w.reduced.steps.v == [0.0, 1.0, 2.0]
    assert w.scaling.unique_max and w.scaling.argmax == [3] and not w.scaling.underflow


def test_overflow_case_c_1000_is_exact_and_finite():
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow or invalid-value warning either
        params, sol = solve([1.0, 2.0, 3.0], scales=[1000])
        softmax.verify(params, sol)
        with np.errstate(all="ignore"):
            assert np.isnan(naive([1000.0, 2000.0, 3000.0])).all()  # what the naive form gives
    assert sol.answers["scaled"][0]["S"] == [0.0, 0.0, 1.0]
    assert sol.work.scaling.underflow


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
    scaling = sol.work.scaling
    assert scaling.ties == 2 and not scaling.unique_max and scaling.argmax == [1, 2]
    assert scaling.repeats and not scaling.all_equal
    assert a["two_class"]["z"] == 2.0
    assert a["two_class"]["sigma"] == pytest.approx(1 / (1 + math.exp(-2)), rel=1e-15)
    softmax.verify(params, sol)


def test_all_equal_entries_are_scale_invariant():
    _, sol = solve([2, 2], scales=[0, 1, 10])
    assert sol.work.scaling.all_equal and sol.work.scaling.counter is None
    assert all(r["S"] == [0.5, 0.5] for r in sol.answers["scaled"])


def test_counterexample_prefers_a_nonzero_scale():
    _, sol = solve([1.0, 2.0, 3.0])
    assert sol.work.scaling.counter.c == 0.5


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
    labels = {name: getattr(sol.work, name) and getattr(sol.work, name).label
              for name in softmax.PARTS}
    assert labels == {name: ("(a)", "(b)", "(c)", "(d)")[asked.index(name)] if name in asked
                      else None for name in softmax.PARTS}
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


# -- the presentation: one tree, the same words in the PDF and on the page -------------------


def present(x, **given):
    """(statement, answer) blocks of a solved question, as render.py builds them."""
    params = params_of(f"title: t\nquestions:\n  - {{id: q, kind: softmax, x: {x}}}\n")
    params.update(given)
    sol = softmax.solve(params)
    view = QuestionView("q", 1, "softmax", None, None, "", None, params, sol.answers, sol.work,
                        [f"q-{f.name}" for f in sol.figures], 4)
    return presentation.statement(view), presentation.answer(view)


def words(blocks) -> list[str]:
    """Each paragraph, heading, list item and caption as its words (math as its source)."""
    out = []
    for node in blocks:
        if isinstance(node, (doc.Para, doc.Heading)):
            out.append(doc.text_of(node.children))
        elif isinstance(node, doc.Figure):
            out.append(doc.text_of(node.caption))
        elif isinstance(node, doc.Items):
            out += [w for entry in node.items for w in words(entry)]
    return out


def headings(blocks) -> list[str]:
    return [doc.text_of(b.children) for b in blocks if isinstance(b, doc.Heading)]


CASES = {  # every branch of the presentation: parts, ties, equal entries, underflow, long x
    "reference": ([1.0, 2.0, 3.0], {}),
    "ties and underflow": ([3, 3, 1], {"scales": [0, 1000], "pair": [0.5, -1.5]}),
    "all equal": ([2, 2], {"scales": [0, 1, 10]}),
    "no translation": ([1.0, 2.0, 3.0], {"parts": ["two_class", "reduced"]}),
    "scaling only": ([1.0, 2.0, 3.0], {"parts": ["scaling"]}),
    "huge z": ([1e6, -1e6, 999_999.0], {"pair": [1000, -1000], "shift": -1e6}),
    "32 classes": ([round(math.sin(3 * i) * 4, 3) for i in range(32)], {}),
}


@pytest.mark.parametrize("case", CASES)
def test_both_writers_show_every_word(case):
    x, given = CASES[case]
    for blocks in present(x, **given):
        tex, page = LatexWriter().write(blocks), HtmlWriter().write(blocks)  # MathML checked
        for text in doc_texts(blocks):
            assert latex_escape(text) in tex and str(html_escape(text)) in page, (case, text)


def test_parts_are_labelled_and_headed_the_same_in_statement_and_answer():
    statement, answer = present([1.0, 2.0, 3.0])
    (listed,) = [b for b in statement if isinstance(b, doc.Items)]
    assert listed.labels == ("(a)", "(b)", "(c)", "(d)")
    assert headings(answer) == ["(a) Translation invariance", "(b) Scaling",
                                "(c) Two classes: the sigmoid", "(d) K - 1 parameters"]
    assert words(statement)[0] == (r"Recall the definition of the softmax function: "
                                   r"S(\mathbf{x})_i = e^{x_i} / \sum_j e^{x_j}. Illustrate each "
                                   r"part with \mathbf{x} = [1, 2, 3]^\top (K = 3).")
    assert r"Check it with c = 10." in words(statement)[1]
    figure, = [b for b in answer if isinstance(b, doc.Figure)]
    assert figure.name == "q-scaling" and "Equal entries" not in doc.text_of(figure.caption)
    assert figure.alt.startswith("Each entry of S(cx) plotted against c for x = [1, 2, 3]")
    assert r"Here the maximum x_{3} = 3 is unique (T = 1):" in " ".join(words(answer))
    tables = [b for b in answer if isinstance(b, doc.Table)]
    assert [len(t.body) for t in tables] == [5] and len(tables[0].columns) == 4


def test_parts_not_asked_are_neither_stated_nor_answered():
    statement, answer = present([1.0, 2.0, 3.0], parts=["reduced", "two_class"])
    (listed,) = [b for b in statement if isinstance(b, doc.Items)]
    assert listed.labels == ("(a)", "(b)") and len(listed.items) == 2
    assert headings(answer) == ["(a) Two classes: the sigmoid", "(b) K - 1 parameters"]
    assert "With the numbers, computed stably:" in words(answer)
    assert not any(isinstance(b, (doc.Figure, doc.Table)) for b in answer)


def test_ties_equal_entries_and_underflow_are_worded():
    _, answer = present([3, 3, 1], scales=[0, 1000], pair=[0.5, -1.5])
    said = " ".join(words(answer))
    assert r"Here the maximum 3 is shared by x_{1}, x_{2} (T = 2), each of which gets 1/2:" in said
    assert "(Entries printed as 0 are below the smallest positive double" in said
    assert "Equal entries of \\mathbf{x} have the same curve." in said
    _, answer = present([2, 2], scales=[0, 1, 10])
    said = " ".join(words(answer))
    assert "Here all entries of \\mathbf{x} are equal" in said and "For example" not in said
    assert "smallest positive double" not in said


def test_long_vectors_wrap_and_tables_split():
    x = [round(math.sin(3 * i) * 4, 3) for i in range(20)]
    statement, answer = present(x)
    assert words(statement)[0].count(r"\\ \quad") == 2  # 20 entries: 3 lines of 8
    tables = [b for b in answer if isinstance(b, doc.Table)]
    assert [len(t.columns) for t in tables] == [7, 7, 7, 3]  # c and 6, 6, 6, 2 entries
    steps = next(b for b in answer if isinstance(b, doc.Equations) and len(b.rows) == 6)
    assert steps.rows[1][0] == ""  # not compact: the maximum on a line of its own


def test_sigma_skips_e_to_the_minus_z_when_it_overflows():
    for pair, shown in (([1000, -1000], False), ([1.0, 2.0], True)):
        _, answer = present([1.0, 2.0, 3.0], pair=pair)
        sigma = next(b.rows[0][0] for b in answer if isinstance(b, doc.Equations)
                     and b.rows[0][0].startswith(r"\sigma(z)"))
        assert (r"= \frac{1}{1 + " in sigma.split("e^{-z}}")[1]) == shown, sigma
