"""autodiff: the trace, forward and reverse mode against sympy and hand-checked values."""

import math

import pytest
import sympy as sp
from hypothesis import assume, given
from hypothesis import strategies as st

from generator.errors import EvaluationError, VerificationError
from generator.kinds import autodiff
from generator.numeric.expr import parse
from helpers import params_of, run_cli, spec_problems, write_spec

SYMPY_FUNCS = {"sin": sp.sin, "cos": sp.cos, "tan": sp.tan, "exp": sp.exp, "log": sp.log,
               "sqrt": sp.sqrt, "tanh": sp.tanh, "abs": sp.Abs,
               "sigmoid": lambda a: 1 / (1 + sp.exp(-a))}


def params(function, at, forward=None, reverse=True):
    return {"function": function, "at": at, "forward": forward, "reverse": reverse}


def oracle(function, at):
    """Value and gradient by sympy from the same text (^ as power)."""
    symbols = {name: sp.Symbol(name, real=True) for name in at}
    expr = sp.sympify(function.replace("^", "**"), locals={**symbols, **SYMPY_FUNCS})
    subs = {symbols[k]: sp.Float(v, 30) for k, v in at.items()}
    value = float(expr.evalf(30, subs=subs))
    gradient = {k: float(sp.diff(expr, s).evalf(30, subs=subs)) for k, s in symbols.items()}
    return value, gradient


def check_against_oracle(function, at, forward=None):
    p = params(function, at, forward)
    solution = autodiff.solve(p)
    value, gradient = oracle(function, at)
    a = solution.answers
    assert a["value"] == pytest.approx(value, rel=1e-12, abs=1e-12)
    for k in at:
        assert a["gradient"][k] == pytest.approx(gradient[k], rel=1e-10, abs=1e-10)
    seed = a["forward"]["seed"]
    assert a["forward"]["derivative"] == pytest.approx(
        sum(gradient[k] * seed[k] for k in at), rel=1e-10, abs=1e-10)
    assert len(autodiff.verify(p, solution)) == 2
    return solution


def test_reference_q4():
    s = check_against_oracle("1/(x1 + x2) + x2^2 + cos(x1)", {"x1": 3, "x2": 6}, {"x1": 1})
    a = s.answers
    assert round(a["value"], 4) == 35.1211
    assert round(a["gradient"]["x1"], 4) == -0.1535  # the sheet's -0.1534 is a rounding error
    assert round(a["gradient"]["x2"], 4) == 11.9877
    assert [t["expr"] for t in a["forward"]["trace"]] == [
        "x1", "x2", "v-1 + v0", "1 / v1", "v0^2", "v2 + v3", "cos(v-1)", "v4 + v5"]


def test_reference_q4_tangent_rule_of_a_reciprocal():
    s = autodiff.solve(params("1/(x1 + x2) + x2^2 + cos(x1)", {"x1": 3, "x2": 6}, {"x1": 1}))
    row = s.work["rows"][1]
    assert row["expr"] == "1 / v_{1}"
    assert row["rule"] == r"-\dot v_{1} / v_{1}^{2}"  # not the sheet's v̇_{-1}/v_1²
    assert row["tangent"] == pytest.approx(-1 / 81)


def test_baydin_example():
    s = check_against_oracle("log(x1) + x1*x2 - sin(x2)", {"x1": 2, "x2": 5})
    a = s.answers
    assert round(a["value"], 3) == 11.652
    assert a["gradient"]["x1"] == pytest.approx(5.5)
    assert round(a["gradient"]["x2"], 3) == 1.716


def test_a_variable_used_twice_accumulates_its_adjoint():
    s = autodiff.solve(params("x1*x2 + sin(x1)", {"x1": 1.5, "x2": -2}))
    steps = [t for t in s.work["reverse_rows"] if t["target"] == -1]
    assert sorted(t["incremental"] for t in steps) == [False, True]
    assert s.answers["reverse"]["adjoints"]["v-1"] == pytest.approx(-2 + math.cos(1.5))


def test_repeated_subexpressions_are_one_row():
    s = autodiff.solve(params("sin(x)*sin(x) + sin(x)", {"x": 0.7}))
    assert [r["expr"] for r in s.work["rows"]] == [r"\sin(v_{0})", r"v_{1} \cdot v_{1}",
                                                   "v_{2} + v_{1}"]
    assert s.answers["gradient"]["x"] == pytest.approx(2 * math.sin(0.7) * math.cos(0.7)
                                                       + math.cos(0.7))


@pytest.mark.parametrize("function,at", [
    ("sin(x) + cos(y) * tan(z)", {"x": 0.3, "y": -1.2, "z": 0.4}),
    ("exp(a) / (1 + b^2) - log(c)", {"a": 0.5, "b": 2, "c": 3}),
    ("sqrt(x1) * tanh(x2) + sigmoid(x3) - abs(x4)", {"x1": 2, "x2": 0.3, "x3": -1, "x4": -2}),
    ("x^y", {"x": 1.7, "y": 2.3}),
    ("2^x + x^-1 - -3*x", {"x": 1.25}),
    ("-x^2 + (x - 1)^3 / (x + 1)", {"x": 4}),
    ("sigmoid(1000*x)", {"x": 0.5}),
    ("a*b*c*d + a/b/c/d", {"a": 1, "b": 2, "c": 3, "d": 4}),
    ("x ** 2 ** 0.5", {"x": 3}),
])
def test_many_expressions_against_sympy(function, at):
    check_against_oracle(function, at)


