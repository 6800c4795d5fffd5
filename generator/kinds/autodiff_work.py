"""What the autodiff key shows of a trace (typed work) and what answers.json records of it."""

from __future__ import annotations

from dataclasses import dataclass

from ..numeric import ad
from .ad_notation import Parts, partial_rule, primal_rule, tangent_rule, var_latex
from .ad_rules import plain, substituted, symbolic


@dataclass(frozen=True)
class Input:
    """An input v_k = x: its trace index, its name, its LaTeX, its value as given."""

    k: int
    name: str
    latex: str
    value: float


@dataclass(frozen=True)
class TraceRow:
    """One operation of the trace: v_k = expr = primal = value, and beside it the tangent
    rule, the rule with the first seed's numbers, and the tangent along every seed."""

    k: int
    expr: str  # LaTeX: v_{-1} + v_{0}
    primal: Parts  # the operands' values put in: 3 + 6
    value: float
    rule: str  # LaTeX: \dot v_{-1} + \dot v_{0}
    rule_numbers: Parts  # 1 + 0 (empty without a seed)
    tangents: tuple[float, ...]  # one per seed
    arrow: bool  # the row that carries the reading direction (⇓)


@dataclass(frozen=True)
class Seed:
    """One forward sweep: the tangent of each input, which of them are nonzero (named in the
    statement), dy along the seed, and what that derivative is."""

    tangents: tuple[float, ...]  # per input, in the order of `at`
    nonzero: tuple[int, ...]  # positions in `inputs`
    derivative: float
    along: Parts  # the derivative as partials: \frac{\partial f}{\partial x} - ...
    partial_of: str  # LaTeX of the one input seeded with 1 (others 0); "" for a direction


@dataclass(frozen=True)
class Forward:
    """Forward mode: its part label and its seeds (one tangent column each)."""

    label: str
    seeds: tuple[Seed, ...]


@dataclass(frozen=True)
class AdjointStep:
    """One step of the reverse sweep: v̄_target = [previous +] v̄_source · ∂v_source/∂v_target."""

    target: int
    source: int
    previous: float | None  # v̄_target before this step; None for its first
    source_adjoint: float
    partial: float
    value: float


@dataclass(frozen=True)
class ReverseLine:
    """A line of the reverse table: a row of the forward sweep (left, read downwards) beside
    a step of the reverse sweep (right, read upwards); either side may be empty."""

    row: TraceRow | None
    step: AdjointStep | None
    arrow: bool


@dataclass(frozen=True)
class PartialUsed:
    """∂v_source/∂v_target as its row's rule: a partial the reverse sweep uses."""

    source: int
    target: int
    latex: str


@dataclass(frozen=True)
class Reverse:
    """Reverse mode: its part label, the table's lines, the partials used, and the adjoint
    of each input (the gradient, in the order of `at`)."""

    label: str
    lines: tuple[ReverseLine, ...]
    partials: tuple[PartialUsed, ...]
    gradient: tuple[float, ...]


@dataclass(frozen=True)
class AutodiffWork:
    """What the key shows of an autodiff question."""

    function: tuple[str, ...]  # the function's formula, in pieces a line may break between
    out: str  # LaTeX of the output's name
    inputs: tuple[Input, ...]
    y: int  # the trace index of the output
    m: int  # rows v_1 .. v_m
    value: float
    rows: tuple[TraceRow, ...]
    forward: Forward | None  # None: `forward: false`
    reverse: Reverse | None  # None: no reverse table asked


def input_rows(at: dict) -> tuple[Input, ...]:
    """The inputs v_{1-n} .. v_0, in the order of `at`."""
    n = len(at)
    return tuple(Input(k - n + 1, name, var_latex(name), value)
                 for k, (name, value) in enumerate(at.items()))


