"""`softmax`: translation invariance, S(cx) and its limits, the sigmoid and K−1 parameter forms."""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import partial

import numpy as np

from ..errors import VerificationError
from ..numbers import MathText
from ..numeric.stable import sigmoid_scalar
from ..schema import Choice, Field, ListOf, Number, Tuple, Vector
from .base import Check, Figure, Solution, lettered

NAME = "softmax"
SUMMARY = ("softmax: translation invariance, S(cx) with its limits c = 0 and c → ∞, the sigmoid "
           "form for 2 classes and the K−1 parameter form (computed stably, with a plot)")
ENTRY = Number(max_abs=1e6)
MAX_K = 32  # every entry is printed
VECTOR_LINE = 8  # entries of a printed vector per line
TABLE_WIDTH = 6  # entries of S(cx) per table
PARTS = ("translation", "scaling", "two_class", "reduced")  # asked in this order
FIELDS = {
    "x": Field(Vector(item=ENTRY, min_len=2, max_len=1000), required=True,  # see check
               doc=f"the vector the softmax is applied to (2 to {MAX_K} entries: all are "
                   "printed, 8 to a line)"),
    "parts": Field(ListOf(Choice(PARTS), unique=True), default=list(PARTS),
                   doc="the parts asked, (a), (b), ... in this order: translation (S(x + c)), "
                       "scaling (S(cx) and its limits), two_class (the sigmoid form), reduced "
                       "(the K − 1 parameter form)"),
    "shift": Field(Number(max_abs=1e6), default=10,
                   doc="the constant c added to every entry in the translation part"),
    "scales": Field(Vector(item=Number(min=0, max=1e6), max_len=12, unique=True),
                    default=[0, 0.5, 1, 10, 100], doc="the factors c of S(cx) (c ≥ 0)"),
    "pair": Field(Tuple((("x1", ENTRY), ("x2", ENTRY))),
                  doc="the 2-vector of the two_class part (default: the first two entries of "
                      "x)"),
}
TINY = 1e-12  # differences below this are rounding, not a change of S


@dataclass(frozen=True)
class Steps:
    """One softmax computed stably: v, its maximum m, v − m, e^(v − m), their sum, S(v)."""

    name: MathText  # the vector as math: \mathbf{x}, \mathbf{x} + c, [0, \mathbf{y}]
    v: list
    max: float
    z: list
    exp: list
    sum: float
    S: list


@dataclass(frozen=True)
class Translation:
    """Part translation: S(x + c) for the spec's shift c."""

    label: str
    shift: float
    steps: Steps  # of x + c
    max_difference: float  # max_i |S(x + c)_i − S(x)_i|


@dataclass(frozen=True)
class Scaled:
    """S(cx) for one of the spec's c."""

    c: float
    S: list


@dataclass(frozen=True)
class Scaling:
    """Part scaling: S(cx) for each c, an example of a change, the limits c = 0 and c → ∞."""

    label: str
    rows: list  # of Scaled, in the spec's order of c
    counter: Scaled | None  # a c that changes S (c = 0 only if no other does); None if none
    all_equal: bool  # all entries of x equal: S(cx) is uniform for every c
    c_zero: list  # the uniform limit
    c_infinity: list  # 1/T on each of the T maximal entries, 0 elsewhere
    argmax: list  # the 1-based indices of the maximal entries
    ties: int  # T
    unique_max: bool  # T = 1
    repeats: bool  # x has equal entries, so the figure has coinciding curves
    underflow: bool  # some S(cx) has an entry below the smallest positive double, printed 0


@dataclass(frozen=True)
class TwoClass:
    """Part two_class: the pair x, z = x_1 − x_2, σ(z), 1 − σ(z) and S(x) directly."""

    label: str
    x: list
    z: float
    sigma: float
    one_minus_sigma: float
    exp_minus_z: float | None  # e^(−z), None when it would overflow (|z| > 700)
    steps: Steps


@dataclass(frozen=True)
class Reduced:
    """Part reduced: y_i = x_(i+1) − x_1 and S([0, y])."""

    label: str
    y: list
    steps: Steps


