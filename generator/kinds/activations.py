"""`activations`: ReLU, its derivative the Heaviside step H, and sigmoids σ(kx) approaching H."""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import partial

import numpy as np

from ..errors import VerificationError
from ..numbers import MathText
from ..numeric.stable import sigmoid
from ..schema import Choice, Field, ListOf, Number, Tuple, Vector
from .base import Check, Figure, Solution, lettered

NAME = "activations"
SUMMARY = ("ReLU's derivative from the limit definition, ReLU through the Heaviside step, and "
           "the sigmoid σ(kx) approaching the step (largest gap beyond δ, plot)")
PARTS = ("derivative", "definitions", "sigmoid")  # asked in this order
ANSWER_KEYS = {"derivative": ("derivative",), "definitions": ("definitions",),
               "sigmoid": ("sigmoid_gap", "sigmoid_at_zero")}  # heaviside_at_zero: always
FIELDS = {
    "parts": Field(ListOf(Choice(PARTS), unique=True), default=list(PARTS),
                   doc="the parts asked, (a), (b), ... in this order: derivative (ReLU's "
                       "derivative is H), definitions (g through H), sigmoid (σ(kx) → H, "
                       "its gaps and the plot)"),
    "sigmoid_k": Field(Vector(item=Number(gt=0, max=1e6), max_len=8), default=[1, 5, 50],
                       doc="the steepnesses k of the sigmoids σ(kx)"),
    "delta": Field(Number(gt=0, max=1e3), default=0.1,
                   doc="the gap |σ(kx) − H(x)| is measured over |x| ≥ delta"),
    "x_range": Field(Tuple((("lo", Number(max_abs=1e3)), ("hi", Number(max_abs=1e3)))),
                     default=[-3, 3], doc="the plotted interval [lo, hi]"),
}
ROMAN = ("(i)", "(ii)", "(iii)", "(iv)")  # the definitions' labels, apart from the parts'
GRID_POINTS = 1200  # intervals of the grid the alternative definitions are checked on

# Alternative definitions of g through H: key, formula, its value at x = 0 and why.
DEFINITIONS = (
    ("xH", r"x\,H(x)", r"0 \cdot H(0) = 0 \cdot \tfrac{1}{2} = 0"),
    ("x1mH", r"x\,\bigl(1 - H(-x)\bigr)",
     r"0 \cdot \bigl(1 - H(0)\bigr) = 0 \cdot \tfrac{1}{2} = 0"),
    ("integral", r"\int_{-\infty}^{x} H(t)\,dt",
     r"\int_{-\infty}^{0} H(t)\,dt = 0 \text{ (the single point } t = 0 \text{ has no width)}"),
    ("sgn", r"\tfrac{1}{2}\bigl(x + x\,(2H(x) - 1)\bigr)",
     r"\tfrac{1}{2}\bigl(0 + 0 \cdot (2 \cdot \tfrac{1}{2} - 1)\bigr) = 0"),
)


@dataclass(frozen=True)
class Quotient:
    """(g(±ε) − g(0))/±ε for one ε: the difference quotients at 0 from each side."""

    eps: float
    right: float
    left: float


@dataclass(frozen=True)
class Definition:
    """One definition of g through H: its label, formula, its value at 0 and why, and how far
    it is from max(0, x) on the check grid."""

    key: str
    label: str
    formula: MathText
    at_zero: MathText
    max_abs_error: float
    value_at_zero: float


@dataclass(frozen=True)
class Sample:
    """One row of the definitions' table: x, H(x), max(0, x) and each definition at x."""

    x: float
    heaviside: float
    relu: float
    values: list  # one per Definition, in order


@dataclass(frozen=True)
class Gap:
    """σ(kx) against H for one k: kδ, e^(kδ) (None when it overflows, the gap then shown
    without it), the gap 1/(1 + e^(kδ)) and σ(0)."""

    k: float
    k_delta: float
    exp_k_delta: float | None
    gap: float
    at_zero: float


@dataclass(frozen=True)
class ActivationsWork:
    """What the key shows: the parts asked with their labels, the quotients at 0, the
    definitions with their table and check grid, and the sigmoid gaps."""

    labels: dict  # part name -> its label, "(a)", ..., for the parts asked
    quotients: list  # of Quotient
    definitions: list  # of Definition
    samples: list  # of Sample
    grid_points: int
    grid_lo: float
    grid_hi: float
    gaps: list  # of Gap


