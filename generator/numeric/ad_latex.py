"""LaTeX for the trace tables: tangent rules, partial derivatives, the function itself."""

from __future__ import annotations

import re

from .ad import Row, const_text, operand_text, v_name

GREEK = set("alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi pi rho "
            "sigma tau upsilon phi chi psi omega".split())


def var_latex(name: str) -> str:
    """x1 -> x_{1}, alpha -> \\alpha, w_2 -> w_{2}, rate -> \\mathit{rate}."""
    m = re.fullmatch(r"([A-Za-z]+)_?(\d+)", name)
    stem, sub = (m.group(1), m.group(2)) if m else (name, None)
    if stem in GREEK:
        stem = "\\" + stem
    elif len(stem) > 1 or "_" in stem:
        stem = r"\mathit{" + stem.replace("_", r"\_") + "}"
    return f"{stem}_{{{sub}}}" if sub else stem


def dot(arg: tuple) -> str:
    """The tangent of a trace variable: \\dot v_{3}."""
    return rf"\dot {v_name(arg[1])}"


def partial_latex(row: Row, pos: int) -> str:
    """The partial derivative of row v_k with respect to its operand at `pos`."""
    a = [operand_text(x) for x in row.args]
    vk = v_name(row.k)
    op = row.op
    if op in ("add",) or (op == "sub" and pos == 0):
        return "1"
    if op == "sub":
        return "-1"
    if op == "neg":
        return "-1"
    if op == "mul":
        return a[1 - pos]
    if op == "div":
        return rf"\frac{{1}}{{{a[1]}}}" if pos == 0 else rf"-\frac{{{a[0]}}}{{{a[1]}^{{2}}}}"
    if op == "pow":
        if pos == 0:
            return _power_rule(row, a)
        return rf"\ln({a[0]}) \, {vk}"
    return {"sin": rf"\cos({a[0]})", "cos": rf"-\sin({a[0]})",
            "tan": rf"\frac{{1}}{{\cos^{{2}}({a[0]})}}", "exp": vk,
            "log": rf"\frac{{1}}{{{a[0]}}}", "sqrt": rf"\frac{{1}}{{2 {vk}}}",
            "tanh": rf"1 - {vk}^{{2}}", "sigmoid": rf"{vk} (1 - {vk})",
            "abs": rf"\operatorname{{sign}}({a[0]})"}[op]


def tangent_rule(row: Row) -> str:
    """The right-hand side of the tangent row: -\\dot v_{1} / v_{1}^{2}, say."""
    a = [operand_text(x) for x in row.args]
    variable = row.varying
    op = row.op
    if not any(variable):
        return "0"  # a row of constants
    if op in ("add", "sub"):
        sign = "+" if op == "add" else "-"
        if all(variable):
            return f"{dot(row.args[0])} {sign} {dot(row.args[1])}"
        if variable[0]:
            return dot(row.args[0])
        return dot(row.args[1]) if op == "add" else f"-{dot(row.args[1])}"
    if op == "neg":
        return f"-{dot(row.args[0])}"
    if op == "mul":
        if all(variable):
            return rf"{dot(row.args[0])} \, {a[1]} + {a[0]} \, {dot(row.args[1])}"
        return rf"{a[1]} \, {dot(row.args[0])}" if variable[0] else \
            rf"{a[0]} \, {dot(row.args[1])}"
    if op == "div":
        if all(variable):
            return (rf"\frac{{{dot(row.args[0])} \, {a[1]} - {a[0]} \, {dot(row.args[1])}}}"
                    rf"{{{a[1]}^{{2}}}}")
        if variable[0]:
            return rf"{dot(row.args[0])} / {a[1]}"
        numerator = "" if a[0] == "1" else rf"{a[0]} \, "
        return rf"-{numerator}{dot(row.args[1])} / {a[1]}^{{2}}"
    terms = [rf"{_factor(partial_latex(row, pos))} \, {dot(arg)}"
             for pos, arg in enumerate(row.args) if variable[pos]]
    return " + ".join(terms)


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


def _power_rule(row: Row, a: list) -> str:
    """d(a^b)/da: b a^{b-1}, with a literal exponent's b - 1 worked out (2 v_0, not 2 v_0^1)."""
    args = row.args
    if args[1][0] != "c":
        return rf"{a[1]} \, {a[0]}^{{{a[1]} - 1}}"
    c = args[1][1]
    power = const_text(c - 1)
    base = "" if c == 1 else a[0] if c == 2 else rf"{a[0]}^{{{power}}}"
    return f"{a[1]} \\, {base}".rstrip(" \\,") if base else a[1]


def directional_parts(seed: dict[str, float], out: str) -> list[tuple[str, object]]:
    """The derivative of `out` along the seed as a sum of partials, as substitution parts (see
    ad_subst): \\frac{\\partial f}{\\partial x} - 2 \\, \\frac{\\partial f}{\\partial z}."""
    parts: list[tuple[str, object]] = []
    for name, c in seed.items():
        if c == 0:
            continue
        parts.append(("t", ("-" if c < 0 else "") if not parts else (" - " if c < 0 else " + ")))
        if abs(c) != 1:
            parts += [("n", abs(c)), ("t", r" \, ")]
        parts.append(("t", rf"\frac{{\partial {out}}}{{\partial {var_latex(name)}}}"))
    return parts
