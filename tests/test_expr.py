"""The expression parser: grammar, evaluation order, hostile input, and the LaTeX of a parse."""


import pytest

from generator.kinds.ad_formula import function_pieces
from generator.kinds.ad_notation import var_latex
from generator.numeric.expr import MAX_DEPTH, MAX_TOKENS, ExprError, parse

XY = ["x", "y"]


def rows(text, variables=XY):
    """The operation nodes of a parse, in evaluation order."""
    graph = parse(text, variables)
    return graph.nodes[len(variables):]


@pytest.mark.parametrize("text,expected", [
    ("-x^2", [("const", 2.0), ("pow", 0, 2), ("neg", 3)]),  # -(x^2), not (-x)^2
    ("-2^2", [("const", 2.0), ("pow", 2, 2), ("neg", 3)]),  # -(2^2) = -4, as in mathematics
    ("x^y^2", [("const", 2.0), ("pow", 1, 2), ("pow", 0, 3)]),  # right-associative
    ("x**y**2", [("const", 2.0), ("pow", 1, 2), ("pow", 0, 3)]),  # ** is ^
    ("x - y - 2", [("sub", 0, 1), ("const", 2.0), ("sub", 2, 3)]),  # left-associative
    ("x / y / 2", [("div", 0, 1), ("const", 2.0), ("div", 2, 3)]),
    ("x + y * 2", [("const", 2.0), ("mul", 1, 2), ("add", 0, 3)]),
    ("(x + y) * 2", [("add", 0, 1), ("const", 2.0), ("mul", 2, 3)]),
    ("2 * -x", [("const", 2.0), ("neg", 0), ("mul", 2, 3)]),
    ("2^-x", [("const", 2.0), ("neg", 0), ("pow", 2, 3)]),
    ("x**-2", [("const", -2.0), ("pow", 0, 2)]),  # a negative literal is a number, no row
    ("-3*x", [("const", -3.0), ("mul", 2, 0)]),
    ("x---y", [("neg", 1), ("neg", 2), ("sub", 0, 3)]),
    ("+x", []),  # unary plus is nothing
    (".5*x + 5.*y + 1e-3", [("const", 0.5), ("mul", 2, 0), ("const", 5.0), ("mul", 4, 1),
                            ("add", 3, 5), ("const", 0.001), ("add", 6, 7)]),
    ("sin(x)*sin(x)", [("sin", 0), ("mul", 2, 2)]),  # one sin node (hash-consing)
    ("x*y + x*y", [("mul", 0, 1), ("add", 2, 2)]),
    ("x*y + y*x", [("mul", 0, 1), ("mul", 1, 0), ("add", 2, 3)]),  # no algebra: y*x is new
    ("cos(x) + 1/(x + y)", [("cos", 0), ("const", 1.0), ("add", 0, 1), ("div", 3, 4),
                            ("add", 2, 5)]),  # post-order, left operand first
])
def test_grammar_and_evaluation_order(text, expected):
    assert rows(text) == expected


def test_every_function_parses_with_one_argument():
    for name in ("sin", "cos", "tan", "exp", "log", "sqrt", "tanh", "sigmoid", "abs"):
        assert rows(f"{name}(x)") == [(name, 0)]


def test_inputs_come_first_in_the_order_given_and_unused_ones_stay():
    graph = parse("b * a", ["a", "b", "c"])
    assert graph.nodes[:3] == [("var", "a"), ("var", "b"), ("var", "c")]
    assert graph.nodes[graph.root] == ("mul", 1, 0)


@pytest.mark.parametrize("text,column,message", [
    ("__import__('os')", 1, "unexpected '__import__('os')' at column 1"),
    ("x.__class__", 2, "unexpected '.__class__' at column 2"),
    ("os.system('ls')", 3, "unexpected '.system('ls')' at column 3"),
    ("lambda: 1", 7, "unexpected ':' at column 7"),
    ("[x]", 1, "unexpected '[x]' at column 1"),
    ("x[0]", 2, "unexpected '[0]' at column 2"),
    ("'a'", 1, "unexpected ''a'' at column 1"),
    ('"a" + x', 1, "unexpected '\"a\"' at column 1"),
    ("f(x)", 1, "'f' at column 1 is a function we do not provide"),
    ("exec(x)", 1, "'exec' at column 1 is a function we do not provide"),
    ("x;y", 2, "unexpected ';y' at column 2"),
    ("x = 1", 3, "unexpected '=' at column 3"),
    ("x @ y", 3, "unexpected '@' at column 3"),
    ("sin(x, y)", 6, "unexpected ',' at column 6"),
    ("x + z", 5, "'z' at column 5 is not a variable (variables: x, y;"),
    ("X", 1, "'X' at column 1 is not a variable"),
    ("sin x", 1, "function 'sin' at column 1 needs (...)"),
    ("x y", 3, "expected an operator or ')' at column 3, got 'y'"),
    ("2x", 2, "expected an operator or ')' at column 2, got 'x'"),
    ("()", 2, "expected a number, variable or '(' at column 2, got ')'"),
    ("exp()", 5, "expected a number, variable or '(' at column 5, got ')'"),
    ("x ** ** 2", 6, "expected a number, variable or '(' at column 6, got '**'"),
    ("x +", 4, "the expression ends where an operand is expected"),
    ("x)", 2, "unmatched ')' at column 2"),
    ("sin(x", 4, "'(' at column 4 is never closed"),
    ("", 1, "the expression is empty"),
    ("   ", 1, "the expression is empty"),
])
def test_hostile_and_malformed_input_is_refused_with_its_column(text, column, message):
    with pytest.raises(ExprError) as exc:
        parse(text, XY)
    assert message in str(exc.value)
    assert exc.value.column == column


