"""autodiff: the trace, forward and reverse mode against sympy and hand-checked values."""

import json
import math
import re

import pytest
import sympy as sp
from hypothesis import assume, given
from hypothesis import strategies as st

from generator.errors import EvaluationError, VerificationError
from generator.kinds import autodiff
from generator.kinds.ad_notation import var_latex
from helpers import expressions, run_cli, spec_problems, write_spec

SYMPY_FUNCS = {"sin": sp.sin, "cos": sp.cos, "tan": sp.tan, "exp": sp.exp, "log": sp.log,
               "sqrt": sp.sqrt, "tanh": sp.tanh, "abs": sp.Abs,
               "sigmoid": lambda a: 1 / (1 + sp.exp(-a))}
Q4 = "1/(x1 + x2) + x2^2 + cos(x1)"


def params(function, at, forward=None, reverse=True, output=None):
    return {"function": function, "at": at, "forward": forward, "reverse": reverse,
            "output": output}


def oracle(function, at):
    """Value and gradient by sympy from the same text (^ as power), to 30 digits."""
    symbols = {name: sp.Symbol(name, real=True) for name in at}
    expr = sp.sympify(function.replace("^", "**"), locals={**symbols, **SYMPY_FUNCS})
    subs = {symbols[k]: sp.Float(v, 30) for k, v in at.items()}
    value = float(expr.evalf(30, subs=subs))
    gradient = {k: float(sp.diff(expr, s).evalf(30, subs=subs)) for k, s in symbols.items()}
    return value, gradient


def check_against_oracle(function, at, forward=None, rel=1e-10):
    p = params(function, at, forward)
    solution = autodiff.solve(p)
    value, gradient = oracle(function, at)
    a = solution.answers
    assert a["value"] == pytest.approx(value, rel=rel, abs=rel)
    for k in at:
        assert a["gradient"][k] == pytest.approx(gradient[k], rel=rel, abs=rel)
    seed = a["forward"]["seed"]
    assert a["forward"]["derivative"] == pytest.approx(
        sum(gradient[k] * seed[k] for k in at), rel=rel, abs=rel)
    checks = autodiff.verify(p, solution)
    assert len(checks) == 2 and "not checkable" not in checks[1].detail
    return solution


def test_reference_q4():
    s = check_against_oracle(Q4, {"x1": 3, "x2": 6}, {"x1": 1}, rel=1e-15)  # full precision
    a = s.answers
    assert round(a["value"], 4) == 35.1211  # the sheet's 35.1212 is a rounding error
    assert round(a["gradient"]["x1"], 4) == -0.1535  # the sheet says -0.1534
    assert round(a["gradient"]["x2"], 4) == 11.9877  # the sheet says 11.9876
    assert a["forward"]["derivative"] == a["gradient"]["x1"]
    assert a["forward"]["seed"] == {"x1": 1, "x2": 0}
    assert [t["expr"] for t in a["forward"]["trace"]] == [
        "x1", "x2", "v-1 + v0", "1 / v1", "v0^2", "v2 + v3", "cos(v-1)", "v4 + v5"]
    assert [t["name"] for t in a["forward"]["trace"]] == [f"v{k}" for k in range(-1, 7)]
    assert a["reverse"]["adjoints"]["v-1"] == a["gradient"]["x1"]


def test_reference_q4_tangent_of_the_reciprocal_and_its_numbers():
    s = autodiff.solve(params(Q4, {"x1": 3, "x2": 6}, {"x1": 1}))
    row = s.work.rows[1]
    assert row.expr == "1 / v_{1}"
    assert row.rule == r"-\dot v_{1} / v_{1}^{2}"  # not the sheet's v̇_{-1}/v_1²
    assert row.primal == [("n", 1.0), ("t", " / "), ("p", 9.0)]
    assert row.rule_numbers == [("t", "-"), ("p", 1.0), ("t", " / "), ("b", 9.0),
                                ("t", "^{2}")]
    assert row.tangents == (pytest.approx(-1 / 81),)
    square = s.work.rows[2]
    assert (square.expr, square.rule) == ("v_{0}^{2}", r"2 \, v_{0} \, \dot v_{0}")


