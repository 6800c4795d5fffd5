"""`autodiff`: forward (primal + tangent) and reverse (adjoint) traces of any expression."""

from __future__ import annotations

import math
import sys

from ..errors import EvaluationError, VerificationError
from ..numeric import ad, ad_latex
from ..numeric.ad_check import directional_derivative
from ..numeric.ad_subst import primal_parts, tangent_parts
from ..numeric.expr import FUNCTIONS, ExprError, parse
from ..numeric.fdiff import reliable
from ..schema import Bool, Field, Identifier, MapOf, Number, Str
from .base import Check, Solution

NAME = "autodiff"
SUMMARY = "forward and reverse mode AD traces (Baydin et al. 2018) of an expression at a point"
EPS = sys.float_info.epsilon
MAX_ROWS = 400  # operations shown in one document; the engine itself has no such limit
PER_VARIABLE = 4  # finite differences along each variable when there are at most this many
VALUE = Number(max_abs=1e6)
VARIABLE = Identifier(pattern=r"[A-Za-z][A-Za-z0-9_]*", max_len=16)
FIELDS = {
    "function": Field(Str(max_len=5000, multiline=False), required=True),
    "at": Field(MapOf(VALUE, key=VARIABLE, max_len=26), required=True),
    "forward": Field(MapOf(VALUE, key=VARIABLE, max_len=26)),  # default: 1 on the first one
    "reverse": Field(Bool(), default=False),  # the adjoint table only when asked for
}


def shown_lines(params: dict) -> int:
    """About how many lines the key shows (the spec's display budget): the trace, the forward
    table and the reverse table, each a row per input and operation."""
    try:
        nodes = parse(params["function"], list(params["at"])).nodes
        rows = sum(1 for node in nodes if node[0] != "const")  # constants stay in their row
    except ExprError:
        rows = 0  # check() reports it
    return 10 + rows * (2 + bool(params["reverse"]))


