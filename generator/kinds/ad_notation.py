"""How each operation of the AD trace is written: the notation half of the operation table
(the mathematics half, value, partials, domain, is generator/numeric/ad_ops.py).

An entry says how its row reads (v_{3} = v_{1} / v_{2} in LaTeX, v3 = v1 / v2 in plain text),
how its partial derivatives read and what its tangent rule is. A rule is written once, as
literal LaTeX and slots (an operand's value, its tangent, the row's own value, a partial
derivative); ad_rules fills the slots with trace names, `-\\dot v_{1} / v_{1}^{2}`, or with
the numbers at the point, `-1 / 9^{2}`, so the rule and its numbers cannot differ. Adding an
operation is one entry here and one in ad_ops.OPS.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from ..numeric.ad import Row

GREEK = set("alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi pi rho "
            "sigma tau upsilon phi chi psi omega".split())
Parts = list[tuple[str, object]]  # numbers.fmt_terms's parts: ("t", latex), ("n", x), ...


# -- the slots of a rule; `role` is how a number is set there (numbers.fmt_terms): "n" as
#    it is, "p" a factor (brackets when negative), "b" a base (also when scientific), "a" a
#    function's argument (as "n"; a constant then has no brackets by name either: \ln(-1))

@dataclass(frozen=True)
class Value:
    """The value of the operand at `pos`: v_{k} or the constant."""

    pos: int
    role: str = "n"


@dataclass(frozen=True)
class Tangent:
    """The tangent of the operand at `pos`: \\dot v_{k}."""

    pos: int
    role: str = "n"


@dataclass(frozen=True)
class Own:
    """The row's own value v_{k} (exp's derivative is v_{k})."""

    role: str = "n"


@dataclass(frozen=True)
class Partial:
    """The row's partial derivative by the operand at `pos`: its rule by name (bracketed when
    it is a sum), its value by number."""

    pos: int
    role: str = "n"


@dataclass(frozen=True)
class Times:
    """A product: \\, between names, \\cdot between numbers."""


TIMES = Times()
Rule = tuple  # of str (LaTeX as it is) and the slots above


@dataclass(frozen=True)
class Notation:
    """How one operation is written. `form`: infix (a + b), fraction (a / b in the trace,
    \\frac in the function), power (a^{b}), prefix (-a), call (\\sin(a)), root (\\sqrt{a}),
    bars (\\lvert a \\rvert); `latex` and `plain` name its operator or function; `precedence`
    decides the brackets of the function's formula. `partials(row)` gives the rule of each
    operand's partial, `tangent(row)` the tangent rule of a row an input reaches."""

    form: str
    latex: str
    plain: str
    precedence: int
    partials: Callable[[Row], tuple]
    tangent: Callable[[Row], Rule]


def _varying(row: Row) -> tuple[bool, ...]:
    return tuple(a.varying for a in row.args)


def _chain(row: Row) -> Rule:
    """The sum of partial x tangent over the operands an input reaches."""
    rule: list = []
    for pos, varying in enumerate(_varying(row)):
        if varying:
            rule += [" + ", Partial(pos, "p")] if rule else [Partial(pos)]
            rule += [TIMES, Tangent(pos, "p")]
    return tuple(rule)


def _sum(sign: str) -> Callable[[Row], Rule]:
    def tangent(row: Row) -> Rule:
        left, right = _varying(row)
        if left and right:
            return Tangent(0), f" {sign} ", Tangent(1, "p")
        if left:
            return (Tangent(0),)
        return (Tangent(1),) if sign == "+" else ("-", Tangent(1, "p"))
    return tangent


def _product(row: Row) -> Rule:
    left, right = _varying(row)
    if left and right:
        return (Tangent(0, "p"), TIMES, Value(1, "p"), " + ", Value(0, "p"), TIMES,
                Tangent(1, "p"))
    return (Value(1), TIMES, Tangent(0, "p")) if left else (Value(0), TIMES, Tangent(1, "p"))


def _quotient(row: Row) -> Rule:
    left, right = _varying(row)
    if left and right:
        return (r"\frac{", Tangent(0, "p"), TIMES, Value(1, "p"), " - ", Value(0, "p"), TIMES,
                Tangent(1, "p"), "}{", Value(1, "b"), "^{2}}")
    if left:
        return Tangent(0), " / ", Value(1, "p")
    one = row.args[0].k is None and row.args[0].value == 1  # -\dot v / v^2, not -1 \dot v
    return ("-", *(() if one else (Value(0, "p"), TIMES)), Tangent(1, "p"), " / ",
            Value(1, "b"), "^{2}")


def _power_rule(row: Row) -> Rule:
    """d(a^b)/da = b a^{b-1}, a written exponent's b - 1 worked out (2 v_0, not 2 v_0^1)."""
    exponent = row.args[1]
    if exponent.k is not None:
        return Value(1), TIMES, Value(0, "b"), "^{", Value(1), " - 1}"
    if exponent.value == 1:
        return (Value(1),)
    if exponent.value == 2:
        return Value(1), TIMES, Value(0, "p")
    return Value(1), TIMES, Value(0, "b"), f"^{{{const_text(exponent.value - 1)}}}"