def _printed_steps(s) -> list:
    """The adjoint steps as the reverse table prints them, top to bottom."""
    return [line.step for line in s.work.reverse.lines if line.step is not None]


def test_reference_q4_reverse_steps_accumulate_like_the_papers_table():
    s = autodiff.solve(params(Q4, {"x1": 3, "x2": 6}, {"x1": 1}))
    steps = [(t.target, t.source, t.previous is not None) for t in _printed_steps(s)]
    assert steps == [(0, 1, True), (-1, 1, True), (1, 2, False), (0, 3, False), (3, 4, False),
                     (2, 4, False), (-1, 5, False), (5, 6, False), (4, 6, False)]
    top = _printed_steps(s)[0]  # read upwards: the last step is printed first
    assert (top.previous, top.source_adjoint, top.partial) == (12, -1 / 81, 1)
    assert s.answers["reverse"]["trace"][-1] == {
        "name": "vbar0", "expr": "vbar0 + vbar1 * dv1/dv0", "value": top.value}


def test_reverse_table_puts_the_primal_trace_beside_the_adjoints():
    s = autodiff.solve(params(Q4, {"x1": 3, "x2": 6}))
    table = s.work.reverse.lines
    assert len(table) == 9  # 9 adjoint steps beside 6 primal rows
    assert [line.row.k for line in table[:6]] == [1, 2, 3, 4, 5, 6]
    assert all(line.row is None for line in table[6:])
    assert [line.step.target for line in table] == [0, -1, 1, 0, 3, 2, -1, 5, 4]
    assert [line.arrow for line in table].index(True) == 4


def test_baydin_example():
    s = check_against_oracle("log(x1) + x1*x2 - sin(x2)", {"x1": 2, "x2": 5})
    a = s.answers
    assert round(a["value"], 3) == 11.652
    assert a["gradient"]["x1"] == pytest.approx(5.5)
    assert round(a["gradient"]["x2"], 3) == 1.716
    assert s.work.rows[0].expr == r"\ln(v_{-1})"


def test_a_variable_used_twice_accumulates_its_adjoint():
    s = autodiff.solve(params("x1*x2 + sin(x1)", {"x1": 1.5, "x2": -2}))
    steps = [t for t in _printed_steps(s) if t.target == -1]
    assert sorted(t.previous is not None for t in steps) == [False, True]
    assert s.answers["reverse"]["adjoints"]["v-1"] == pytest.approx(-2 + math.cos(1.5))


def test_repeated_subexpressions_are_one_row():
    s = check_against_oracle("sin(x)*sin(x) + sin(x)", {"x": 0.7})
    assert [r.expr for r in s.work.rows] == [r"\sin(v_{0})", r"v_{1} \cdot v_{1}",
                                             "v_{2} + v_{1}"]
    assert s.answers["gradient"]["x"] == pytest.approx(2 * math.sin(0.7) * math.cos(0.7)
                                                       + math.cos(0.7))


def test_three_variables_with_a_seed_along_a_direction():
    s = check_against_oracle("x*y*z + exp(x - z) / (1 + y^2)", {"x": 0.5, "y": -1, "z": 2},
                             {"x": 1, "z": -1})
    assert s.answers["forward"]["seed"] == {"x": 1, "y": 0, "z": -1}
    assert s.work.forward.seeds[0].along == [
        ("t", ""), ("t", r"\frac{\partial f}{\partial x}"),
        ("t", " - "), ("t", r"\frac{\partial f}{\partial z}")]


EVERY_FUNCTION = ("sin(a)*cos(b) + tan(a/4) - exp(-b) + log(c) * sqrt(c) + tanh(a - b) "
                  "+ sigmoid(b) - abs(a - c)")


def test_every_function():
    s = check_against_oracle(EVERY_FUNCTION, {"a": 1.2, "b": 0.7, "c": 3})
    ops = {r.expr.split("(")[0] for r in s.work.rows}
    assert {r"\sin", r"\cos", r"\tan", r"\exp", r"\ln", r"\tanh", r"\sigma"} <= ops
    rules = [r.rule for r in s.work.rows]
    assert r"\left(1 - v_{15}^{2}\right) \, \dot v_{14}" in rules  # tanh' bracketed