def shown_lines(params: dict) -> int:
    """About how many lines the key shows (the spec's display budget): one gap per k."""
    return 60 + 4 * len(params["sigmoid_k"])


def check(params, loc, ctx) -> None:
    """x_range must be an interval: lo < hi."""
    lo, hi = params["x_range"]
    if lo >= hi:
        ctx.error(loc.key("x_range"), f"needs lo < hi, got [{lo:g}, {hi:g}]")


def heaviside(x):
    """H(x): 1 for x > 0, 1/2 at 0, 0 for x < 0 (elementwise)."""
    x = np.asarray(x, dtype=np.float64)
    return (x > 0) + 0.5 * (x == 0)


def check_grid(lo: float, hi: float) -> np.ndarray:
    """GRID_POINTS + 1 points covering [lo, hi] and 0, with 0 itself a grid point."""
    a, b = min(lo, 0.0), max(hi, 0.0)
    neg = round(GRID_POINTS * -a / (b - a))  # intervals left of 0, at least one a side
    neg = min(max(neg, 1 if a < 0 else 0), GRID_POINTS - 1 if b > 0 else GRID_POINTS)
    return np.concatenate([np.linspace(a, 0.0, neg + 1), np.linspace(0.0, b, GRID_POINTS - neg
                                                                     + 1)[1:]])


def union(a: np.ndarray, b: list) -> np.ndarray:
    """The distinct values of a and b, increasing (of 0.0 and -0.0 the first): np.union1d's
    result on check_grid's points without its import of numpy.ma (15 ms of start-up)."""
    both = np.sort(np.concatenate((a, b)), kind="stable")
    return both[np.concatenate(([True], both[1:] != both[:-1]))]


def definitions_on(x: np.ndarray) -> dict:
    """Each alternative definition evaluated on the increasing grid x (0 must be a point)."""
    h = heaviside(x)
    # ∫_{-∞}^{x} H: H vanishes left of x[0] ≤ 0; midpoints never hit the jump at the node 0.
    integral = np.concatenate([[0.0], np.cumsum(np.diff(x) * heaviside((x[1:] + x[:-1]) / 2))])
    return {"xH": x * h, "x1mH": x * (1 - heaviside(-x)), "integral": integral,
            "sgn": 0.5 * (x + x * (2 * h - 1))}


def asked_parts(params: dict) -> list[str]:
    """The parts asked, in the order of PARTS."""
    return [name for name in PARTS if name in params["parts"]]


def solve(params: dict) -> Solution:
    """The one-sided limits at 0, the definitions on a grid, and the gaps 1/(1 + e^(kδ))."""
    (lo, hi), delta = (float(v) for v in params["x_range"]), float(params["delta"])
    quotients = [Quotient(eps, (max(0.0, eps) - 0.0) / eps, (max(0.0, -eps) - 0.0) / -eps)
                 for eps in (0.1, 0.01, 0.001)]
    samples = sorted(set(np.linspace(lo, hi, 5).tolist()) | ({0.0} if lo < 0 < hi else set()))
    grid = union(check_grid(lo, hi), samples)  # 0 stays a grid point
    relu, values = np.maximum(grid, 0.0), definitions_on(grid)
    zero = int(np.flatnonzero(grid == 0.0)[0])
    definitions = [Definition(key, ROMAN[n], MathText(formula), MathText(at_zero),
                              float(np.max(np.abs(values[key] - relu))), float(values[key][zero]))
                   for n, (key, formula, at_zero) in enumerate(DEFINITIONS)]
    table = [Sample(s, float(heaviside(s)), max(0.0, s),
                    [float(values[key][i]) for key, _, _ in DEFINITIONS])
             for s, i in zip(samples, np.searchsorted(grid, samples))]
    gaps = [Gap(k, k * delta, math.exp(k * delta) if k * delta <= 700 else None,
                float(sigmoid(-k * delta)), float(sigmoid(0.0))) for k in params["sigmoid_k"]]
    every = {
        "derivative": {"negative": 0, "positive": 1, "at_zero": None,
                       "left_limit_at_zero": 0, "right_limit_at_zero": 1},
        "heaviside_at_zero": 0.5,
        "definitions": [{"g": d.key, "max_abs_error": d.max_abs_error,
                         "value_at_zero": d.value_at_zero} for d in definitions],
        "sigmoid_gap": [{"k": g.k, "delta": params["delta"], "max_abs_error": g.gap}
                        for g in gaps],
        "sigmoid_at_zero": [{"k": g.k, "value": g.at_zero} for g in gaps],
    }
    asked = asked_parts(params)
    answers = {key: value for key, value in every.items()
               if key == "heaviside_at_zero" or any(key in ANSWER_KEYS[p] for p in asked)}
    work = ActivationsWork(dict(zip(asked, lettered(len(asked)))), quotients, definitions, table,
                           len(grid), float(grid[0]), float(grid[-1]), gaps)
    return Solution(answers, work, [Figure("relu-sigmoid", _drawer(params), 6.5, 2.9)]
                    if "sigmoid" in asked else [])


