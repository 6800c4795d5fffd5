"""Forward and reverse mode automatic differentiation over an evaluation trace.

The trace follows Baydin, Pearlmutter, Radul & Siskind, "Automatic differentiation in machine
learning: a survey" (JMLR 2018): inputs v_{1-n}..v_0, then one row v_1..v_m per elementary
operation in the order of `expr.parse` (post-order, left operand first). Constants stay
inside their row (`1/v_1` is one row). Each row knows its partial derivatives: forward mode
sums partial x tangent over the operands, reverse mode hands adjoint x partial back to each
operand, so a node used twice accumulates its adjoint in steps, as in the paper's Table 3.
Everything is linear in the number of rows.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from . import ad_ops
from .expr import Graph


class EvalError(Exception):
    """A value the trace cannot compute, naming the row: 'v_3 = log(v_2): ...'."""


@dataclass
class Row:
    """One trace row v_k = op(args); args are ("v", k) or ("c", constant)."""

    k: int
    op: str
    args: tuple
    value: float = 0.0
    partials: list = field(default_factory=list)  # d v_k / d arg, per arg position
    varying: tuple = ()  # per arg: whether an input reaches it (not (1 + 1), say)


def v_name(k: int) -> str:
    """LaTeX name of trace variable k: v_{-1}, v_{0}, v_{3}."""
    return f"v_{{{k}}}"


def const_text(c: float) -> str:
    """A constant as the author wrote it: 1, 2.5, -3."""
    return str(int(c)) if float(c).is_integer() and abs(c) < 1e15 else repr(float(c))


def build(graph: Graph, variables: list[str], point: dict) -> tuple[list[Row], int]:
    """Evaluate the trace at `point`: the rows v_1..v_m and the trace index of y."""
    n = len(variables)
    ref: dict[int, tuple] = {}
    values = {k - n + 1: float(point[name]) for k, name in enumerate(variables)}
    rows: list[Row] = []
    constant_rows: set[int] = set()

    def constant(arg: tuple) -> bool:
        return arg[0] == "c" or arg[1] in constant_rows

    for node_id, node in enumerate(graph.nodes):
        op = node[0]
        if op == "var":
            ref[node_id] = ("v", variables.index(node[1]) - n + 1)
        elif op == "const":
            ref[node_id] = ("c", node[1])
        else:
            row = Row(len(rows) + 1, op, tuple(ref[a] for a in node[1:]))
            row.varying = tuple(not constant(a) for a in row.args)
            if not any(row.varying):
                constant_rows.add(row.k)
            operands = [values[a[1]] if a[0] == "v" else a[1] for a in row.args]
            row.value, row.partials = _evaluate(row, operands, constant(row.args[-1]))
            values[row.k] = row.value
            ref[node_id] = ("v", row.k)
            rows.append(row)
    y = ref[graph.root]
    if constant(y):
        raise EvalError("the function is a constant: there is nothing to differentiate")
    return rows, y[1]


def _evaluate(row: Row, x: list, constant_exponent: bool) -> tuple[float, list]:
    """The value of a row and its partials; domain problems raise EvalError naming the row."""
    try:
        return ad_ops.operation(row.op, x, constant_exponent)
    except ad_ops.DomainError as exc:
        pos = exc.operand
        arg = row.args[pos]
        shown = f"v{arg[1]} = {x[pos]:.6g}" if arg[0] == "v" else f"{x[pos]:.6g}"
        raise EvalError(f"row {row_text(row, plain=True)}: {exc} ({shown})") from None


def forward(rows: list[Row], seed: dict[int, float], magnitude: bool = False) -> dict:
    """Tangents of every trace variable for the input tangents `seed` (trace index -> value).

    With `magnitude`, |partial| x |tangent| is summed instead: the size of the sums whose
    rounding error bounds the difference between forward and reverse mode."""
    tangent = {k: abs(t) for k, t in seed.items()} if magnitude else dict(seed)
    for row in rows:
        tangent[row.k] = math.fsum((abs(p) if magnitude else p) * tangent[a[1]]
                                   for p, a in zip(row.partials, row.args) if a[0] == "v")
    return tangent


def reverse(rows: list[Row], y: int, n: int) -> tuple[dict[int, float], list[tuple]]:
    """Adjoints of every trace variable from ȳ = 1, and the steps in the order computed:
    (target k, source row k, operand position, partial, previous adjoint or None, new)."""
    adjoint: dict[int, float] = {y: 1.0}
    steps = []
    for row in reversed(rows):
        if row.k not in adjoint:
            continue  # does not reach y (only possible for rows after y, which do not exist)
        for pos, (arg, partial) in enumerate(zip(row.args, row.partials)):
            if not row.varying[pos]:
                continue  # a constant (or a row of constants) needs no adjoint
            previous = adjoint.get(arg[1])
            adjoint[arg[1]] = (previous or 0.0) + adjoint[row.k] * partial
            steps.append((arg[1], row.k, pos, partial, previous, adjoint[arg[1]]))
    for k in range(1 - n, 1):
        adjoint.setdefault(k, 0.0)
    return adjoint, steps


_INFIX = {"add": "+", "sub": "-", "mul": r"\cdot", "div": "/"}
_PLAIN = {"mul": "*"}


def operand_text(arg: tuple, plain: bool = False) -> str:
    """v_{3} / v3 for a trace variable, the constant for a constant (negatives in brackets)."""
    if arg[0] == "v":
        return f"v{arg[1]}" if plain else v_name(arg[1])
    text = const_text(arg[1])
    if "e" in text and not plain:  # 1e-05 -> 1 \times 10^{-5}
        mantissa, exponent = text.split("e")
        text = f"{mantissa} \\times 10^{{{int(exponent)}}}"
    return f"({text})" if text.startswith("-") or (" " in text and not plain) else text


def row_text(row: Row, plain: bool = False) -> str:
    """'v_{2} = 1 / v_{1}' (LaTeX) or 'v2 = 1 / v1' (plain)."""
    args = [operand_text(a, plain) for a in row.args]
    if len(args) == 1 and row.op != "neg" and args[0].startswith("("):
        args = [args[0][1:-1]]  # log(-1), not log((-1))
    if row.op in _INFIX:
        body = f"{args[0]} {(_PLAIN if plain else {}).get(row.op, _INFIX[row.op])} {args[1]}"
    elif row.op == "pow":
        body = f"{args[0]}^{args[1]}" if plain else f"{args[0]}^{{{args[1]}}}"
    elif row.op == "neg":
        body = f"-{args[0]}"
    elif plain:
        body = f"{row.op}({args[0]})"
    else:
        body = {"abs": rf"\lvert {args[0]} \rvert", "sqrt": rf"\sqrt{{{args[0]}}}",
                "sigmoid": rf"\sigma({args[0]})", "log": rf"\ln({args[0]})"}.get(
            row.op, f"\\{row.op}({args[0]})")
    return f"{f'v{row.k}' if plain else v_name(row.k)} = {body}"