@pytest.mark.parametrize("function,at", [
    ("sin(x) + cos(y) * tan(z)", {"x": 0.3, "y": -1.2, "z": 0.4}),
    ("exp(a) / (1 + b^2) - log(c)", {"a": 0.5, "b": 2, "c": 3}),
    ("sqrt(x1) * tanh(x2) + sigmoid(x3) - abs(x4)", {"x1": 2, "x2": 0.3, "x3": -1, "x4": -2}),
    ("x^y", {"x": 1.7, "y": 2.3}),
    ("2^x + x^-1 - -3*x", {"x": 1.25}),
    ("-x^2 + (x - 1)^3 / (x + 1)", {"x": 4}),
    ("sigmoid(1000*x) + sigmoid(-1000*x)", {"x": 0.5}),
    ("a*b*c*d + a/b/c/d", {"a": 1, "b": 2, "c": 3, "d": 4}),
    ("x ** 2 ** 0.5", {"x": 3}),
    ("x / y - y / x + x*x*x", {"x": -0.25, "y": 8}),
    ("(x + y)^2.5 * log(x*y)", {"x": 1.5, "y": 2.5}),
])
def test_many_expressions_against_sympy(function, at):
    check_against_oracle(function, at)


def test_unused_variable_has_zero_gradient():
    s = check_against_oracle("x^2", {"x": 3, "y": 1})
    assert s.answers["gradient"] == {"x": 6, "y": 0}


def test_defaults_seed_the_first_variable_and_leave_out_the_reverse_table():
    s = autodiff.solve(params("x*y", {"x": 2, "y": 3}, reverse=False))
    assert s.answers["forward"]["seed"] == {"x": 1, "y": 0}
    assert "reverse" not in s.answers
    assert s.answers["gradient"] == {"x": 3, "y": 2}  # always there


EXPRS = expressions()
POINT = st.floats(-3, 3).filter(lambda v: abs(v) > 0.05)


@given(EXPRS, POINT, POINT, POINT)
def test_random_expressions_match_sympy_and_verify(function, x, y, z):
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
    autodiff.verify(params(function, at), solution)  # no false alarm


@pytest.mark.parametrize("function,at,message", [
    ("1/(x - x)", {"x": 1}, "row v2 = 1 / v1: division by zero (v1 = 0)"),
    ("log(x)", {"x": -1}, "row v1 = log(v0): log of a negative number (v0 = -1)"),
    ("log(-1) + x", {"x": 1}, "row v1 = log(-1): log of a negative number (-1)"),
    ("log(x)", {"x": 0}, "row v1 = log(v0): log of zero (v0 = 0)"),
    ("sqrt(x)", {"x": -4}, "row v1 = sqrt(v0): sqrt of a negative number (v0 = -4)"),
    ("sqrt(-1) * x", {"x": 2}, "row v1 = sqrt(-1): sqrt of a negative number (-1)"),
    ("sqrt(x)", {"x": 0}, "row v1 = sqrt(v0): sqrt has no derivative at 0 (v0 = 0)"),
    ("exp(x)", {"x": 1000}, "row v1 = exp(v0): the value overflows (v0 = 1000)"),
    ("exp(1000) + x", {"x": 1}, "row v1 = exp(1000): the value overflows (1000)"),
    ("exp(x)", {"x": -710}, "row v1 = exp(v0): the value underflows to a subnormal number"),
    ("x^0.5", {"x": -2}, "row v1 = v0^0.5: a negative number to the fractional power 0.5"),
    ("x^-1", {"x": 0}, "row v1 = v0^(-1): division by zero (0 to a negative power) (v0 = 0)"),
    ("x^y", {"x": -2, "y": 2}, "a variable exponent needs a positive base (v-1 = -2)"),
    ("abs(x)", {"x": 0}, "row v1 = abs(v0): abs has no derivative at 0 (v0 = 0)"),
    ("x * 1e300 * 1e300", {"x": 1}, "row v2 = v1 * 1e+300: the value overflows"),
    ("x * 1e-300", {"x": 1e-10}, "row v1 = v0 * 1e-300: the value underflows to a subnormal"),
    ("1/(x * 1e-200)", {"x": 1e-200}, "row v1 = v0 * 1e-200: the value underflows to 0, "
                                      "losing every digit"),
    ("exp(x)", {"x": -800}, "row v1 = exp(v0): the value underflows to 0, losing every digit"),
    ("sigmoid(x)", {"x": 800}, "row v1 = sigmoid(v0): the value underflows to 0"),  # σ'
    ("sigmoid(x)", {"x": -740}, "row v1 = sigmoid(v0): the value underflows to a subnormal"),
    ("tanh(x)", {"x": 400}, "row v1 = tanh(v0): the value underflows to 0"),  # tanh'
    ("x^2", {"x": 1e-170}, "row v1 = v0^2: the value underflows to 0, losing every digit"),
    ("x^(1/2)", {"x": -4}, "row v2 = v0^v1: a negative number to the fractional power 0.5"),
    ("x^(y - y + 2)", {"x": -2, "y": 1}, "a variable exponent needs a positive base"),
    ("3", {"x": 1}, "the function is a constant"),
])
def test_evaluation_errors_name_the_row(function, at, message):
    with pytest.raises(EvaluationError) as exc:
        autodiff.solve(params(function, at))
    assert exc.value.field == "function" and message in exc.value.message