def _mathtext_number(v: float) -> str:
    """1000 as 1000, 1e6 as 10^6 (and 2.5e-7 as 2.5·10^-7) for a matplotlib label."""
    mantissa, _, exponent = f"{v:g}".partition("e")
    power = rf"10^{{{int(exponent)}}}" if exponent else ""
    return mantissa if not power else power if mantissa == "1" else rf"{mantissa}\cdot{power}"


def _drawer(params: dict):
    """The figure's draw function, picklable (a partial of a module function) so that the
    figure workers can receive it."""
    lo, hi = (float(v) for v in params["x_range"])
    return partial(_draw, lo, hi, list(params["sigmoid_k"]), float(params["delta"]))


def _draw(lo: float, hi: float, ks: list, delta: float, fig) -> None:
    """Left: g and H; right: H and σ(kx) for each k."""
    x = np.linspace(lo, hi, 801)
    left, right = fig.add_subplot(1, 2, 1), fig.add_subplot(1, 2, 2)
    left.plot(x, np.maximum(x, 0.0), color="black", lw=1.6, label=r"$g(x)=\max\{0,x\}$")
    for ax in (left, right):
        neg, pos = x[x < 0], x[x > 0]
        ax.plot(neg, np.zeros_like(neg), color="tab:red", lw=1.6, label="$H(x)$")
        ax.plot(pos, np.ones_like(pos), color="tab:red", lw=1.6)
        if lo < 0 < hi:
            ax.plot([0, 0], [0, 1], "o", mfc="white", color="tab:red", ms=4, zorder=3)
            ax.plot([0], [0.5], "o", color="tab:red", ms=4, zorder=3,
                    label=r"$H(0)=\frac{1}{2}$")
        ax.set_xlabel("$x$")
        ax.set_xlim(lo, hi)
    styles = ("--", "-.", ":", (0, (5, 1)), (0, (3, 1, 1, 1)), "--", "-.", ":")
    for k, style in zip(ks, styles):
        kx = "x" if k == 1 else f"{_mathtext_number(k)}x"
        right.plot(x, sigmoid(k * x), ls=style, lw=1.4, label=rf"$\sigma({kx})$")
    right.axvspan(max(-delta, lo), min(delta, hi), color="0.85", zorder=0,
                  label=rf"$|x|<\delta={delta:g}$")
    left.set_ylabel("value")
    left.set_title("ReLU and its derivative", fontsize=9)
    right.set_title(r"$\sigma(kx) \to H(x)$ as $k$ grows", fontsize=9)
    right.set_ylim(-0.05, 1.05)
    left.legend(loc="upper left", fontsize=7.5)
    right.legend(loc="lower right" if hi > 0 else "upper left", fontsize=7.5)  # empty there


def verify(params: dict, solution: Solution) -> list[Check]:
    """Gaps against a dense grid maximum; the definitions at random points with np.heaviside."""
    checks, asked = [], asked_parts(params)
    if "sigmoid" in asked:
        checks.append(_verify_gaps(float(params["delta"]), solution.answers["sigmoid_gap"]))
    if "definitions" in asked:
        checks.append(_verify_definitions(params, solution.answers["definitions"]))
    if "derivative" in asked:
        checks.append(_verify_derivative(solution.answers["derivative"]))
    return checks


