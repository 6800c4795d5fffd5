"""Forward and reverse mode automatic differentiation over an evaluation trace.

The trace follows Baydin, Pearlmutter, Radul & Siskind, "Automatic differentiation in machine
learning: a survey" (JMLR 2018): inputs v_{1-n}..v_0, then one row v_1..v_m per elementary
operation in the order of `expr.parse` (post-order, left operand first). Constants stay
inside their row (`1/v_1` is one row). Each row knows its partial derivatives (ad_ops):
forward mode sums partial x tangent over the operands, reverse mode hands adjoint x partial
back to each operand, so a node used twice accumulates its adjoint in steps, as in the
paper's Table 3. Everything is linear in the number of rows.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from . import ad_ops
from .expr import Graph


@dataclass(frozen=True, slots=True)
class Operand:
    """An operand of a row: the trace variable v_k, or (k None) a constant written in the
    function; its value at the point; whether an input reaches it (not 2, nor (1 + 1))."""

    k: int | None
    value: float
    varying: bool


@dataclass(frozen=True, slots=True)
class Row:
    """One trace row v_k = op(args), its value and its partial derivative by each operand."""

    k: int
    op: str
    args: tuple[Operand, ...]
    value: float
    partials: tuple[float, ...]

    @property
    def varying(self) -> bool:
        """An input reaches the row (it is not a row of constants)."""
        return any(a.varying for a in self.args)


@dataclass(frozen=True, slots=True)
class Step:
    """One step of the reverse sweep: v̄_target (+)= v̄_source · ∂v_source/∂v_target, the
    operand at `pos` of row `source`; `previous` is v̄_target before it (None: its first)."""

    target: int
    source: int
    pos: int
    partial: float
    previous: float | None
    value: float


class EvalError(Exception):
    """A value the trace cannot compute: why, and the row v_k = op(operands) and the operand
    position it blames; k is None when no row is to blame (the function is a constant)."""

    def __init__(self, why: str, k: int | None = None, op: str = "",
                 operands: tuple[Operand, ...] = (), operand: int = 0):
        super().__init__(why)
        self.k, self.op, self.operands, self.operand = k, op, operands, operand


def _number(v) -> float:
    """A value of the point as a float; a float subclass (numbers.Given, a value as the user
    wrote it) stays itself, so that the trace shows it as given."""
    return v if isinstance(v, float) else float(v)


def build(graph: Graph, variables: list[str], point: dict) -> tuple[list[Row], int]:
    """Evaluate the trace at `point`: the rows v_1..v_m and the trace index of y."""
    n = len(variables)
    index = {name: k - n + 1 for k, name in enumerate(variables)}
    operands: list[Operand] = []  # per graph node
    rows: list[Row] = []
    for node in graph.nodes:
        op = node[0]
        if op == "var":
            operands.append(Operand(index[node[1]], _number(point[node[1]]), True))
        elif op == "const":
            operands.append(Operand(None, node[1], False))
        else:
            args = tuple(operands[a] for a in node[1:])
            k = len(rows) + 1
            try:
                value, partials = ad_ops.operation(op, [a.value for a in args],
                                                   not args[-1].varying)
            except ad_ops.DomainError as exc:
                raise EvalError(str(exc), k, op, args, exc.operand) from None
            row = Row(k, op, args, value, tuple(partials))
            rows.append(row)
            operands.append(Operand(k, value, row.varying))
    y = operands[graph.root]
    if not y.varying:
        raise EvalError("the function is a constant: there is nothing to differentiate")
    return rows, y.k


def output_value(rows: list[Row], y: int, inputs: list[float]) -> float:
    """The value of y (trace index `y`, as build returns it): its row's, or an input's when
    the function is an input itself (y <= 0; `inputs` in the variables' order)."""
    return rows[y - 1].value if y > 0 else inputs[y + len(inputs) - 1]


def forward(rows: list[Row], seed: dict[int, float], magnitude: bool = False) -> dict:
    """Tangents of every trace variable for the input tangents `seed` (trace index -> value).

    With `magnitude`, |partial| x |tangent| is summed instead: the size of the sums whose
    rounding error bounds the difference between forward and reverse mode."""
    tangent = {k: abs(t) for k, t in seed.items()} if magnitude else dict(seed)
    for row in rows:
        tangent[row.k] = math.fsum((abs(p) if magnitude else p) * tangent[a.k]
                                   for p, a in zip(row.partials, row.args) if a.k is not None)
    return tangent


def reverse(rows: list[Row], y: int, n: int) -> tuple[dict[int, float], list[Step]]:
    """Adjoints of every trace variable from ȳ = 1, and the steps in the order computed."""
    adjoint: dict[int, float] = {y: 1.0}
    steps = []
    for row in reversed(rows):
        if row.k not in adjoint:
            continue  # does not reach y (only possible for rows after y, which do not exist)
        for pos, (arg, partial) in enumerate(zip(row.args, row.partials)):
            if not arg.varying:
                continue  # a constant (or a row of constants) needs no adjoint
            previous = adjoint.get(arg.k)
            adjoint[arg.k] = (previous or 0.0) + adjoint[row.k] * partial
            steps.append(Step(arg.k, row.k, pos, partial, previous, adjoint[arg.k]))
    for k in range(1 - n, 1):
        adjoint.setdefault(k, 0.0)
    return adjoint, steps
