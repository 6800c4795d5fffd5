"""sigmoid_tanh: Θ' by hand, the drawn reference network, the identity, located shape errors."""

import math
import textwrap

import numpy as np
import pytest
import sympy as sp

from generator import doc
from generator.errors import VerificationError
from generator.escape import html_escape, latex_escape
from generator.kinds import sigmoid_tanh
from generator.kinds.base import Solution
from generator.kinds.sigmoid_tanh import BiasStep
from generator.presentation import sigmoid_tanh as present
from generator.render import QuestionView
from generator.writers import HtmlWriter, LatexWriter
from helpers import params_of, spec_problems

REFERENCE = """
title: t
questions:
  - {id: q3, kind: sigmoid_tanh, points: 16, sizes: {D: 3, M: 4, K: 2}, seed: 7, checks: 1000}
"""
EXPLICIT = """
title: t
questions:
  - id: q3
    kind: sigmoid_tanh
    seed: 3
    weights:
      w1: [[1, -2], [0.5, 3], [-1, 0]]
      b1: [0, 1, -1]
      w2: [[2, -4, 6], [1, 1, 1]]
      b2: [0.5, -2]
"""


def sigma(a):
    return 1 / (1 + math.exp(-a))


def _view(text: str, figures=("q3-identity",)) -> QuestionView:
    params = params_of(text)
    solution = sigmoid_tanh.solve(params)
    return QuestionView("q3", 1, "sigmoid_tanh", None, None, "", None, params, solution.answers,
                        solution.work, list(figures), 4)


def _sized(D: int, M: int, K: int) -> str:
    return ("title: t\nquestions:\n  - {id: q, kind: sigmoid_tanh, "
            f"sizes: {{D: {D}, M: {M}, K: {K}}}}}\n")


def _bias_steps(q) -> tuple:
    """The rows of the answer's output-bias steps."""
    return next(b.rows for b in present.answer(q) if isinstance(b, doc.Equations)
                and b.rows[0][0].startswith(r"\tilde{\omega}_{10}"))


def _texts(nodes) -> list:
    """Every Text and Code node of a document tree, in order."""
    out = []
    for node in nodes:
        if isinstance(node, (doc.Text, doc.Code)):
            out.append(node.text)
        elif isinstance(node, (doc.Para, doc.Heading, doc.Strong, doc.Emph)):
            out += _texts(node.children)
        elif isinstance(node, doc.Figure):
            out += _texts(node.caption)
    return out


def _rows(blocks, name: str) -> tuple:
    """The rows of the displayed Θ (name W) or Θ' (name \\tilde{W}): the aligned block that
    starts with its first weight matrix."""
    return next(b.rows for b in blocks if isinstance(b, doc.Equations)
                and b.rows[0][0] == name + "^{(1)}")


def test_mapping_on_explicit_weights_by_hand():
    params = params_of(EXPLICIT)
    assert params["sizes"] is None and params["checks"] == 1000
    a = sigmoid_tanh.solve(params).answers
    assert a["sizes"] == {"D": 2, "M": 3, "K": 2}
    assert a["theta_prime"] == {
        "w1": [[0.5, -1], [0.25, 1.5], [-0.5, 0]],
        "b1": [0, 0.5, -0.5],
        "w2": [[1, -2, 3], [0.5, 0.5, 0.5]],
        "b2": [0.5 + (2 - 4 + 6) / 2, -2 + 3 / 2],  # b2_k + ½ Σ_j w2_kj = [2.5, -0.5]
    }
    assert a["max_abs_error"] < 1e-14
    # at x = 0 by hand: y_1 = 2σ(0) - 4σ(1) + 6σ(-1) + 0.5, and the tanh network agrees
    y1 = 2 * sigma(0) - 4 * sigma(1) + 6 * sigma(-1) + 0.5
    y1_tanh = 1 * math.tanh(0) - 2 * math.tanh(0.5) + 3 * math.tanh(-0.5) + 2.5
    assert y1 == pytest.approx(y1_tanh, abs=1e-15)
    theta = {k: np.asarray(v, float) for k, v in a["theta"].items()}
    assert sigmoid_tanh.network(np.zeros((1, 2)), theta, sigmoid_tanh.sigmoid)[0][0] == \
        pytest.approx(y1, abs=1e-15)