@pytest.mark.parametrize("function,at", [
    ("sin(1000*x)", {"x": 0.3}),  # varies on a scale far below the first step
    ("abs(x) + x^2", {"x": 1e-7}),  # a kink 1e-7 away
    ("tan(x)", {"x": 1.5707}),  # a pole 1e-4 away
    ("1/x", {"x": 1e-4}),
    ("log(x)", {"x": 1e-9}),  # the edge of the domain 1e-9 away
    ("exp(x)", {"x": 600}),  # 1e260
    ("sin(x)", {"x": 1e6}),  # x itself large
    ("x^5", {"x": 1000}),
    ("(x + (y - x)) / sin(y)", {"x": -2.36, "y": 7e-4}),  # cancellation inside the trace
])
def test_finite_difference_check_has_no_false_alarms_on_hard_cases(function, at):
    p = params(function, at)
    checks = autodiff.verify(p, autodiff.solve(p))
    assert checks[0].what == "forward and reverse mode"
    assert checks[1].what.endswith("directional derivatives")
    assert "not checkable" not in checks[1].detail


def test_many_variables_are_checked_along_one_mixed_direction():
    names = [f"x{i}" for i in range(1, 11)]
    function = " + ".join(f"sin({a} * {b})" for a, b in zip(names, names[1:] + names[:1]))
    at = {x: 0.1 * i for i, x in enumerate(names, 1)}
    s = check_against_oracle(function, at)
    assert autodiff.verify(params(function, at), s)[1].what == "2 directional derivatives"


def test_verification_catches_a_wrong_gradient_or_tangent():
    p = params("x^2 * y", {"x": 3, "y": 2})
    s = autodiff.solve(p)
    s.answers["gradient"]["y"] *= 1 + 1e-6
    with pytest.raises(VerificationError, match="along y: AD gives 9.00000"):
        autodiff.verify(p, s)
    s = autodiff.solve(p)
    s.answers["forward"]["derivative"] = 12.000001
    with pytest.raises(VerificationError, match="forward mode gives 12.000001"):
        autodiff.verify(p, s)


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


def test_seed_must_name_a_variable_and_variables_cannot_be_functions():
    problems = spec_problems("title: T\nquestions:\n  - {id: q4, kind: autodiff, function: 'x', "
                             "at: {x: 1, sin: 2}, forward: {y: 1}}\n")
    assert any("'sin' is a function, not a variable name" in p for p in problems)
    assert any("'y' is not a variable of `at` (x, sin)" in p for p in problems)
    problems = spec_problems("title: T\nquestions:\n  - {id: q4, kind: autodiff, function: 'x', "
                             "at: {x: 1}, forward: {x: 0}}\n")
    assert problems == ["s.yaml:3:66: q4.forward: every tangent is 0: forward mode would only "
                        "show zeros (give at least one variable a nonzero tangent)"]


def test_too_many_operations_for_one_question():
    problems = spec_problems("title: T\nquestions:\n  - {id: q4, kind: autodiff, function: '"
                             + "+".join(f"sin({i}*x)" for i in range(250)) + "', at: {x: 1}}\n")
    assert len(problems) == 1 and "has 749 operations; a question may show at most 400" in \
        problems[0]