def _power(row: Row) -> Rule:
    if row.args[1].varying:
        return _chain(row)
    return (*_power_rule(row), TIMES, Tangent(0, "p"))


def _function(name: str, latex: str, partial: Rule, form: str = "call") -> Notation:
    """A function of one argument: its partial's rule; its tangent is partial x tangent."""
    return Notation(form, latex, name, 9, lambda row: (partial,), _chain)


def _rules(*rules: Rule) -> Callable[[Row], tuple]:
    return lambda row: rules


ARG = Value(0, "a")  # the argument of a function
NOTATION: dict[str, Notation] = {
    "add": Notation("infix", "+", "+", 1, _rules(("1",), ("1",)), _sum("+")),
    "sub": Notation("infix", "-", "-", 1, _rules(("1",), ("-1",)), _sum("-")),
    "neg": Notation("prefix", "-", "-", 1, _rules(("-1",)), lambda row: ("-", Tangent(0, "p"))),
    "mul": Notation("infix", r"\cdot", "*", 2, _rules((Value(1),), (Value(0),)), _product),
    "div": Notation("fraction", "/", "/", 2, _rules(
        (r"\frac{1}{", Value(1), "}"), (r"-\frac{", Value(0), "}{", Value(1), "^{2}}")),
        _quotient),
    "pow": Notation("power", "^", "^", 4,
                    lambda row: (_power_rule(row), (r"\ln(", Value(0), r") \, ", Own())),
                    _power),
    "sin": _function("sin", r"\sin", (r"\cos(", ARG, ")")),
    "cos": _function("cos", r"\cos", (r"-\sin(", ARG, ")")),
    "tan": _function("tan", r"\tan", (r"\frac{1}{\cos^{2}(", ARG, ")}")),
    "exp": _function("exp", r"\exp", (Own(),)),
    "log": _function("log", r"\ln", (r"\frac{1}{", ARG, "}")),
    "sqrt": _function("sqrt", r"\sqrt", (r"\frac{1}{2 ", Own(), "}"), "root"),
    "tanh": _function("tanh", r"\tanh", ("1 - ", Own("b"), "^{2}")),
    "sigmoid": _function("sigmoid", r"\sigma", (Own(), " (1 - ", Own(), ")")),
    "abs": _function("abs", r"\lvert", (r"\operatorname{sign}(", ARG, ")"), "bars"),
}

# -- names and constants --------------------------------------------------------------------


def var_latex(name: str) -> str:
    """x1 -> x_{1}, alpha -> \\alpha, w_2 -> w_{2}, rate -> \\mathit{rate}."""
    m = re.fullmatch(r"([A-Za-z]+)_?(\d+)", name)
    stem, sub = (m.group(1), m.group(2)) if m else (name, None)
    if stem in GREEK:
        stem = "\\" + stem
    elif len(stem) > 1 or "_" in stem:
        stem = r"\mathit{" + stem.replace("_", r"\_") + "}"
    return f"{stem}_{{{sub}}}" if sub else stem


def v_name(k: int) -> str:
    """LaTeX name of trace variable k: v_{-1}, v_{0}, v_{3}."""
    return f"v_{{{k}}}"


def const_text(c: float) -> str:
    """A constant as the author wrote it: 1, 2.5, -3."""
    return str(int(c)) if float(c).is_integer() and abs(c) < 1e15 else repr(float(c))


def const_latex(c: float) -> str:
    """A constant in a formula: 2.5, (-3), (1 \\times 10^{-5})."""
    text = const_text(c)
    if "e" in text:
        mantissa, exponent = text.split("e")
        text = f"{mantissa} \\times 10^{{{int(exponent)}}}"
    return f"({text})" if text.startswith("-") or " " in text else text


# -- the rules of a row -----------------------------------------------------------------------


def primal_rule(op: str) -> Rule:
    """The row's operation on its operands: v_{1} / v_{2}, \\cos(v_{1})."""
    n = NOTATION[op]
    if n.form in ("infix", "fraction"):
        return Value(0), f" {n.latex} ", Value(1, "p")
    if n.form == "power":
        return Value(0, "b"), "^{", Value(1), "}"
    if n.form == "prefix":
        return n.latex, Value(0, "p")
    if n.form == "root":
        return r"\sqrt{", ARG, "}"
    if n.form == "bars":
        return r"\lvert ", ARG, r" \rvert"
    return f"{n.latex}(", ARG, ")"


def tangent_rule(row: Row) -> Rule:
    """The rule of the row's tangent (0 for a row of constants)."""
    return NOTATION[row.op].tangent(row) if row.varying else ("0",)


def partial_rule(row: Row, pos: int) -> Rule:
    """The rule of the row's partial derivative by the operand at `pos`."""
    return NOTATION[row.op].partials(row)[pos]