@dataclass(frozen=True)
class SoftmaxWork:
    """What the key shows: S(x) computed stably and each part asked (None when not asked)."""

    K: int
    compact: bool  # K ≤ 4: a vector and its maximum share a printed line
    base: Steps  # of x
    translation: Translation | None
    scaling: Scaling | None
    two_class: TwoClass | None
    reduced: Reduced | None


def shown_lines(params: dict) -> int:
    """About how many lines the key shows (the spec's display budget): a row per scale and
    table of 6 entries, a line per 8 entries of each vector shown."""
    K = len(params["x"])
    return 40 + -(-K // TABLE_WIDTH) * (len(params["scales"]) + 4) + 16 * -(-K // VECTOR_LINE)


def check(params, loc, ctx) -> None:
    """Any x, shift and c ≥ 0 have an answer; the key prints at most MAX_K entries."""
    if len(params["x"]) > MAX_K:
        ctx.error(loc.key("x"), f"has {len(params['x'])} entries; at most {MAX_K}, because "
                  "the key prints every entry of each softmax (8 to a line)")


def softmax(v) -> np.ndarray:
    """S(v) with the maximum subtracted first, so no exponential overflows."""
    v = np.asarray(v, dtype=np.float64)
    e = np.exp(v - v.max())
    return e / e.sum()


def _stable_steps(v: list, name: str) -> Steps:
    """The work of one softmax; `v` and its maximum are kept as they are, so given values
    print as given."""
    arr = np.asarray(v, dtype=np.float64)
    z = arr - arr.max()
    e = np.exp(z)
    return Steps(MathText(name), list(v), max(v), z.tolist(), e.tolist(), float(e.sum()),
                 (e / e.sum()).tolist())


def limit_at_infinity(x) -> tuple[list, list]:
    """lim_{c→∞} S(cx): 1/T on each of the T entries equal to max x, 0 elsewhere."""
    x = np.asarray(x, dtype=np.float64)
    top = np.flatnonzero(x == x.max())
    limit = np.zeros_like(x)
    limit[top] = 1.0 / len(top)
    return limit.tolist(), (top + 1).tolist()


def asked_parts(params: dict) -> list[str]:
    """The parts asked, in the order of PARTS."""
    return [name for name in PARTS if name in params["parts"]]


ANSWER_KEYS = {"translation": ("S_shifted", "translation_max_difference"),
               "scaling": ("scaled", "limits"), "two_class": ("two_class",),
               "reduced": ("reduced",)}


def solve(params: dict) -> Solution:
    """Every asked part with the spec's numbers, each softmax with the maximum subtracted."""
    x = list(params["x"])  # numbers.Given where the user wrote them
    K, shift = len(x), float(params["shift"])
    base = _stable_steps(x, r"\mathbf{x}")
    shifted = _stable_steps([v + shift for v in x], r"\mathbf{x} + c")
    S = np.asarray(base.S)
    scaled = [Scaled(c, softmax(c * np.asarray(x)).tolist()) for c in params["scales"]]
    counter = next((r for r in sorted(scaled, key=lambda r: r.c == 0)  # c = 0 only if
                    if np.max(np.abs(np.asarray(r.S) - S)) > TINY), None)  # no other c differs
    limit, argmax = limit_at_infinity(x)
    a, b = params["pair"] or x[:2]
    z = a - b
    pair = _stable_steps([a, b], r"\mathbf{x}")
    y = [v - x[0] for v in x[1:]]
    reduced = _stable_steps([0.0] + y, r"[0, \mathbf{y}]")
    every = {
        "S": base.S, "S_shifted": shifted.S,
        "translation_max_difference": float(np.max(np.abs(S - np.asarray(shifted.S)))),
        "scaled": [{"c": r.c, "S": r.S} for r in scaled],
        "limits": {"c_zero": [1.0 / K] * K, "c_infinity": limit, "argmax": argmax},
        "two_class": {"x": [a, b], "z": z, "sigma": sigmoid_scalar(z),
                      "one_minus_sigma": sigmoid_scalar(-z), "S": pair.S},
        "reduced": {"y": y, "S": reduced.S},
    }
    asked = asked_parts(params)
    answers = {key: value for key, value in every.items()
               if key == "S" or any(key in ANSWER_KEYS[name] for name in asked)}
    labels = dict(zip(asked, lettered(len(asked))))
    two = every["two_class"]
    work = SoftmaxWork(
        K, K <= 4, base,
        translation=Translation(labels["translation"], params["shift"], shifted,
                                every["translation_max_difference"])
        if "translation" in labels else None,
        scaling=Scaling(labels["scaling"], scaled, counter, len(argmax) == K,
                        every["limits"]["c_zero"], limit, argmax, len(argmax), len(argmax) == 1,
                        len(set(x)) < K, any(0.0 in r.S for r in scaled))
        if "scaling" in labels else None,
        two_class=TwoClass(labels["two_class"], [a, b], z, two["sigma"], two["one_minus_sigma"],
                           math.exp(-z) if abs(z) <= 700 else None, pair)
        if "two_class" in labels else None,
        reduced=Reduced(labels["reduced"], y, reduced) if "reduced" in labels else None)
    figures = [Figure("scaling", _drawer(x, params["scales"]), 6.5,
                      3.0 + 0.1 * max(0, K - 12))] if work.scaling else []
    return Solution(answers, work, figures)


def plot_range(x: list, scales: list) -> tuple[float, float]:
    """(linear threshold, right end) of the symlog c axis: where S(cx) changes, and every c."""
    spread = min(max(max(x) - min(x), 1e-6), 1e12) if max(x) > min(x) else 1.0
    positive = [c for c in scales if c > 0]
    low = 10.0 ** math.floor(math.log10(min(positive + [0.5 / spread])))
    return low, max(positive + [20.0 / spread])


def _drawer(x: list, scales: list):
    """The figure's draw function, picklable (see activations._drawer)."""
    return partial(_draw, list(x), list(scales))


def _draw(x: list, scales: list, fig) -> None:
    """S(cx)_i against c on a symlog axis (linear near c = 0), the spec's c marked."""
    low, high = plot_range(x, scales)
    cs = np.concatenate([np.linspace(0.0, low, 60), np.geomspace(low, high, 500)[1:]])
    curves = np.array([softmax(c * np.asarray(x)) for c in cs])
    marks = np.array([softmax(c * np.asarray(x)) for c in scales])
    ax = fig.add_subplot(1, 1, 1)
    styles = ("-", "--", "-.", ":", (0, (5, 1)), (0, (3, 1, 1, 1)))
    for i, xi in enumerate(x):
        line, = ax.plot(cs, curves[:, i], ls=styles[i % len(styles)], lw=1.5,
                        label=rf"$S(c\mathbf{{x}})_{{{i + 1}}}$, $x_{{{i + 1}}} = {xi:g}$")
        ax.plot(scales, marks[:, i], "o", ms=4, color=line.get_color(), clip_on=False)
    ax.set_xscale("symlog", linthresh=low, linscale=0.6)
    ax.set_xlim(0.0, high)
    ax.set_ylim(-0.03, 1.03)
    ax.set_xlabel(f"$c$ (linear scale below {low:g}, logarithmic above)")
    ax.set_ylabel(r"$S(c\mathbf{x})_i$")
    ax.set_title(r"Softmax of $c\mathbf{x}$: uniform at $c = 0$, the arg max as $c \to \infty$",
                 fontsize=9)
    fig.legend(loc="outside right upper", fontsize=8 if len(x) <= 12 else 6.5,
               ncol=1 if len(x) <= 16 else 2)


def _reference(v) -> np.ndarray:
    """Softmax as S_i = 1 / Σ_j e^(v_j − v_i): no common shift, independent of `softmax`."""
    v = np.asarray(v, dtype=np.float64)
    with np.errstate(over="ignore"):  # e^(large) = inf gives S_i = 1/inf = 0, as it should
        return 1.0 / np.exp(v[None, :] - v[:, None]).sum(axis=1)


def _same(name: str, mine, ref, tol: float = TINY) -> float:
    mine, ref = np.asarray(mine, dtype=np.float64), np.asarray(ref, dtype=np.float64)
    finite = np.all(np.isfinite(mine)) and np.all(np.isfinite(ref))
    if not finite or mine.shape != ref.shape or np.max(np.abs(mine - ref)) > tol:
        raise VerificationError(f"{name}: {mine.tolist()} by the max-shift form, "
                                f"{ref.tolist()} by the pairwise form")
    return float(np.max(np.abs(mine - ref)))


def _far_scaled(x: np.ndarray) -> np.ndarray:
    """c(x − max x) for the c that puts the second-largest distinct entry at −60 (finite)."""
    z = x - x.max()
    below = z[z < 0]
    if not below.size:
        return z
    with np.errstate(over="ignore"):  # a subnormal gap: the far entries go to -inf, clipped
        return np.maximum(z / -below.max(), -1e10) * 60.0


def verify(params: dict, solution: Solution) -> list[Check]:
    """Every softmax again in the pairwise form; the limits at a large c; the two reductions."""
    x, a = np.asarray(params["x"], dtype=np.float64), solution.answers
    shift, asked, checks = float(params["shift"]), asked_parts(params), []
    worst, shown = _same("S(x)", a["S"], _reference(x)), ["$x$"]
    if "translation" in asked:
        worst = max(worst, _same("S(x + shift)", a["S_shifted"], _reference(x + shift)))
        rounding = 8 * np.finfo(float).eps * (1 + abs(shift) + np.max(np.abs(x)))
        _same("translation invariance", a["S_shifted"], a["S"], TINY + rounding)
        shown.append("$x + c$")
    for row in a.get("scaled", []):
        worst = max(worst, _same(f"S({row['c']:g}x)", row["S"], _reference(row["c"] * x)))
    if "scaling" in asked:
        shown.append(f"{len(a['scaled'])} scalings $c x$")
    listed = ", ".join(shown[:-1]) + " and " + shown[-1] if len(shown) > 1 else shown[0]
    checks.append(Check(f"softmax of {listed}",
                        r"max-shift form = pairwise form $S_i = 1 / \sum_j e^{x_j - x_i}$",
                        f"largest difference {worst:.1e}"))
    if "scaling" in asked:
        _same("c = 0", a["limits"]["c_zero"], _reference(0 * x))
        _same("c → ∞", a["limits"]["c_infinity"], _reference(_far_scaled(x)), 1e-20)
        checks.append(Check("the limits $c = 0$ and $c \\to \\infty$",
                            "uniform = $S(0 \\cdot x)$; the tie-shared arg max = $S(c x)$ at a $c$ "
                            "that puts the runner-up $60$ below the maximum", "within $10^{-20}$"))
    if "two_class" in asked:
        two = a["two_class"]
        _same("[σ(z), 1 − σ(z)]", [two["sigma"], 1 - two["sigma"]], _reference(two["x"]))
        _same("σ(z) = softmax", two["S"], [two["sigma"], two["one_minus_sigma"]])
    if "reduced" in asked:
        y_rounding = 8 * np.finfo(float).eps * (1 + np.max(np.abs(x)))
        _same("S([0, y])", a["reduced"]["S"], _reference(x), TINY + y_rounding)
    forms = [name for key, name in (("two_class", "2-class"), ("reduced", "$K - 1$ parameter"))
             if key in asked]
    if forms:
        checks.append(Check(f"{' and '.join(forms)} form{'s' if len(forms) > 1 else ''}",
                            " and ".join(text for key, text in (
                                ("two_class", "$[\\sigma(z), 1 - \\sigma(z)]$"),
                                ("reduced", "$S([0, y])$")) if key in asked)
                            + " = the pairwise form of $S$", "agree"))
    return checks


def part_labels(params: dict) -> list[str]:
    """(a) translation, (b) scaling, (c) two classes, (d) K - 1 parameters: those asked."""
    return lettered(len(asked_parts(params)))
