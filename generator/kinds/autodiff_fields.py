"""autodiff's own spec fields: the function's grammar, the forward seeds, the output's name."""

from __future__ import annotations

from dataclasses import dataclass

from ..numeric.ad_ops import FUNCTIONS
from ..numeric.expr import ExprError, parse
from ..schema import INVALID, Bool, Field, Identifier, ListOf, MapOf, Number, Str, Validator

MAX_SEEDS = 4  # tangent columns that fit beside the evaluation trace on a page
OUTPUT_NAMES = ("f", "g", "h", "F", "G", "H")  # the output's name: the first not an input
VALUE = Number(max_abs=1e6)
VARIABLE = Identifier(pattern=r"[A-Za-z][A-Za-z0-9_]*", max_len=16)
SEED = MapOf(VALUE, key=VARIABLE, max_len=26)


@dataclass
class Function(Str):
    """The function's text, its grammar checked here and its names against `at` in `check`,
    so that a problem in another field of the question does not hide it."""

    def check(self, value, loc, ctx):
        text = super().check(value, loc, ctx)
        if text is not INVALID:
            try:
                parse(text, None)
            except ExprError as exc:
                return ctx.error(loc, str(exc))
        return text


@dataclass
class Seeds(Validator):
    """`forward`: false (no forward table), one seed {variable: tangent}, or a list of seeds."""

    expects = "false, a seed {variable: tangent} or a list of seeds"
    LIST = ListOf(SEED, max_len=MAX_SEEDS)

    def check(self, value, loc, ctx):
        if value is False:
            return False
        if isinstance(value, dict):
            return SEED(value, loc, ctx)
        if isinstance(value, list):
            return self.LIST(value, loc, ctx)
        return self.wrong_type(value, loc, ctx)

    def json_schema(self, sub) -> dict:
        return {"anyOf": [{"const": False}, SEED.json_schema(sub), self.LIST.json_schema(sub)]}


FIELDS = {
    "function": Field(Function(max_len=5000, multiline=False), required=True,
                      doc="the expression: + − * / ^, numbers, the variables of `at` and "
                          + " ".join(FUNCTIONS)),
    "at": Field(MapOf(VALUE, key=VARIABLE, max_len=26), required=True,
                doc="the point: a value for every variable of the function, in trace order"),
    "output": Field(VARIABLE, doc=f"the output's name (default: the first of "
                                  f"{', '.join(OUTPUT_NAMES)} that is not an input)"),
    "forward": Field(Seeds(), doc=f"the tangent seed {{variable: tangent}}, a list of up to "
                                  f"{MAX_SEEDS} seeds, or false for no forward table (default: "
                                  "1 on the first variable)"),
    "reverse": Field(Bool(), default=False, doc="true: the reverse (adjoint) table too"),
}


def output_name(params: dict) -> str:
    """The output's name: `output`, else the first of OUTPUT_NAMES no input is called,
    else f_1, f_2, ..."""
    taken = set(params["at"])
    given = params.get("output")
    return given or next(name for name in (*OUTPUT_NAMES, *(f"f_{k}" for k in range(1, 28)))
                         if name not in taken)


def seed_list(params) -> list[tuple[dict, object]]:
    """(seed as given, its location key path) for every seed; [] for `forward: false`."""
    forward = params["forward"]
    if forward is False:
        return []
    if forward is None:
        return [({}, None)]
    return [(forward, ())] if isinstance(forward, dict) else \
        [(seed, (i,)) for i, seed in enumerate(forward)]


def seed_vectors(params) -> list[dict]:
    """Every seed as a full tangent vector (1 on the first variable when none is given)."""
    names = list(params["at"])
    return [{name: float((seed or {names[0]: 1.0}).get(name, 0.0)) for name in names}
            for seed, _ in seed_list(params)]