def test_explicit_weights_inputs_come_from_the_seed():
    params = params_of(EXPLICIT)
    a = sigmoid_tanh.solve(params).answers
    assert a["example"]["x"] == np.random.default_rng(3).standard_normal((1000, 2))[0].tolist()
    assert a["example"]["y_sigma"] == pytest.approx(a["example"]["y_tanh"], abs=1e-14)


def test_reference_network_is_drawn_from_default_rng():
    params = params_of(REFERENCE)
    sol = sigmoid_tanh.solve(params)
    a = sol.answers
    rng = np.random.default_rng(7)
    expected = {"w1": rng.standard_normal((4, 3)), "b1": rng.standard_normal(4),
                "w2": rng.standard_normal((2, 4)), "b2": rng.standard_normal(2)}
    for k, v in expected.items():
        assert a["theta"][k] == v.tolist()
    p = a["theta_prime"]
    assert p["w1"] == (expected["w1"] / 2).tolist() and p["b1"] == (expected["b1"] / 2).tolist()
    assert p["w2"] == (expected["w2"] / 2).tolist()
    for k in range(2):
        assert p["b2"][k] == pytest.approx(expected["b2"][k] + sum(expected["w2"][k]) / 2,
                                           rel=1e-15)
    assert a["sizes"] == {"D": 3, "M": 4, "K": 2} and a["checks"] == 1000
    assert 0 <= a["max_abs_error"] < 1e-14
    assert [c.what for c in sigmoid_tanh.verify(params, sol)][2].endswith("on 1000 inputs")


def test_the_identity_symbolically():
    a = sp.symbols("a", real=True)
    identity = 1 / (1 + sp.exp(-a)) - (1 + sp.tanh(a / 2)) / 2
    assert sp.simplify(identity.rewrite(sp.exp)) == 0


def test_verification_catches_the_untransformed_output_bias():
    params = params_of(EXPLICIT)
    sol = sigmoid_tanh.solve(params)
    wrong = {**sol.answers["theta_prime"], "b2": [0.5, -2]}  # forgot + ½ Σ_j w2_kj
    bad = Solution({**sol.answers, "theta_prime": wrong})
    with pytest.raises(VerificationError, match="b2"):
        sigmoid_tanh.verify(params, bad)


def test_the_work_holds_each_bias_step_and_the_layout():
    w = sigmoid_tanh.solve(params_of(EXPLICIT)).work
    assert (w.D, w.M, w.K, w.drawn) == (2, 3, 2, False)
    assert w.bias_steps == [BiasStep(1, 0.5, [2, -4, 6], 4.0, 2.0, 2.5),
                            BiasStep(2, -2, [1, 1, 1], 3.0, 1.5, -0.5)]
    assert w.theta.b1 == [[0], [1], [-1]] and w.theta_prime.b2 == [[2.5], [-0.5]]
    assert w.theta_prime.w1 == [[0.5, -1], [0.25, 1.5], [-0.5, 0]]
    assert (w.split_layer1, w.split_layer2, w.terms_shown) == (False, False, True)
    wide = sigmoid_tanh.solve(params_of(_sized(6, 6, 1))).work
    assert (wide.drawn, wide.split_layer1, wide.split_layer2, wide.terms_shown) == (
        True, True, True, False)