def test_unused_variable_has_zero_gradient():
    s = check_against_oracle("x^2", {"x": 3, "y": 1})
    assert s.answers["gradient"] == {"x": 6, "y": 0}


OPS = st.sampled_from(["+", "-", "*", "/", "^"])
FUNCS = st.sampled_from(["sin", "cos", "tan", "exp", "log", "sqrt", "tanh", "sigmoid"])
EXPRS = st.recursive(
    st.one_of(st.sampled_from(["x", "y", "z"]), st.integers(1, 5).map(str)),
    lambda inner: st.one_of(
        st.tuples(inner, OPS, inner).map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
        st.tuples(FUNCS, inner).map(lambda t: f"{t[0]}({t[1]})"),
        inner.map(lambda e: f"-{e}")),
    max_leaves=8)


@given(EXPRS, st.floats(0.2, 2.0), st.floats(0.2, 2.0), st.floats(0.2, 2.0))
def test_random_expressions_match_sympy(function, x, y, z):
    at = {"x": x, "y": y, "z": z}
    try:
        solution = autodiff.solve(params(function, at))
    except EvaluationError:
        return  # outside the domain (log of a negative number, say): refused, not wrong
    try:
        value, gradient = oracle(function, at)
    except (TypeError, ValueError, ZeroDivisionError):  # sympy: complex or undefined
        assume(False)
    assume(math.isfinite(value) and all(math.isfinite(g) for g in gradient.values()))
    assume(abs(value) < 1e8 and all(abs(g) < 1e8 for g in gradient.values()))
    assert solution.answers["value"] == pytest.approx(value, rel=1e-9, abs=1e-9)
    for k in at:
        assert solution.answers["gradient"][k] == pytest.approx(gradient[k], rel=1e-7, abs=1e-7)


@pytest.mark.parametrize("function,at,message", [
    ("1/(x - x)", {"x": 1}, "row v2 = 1 / v1: division by zero"),
    ("log(x)", {"x": -1}, "row v1 = log(v0): log of a negative number (-1)"),
    ("log(x)", {"x": 0}, "row v1 = log(v0): log of a zero number (0)"),
    ("sqrt(x)", {"x": -4}, "row v1 = sqrt(v0): sqrt of a negative number (-4)"),
    ("exp(x)", {"x": 1000}, "row v1 = exp(v0): the value overflows"),
    ("x^0.5", {"x": -2}, "a negative number to a fractional power"),
    ("abs(x)", {"x": 0}, "abs has no derivative at 0"),
])
def test_evaluation_errors_name_the_row(function, at, message):
    with pytest.raises(EvaluationError) as exc:
        autodiff.solve(params(function, at))
    assert exc.value.field == "function" and message in exc.value.message


def test_bad_functions_are_located_errors():
    import yaml

    cases = {
        "__import__('os')": "unexpected '__import__('os')' at column 1",
        "x1.real": "unexpected '.real' at column 3",
        "foo(x1)": "'foo' at column 1 is a function we do not provide",
        "x1 + y": "'y' at column 6 is not a variable (variables: x1;",
        "(x1": "'(' at column 1 is never closed",
        "x1[0]": "unexpected '[0]' at column 3",
        "lambda: x1": "unexpected ':' at column 7",
    }
    for function, message in cases.items():
        spec = {"title": "T", "questions": [{"id": "q4", "kind": "autodiff",
                                             "function": function, "at": {"x1": 1}}]}
        problems = spec_problems(yaml.safe_dump(spec, sort_keys=False))
        assert len(problems) == 1 and problems[0].startswith("s.yaml:5:13: q4.function: ")
        assert message in problems[0], problems


def test_deep_nesting_and_huge_input_are_refused_without_recursion_errors():
    from generator.numeric.expr import ExprError

    with pytest.raises(ExprError, match="nested more than 200 levels deep"):
        parse("(" * 50_000 + "x" + ")" * 50_000, ["x"])
    with pytest.raises(ExprError, match="too long"):
        parse("x+" * 150_000 + "x", ["x"])
    graph = parse("+".join(["x"] * 20_000), ["x"])  # long but flat: fine, and linear
    assert len(graph.nodes) == 20_000


def test_seed_must_name_a_variable_and_variables_cannot_be_functions():
    problems = spec_problems("title: T\nquestions:\n  - {id: q4, kind: autodiff, function: 'x', "
                             "at: {x: 1, sin: 2}, forward: {y: 1}}\n")
    assert any("'sin' is a function, not a variable name" in p for p in problems)
    assert any("'y' is not a variable of `at` (x, sin)" in p for p in problems)


def test_verification_catches_a_wrong_gradient():
    p = params("x^2", {"x": 3})
    s = autodiff.solve(p)
    s.answers["gradient"]["x"] = 5.0
    with pytest.raises(VerificationError):
        autodiff.verify(p, s)


def test_cli_reports_an_evaluation_error_located_at_the_function(tmp_path):
    spec = write_spec(tmp_path, "title: T\nquestions:\n  - id: q4\n    kind: autodiff\n"
                                "    function: 'log(x1 - 3)'\n    at: {x1: 3}\n")
    result = run_cli("solve", spec)
    assert result.returncode == 2
    assert result.stderr.strip() == (f"{spec}:5:15: q4.function: at x1 = 3: row v2 = log(v1): "
                                     "log of a zero number (0)")


def test_reference_spec_solves_q4():
    a = params_of(open("specs/ift6135-a1.yaml").read(), "q4")
    assert a["at"] == {"x1": 3, "x2": 6} and a["reverse"] is True