def test_cli_solve_of_the_reference_spec_includes_q4():
    result = run_cli("solve", "specs/ift6135-a1.yaml")
    assert result.returncode == 0, result.stderr
    q4 = json.loads(result.stdout)["questions"]["q4"]
    assert q4["kind"] == "autodiff"
    assert q4["params"]["function"] == Q4 and q4["params"]["at"] == {"x1": 3, "x2": 6}
    a = q4["answers"]
    assert round(a["value"], 4) == 35.1211
    assert round(a["gradient"]["x1"], 4) == -0.1535
    assert round(a["gradient"]["x2"], 4) == 11.9877
    assert a["gradient"]["x1"] == pytest.approx(-math.sin(3) - 1 / 81, rel=1e-15)
    assert len(a["forward"]["trace"]) == 8 and len(a["reverse"]["trace"]) == 9


def test_cli_reports_a_bad_function_located_and_without_traceback(tmp_path):
    spec = write_spec(tmp_path, "title: T\nquestions:\n  - id: q4\n    kind: autodiff\n"
                                "    function: '1/(x1 + x2) + os.system(1)'\n"
                                "    at: {x1: 3, x2: 6}\n")
    result = run_cli("solve", spec)
    assert result.returncode == 2
    assert result.stdout == "" and "Traceback" not in result.stderr
    assert result.stderr.strip() == (f"{spec}:5:15: q4.function: unexpected '.system(1)' at "
                                     "column 17")


def test_cli_reports_an_evaluation_error_located_at_the_function(tmp_path):
    spec = write_spec(tmp_path, "title: T\nquestions:\n  - id: q4\n    kind: autodiff\n"
                                "    function: 'log(x1 - 3)'\n    at: {x1: 3}\n")
    result = run_cli("solve", spec)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.strip() == (f"{spec}:5:15: q4.function: at x1 = 3: row v2 = log(v1): "
                                     "log of zero (v1 = 0)")


def test_ten_thousand_operations():  # their speed: bench/autodiff.py
    from generator.numeric import ad
    from generator.numeric.expr import parse

    text = " + ".join(f"sin({k + 1}*x - y)" for k in range(2500))  # 4 rows per term
    graph = parse(text, ["x", "y"])
    rows, y = ad.build(graph, ["x", "y"], {"x": 0.3, "y": 0.1})
    tangent = ad.forward(rows, {-1: 1.0, 0: 0.0})
    adjoint, _ = ad.reverse(rows, y, 2)
    assert len(rows) == 9999
    assert tangent[y] == pytest.approx(adjoint[-1], rel=1e-12)
    assert adjoint[0] == pytest.approx(-sum(math.cos((k + 1) * 0.3 - 0.1) for k in range(2500)))


@pytest.mark.parametrize("function,at", [
    ("x^(1+1)", {"x": -3}),
    ("x^(2*3 - 1) + y", {"x": -1.5, "y": 2}),
    ("(x - y)^(4/2)", {"x": 1, "y": 4}),
    ("x^-(1+2)", {"x": -2}),
    ("x^(2^0.5 - 2^0.5 + 2)", {"x": 1.25}),  # a real constant exponent on a positive base
    ("y * x^(3 - 1)^2", {"x": -0.5, "y": 3}),
])
def test_constant_exponent_expressions_work_on_negative_bases(function, at):
    s = check_against_oracle(function, at)
    pows = [r for r in s.work.rows if "^" in r.expr]
    assert pows and all(r"\ln" not in r.rule for r in pows)  # the power rule only
    if s.answers.get("reverse"):
        assert all(r["name"].startswith("vbar") for r in s.answers["reverse"]["trace"])


def test_rows_of_constants_have_a_zero_tangent_and_no_adjoint():
    s = autodiff.solve(params("x^(1+1)", {"x": -3}))
    constant, power = s.work.rows
    assert (constant.expr, constant.rule, constant.tangents) == ("1 + 1", "0", (0,))
    assert power.rule == r"v_{1} \, v_{0}^{v_{1} - 1} \, \dot v_{0}"
    assert power.rule_numbers == [  # the same rule with numbers: 2 · (-3)^{2 - 1} · 1
        ("n", 2.0), ("t", r" \cdot "), ("b", -3.0), ("t", "^{"), ("n", 2.0), ("t", " - 1}"),
        ("t", r" \cdot "), ("p", 1.0)]
    assert {step.target for step in _printed_steps(s)} == {0}  # only x gets an adjoint
    assert s.answers["gradient"] == {"x": -6}