def test_a_narrow_layer_on_one_line_a_wide_one_on_two():
    q = _view(EXPLICIT)
    rows = _rows(present.answer(q), "W")
    assert [r[0] for r in rows] == ["W^{(1)}", "W^{(2)}"]
    assert rows[0][1] == (r"= \begin{bmatrix}1 & -2 \\ 0.5 & 3 \\ -1 & 0\end{bmatrix}, \qquad "
                          r"b^{(1)} = \begin{bmatrix}0 \\ 1 \\ -1\end{bmatrix},")
    assert _rows(present.statement(q), "W") == rows
    rows = _rows(present.answer(_view(_sized(6, 3, 2))), r"\tilde{W}")
    assert [r[0] for r in rows] == [r"\tilde{W}^{(1)}", r"\tilde{b}^{(1)}", r"\tilde{W}^{(2)}"]
    assert rows[0][1].endswith(r"\end{bmatrix},") and rows[1][1].endswith(r"\end{bmatrix},")
    assert r"\qquad \tilde{b}^{(2)} = \begin{bmatrix}" in rows[2][1]
    assert rows[2][1].endswith(r"\end{bmatrix}")


def test_bias_steps_show_the_terms_of_a_short_row():
    assert _bias_steps(_view(EXPLICIT)) == (
        (r"\tilde{\omega}_{10}^{(2)}", r"= 0.5 + \tfrac{1}{2}\left(2 + (-4) + 6\right)"),
        ("", r"= 0.5 + \tfrac{1}{2} \cdot 4 = 0.5 + 2 = 2.5"),
        (r"\tilde{\omega}_{20}^{(2)}", r"= -2 + \tfrac{1}{2}\left(1 + 1 + 1\right)"),
        ("", r"= -2 + \tfrac{1}{2} \cdot 3 = -2 + 1.5 = -0.5"))
    steps = _bias_steps(_view(_sized(1, 6, 1)))
    assert len(steps) == 1 and r"\left(" not in steps[0][1]


@pytest.mark.parametrize("text, words", [
    (REFERENCE, [r"with D = 3, M = 4, K = 2 whose weights and biases are drawn from a standard "
                 r"normal distribution by numpy's default_rng(7) (in the order W^{(1)}, b^{(1)}",
                 r"b^{(2)} = (\omega^{(2)}_{k0})), and check the equivalence on 1000 random "
                 "inputs.", "\nWith the numbers\n",
                 r"D = 3, M = 4, K = 2; \Theta drawn by default_rng(7). \Theta is",
                 r"Check. On 1000 inputs x drawn from a standard normal distribution (by the same "
                 r"generator, after \Theta), \max_{x, k}"]),
    (EXPLICIT, [r"with D = 2, M = 3, K = 2 whose weights W^{(1)} = (\omega^{(1)}_{ji}), W^{(2)} = "
                r"(\omega^{(2)}_{kj}) and biases b^{(1)} = (\omega^{(1)}_{j0}), b^{(2)} = "
                r"(\omega^{(2)}_{k0}) are" "\nand check the equivalence on 1000 random inputs.\n",
                "\nWith the numbers\n", "\n" r"D = 2, M = 3, K = 2. \Theta is" "\n",
                r"(by the same generator), \max_{x, k}"]),
])
def test_both_writers_show_the_same_words(text, words):
    q = _view(text)
    for blocks in (present.statement(q), present.answer(q)):
        tex, html = LatexWriter().write(blocks), HtmlWriter().write(blocks)
        for t in _texts(blocks):
            assert latex_escape(t) in tex and str(html_escape(t)) in html, t
    answer = present.answer(q)
    shown = "\n".join(doc.text_of(b.children) for b in present.statement(q) + answer
                      if isinstance(b, (doc.Para, doc.Heading)))
    assert all(w in shown for w in words), shown
    assert ("default_rng" in shown) == (text == REFERENCE)
    figure = next(b for b in answer if isinstance(b, doc.Figure))
    assert figure.name == "q3-identity" and doc.text_of(figure.caption) == (
        r"\sigma(a) (wide grey) and \frac{1}{2}(1 + \tanh(a/2)) (dashed) coincide; "
        r"\tanh(a) (dotted) for comparison.")
    assert not any(isinstance(b, doc.Figure) for b in present.answer(_view(text, figures=())))