def check(params, loc, ctx) -> None:
    """Variables are not function names, the seed names variables, the function parses."""
    names = list(params["at"])
    for name in names:
        if name in FUNCTIONS:
            ctx.error(loc.key("at").key(name), f"'{name}' is a function, not a variable name",
                      at_key=True)
    for name in params["forward"] or {}:
        if name not in names:
            ctx.error(loc.key("forward").key(name), f"'{name}' is not a variable of `at` "
                      f"({', '.join(names)})", at_key=True)
    if params["forward"] and not any(params["forward"].values()):
        ctx.error(loc.key("forward"), "every tangent is 0: forward mode would only show zeros "
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


def _seed(params) -> dict:
    names = list(params["at"])
    given = params["forward"] or {names[0]: 1.0}
    return {name: float(given.get(name, 0.0)) for name in names}


def _trace(params):
    names = list(params["at"])
    graph = parse(params["function"], names)
    try:
        rows, y = ad.build(graph, names, params["at"])
    except ad.EvalError as exc:
        raise EvaluationError("function", f"at {_point(params['at'])}: {exc}") from None
    return graph, rows, y


def _point(at: dict) -> str:
    return ", ".join(f"{k} = {v:g}" for k, v in at.items())


def solve(params: dict) -> Solution:
    """The trace, forward mode on the seed, reverse mode from ȳ = 1, the gradient."""
    names = list(params["at"])
    n = len(names)
    graph, rows, y = _trace(params)
    values = {k - n + 1: float(params["at"][name]) for k, name in enumerate(names)}
    values.update({r.k: r.value for r in rows})
    seed = _seed(params)
    tangent = ad.forward(rows, {k - n + 1: seed[name] for k, name in enumerate(names)})
    adjoint, steps = ad.reverse(rows, y, n)
    gradient = {name: adjoint[k - n + 1] for k, name in enumerate(names)}
    inputs = [{"k": k - n + 1, "name": name, "latex": ad_latex.var_latex(name)}
              for k, name in enumerate(names)]
    forward = [{"name": f"v{i['k']}", "expr": i["name"], "value": values[i["k"]],
                "tangent": tangent[i["k"]]} for i in inputs]
    forward += [{"name": f"v{r.k}", "expr": ad.row_text(r, plain=True).split(" = ", 1)[1],
                 "value": r.value, "tangent": tangent[r.k]} for r in rows]
    answers = {"value": values[y], "gradient": gradient,
               "forward": {"seed": seed, "derivative": tangent[y], "trace": forward}}
    row_by_k = {r.k: r for r in rows}
    reverse_rows = [_step_row(row_by_k[src], pos, target, partial, previous, value, adjoint)
                    for target, src, pos, partial, previous, value in steps]
    if params["reverse"]:
        answers["reverse"] = {
            "trace": [{"name": f"vbar{s['target']}", "expr": s["plain"], "value": s["value"]}
                      for s in reverse_rows],
            "adjoints": {f"v{k}": a for k, a in sorted(adjoint.items())},
        }
    table_rows = [{"k": r.k, "expr": ad.row_text(r).split(" = ", 1)[1], "value": r.value,
                   "primal": primal_parts(r, values), "rule": ad_latex.tangent_rule(r),
                   "tangent_parts": tangent_parts(r, values, tangent), "tangent": tangent[r.k],
                   "arrow": r.k == (len(rows) + 1) // 2} for r in rows]
    work = {
        "function": ad_latex.function_latex(graph, names), "inputs": inputs, "y": y,
        "rows": table_rows, "values": values, "tangent": tangent, "seed": seed,
        "along": ad_latex.directional_parts(seed),
        "partial_of": _partial_of(seed, inputs),
        "partials": list({(s["source"], s["target"]): {"source": s["source"],
                          "target": s["target"], "latex": s["partial_latex"]}
                          for s in reverse_rows}.values()),
        "adjoint": adjoint,
        "reverse_table": _side_by_side(table_rows, list(reversed(reverse_rows))),
        "n": n, "m": len(rows),
    }
    return Solution(answers, work)


def _partial_of(seed: dict, inputs: list[dict]) -> str:
    """The variable whose partial derivative the forward sweep computes (LaTeX): the one
    seeded with tangent 1 when all others are 0; "" for any other direction."""
    seeded = [i for i in inputs if seed[i["name"]] != 0]
    return seeded[0]["latex"] if len(seeded) == 1 and seed[seeded[0]["name"]] == 1 else ""


def _side_by_side(primal: list, adjoint: list) -> list[dict]:
    """Body lines of the reverse table: the primal rows read down on the left, the adjoint
    steps read up on the right. The shorter side is padded where it reads last (below the
    primal rows, above the adjoint steps), so y and ȳ = 1 meet their neighbours."""
    size = max(len(primal), len(adjoint))
    gap = size - len(adjoint)
    return [{"left": primal[i] if i < len(primal) else None,
             "right": adjoint[i - gap] if i >= gap else None,
             "arrow": i == (size - 1) // 2} for i in range(size)]


def _step_row(row, pos, target, partial, previous, value, adjoint) -> dict:
    """One adjoint step for the reverse table (LaTeX) and answers.json (plain text)."""
    incremental = previous is not None
    bar = rf"\bar v_{{{target}}}"
    term = rf"\bar v_{{{row.k}}} \, \frac{{\partial v_{{{row.k}}}}}{{\partial v_{{{target}}}}}"
    plain = f"vbar{row.k} * dv{row.k}/dv{target}"
    return {"target": target, "source": row.k, "value": value, "partial": partial,
            "incremental": incremental, "source_adjoint": adjoint[row.k],
            "previous": previous,
            "latex": f"{bar} + {term}" if incremental else term,
            "partial_latex": ad_latex.partial_latex(row, pos),
            "plain": f"vbar{target} + {plain}" if incremental else plain}


def verify(params: dict, solution: Solution) -> list[Check]:
    """Forward = reverse on the seed direction; both = Ridders' finite differences."""
    a = solution.answers
    names = list(params["at"])
    seed, gradient, forward = a["forward"]["seed"], a["gradient"], a["forward"]["derivative"]
    along = math.fsum(gradient[k] * seed[k] for k in names)
    graph, rows, y = _trace(params)
    # Both sweeps sum the same products partial x tangent (adjoint) along the paths of the
    # graph in different orders; each product and sum adds at most ~(rows + 1) eps of the
    # sum of |products|, which the magnitude sweep computes. Beyond that bound is a bug.
    n = len(names)
    size = ad.forward(rows, {k - n + 1: seed[x] for k, x in enumerate(names)}, True)[y]
    bound = 4 * EPS * (len(rows) + 1) * size
    if abs(forward - along) > bound:
        raise VerificationError(f"forward mode gives {forward!r}, reverse mode · seed gives "
                                f"{along!r} (rounding allows {bound:.1e})")
    checks = [Check("forward and reverse mode", r"$\dot y$ (forward) $= \nabla y \cdot "
                    r"\dot x$ (reverse)", f"difference {abs(forward - along):.1e} "
                    f"(rounding bound {bound:.1e})")]
    # The rounding error of y itself: each row v_k is off by about eps |v_k|, which reaches y
    # multiplied by its adjoint (first-order error analysis of the trace). Rows of constants
    # have no adjoint: they round the same way at every point, which is no noise.
    work, at = solution.work, {x: float(v) for x, v in params["at"].items()}
    noise = 4 * EPS * math.fsum(abs(work["adjoint"].get(k, 0.0) * v)
                                for k, v in work["values"].items())
    directions = [("the seed", seed, forward)]
    if n <= PER_VARIABLE:
        directions += [(x, {j: float(j == x) for j in names}, gradient[x]) for x in names]
    else:  # one direction mixing every variable checks the whole gradient at once
        mix = {x: (-1) ** k * (1 + k / n) for k, x in enumerate(names)}
        directions.append(("a mixed direction", mix, math.fsum(gradient[x] * mix[x]
                                                                for x in names)))
    worst, checked, skipped = 0.0, 0, []
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
            raise VerificationError(f"∂y along {label}: AD gives {exact!r}, finite differences "
                                    f"give {estimate!r} ± {error:.1e}")
        worst, checked = max(worst, gap / (1 + abs(exact))), checked + 1
    if checked:
        note = f"; not checkable along {', '.join(skipped)}" if skipped else ""
        checks.append(Check(f"{checked} directional derivatives", "forward/reverse = finite "
                            "differences (Ridders' extrapolation)", f"largest relative gap "
                            f"{worst:.1e}{note}"))
    return checks


def part_labels(params: dict) -> list[str]:
    """(a) forward mode (unless `forward: false`), then (b) reverse mode (when `reverse`)."""
    from .base import lettered

    count = (params.get("forward") is not False) + bool(params.get("reverse"))
    return lettered(count) if count > 1 else [""]