@pytest.mark.parametrize("at,output,name", [
    ({"x": 1, "y": 2, "z": 3}, None, "f"),  # never y, an input's name
    ({"f": 1, "g": 2}, None, "h"),
    ({"f": 1, "g": 2, "h": 3, "F": 4, "G": 5, "H": 6}, None, "f_1"),
    ({"w": 1, "b": 2}, "loss", "loss"),
])
def test_the_output_is_called_f_or_its_own_name_never_an_inputs(at, output, name):
    function = " + ".join(f"{k}*{k}" for k in at)
    p = params(function, at, output=output)
    s = autodiff.solve(p)
    assert s.answers["output"] == name and name not in at
    assert s.work.out == var_latex(name)
    assert autodiff.verify(p, s)[0].how.startswith(rf"$\dot {s.work.out}$")


def test_several_seeds_one_tangent_column_each():
    seeds = [{"x": 1}, {"z": 1}, {"x": 2, "y": -1}]
    p = params("x*y*z + exp(x - z) / (1 + y^2)", {"x": 0.5, "y": -1, "z": 2}, seeds)
    s = autodiff.solve(p)
    a = s.answers
    assert [f["seed"] for f in a["forwards"]] == [{"x": 1, "y": 0, "z": 0},
                                                 {"x": 0, "y": 0, "z": 1},
                                                 {"x": 2, "y": -1, "z": 0}]
    assert a["forward"] == a["forwards"][0]  # the one-seed record, kept for compatibility
    for f in a["forwards"]:
        along = sum(a["gradient"][k] * f["seed"][k] for k in f["seed"])
        assert f["derivative"] == pytest.approx(along, rel=1e-14)
        assert f["trace"][-1]["tangent"] == f["derivative"]
    assert all(len(r.tangents) == 3 for r in s.work.rows)
    assert [w.partial_of for w in s.work.forward.seeds] == ["x", "z", ""]
    checks = autodiff.verify(p, s)
    assert checks[0].detail.startswith("3 seeds, the closest: difference")
    s.answers["forwards"][2]["derivative"] *= 1 + 1e-9
    with pytest.raises(VerificationError, match="forward mode gives"):
        autodiff.verify(p, s)


def test_forward_false_leaves_out_the_forward_table_but_is_still_verified():
    p = params("x^(1+1) * sigmoid(30*y) + tanh(20*y)", {"x": -3, "y": 1}, False)
    s = autodiff.solve(p)
    assert "forward" not in s.answers and "forwards" not in s.answers
    assert s.work.forward is None and s.work.reverse.label == ""
    assert s.answers["gradient"]["y"] == pytest.approx(
        9 * 30 * math.exp(-30) / (1 + math.exp(-30)) ** 2 + 20 / math.cosh(20) ** 2, rel=1e-13)
    checks = autodiff.verify(p, s)
    assert checks[0].what == "forward and reverse mode" and "not checkable" not in checks[1].detail
    s.answers["gradient"]["x"] += 1e-9
    with pytest.raises(VerificationError):
        autodiff.verify(p, s)


def test_a_wrong_forward_does_not_hide_the_functions_errors():
    problems = spec_problems("title: T\nquestions:\n  - {id: q4, kind: autodiff, function: "
                             "'x +* y', at: {x: 1, y: 2}, forward: 3}\n")
    assert len(problems) == 2, problems
    assert "q4.function: expected a number, variable or '(' at column 4, got '*'" in problems[0]
    assert "q4.forward: expected false, a seed {variable: tangent} or a list of seeds, got 3" \
        in problems[1]


def test_output_and_seed_problems_are_reported_together():
    problems = spec_problems("title: T\nquestions:\n  - {id: q4, kind: autodiff, function: "
                             "'x*y + q', at: {x: 1, y: 2}, forward: [{x: 1}, {w: 1}], "
                             "output: y}\n")
    assert [p.split(": ", 2)[1] for p in problems] == ["q4.output", "q4.forward[1].w",
                                                       "q4.function"], problems


