"""The lines of the forward and reverse tables the autodiff templates print, and their JSON."""

from __future__ import annotations

from . import ad, ad_latex
from .ad_subst import primal_parts, tangent_parts


def forward_rows(rows: list[ad.Row], values: dict, tangents: list[dict]) -> list[dict]:
    """One line per operation: the row, its value, its tangent rule, one tangent per seed
    (the numbers substituted into the rule only for the first seed: the one-seed table)."""
    return [{"k": r.k, "expr": ad.row_text(r).split(" = ", 1)[1], "value": r.value,
             "primal": primal_parts(r, values), "rule": ad_latex.tangent_rule(r),
             "tangent_parts": tangent_parts(r, values, tangents[0]) if tangents else [],
             "tangents": [t[r.k] for t in tangents],
             "arrow": r.k == (len(rows) + 1) // 2} for r in rows]


def forward_json(rows: list[ad.Row], inputs: list[dict], values: dict, seed: dict,
                 tangent: dict, y: int) -> dict:
    """answers.json's record of one forward sweep: its seed, dy along it, the trace."""
    trace = [{"name": f"v{i['k']}", "expr": i["name"], "value": values[i["k"]],
              "tangent": tangent[i["k"]]} for i in inputs]
    trace += [{"name": f"v{r.k}", "expr": ad.row_text(r, plain=True).split(" = ", 1)[1],
               "value": r.value, "tangent": tangent[r.k]} for r in rows]
    return {"seed": seed, "derivative": tangent[y], "trace": trace}


def partial_of(seed: dict, inputs: list[dict]) -> str:
    """The variable whose partial derivative a forward sweep computes (LaTeX): the one
    seeded with tangent 1 when all others are 0; "" for any other direction."""
    seeded = [i for i in inputs if seed[i["name"]] != 0]
    return seeded[0]["latex"] if len(seeded) == 1 and seed[seeded[0]["name"]] == 1 else ""


def side_by_side(primal: list, adjoint: list) -> list[dict]:
    """Body lines of the reverse table: the primal rows read down on the left, the adjoint
    steps read up on the right. The shorter side is padded where it reads last (below the
    primal rows, above the adjoint steps), so y and ȳ = 1 meet their neighbours."""
    size = max(len(primal), len(adjoint))
    gap = size - len(adjoint)
    return [{"left": primal[i] if i < len(primal) else None,
             "right": adjoint[i - gap] if i >= gap else None,
             "arrow": i == (size - 1) // 2} for i in range(size)]


def step_row(row: ad.Row, pos: int, target: int, partial: float, previous, value: float,
             adjoint: dict) -> dict:
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
