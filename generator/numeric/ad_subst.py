"""The numbers put into a trace row: `1 / 9` for v_2 = 1 / v_1, `-1 / 9^{2}` for its tangent.

A substitution is a list of parts, never a finished string, so that every number goes
through the one display formatter and its rounding (numbers.fmt_terms, `q.terms` in the
templates):
  ("t", latex)  text as it is
  ("n", x)      a number
  ("p", x)      a number in a product or after an operator: brackets when negative
  ("b", x)      a number raised to a power: brackets when negative or in scientific notation
The shapes follow the rules of `ad_latex.tangent_rule` term by term.
"""

from __future__ import annotations

from .ad import Row, const_text

Parts = list[tuple[str, object]]
_FUNCTION = {"sigmoid": r"\sigma", "log": r"\ln"}
_DOT = ("t", r" \cdot ")


def primal_parts(row: Row, values: dict[int, float]) -> Parts:
    """The row's operation with the values of its operands: cos(3), 6^{2}, 1 / 9."""
    a = [_value(arg, values) for arg in row.args]
    op = row.op
    if op in ("add", "sub"):
        return [("n", a[0]), ("t", " + " if op == "add" else " - "), ("p", a[1])]
    if op == "mul":
        return [("n", a[0]), _DOT, ("p", a[1])]
    if op == "div":
        return [("n", a[0]), ("t", " / "), ("p", a[1])]
    if op == "neg":
        return [("t", "-"), ("p", a[0])]
    if op == "pow":
        return [("b", a[0]), ("t", "^{"), ("n", a[1]), ("t", "}")]
    if op == "abs":
        return [("t", r"\lvert "), ("n", a[0]), ("t", r" \rvert")]
    if op == "sqrt":
        return [("t", r"\sqrt{"), ("n", a[0]), ("t", "}")]
    return [("t", _FUNCTION.get(op, "\\" + op) + "("), ("n", a[0]), ("t", ")")]


def tangent_parts(row: Row, values: dict[int, float], tangent: dict[int, float]) -> Parts:
    """The row's tangent rule with numbers: 1 + 0, -1 / 9^{2}, 2 \\cdot 6 \\cdot 0."""
    a = [_value(arg, values) for arg in row.args]
    t = [tangent[arg[1]] if arg[0] == "v" else 0.0 for arg in row.args]
    variable = row.varying
    op = row.op
    if not any(variable):
        return [("n", 0.0)]
    if op in ("add", "sub"):
        sign = " + " if op == "add" else " - "
        if all(variable):
            return [("n", t[0]), ("t", sign), ("p", t[1])]
        if variable[0]:
            return [("n", t[0])]
        return [("n", t[1])] if op == "add" else [("t", "-"), ("p", t[1])]
    if op == "neg":
        return [("t", "-"), ("p", t[0])]
    if op == "mul":
        if all(variable):
            return [("p", t[0]), _DOT, ("p", a[1]), ("t", " + "), ("p", a[0]), _DOT, ("p", t[1])]
        return [("n", a[1]), _DOT, ("p", t[0])] if variable[0] else \
            [("n", a[0]), _DOT, ("p", t[1])]
    if op == "div":
        if all(variable):
            return [("t", r"\frac{"), ("p", t[0]), _DOT, ("p", a[1]), ("t", " - "), ("p", a[0]),
                    _DOT, ("p", t[1]), ("t", "}{"), ("b", a[1]), ("t", "^{2}}")]
        if variable[0]:
            return [("n", t[0]), ("t", " / "), ("p", a[1])]
        numerator = [] if a[0] == 1 else [("p", a[0]), _DOT]
        return [("t", "-"), *numerator, ("p", t[1]), ("t", " / "), ("b", a[1]), ("t", "^{2}")]
    if op == "pow" and not variable[1]:
        return _power_parts(a, t[0])
    terms: Parts = []
    for pos in range(len(row.args)):
        if variable[pos]:
            terms += [("t", " + ")] if terms else []
            terms += [("p" if terms else "n", row.partials[pos]), _DOT, ("p", t[pos])]
    return terms


def _power_parts(a: list[float], tangent: float) -> Parts:
    """c \\cdot v^{c-1} \\cdot t, as the rule c \\, v^{c-1} \\, \\dot v is written."""
    c = a[1]
    if c == 1:
        base: Parts = []
    elif c == 2:
        base = [_DOT, ("p", a[0])]
    else:
        base = [_DOT, ("b", a[0]), ("t", f"^{{{const_text(c - 1)}}}")]
    return [("n", c), *base, _DOT, ("p", tangent)]


def _value(arg: tuple, values: dict[int, float]) -> float:
    return values[arg[1]] if arg[0] == "v" else arg[1]