def trace_rows(rows: list[ad.Row], tangents: list[dict]) -> tuple[TraceRow, ...]:
    """The rows of the tables, tangents along every seed (numbers put in for the first)."""
    return tuple(TraceRow(
        r.k, symbolic(primal_rule(r.op), r), substituted(primal_rule(r.op), r, {}), r.value,
        symbolic(tangent_rule(r), r),
        substituted(tangent_rule(r), r, tangents[0]) if tangents else [],
        tuple(t[r.k] for t in tangents), r.k == (len(rows) + 1) // 2) for r in rows)


def seed_work(vector: dict, tangent: dict, ins: tuple[Input, ...], y: int, out: str) -> Seed:
    """One seed (input name -> tangent) and the tangents it gives (trace index -> tangent)."""
    nonzero = tuple(i for i, x in enumerate(ins) if vector[x.name] != 0)
    one = len(nonzero) == 1 and vector[ins[nonzero[0]].name] == 1
    return Seed(tuple(vector[x.name] for x in ins), nonzero, tangent[y],
                _along(vector, out), ins[nonzero[0]].latex if one else "")


def _along(vector: dict, out: str) -> Parts:
    """The derivative of `out` along the seed as a sum of partials, as parts:
    \\frac{\\partial f}{\\partial x} - 2 \\, \\frac{\\partial f}{\\partial z}."""
    parts: Parts = []
    for name, c in vector.items():
        if c == 0:
            continue
        parts.append(("t", ("-" if c < 0 else "") if not parts else (" - " if c < 0 else " + ")))
        if abs(c) != 1:
            parts += [("n", abs(c)), ("t", r" \, ")]
        parts.append(("t", rf"\frac{{\partial {out}}}{{\partial {var_latex(name)}}}"))
    return parts


def reverse_work(label: str, table: tuple[TraceRow, ...], rows: list[ad.Row],
                 steps: list[ad.Step], adjoint: dict, ins: tuple[Input, ...]) -> Reverse:
    """The reverse table: the forward sweep read down beside the adjoint steps read up (the
    last step computed on top). The shorter side is padded where it reads last (below the
    rows, above the steps), so y and ȳ = 1 meet their neighbours."""
    shown = [AdjointStep(s.target, s.source, s.previous, adjoint[s.source], s.partial, s.value)
             for s in reversed(steps)]
    size = max(len(table), len(shown))
    gap = size - len(shown)
    lines = tuple(ReverseLine(table[i] if i < len(table) else None,
                              shown[i - gap] if i >= gap else None, i == (size - 1) // 2)
                  for i in range(size))
    partials: dict[tuple[int, int], PartialUsed] = {}
    for s in steps:
        row = rows[s.source - 1]
        partials.setdefault((s.source, s.target), PartialUsed(
            s.source, s.target, symbolic(partial_rule(row, s.pos), row)))
    return Reverse(label, lines, tuple(partials.values()), tuple(adjoint[x.k] for x in ins))


def forward_record(rows: list[ad.Row], ins: tuple[Input, ...], vector: dict, tangent: dict,
                   y: int) -> dict:
    """answers.json's record of one forward sweep: its seed, dy along it, the trace."""
    trace = [{"name": f"v{x.k}", "expr": x.name, "value": x.value, "tangent": tangent[x.k]}
             for x in ins]
    trace += [{"name": f"v{r.k}", "expr": plain(r.op, r.args), "value": r.value,
               "tangent": tangent[r.k]} for r in rows]
    return {"seed": vector, "derivative": tangent[y], "trace": trace}


def reverse_record(steps: list[ad.Step], adjoint: dict) -> dict:
    """answers.json's record of the reverse sweep: its steps in the order computed, and the
    adjoint of every trace variable."""
    trace = []
    for s in steps:
        term = f"vbar{s.source} * dv{s.source}/dv{s.target}"
        trace.append({"name": f"vbar{s.target}",
                      "expr": term if s.previous is None else f"vbar{s.target} + {term}",
                      "value": s.value})
    return {"trace": trace, "adjoints": {f"v{k}": a for k, a in sorted(adjoint.items())}}
