"""A rule of the notation table (ad_notation) filled in: by trace names, as LaTeX, or by the
numbers at the point, as parts for numbers.fmt_terms (every number through the one display
formatter); and a row's operation in plain text, for answers.json and messages."""

from __future__ import annotations

from ..numeric.ad import Operand, Row
from .ad_notation import (
    NOTATION,
    Own,
    Partial,
    Parts,
    Rule,
    Tangent,
    Times,
    Value,
    const_latex,
    const_text,
    partial_rule,
    v_name,
)


def symbolic(rule: Rule, row: Row) -> str:
    """A rule in trace names, as LaTeX."""
    out = []
    for item in rule:
        if isinstance(item, str):
            out.append(item)
        elif isinstance(item, Value):
            out.append(_operand(row.args[item.pos], item.role))
        elif isinstance(item, Tangent):
            out.append(rf"\dot {v_name(row.args[item.pos].k)}")
        elif isinstance(item, Own):
            out.append(v_name(row.k))
        elif isinstance(item, Partial):
            out.append(_factor(symbolic(partial_rule(row, item.pos), row)))
        else:
            out.append(r" \, ")
    return "".join(out)


def substituted(rule: Rule, row: Row, tangent: dict[int, float]) -> Parts:
    """A rule with the numbers at the point (operand values, their tangents in `tangent`)."""
    out: Parts = []
    for item in rule:
        if isinstance(item, str):
            out.append(("t", item))
        elif isinstance(item, Times):
            out.append(("t", r" \cdot "))
        else:
            role = "n" if item.role == "a" else item.role
            if isinstance(item, Value):
                out.append((role, row.args[item.pos].value))
            elif isinstance(item, Tangent):
                out.append((role, tangent[row.args[item.pos].k]))
            elif isinstance(item, Own):
                out.append((role, row.value))
            else:
                out.append((role, row.partials[item.pos]))
    return out


def plain(op: str, args: tuple[Operand, ...]) -> str:
    """The row's operation in plain text (answers.json, messages): v1 / v2, cos(v-1)."""
    n = NOTATION[op]
    a = [_plain_operand(x) for x in args]
    if n.form in ("infix", "fraction"):
        return f"{a[0]} {n.plain} {a[1]}"
    if n.form == "power":
        return f"{a[0]}^{a[1]}"
    if n.form == "prefix":
        return f"-{a[0]}"
    return f"{n.plain}({a[0][1:-1] if a[0].startswith('(') else a[0]})"


def _factor(text: str) -> str:
    """A partial as a factor: bracketed when it is a sum at the top level (1 - v_{3}^{2})."""
    depth = 0
    for i, char in enumerate(text):
        if char in "({[":
            depth += 1
        elif char in ")}]":
            depth -= 1
        elif depth == 0 and char in "+-" and text[i - 1:i] == " ":
            return rf"\left({text}\right)"
    return text


def _operand(arg: Operand, role: str) -> str:
    if arg.k is not None:
        return v_name(arg.k)
    text = const_latex(arg.value)
    return text[1:-1] if role == "a" and text.startswith("(") else text


def _plain_operand(arg: Operand) -> str:
    if arg.k is not None:
        return f"v{arg.k}"
    text = const_text(arg.value)
    return f"({text})" if text.startswith("-") else text
