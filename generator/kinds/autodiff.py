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
from .ad_notation import partial_rule, primal_rule, tangent_rule, var_latex
from .ad_rules import plain, substituted, symbolic
from .autodiff_fields import FIELDS as FIELDS  # the kind's spec keys, defined there
from .autodiff_fields import output_name, seed_list, seed_vectors
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


def _forward_rows(rows: list[ad.Row], tangents: list[dict]) -> list[dict]:
    return [{"k": r.k, "expr": symbolic(primal_rule(r.op), r), "value": r.value,
             "primal": substituted(primal_rule(r.op), r, {}),
             "rule": symbolic(tangent_rule(r), r),
             "tangent_parts": substituted(tangent_rule(r), r, tangents[0]) if tangents else [],
             "tangents": [t[r.k] for t in tangents],
             "arrow": r.k == (len(rows) + 1) // 2} for r in rows]


def _forward_json(rows, inputs, values, seed, tangent, y) -> dict:
    trace = [{"name": f"v{i['k']}", "expr": i["name"], "value": values[i["k"]],
              "tangent": tangent[i["k"]]} for i in inputs]
    trace += [{"name": f"v{r.k}", "expr": plain(r.op, r.args), "value": r.value,
               "tangent": tangent[r.k]} for r in rows]
    return {"seed": seed, "derivative": tangent[y], "trace": trace}


def _partial_of(seed: dict, inputs: list[dict]) -> str:
    seeded = [i for i in inputs if seed[i["name"]] != 0]
    return seeded[0]["latex"] if len(seeded) == 1 and seed[seeded[0]["name"]] == 1 else ""


def _along(seed: dict, out: str) -> list:
    parts: list = []
    for name, c in seed.items():
        if c == 0:
            continue
        parts.append(("t", ("-" if c < 0 else "") if not parts else (" - " if c < 0 else " + ")))
        if abs(c) != 1:
            parts += [("n", abs(c)), ("t", r" \, ")]
        parts.append(("t", rf"\frac{{\partial {out}}}{{\partial {var_latex(name)}}}"))
    return parts


def _side_by_side(primal: list, adjoint: list) -> list[dict]:
    size = max(len(primal), len(adjoint))
    gap = size - len(adjoint)
    return [{"left": primal[i] if i < len(primal) else None,
             "right": adjoint[i - gap] if i >= gap else None,
             "arrow": i == (size - 1) // 2} for i in range(size)]


def _step_row(row: ad.Row, s: ad.Step, adjoint: dict) -> dict:
    incremental = s.previous is not None
    bar = rf"\bar v_{{{s.target}}}"
    term = rf"\bar v_{{{row.k}}} \, \frac{{\partial v_{{{row.k}}}}}{{\partial v_{{{s.target}}}}}"
    text = f"vbar{row.k} * dv{row.k}/dv{s.target}"
    return {"target": s.target, "source": row.k, "value": s.value, "partial": s.partial,
            "incremental": incremental, "source_adjoint": adjoint[row.k],
            "previous": s.previous, "latex": f"{bar} + {term}" if incremental else term,
            "partial_latex": symbolic(partial_rule(row, s.pos), row),
            "plain": f"vbar{s.target} + {text}" if incremental else text}


def solve(params: dict) -> Solution:
    """The trace, forward mode on each seed, reverse mode from ȳ = 1, the gradient."""
    names = list(params["at"])
    n = len(names)
    graph, rows, y = _trace(params)
    values = {k - n + 1: params["at"][name] for k, name in enumerate(names)}  # as given
    values.update({r.k: r.value for r in rows})
    seeds = seed_vectors(params)
    tangents = [ad.forward(rows, {k - n + 1: s[name] for k, name in enumerate(names)})
                for s in seeds]
    adjoint, steps = ad.reverse(rows, y, n)
    gradient = {name: adjoint[k - n + 1] for k, name in enumerate(names)}
    inputs = [{"k": k - n + 1, "name": name, "latex": var_latex(name)}
              for k, name in enumerate(names)]
    out = output_name(params)
    answers = {"output": out, "value": values[y], "gradient": gradient}
    if seeds:
        forwards = [_forward_json(rows, inputs, values, s, t, y) for s, t in zip(seeds, tangents)]
        answers["forward"], answers["forwards"] = forwards[0], forwards
    reverse_rows = [_step_row(rows[s.source - 1], s, adjoint) for s in steps]
    if params["reverse"]:
        answers["reverse"] = {
            "trace": [{"name": f"vbar{s['target']}", "expr": s["plain"], "value": s["value"]}
                      for s in reverse_rows],
            "adjoints": {f"v{k}": a for k, a in sorted(adjoint.items())},
        }
    table_rows = _forward_rows(rows, tangents)
    out_latex = var_latex(out)
    labels = part_labels(params)
    work = {
        "function": function_pieces(graph), "inputs": inputs, "y": y,
        "out": out_latex, "rows": table_rows, "values": values,
        "seeds": [{"seed": s, "tangent": t, "derivative": t[y], "along": _along(s, out_latex),
                   "partial_of": _partial_of(s, inputs)}
                  for s, t in zip(seeds, tangents)],
        "forward_label": labels[0] if seeds else "",
        "reverse_label": labels[-1] if params["reverse"] else "",
        "partials": list({(s["source"], s["target"]): {"source": s["source"],
                          "target": s["target"], "latex": s["partial_latex"]}
                          for s in reverse_rows}.values()),
        "adjoint": adjoint,
        "reverse_table": _side_by_side(table_rows, list(reversed(reverse_rows))),
        "n": n, "m": len(rows),
    }
    return Solution(answers, work)


def verify(params: dict, solution: Solution) -> list[Check]:
    """Forward = reverse along every seed; both = Ridders' finite differences."""
    a = solution.answers
    names = list(params["at"])
    gradient, out = a["gradient"], solution.work["out"]
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
    work, at = solution.work, {x: float(v) for x, v in params["at"].items()}
    noise = 4 * EPS * math.fsum(abs(work["adjoint"].get(k, 0.0) * v)
                                for k, v in work["values"].items())
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
