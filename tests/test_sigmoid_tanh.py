"""sigmoid_tanh: Θ' by hand, the drawn reference network, the identity, located shape errors."""

import math
import textwrap

import numpy as np
import pytest
import sympy as sp

from generator.errors import VerificationError
from generator.kinds import sigmoid_tanh
from generator.kinds.base import Solution
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


def test_latex_answer_ends_with_tanh_not_sigma():
    from generator.render import render_latex
    from generator.solve import solve_spec
    from generator.spec import parse_spec

    spec = parse_spec(textwrap.dedent(REFERENCE).lstrip("\n"), "s.yaml")
    tex, _ = render_latex(spec, solve_spec(spec), key=True)
    line = next(L for L in tex.splitlines() if L.rstrip().endswith(r"= y(x, \Theta', \tanh)_k"))
    assert r"\tilde{\omega}_{kj}^{(2)} \tanh\left(" in line and r"\sigma" not in line
    assert r"\tilde{\omega}_{k0}^{(2)} &= \omega_{k0}^{(2)} + \frac{1}{2} \sum_{j=1}^{M}" in tex


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
    problems = spec_problems(spec.format(kind.MAX_SIZE + 1))
    assert len(problems) == 3 and all("must be at most 10" in p for p in problems), problems