def test_the_point_is_printed_as_given_not_rounded(tmp_path):
    spec = write_spec(tmp_path, "title: T\ndecimals: 2\nquestions:\n  - id: ad\n"
                                "    kind: autodiff\n    function: 'x*y + sin(x)'\n"
                                "    at: {x: 1.23456, y: -0.00015}\n")
    result = run_cli("build", spec, "-o", tmp_path / "out", "--to", "tex")
    assert result.returncode == 0, result.stderr
    tex = (tmp_path / "out" / "spec" / "handout.tex").read_text(encoding="utf-8")
    assert r"at $(x,\allowbreak y) = (1.23456,\allowbreak -0.00015)$" in tex


# -- the operation table: its two halves, and the rules shown against the engine's numbers ----

def test_both_halves_of_the_operation_table_list_the_same_operations():
    from generator.kinds.ad_notation import NOTATION
    from generator.numeric.ad_ops import FUNCTIONS, OPS

    assert list(OPS) == list(NOTATION)
    assert FUNCTIONS == tuple(name for name, n in NOTATION.items()
                              if n.form in ("call", "root", "bars"))
    for name, n in NOTATION.items():
        assert OPS[name].arity == (2 if n.form in ("infix", "fraction", "power") else 1), name


_GROUPS = [(r"\\frac\{([^{}]*)\}\{([^{}]*)\}", r"((\1)/(\2))"), (r"\^\{([^{}]*)\}", r"**(\1)"),
           (r"\\sqrt\{([^{}]*)\}", r"math.sqrt(\1)")]
_PYTHON = [(r"\left(", "("), (r"\right)", ")"), (r"\cdot", "*"), (r"\,", "*"), (r"\times", "*"),
           (r"\lvert", "abs("), (r"\rvert", ")"), (r"\sigma", "sigmoid"), (r"\tanh", "math.tanh"),
           (r"\tan", "math.tan"), (r"\sin", "math.sin"), (r"\cos", "math.cos"),
           (r"\exp", "math.exp"), (r"\ln", "math.log")]


def _evaluate(latex: str) -> float:
    """The value of the little LaTeX the trace tables use, its names replaced by numbers."""
    text = latex.replace(r"\operatorname{sign}", "sign")
    text = re.sub(r"\\cos\^\{2\}\(((?:\([^()]*\))|[^()]*)\)", r"(\\cos(\1))**(2)", text)
    while "{" in text:  # innermost groups first: \frac{a}{b}, a^{b}, \sqrt{a}
        before = text
        for pattern, python in _GROUPS:
            text = re.sub(pattern, python, text)
        assert text != before, latex
    for tex, python in _PYTHON:
        text = text.replace(tex, python)
    text = re.sub(r"([\d.)])\s+\(", r"\1*(", text)  # juxtaposition: 2 (v) is 2 * (v)
    names = {"math": math, "sign": lambda a: math.copysign(1.0, a),
             "sigmoid": lambda a: 1 / (1 + math.exp(-a))}
    return eval(text, {"__builtins__": {"abs": abs}}, names)  # our own LaTeX, not user input


def _with_names(latex: str, values: dict, tangents: dict) -> str:
    latex = re.sub(r"\\dot v_\{(-?\d+)\}", lambda m: f"({tangents[int(m[1])]!r})", latex)
    return re.sub(r"v_\{(-?\d+)\}", lambda m: f"({values[int(m[1])]!r})", latex)


def _with_numbers(parts) -> str:
    return "".join(x if kind == "t" else f"({float(x)!r})" for kind, x in parts)