def test_deep_nesting_is_refused_without_recursion():
    for opening in ("(", "sin("):
        text = opening * 100_000 + "x" + ")" * 100_000
        with pytest.raises(ExprError, match=f"nested more than {MAX_DEPTH} levels deep") as exc:
            parse(text, XY)
        assert exc.value.column == len(opening) * (MAX_DEPTH + 1)  # the first '(' too many
    graph = parse("(" * MAX_DEPTH + "x" + ")" * MAX_DEPTH, XY)  # the limit itself is fine
    assert graph.root == 0


def test_long_chains_without_brackets_need_no_stack_either():
    graph = parse("-" * 50_000 + "x", XY)  # 50,000 unary minus: a chain, no recursion
    assert len(graph.nodes) == 50_002
    graph = parse("^".join(["x"] * 20_000), XY)  # right-associative power tower
    assert graph.nodes[graph.root][0] == "pow"


def test_huge_input_is_refused_by_its_token_count():
    with pytest.raises(ExprError, match=f"too long \\(more than {MAX_TOKENS} tokens\\)"):
        parse("x+" * 1_000_000 + "x", XY)


def test_long_flat_input_is_one_node_per_operation():  # linear time: bench/autodiff.py
    graph = parse("+".join(["x", "y"] * 20_000), XY)
    assert len(graph.nodes) == 2 + 40_000 - 1


@pytest.mark.parametrize("name,latex", [
    ("x1", "x_{1}"), ("x_2", "x_{2}"), ("y", "y"), ("alpha", r"\alpha"),
    ("w12", "w_{12}"), ("rate", r"\mathit{rate}"), ("theta3", r"\theta_{3}"),
])
def test_variable_names_in_latex(name, latex):
    assert var_latex(name) == latex


@pytest.mark.parametrize("text,latex", [
    ("1/(x1 + x2) + x2^2 + cos(x1)", r"\frac{1}{x_{1} + x_{2}} + x_{2}^{2} + \cos(x_{1})"),
    ("(x1 - x2) - (x1 - x2)", r"x_{1} - x_{2} - (x_{1} - x_{2})"),
    ("(x1 + x2)^2 * -x1", r"(x_{1} + x_{2})^{2} \cdot (-x_{1})"),
    ("-x1^2", r"-x_{1}^{2}"),
    ("(-x1)^2", r"(-x_{1})^{2}"),
    ("x1^x2^2", r"x_{1}^{x_{2}^{2}}"),
    ("(x1^x2)^2", r"(x_{1}^{x_{2}})^{2}"),
    ("sqrt(x1) + abs(x2) + log(x1) + sigmoid(x2) + tanh(x1)",
     r"\sqrt{x_{1}} + \lvert x_{2} \rvert + \ln(x_{1}) + \sigma(x_{2}) + \tanh(x_{1})"),
    ("x1 * 2.5 - -3", r"x_{1} \cdot 2.5 - (-3)"),
    ("(1/x1 + x2)^2", r"\bigl(\frac{1}{x_{1}} + x_{2}\bigr)^{2}"),  # sized for a fraction
    ("abs(1/(1/x1 + 1))", r"\Bigl\lvert \frac{1}{\frac{1}{x_{1}} + 1} \Bigr\rvert"),
])
def test_function_latex_from_the_parse_tree(text, latex):
    assert " ".join(function_pieces(parse(text, ["x1", "x2"]))) == latex


@pytest.mark.parametrize("text,pieces", [
    ("x1 + x2", ["x_{1} +", "x_{2}"]),
    ("(x1 - x2)^2 * sigmoid(x1 + 1)", ["(x_{1} -", r"x_{2})^{2} \cdot \sigma(x_{1} +", "1)"]),
    ("1/(x1 + x2) - sqrt(x1 + 1)", [r"\frac{1}{x_{1} + x_{2}} -", r"\sqrt{x_{1} + 1}"]),
    ("x1^(x2 + 1) * x2", [r"x_{1}^{x_{2} + 1} \cdot x_{2}"]),  # no break in an exponent
    ("x1*x2", [r"x_{1} \cdot x_{2}"]),
])
def test_functions_break_after_a_sum_outside_fractions_roots_and_exponents(text, pieces):
    assert function_pieces(parse(text, ["x1", "x2"])) == pieces


def test_a_nine_weight_loss_breaks_after_every_term():
    names = [f"w{i}" for i in range(1, 10)] + [f"x{i}" for i in range(1, 10)] + ["y"]
    text = "(" + " + ".join(f"w{i}*x{i}" for i in range(1, 10)) + " - y)^2"
    pieces = function_pieces(parse(text, names))
    assert len(pieces) == 10 and pieces[0] == r"(w_{1} \cdot x_{1} +"
    assert pieces[-1] == "y)^{2}" and r"\left" not in "".join(pieces)


def test_the_grammar_alone_is_checked_without_the_variables():
    assert [n for n in parse("a*b + sin(c)", None).nodes if n[0] == "var"] == [
        ("var", "a"), ("var", "b"), ("var", "c")]
    with pytest.raises(ExprError, match="'foo' at column 1 is a function we do not provide"):
        parse("foo(a)", None)
    with pytest.raises(ExprError, match="'.' at column 2|unexpected"):
        parse("a.b", None)
