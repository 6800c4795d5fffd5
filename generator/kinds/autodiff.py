"""`autodiff`: forward (primal + tangent) and reverse (adjoint) traces of any expression."""

from __future__ import annotations

import math
import sys

from ..errors import EvaluationError, VerificationError
from ..numeric import ad
from ..numeric.ad_check import directional_derivative
from ..numeric.expr import FUNCTIONS, ExprError, parse
from ..numeric.fdiff import reliable
from .ad_formula import function_pieces
from .ad_notation import var_latex
from .ad_rules import plain
from .autodiff_fields import FIELDS as FIELDS  # the kind's spec keys, defined there
from .autodiff_fields import output_name, seed_list, seed_vectors
from .autodiff_work import (
    AutodiffWork,
    Forward,
    forward_record,
    input_rows,
    reverse_record,
    reverse_work,
    seed_work,
    trace_rows,
)
from .base import Check, Solution, lettered

NAME = "autodiff"
SUMMARY = "forward and reverse mode AD traces (Baydin et al. 2018) of an expression at a point"
EPS = sys.float_info.epsilon
MAX_ROWS = 400  # operations shown in one document; the engine itself has no such limit
PER_VARIABLE = 4  # finite differences along each variable when there are at most this many


def shown_lines(params: dict) -> int:
    """About how many lines the key shows (the spec's display budget): the trace, the forward
    table and the reverse table, each a row per input and operation."""
    try:
        nodes = parse(params["function"], list(params["at"])).nodes
        rows = sum(1 for node in nodes if node[0] != "const")  # constants stay in their row
    except ExprError:
        rows = 0  # check() reports it
    tables = (params["forward"] is not False) + bool(params["reverse"])
    return 10 + rows * (1 + tables)


def check(params, loc, ctx) -> None:
    """Names of inputs, output and seeds; some table to show; the function's names."""
    names = list(params["at"])
    for name in names:
        if name in FUNCTIONS:
            ctx.error(loc.key("at").key(name), f"'{name}' is a function, not a variable name",
                      at_key=True)
    out = params["output"]
    if out is not None and (out in names or out in FUNCTIONS):
        what = "an input's name" if out in names else "a function's name"
        ctx.error(loc.key("output"), f"'{out}' is {what}; the output needs a name of its own")
    if params["forward"] is False and not params["reverse"]:
        ctx.error(loc.key("forward"), "false leaves no table to show: give a seed, or ask for "
                  "the reverse table too (reverse: true)")
    for seed, where in seed_list(params):
        at = loc.key("forward")
        for i in where or ():
            at = at.index(i)
        for name in seed:
            if name not in names:
                ctx.error(at.key(name), f"'{name}' is not a variable of `at` "
                          f"({', '.join(names)})", at_key=True)
        if where is not None and not any(seed.values()):
            ctx.error(at, "every tangent is 0: forward mode would only show zeros "
                      "(give at least one variable a nonzero tangent)")
    try:
        graph = parse(params["function"], names)
    except ExprError as exc:
        ctx.error(loc.key("function"), str(exc))
        return
    rows = sum(1 for node in graph.nodes if node[0] not in ("var", "const"))
    if rows > MAX_ROWS:
        ctx.error(loc.key("function"), f"has {rows} operations; a question may show at most "
                  f"{MAX_ROWS}")


def _trace(params):
    names = list(params["at"])
    graph = parse(params["function"], names)
    try:
        rows, y = ad.build(graph, names, params["at"])
    except ad.EvalError as exc:
        raise EvaluationError("function", f"at {_point(params['at'])}: {_blame(exc)}") from None
    return graph, rows, y


def _blame(exc: ad.EvalError) -> str:
    """'row v3 = log(v2): log of zero (v2 = 0)', or the reason alone when no row is to blame."""
    if exc.k is None:
        return str(exc)
    arg = exc.operands[exc.operand]
    shown = f"v{arg.k} = {arg.value:.6g}" if arg.k is not None else f"{arg.value:.6g}"
    return f"row v{exc.k} = {plain(exc.op, exc.operands)}: {exc} ({shown})"


def _point(at: dict) -> str:
    return ", ".join(f"{k} = {v:g}" for k, v in at.items())


def solve(params: dict) -> Solution:
    """The trace, forward mode on each seed, reverse mode from ȳ = 1, the gradient."""
    n = len(params["at"])
    graph, rows, y = _trace(params)
    inputs = input_rows(params["at"])
    value = ad.output_value(rows, y, [x.value for x in inputs])
    vectors = seed_vectors(params)
    tangents = [ad.forward(rows, {x.k: v[x.name] for x in inputs}) for v in vectors]
    adjoint, steps = ad.reverse(rows, y, n)
    out = output_name(params)
    answers = {"output": out, "value": value,
               "gradient": {x.name: adjoint[x.k] for x in inputs}}
    if vectors:
        forwards = [forward_record(rows, inputs, v, t, y) for v, t in zip(vectors, tangents)]
        answers["forward"], answers["forwards"] = forwards[0], forwards
    if params["reverse"]:
        answers["reverse"] = reverse_record(steps, adjoint)
    labels = part_labels(params)
    out_latex = var_latex(out)
    table = trace_rows(rows, tangents)
    forward = Forward(labels[0], tuple(seed_work(v, t, inputs, y, out_latex)
                                       for v, t in zip(vectors, tangents))) if vectors else None
    reverse = (reverse_work(labels[-1], table, rows, steps, adjoint, inputs)
               if params["reverse"] else None)
    work = AutodiffWork(tuple(function_pieces(graph)), out_latex, inputs, y, len(rows), value,
                        table, forward, reverse)
    return Solution(answers, work)