def check_rules_shown(function: str, at: dict, seed: dict):
    """Each row's operation, tangent rule and partials, by name and with numbers, evaluate to
    the engine's value, tangent and partials (ad_ops, checked against mpmath and torch)."""
    from generator.kinds.ad_notation import partial_rule
    from generator.kinds.ad_rules import symbolic
    from generator.numeric import ad
    from generator.numeric.expr import parse

    s = autodiff.solve(params(function, at, seed))
    rows, _ = ad.build(parse(function, list(at)), list(at), at)
    values = {x.k: float(x.value) for x in s.work.inputs} | {r.k: r.value for r in rows}
    tangents = {x.k: t for x, t in zip(s.work.inputs, s.work.forward.seeds[0].tangents)}
    tangents |= {r.k: t.tangents[0] for r, t in zip(rows, s.work.rows)}
    approx = lambda x: pytest.approx(x, rel=1e-9, abs=1e-12)  # noqa: E731
    for r, shown in zip(rows, s.work.rows):
        assert _evaluate(_with_names(shown.expr, values, tangents)) == approx(r.value), shown
        assert _evaluate(_with_numbers(shown.primal)) == approx(r.value), shown
        assert _evaluate(_with_names(shown.rule, values, tangents)) == approx(tangents[r.k])
        assert _evaluate(_with_numbers(shown.rule_numbers)) == approx(tangents[r.k]), shown
        for pos, partial in enumerate(r.partials):
            if r.args[pos].varying:
                rule = _with_names(symbolic(partial_rule(r, pos), r), values, tangents)
                assert _evaluate(rule) == approx(partial), (shown, pos)


@pytest.mark.parametrize("function,at,seed", [
    (EVERY_FUNCTION, {"a": 1.2, "b": 0.7, "c": 3}, {"a": 1, "b": -0.5, "c": 2}),
    ("x^y + y^2.5 + x^-1 + 2^x + x^(1+1) + x^1", {"x": 1.7, "y": 0.6}, {"x": 1, "y": 1}),
    ("x/y + 1/y + x/3 + (y - 1)/(x*x) + -x - (-3)*y", {"x": -0.4, "y": 2}, {"x": 1, "y": 2}),
    ("1e-5*x + x*2.5e12 + log(-1 + x) - sqrt(2*x)", {"x": 4}, {"x": 1}),
])
def test_every_rule_shown_evaluates_to_the_engines_numbers(function, at, seed):
    check_rules_shown(function, at, seed)


@given(EXPRS, POINT, POINT, POINT)
def test_the_rules_of_random_expressions_evaluate_to_the_engines_numbers(function, x, y, z):
    try:
        check_rules_shown(function, {"x": x, "y": y, "z": z}, {"x": 1, "y": -1, "z": 0.5})
    except EvaluationError:
        return  # outside the domain: refused


# -- the presentation ---------------------------------------------------------------------------

def _views(spec: str):
    from generator.render import question_views
    from generator.solve import load_specs, solve_spec

    loaded = load_specs([spec])[0]
    return {v.id: v for v in question_views(loaded, solve_spec(loaded))}


def test_every_table_row_fills_its_columns():
    from generator import doc
    from generator.presentation import autodiff as present

    for spec in ("specs/ift6135-a1.yaml", "specs/autodiff-examples.yaml"):
        for view in _views(spec).values():
            if view.kind != "autodiff":
                continue
            tables = [b for b in present.answer(view) if isinstance(b, doc.Table)]
            assert len(tables) == bool(view.work.forward) + bool(view.work.reverse)
            for table in tables:
                assert table.long and table.role == "trace" and table.wide
                for r in table.head + table.body:
                    assert sum(c.span for c in r.cells) == len(table.columns), (view.id, r)


def test_the_reference_key_shows_the_steps_and_breaks_long_lines_in_the_pdf_only():
    from generator.presentation import autodiff as present
    from generator.writers import HtmlWriter, LatexWriter

    view = _views("specs/ift6135-a1.yaml")["q4"]
    tex = LatexWriter().write(present.statement(view) + present.answer(view))
    assert (r"$\bar v_{0}$ & $= \bar v_{0} + \bar v_{1} \, \frac{\partial v_{1}}{\partial v_{0}}$"
            r" & $= 12 + (-0.0123) \cdot 1$ & $= 11.9877$ \\") in tex
    assert r"$\dot v_{2}$ & $= -\dot v_{1} / v_{1}^{2}$ & $= -1 / 9^{2}$ & $= -0.0123$ \\" in tex
    assert r"at $(x_{1},\allowbreak x_{2}) = (3,\allowbreak 6)$" in tex
    assert tex.count(r"\begin{longtable}") == 2 and r"\renewcommand{\arraystretch}{1.3}" in tex
    page = HtmlWriter().write(present.statement(view) + present.answer(view))
    assert "allowbreak" not in page and page.count('<div class="scroll wide">') == 2