def test_latex_answer_ends_with_tanh_not_sigma():
    from generator.render import render_latex
    from generator.solve import solve_spec
    from generator.spec import parse_spec

    spec = parse_spec(textwrap.dedent(REFERENCE).lstrip("\n"), "s.yaml")
    tex, _ = render_latex(spec, solve_spec(spec), key=True)
    line = next(L for L in tex.splitlines() if L.rstrip().endswith(r"= y(x, \Theta', \tanh)_k"))
    assert r"\tilde{\omega}_{kj}^{(2)} \tanh\left(" in line and r"\sigma" not in line
    assert r"\tilde{\omega}_{k0}^{(2)} & = \omega_{k0}^{(2)} + \frac{1}{2} \sum_{j=1}^{M}" in tex


@pytest.mark.parametrize("extra, expected", [
    ("seed: 1", "q3: give either sizes {D, M, K} (Θ drawn from seed) or weights {w1, b1, w2, b2}"),
    ("sizes: {D: 11, M: 1, K: 1}", "q3.sizes.D: must be at most 10, got 11"),
    ("sizes: {D: 1, M: 1}", "q3.sizes: missing required key 'K'"),
    ("sizes: {D: 1, M: 1, K: 1}, checks: 0", "q3.checks: must be at least 1, got 0"),
    ("weights: {w1: [[1, 2], [3]], b1: [1, 2], w2: [[1, 2]], b2: [0]}",
     "q3.weights.w1[1]: row 1 has 1 entry but row 0 has 2 (w1 must be a matrix)"),
    ("weights: {w1: [[1, 2]], b1: [1, 3], w2: [[1]], b2: [0]}",
     "q3.weights.b1: has 2 entries but w1 has 1 row (b1 needs M = 1)"),
    ("weights: {w1: [[1, 2]], b1: [1], w2: [[1, 2]], b2: [0]}",
     "q3.weights.w2: has 2 columns but w1 has 1 row (w2 is K×M with M = 1)"),
    ("weights: {w1: [[1, 2]], b1: [1], w2: [[1], [2]], b2: [0]}",
     "q3.weights.b2: has 1 entry but w2 has 2 rows (b2 needs K = 2)"),
    ("weights: {w1: [[1]], b1: [1], w2: [[1]]}", "q3.weights: missing required key 'b2'"),
    ("sizes: {D: 2, M: 5, K: 1}, weights: {w1: [[1, 2], [3, 4]], b1: [1, 2], w2: [[1, 2]], b2: [0]}",
     "q3.sizes.M: M = 5 disagrees with the weights, which give M = 2"),
])
def test_bad_input_is_located(extra, expected):
    problems = spec_problems(f"title: t\nquestions:\n  - {{id: q3, kind: sigmoid_tanh, {extra}}}\n")
    assert len(problems) == 1 and problems[0].endswith(expected), problems


def test_sizes_that_agree_with_weights_are_accepted():
    params = params_of("title: t\nquestions:\n  - {id: q3, kind: sigmoid_tanh, sizes: {D: 1, M: 1, "
                       "K: 1}, weights: {w1: [[2]], b1: [1], w2: [[4]], b2: [0]}}\n")
    assert sigmoid_tanh.solve(params).answers["theta_prime"]["b2"] == [2.0]


def test_sizes_up_to_what_a_page_holds_and_the_limit_beyond():
    from generator.kinds import sigmoid_tanh as kind

    spec = "title: t\nquestions:\n  - {{id: q, kind: sigmoid_tanh, sizes: {{D: {0}, M: {0}, K: {0}}}}}\n"
    params = params_of(spec.format(kind.MAX_SIZE))
    solution = kind.solve(params)
    assert solution.answers["sizes"] == {"D": 10, "M": 10, "K": 10}
    kind.verify(params, solution)
    q = _view(spec.format(kind.MAX_SIZE))
    blocks = present.statement(q) + present.answer(q)
    tex, html = LatexWriter().write(blocks), HtmlWriter().write(blocks)
    assert tex.count(r"\begin{bmatrix}") == 8 and "\\" not in html
    problems = spec_problems(spec.format(kind.MAX_SIZE + 1))
    assert len(problems) == 3 and all("must be at most 10" in p for p in problems), problems