def _verify_gaps(delta: float, rows: list) -> Check:
    """Each 1/(1 + e^(kδ)) against the largest |σ(kx) − H(x)| on a dense grid over |x| ≥ δ."""
    worst = 0.0
    for row in rows:
        k = row["k"]
        x = delta + np.concatenate([[0.0], np.geomspace(1e-9, max(60.0 / k, 1.0), 20_000)])
        xs = np.concatenate([-x, x])
        dense = np.max(np.abs(0.5 * (1 + np.tanh(k * xs / 2)) - np.heaviside(xs, 0.5)))
        if not math.isclose(dense, row["max_abs_error"], rel_tol=1e-9, abs_tol=1e-15):
            raise VerificationError(f"k = {k:g}: 1/(1 + e^(kδ)) = {row['max_abs_error']!r}, "
                                    f"a dense grid over |x| ≥ δ gives {dense!r}")
        worst = max(worst, abs(dense - row["max_abs_error"]))
    return Check(f"sigmoid gaps for {len(rows)} values of $k$",
                        r"$1/(1 + e^{k\delta})$ = the largest $|\sigma(kx) - H(x)|$ on a dense "
                        r"grid over $|x| \geq \delta$ ($\sigma$ through $\tanh$)",
                 f"largest difference {worst:.1e}")


def _verify_definitions(params: dict, solved: list) -> Check:
    """The definitions of g at random points and 0, with numpy's heaviside."""
    lo, hi = (float(v) for v in params["x_range"])
    rng = np.random.default_rng(0)
    x = np.concatenate([rng.uniform(min(lo, 0), max(hi, 0), 400), [0.0, lo, hi, 1e-300, -1e-300]])
    relu = np.where(x > 0, x, 0.0)
    h = np.heaviside(x, 0.5)
    t = np.linspace(np.minimum(x, 0.0) - 1.0, x, 1001, axis=-1)  # no node at 0 in general
    integral = np.trapezoid(np.heaviside(t, 0.5), t, axis=-1)
    candidates = {"xH": x * h, "x1mH": x - x * np.heaviside(-x, 0.5), "integral": integral,
                  "sgn": 0.5 * (x + x * np.sign(x))}
    step = float(np.max(t[:, 1] - t[:, 0]))
    for key, value in candidates.items():
        tol = 1e-12 * (1 + abs(lo) + abs(hi)) + (step if key == "integral" else 0.0)
        exact_at_zero = key == "integral" or value[400] == 0.0  # x[400] is 0
        if np.max(np.abs(value - relu)) > tol or not exact_at_zero:
            raise VerificationError(f"g(x) = {key} differs from max(0, x) at random points")
    if any(d["max_abs_error"] > 1e-9 * (1 + abs(lo) + abs(hi)) or d["value_at_zero"] != 0.0
           for d in solved):
        raise VerificationError("an alternative definition of g fails on the solver's grid")
    return Check(f"{len(DEFINITIONS)} definitions of $g$ through $H$",
                 "numpy's heaviside (with $H(0) = 1/2$) at 405 points including $0$; the "
                 "integral by the trapezoidal rule", "all equal $\\max\\{0, x\\}$")


def _verify_derivative(answer: dict) -> Check:
    """g's difference quotients at random x ≠ 0 and at 0 from each side, against the answer."""
    x = np.random.default_rng(1).uniform(1e-3, 1e3, 200) * np.repeat([-1.0, 1.0], 100)
    for h in (1e-7, -1e-7):  # |h·x| < |x|: no kink in between, the quotient is exact
        slope = (np.maximum(x + h * np.abs(x), 0) - np.maximum(x, 0)) / (h * np.abs(x))
        one_sided = np.maximum(h, 0) / h  # (g(h) − g(0))/h
        expected = (answer["negative"], answer["positive"],
                    answer["right_limit_at_zero"] if h > 0 else answer["left_limit_at_zero"])
        if np.max(np.abs(slope - np.where(x > 0, expected[1], expected[0]))) > 1e-6 or \
                one_sided != expected[2] or answer["at_zero"] is not None:
            raise VerificationError("g's difference quotients differ from the derivative given")
    return Check("the derivative of $g$", "difference quotients at 200 random $x \\neq 0$ and "
                 "from each side of $0$", "$0$ left of $0$, $1$ right of it, none at $0$")


def part_labels(params: dict) -> list[str]:
    """(a) the derivative, (b) the definitions through H, (c) the sigmoid limit: those asked."""
    return lettered(len(params.get("parts") or PARTS))