def verify(params: dict, solution: Solution) -> list[Check]:
    """Forward = reverse along every seed; both = Ridders' finite differences."""
    a = solution.answers
    names = list(params["at"])
    gradient, out = a["gradient"], solution.work.out
    graph, rows, y = _trace(params)
    n = len(names)

    def vector(seed: dict) -> dict:
        return {k - n + 1: seed[x] for k, x in enumerate(names)}

    sweeps = [(f["seed"], f["derivative"]) for f in a.get("forwards", [])]
    if not sweeps:  # no forward table: forward mode along the first variable, swept here
        first = {x: float(k == 0) for k, x in enumerate(names)}
        sweeps = [(first, ad.forward(rows, vector(first))[y])]
    worst = (0.0, 0.0)  # (difference, bound) of the seed closest to its bound
    for seed, forward in sweeps:
        along = math.fsum(gradient[k] * seed[k] for k in names)
        # Both sweeps sum the same products partial x tangent (adjoint) along the paths of
        # the graph in different orders; each product and sum adds at most ~(rows + 1) eps
        # of the sum of |products|, which the magnitude sweep computes. Beyond it is a bug.
        bound = 4 * EPS * (len(rows) + 1) * ad.forward(rows, vector(seed), True)[y]
        if abs(forward - along) > bound:
            raise VerificationError(f"forward mode gives {forward!r}, reverse mode · seed "
                                    f"gives {along!r} (rounding allows {bound:.1e})")
        if abs(forward - along) * worst[1] >= worst[0] * bound:
            worst = (abs(forward - along), bound)
    many = f"{len(sweeps)} seeds, the closest: " if len(sweeps) > 1 else ""
    checks = [Check("forward and reverse mode", rf"$\dot {out}$ (forward) $= \nabla {out} "
                    r"\cdot \dot x$ (reverse)", f"{many}difference {worst[0]:.1e} "
                    f"(rounding bound {worst[1]:.1e})")]
    # The rounding error of y itself: each row v_k is off by about eps |v_k|, which reaches y
    # multiplied by its adjoint (first-order error analysis of the trace). Rows of constants
    # have no adjoint: they round the same way at every point, which is no noise.
    at = {x: float(v) for x, v in params["at"].items()}
    adjoint, _ = ad.reverse(rows, y, n)
    values = {k - n + 1: v for k, v in enumerate(at.values())}
    values.update((r.k, r.value) for r in rows)
    noise = 4 * EPS * math.fsum(abs(adjoint.get(k, 0.0) * v) for k, v in values.items())
    directions = [(f"seed {k + 1}" if len(sweeps) > 1 else "the seed", seed, forward)
                  for k, (seed, forward) in enumerate(sweeps[:len(a.get("forwards", []))])]
    if n <= PER_VARIABLE:
        directions += [(x, {j: float(j == x) for j in names}, gradient[x]) for x in names]
    else:  # one direction mixing every variable checks the whole gradient at once
        mix = {x: (-1) ** k * (1 + k / n) for k, x in enumerate(names)}
        directions.append(("a mixed direction", mix, math.fsum(gradient[x] * mix[x]
                                                                for x in names)))
    largest, checked, skipped = 0.0, 0, []
    for label, direction, exact in directions:
        result = directional_derivative(graph, at, direction, noise)
        if result is None or not reliable(*result):
            skipped.append(label)  # no step gives a reliable difference quotient here
            continue
        estimate, error = result
        gap = abs(estimate - exact)
        # Ridders' error estimate is the spread of its best entries, an order of magnitude
        # at most; the 1e-9 relative floor covers AD's own rounding in long traces.
        if gap > 10 * error + 1e-9 * (1 + abs(exact)):
            raise VerificationError(f"∂{a['output']} along {label}: AD gives {exact!r}, "
                                    f"finite differences give {estimate!r} ± {error:.1e}")
        largest, checked = max(largest, gap / (1 + abs(exact))), checked + 1
    if checked:
        note = f"; not checkable along {', '.join(skipped)}" if skipped else ""
        checks.append(Check(f"{checked} directional derivatives", "forward/reverse = finite "
                            "differences (Ridders' extrapolation)", f"largest relative gap "
                            f"{largest:.1e}{note}"))
    return checks


def part_labels(params: dict) -> list[str]:
    """(a) forward mode (unless `forward: false`), then (b) reverse mode (when `reverse`)."""
    count = (params.get("forward") is not False) + bool(params.get("reverse"))
    return lettered(count) if count > 1 else [""]
