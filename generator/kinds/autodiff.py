"""`autodiff`: forward (primal + tangent) and reverse (adjoint) traces of any expression."""

from __future__ import annotations

import math
import sys

from ..errors import EvaluationError, VerificationError
from ..numeric import ad
from ..numeric.ad_latex import function_latex, partial_latex, tangent_rule, var_latex
from ..numeric.expr import FUNCTIONS, ExprError, parse
from ..schema import Bool, Field, Identifier, MapOf, Number, Str
from .base import Check, Solution

NAME = "autodiff"
SUMMARY = "forward and reverse mode AD traces (Baydin et al. 2018) of an expression at a point"
MAX_ROWS = 400  # operations shown in one document; the engine itself has no such limit
VALUE = Number(max_abs=1e6)
VARIABLE = Identifier(pattern=r"[A-Za-z][A-Za-z0-9_]*", max_len=16)
FIELDS = {
    "function": Field(Str(max_len=5000, multiline=False), required=True),
    "at": Field(MapOf(VALUE, key=VARIABLE, max_len=26), required=True),
    "forward": Field(MapOf(VALUE, key=VARIABLE, max_len=26)),  # default: 1 on the first one
    "reverse": Field(Bool(), default=False),
}


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


def _trace(params, point=None):
    names = list(params["at"])
    graph = parse(params["function"], names)
    try:
        rows, y = ad.build(graph, names, point or params["at"])
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
    inputs = [{"k": k - n + 1, "name": name, "latex": var_latex(name)}
              for k, name in enumerate(names)]
    forward = [{"name": f"v{i['k']}", "expr": i["name"], "value": values[i["k"]],
                "tangent": tangent[i["k"]]} for i in inputs]
    forward += [{"name": f"v{r.k}", "expr": ad.row_text(r, plain=True).split(" = ", 1)[1],
                 "value": r.value, "tangent": tangent[r.k]} for r in rows]
    answers = {"value": values[y], "gradient": gradient,
               "forward": {"seed": seed, "derivative": tangent[y], "trace": forward}}
    row_by_k = {r.k: r for r in rows}
    reverse_rows = [_step_row(row_by_k[src], pos, target, partial, value, inc, adjoint)
                    for target, src, pos, partial, value, inc in steps]
    if params["reverse"]:
        answers["reverse"] = {
            "trace": [{"name": f"vbar{s['target']}", "expr": s["plain"], "value": s["value"]}
                      for s in reverse_rows],
            "adjoints": {f"v{k}": a for k, a in sorted(adjoint.items())},
        }
    work = {
        "function": function_latex(graph, names), "inputs": inputs, "y": y,
        "rows": [{"k": r.k, "expr": ad.row_text(r).split(" = ", 1)[1], "value": r.value,
                  "rule": tangent_rule(r), "tangent": tangent[r.k]} for r in rows],
        "values": values, "tangent": tangent, "seed": seed,
        "seeded": [name for name in names if seed[name] != 0],
        "seeded_latex": next(i["latex"] for i in inputs if seed[i["name"]] != 0)
        if any(seed.values()) else "",
        "partials": list({(s["source"], s["target"]): {"source": s["source"],
                          "target": s["target"], "latex": s["partial_latex"]}
                          for s in reverse_rows}.values()),
        "reverse_rows": list(reversed(reverse_rows)), "adjoint": adjoint,
        "n": n, "m": len(rows),
    }
    return Solution(answers, work)


def _step_row(row, pos, target, partial, value, incremental, adjoint) -> dict:
    """One adjoint step for the reverse table (LaTeX) and answers.json (plain text)."""
    bar = rf"\bar v_{{{target}}}"
    term = rf"\bar v_{{{row.k}}} \, \frac{{\partial v_{{{row.k}}}}}{{\partial v_{{{target}}}}}"
    plain = f"vbar{row.k} * dv{row.k}/dv{target}"
    return {"target": target, "source": row.k, "value": value, "partial": partial,
            "incremental": incremental, "source_adjoint": adjoint[row.k],
            "previous": value - adjoint[row.k] * partial,
            "latex": f"{bar} + {term}" if incremental else term,
            "partial_latex": partial_latex(row, pos),
            "plain": f"vbar{target} + {plain}" if incremental else plain}


def _evaluate(params, point) -> float:
    _, rows, y = _trace(params, point)
    names = list(params["at"])
    return rows[y - 1].value if y > 0 else float(point[names[y + len(names) - 1]])


def verify(params: dict, solution: Solution) -> list[Check]:
    """Forward = reverse on the seed direction; both = a central finite difference."""
    a = solution.answers
    seed, gradient = a["forward"]["seed"], a["gradient"]
    along = math.fsum(gradient[k] * seed[k] for k in seed)
    forward = a["forward"]["derivative"]
    scale = 1 + abs(forward) + abs(along)
    if abs(forward - along) > 1e-12 * scale * max(1, solution.work["m"]):
        raise VerificationError(f"forward mode gives {forward!r}, reverse mode · seed gives "
                                f"{along!r}")
    # Central difference with h = eps^(1/3) * scale: truncation error ~ h²|f'''|/6 and
    # rounding error ~ eps|f|/h are then both about 1e-11 relative; 1e-6 leaves ample room.
    at = {k: float(v) for k, v in params["at"].items()}
    size = max([1.0] + [abs(v) for v in at.values()])
    h = sys.float_info.epsilon ** (1 / 3) * size
    worst, checked = 0.0, 0
    for name, direction in [("seed", seed)] + [(k, {j: float(j == k) for j in at}) for k in at]:
        exact = forward if name == "seed" else gradient[name]
        try:
            up = _evaluate(params, {k: at[k] + h * direction[k] for k in at})
            down = _evaluate(params, {k: at[k] - h * direction[k] for k in at})
        except EvaluationError:
            continue  # too close to the edge of the domain for a finite difference
        estimate = (up - down) / (2 * h)
        gap = abs(estimate - exact) / (1 + abs(exact) + abs(a["value"]))
        if gap > 1e-6:
            raise VerificationError(f"∂y along {name}: AD gives {exact!r}, a central "
                                    f"difference gives {estimate!r}")
        worst, checked = max(worst, gap), checked + 1
    checks = [Check("forward and reverse mode", r"$\dot y$ (forward) $= \nabla y \cdot "
                    r"\dot x$ (reverse)", f"difference {abs(forward - along):.1e}")]
    if checked:
        checks.append(Check(f"{checked} directional derivatives", "forward/reverse = central "
                            f"finite difference ($h = {h:.1e}$)", f"largest relative gap "
                            f"{worst:.1e}"))
    return checks
