"""`conv_design`: find every (k, s, p, d) that maps an input shape to an output shape."""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import VerificationError
from ..numeric.conv import count_windows
from ..numeric.layers import (
    SizeFormula,
    effective_kernel,
    layer_problem,
    max_padding,
    non_overlapping,
    size_formula,
)
from ..schema import Bool, Choice, Field, Int, ListOf, Record, Str, Tuple
from .base import Check, Solution

NAME = "conv_design"
SUMMARY = "every square conv/pool configuration (k, s, p, d) mapping an input shape to an output"

SIZE = Int(1, 100_000)
SHAPE = Tuple((("channels", SIZE), ("height", SIZE), ("width", SIZE)))
GIVEN = Record({name: Field(Int(lo, 100_000), doc=f"the {what}, fixed") for name, lo, what in
                (("k", 1, "kernel size"), ("s", 1, "stride"), ("p", 0, "padding"),
                 ("d", 1, "dilation"))})
BOUNDS = Record({
    "max_padding": Field(Int(0, 100_000), doc="the largest padding tried (default: half the "
                                              "effective kernel)"),
    "max_stride": Field(Int(1, 100_000), doc="the largest stride tried (default: the "
                                             "effective kernel)"),
    "max_kernel": Field(Int(1, 100_000), doc="the largest effective kernel d(k − 1) + 1 tried "
                                             "(default: the input size)"),
})
PART = Record({
    "label": Field(Str(max_len=80, multiline=False), doc="the part's label, e.g. 1(a) "
                                                         "(default: (a), (b), ...)"),
    "layer": Field(Choice(("conv", "pool")), default="conv",
                   doc="conv, or pool (PyTorch's pooling rules; channels kept)"),
    "input": Field(SHAPE, required=True, doc="the input shape [channels, height, width]"),
    "output": Field(SHAPE, doc="the output shape to reach; without it, the output is "
                               "computed from given"),
    "given": Field(GIVEN, default={}, doc="the fixed values among k, s, p, d"),
    "non_overlapping": Field(Bool(), default=False,
                             doc="true: windows that do not overlap, s ≥ d(k − 1) + 1"),
    "filters": Field(Int(1, 100_000), doc="the number of filters of a conv part without "
                                          "output"),
    "bounds": Field(BOUNDS, default={}, doc="the search bounds, overriding the defaults"),
})
FIELDS = {"parts": Field(ListOf(PART, max_len=50), required=True,
                         doc="the parts, each an input shape and the values fixed")}

MAX_KERNELS = 100_000  # (k, d) pairs one part may search: about 0.5 s
MAX_SOLUTIONS = 50_000  # configurations of one part, each listed and substituted back
TABLE_LIMIT = 12  # configurations listed per part in the documents; answers.json has them all


def shown_lines(params: dict) -> int:
    """About how many lines the key shows (the spec's display budget): a table per part."""
    return sum(10 + TABLE_LIMIT for _ in params["parts"])


def check(params, loc, ctx) -> None:
    """Square windows only; a layer to compute must be one PyTorch accepts (numeric.layers)."""
    for n, part in enumerate(params["parts"]):
        where = loc.key("parts").index(n)
        if part["output"] is None:
            if part["given"].get("k") is None:
                ctx.error(where.key("given"), "without `output`, give at least the kernel k")
            if part["layer"] == "conv" and part["filters"] is None:
                ctx.error(where, "a conv part without `output` needs `filters`")
            g = computed_given(part)
            problem = g["k"] and layer_problem(rules_layer(part), part["input"][1], g["k"],
                                               g["s"], g["p"], g["d"])
            if problem:
                field, reason = problem
                reason = reason if field else f"the layer is impossible: {reason}"
                at = where.key("given")
                given_here = field and part["given"].get(field[0]) is not None
                ctx.error(at.key(field[0]) if given_here else at, reason)
        for key in ("input", "output"):
            shape = part[key]
            if shape is not None and shape[1] != shape[2]:
                ctx.error(where.key(key),
                          f"only square shapes are supported, got {shape[1]}×{shape[2]}")
        g = {k: v for k, v in part["given"].items() if v is not None}
        if part["non_overlapping"] and {"k", "s"} <= set(g) and not non_overlapping(
                g["k"], g["s"], g.get("d", 1)):
            span = effective_kernel(g["k"], g.get("d", 1))
            ctx.error(where.key("non_overlapping"),
                      f"non-overlapping windows need s ≥ d(k − 1) + 1 = {span}, "
                      f"but given k = {g['k']}, s = {g['s']}, d = {g.get('d', 1)}")
        if part["output"] is not None and not ctx.problems:
            problem = _search_problem(part)
            if problem:
                ctx.error(where, problem)


def rules_layer(part: dict) -> str:
    """The layer type whose PyTorch rules a part follows: a pool part is nn.MaxPool2d."""
    return "maxpool" if part.get("layer") == "pool" else "conv"  # conv: the field's default


def computed_given(part: dict) -> dict:
    """k, s, p, d of a part without `output`: the given values, else s = k for a pool (as
    PyTorch's default), s = 1 for a conv, p = 0, d = 1."""
    g = {"k": None, "s": None, "p": 0, "d": 1} | {k: v for k, v in part["given"].items()
                                                  if v is not None}
    g["s"] = g["s"] or (g["k"] if part["layer"] == "pool" else 1)
    return g


def _kernels(i: int, part: dict):
    """Every (k, d) within the bounds: a dilated kernel at least 2 wide, k' = d(k-1)+1 <= max."""
    given = {k: v for k, v in part["given"].items() if v is not None}
    span_max = part["bounds"].get("max_kernel") or i
    for d in _dilations(span_max, given):
        k_max = (span_max - 1) // d + 1
        for k in [given["k"]] if "k" in given else range(2 if d > 1 else 1, k_max + 1):
            if not (d > 1 and k < 2) and effective_kernel(k, d) <= span_max:
                yield k, d


def _dilations(span_max: int, given: dict) -> range:
    """The dilations worth trying: with k given, only those with d(k-1)+1 <= span_max."""
    if "d" in given:
        return range(given["d"], given["d"] + 1)
    if given.get("k", 1) > 1:
        return range(1, (span_max - 1) // (given["k"] - 1) + 1)
    return range(1, 2 if "k" in given else max(span_max, 2))


def kernel_count(i: int, part: dict) -> int:
    """How many (k, d) pairs the search visits, counted without visiting them."""
    given = {k: v for k, v in part["given"].items() if v is not None}
    span_max = part["bounds"].get("max_kernel") or i
    dilations = _dilations(span_max, given)
    if "k" in given:
        return len(dilations)
    return sum(max(0, (span_max - 1) // d + (d == 1)) for d in dilations)


def _search_problem(part: dict) -> str | None:
    """Why the search of a part with `output` is refused up front, if it is."""
    i, o = part["input"][1], part["output"][1]
    pairs = kernel_count(i, part)
    if pairs > MAX_KERNELS:
        return (f"the search would try {pairs} kernel sizes and dilations (k, d); at most "
                f"{MAX_KERNELS}: give k or d in `given`, or a smaller bounds.max_kernel")
    found = sum(1 for _, _ in zip(_candidates(i, o, part), range(MAX_SOLUTIONS + 1)))
    if found > MAX_SOLUTIONS:
        return (f"more than {MAX_SOLUTIONS} configurations map {i} to {o} within the bounds "
                f"(answers.json lists them all): give more of k, s, p, d in `given`, or "
                "narrower `bounds`")
    return None


def _candidates(i: int, o: int, part: dict):
    """Every (k, s, p, d) within the bounds with output size o; per (k, d) the strides (or the
    paddings) are found by interval arithmetic, so the work is (k, d) pairs + solutions."""
    given = {k: v for k, v in part["given"].items() if v is not None}
    bounds = part["bounds"]
    for k, d in _kernels(i, part):
        span = effective_kernel(k, d)
        p_max = bounds.get("max_padding")
        p_max = span // 2 if p_max is None else p_max
        if max_padding(rules_layer(part), k) is not None:  # PyTorch's limit, whatever the bounds
            p_max = min(p_max, max_padding(rules_layer(part), k))
        pads = range(given["p"], given["p"] + 1) if "p" in given else range(0, p_max + 1)
        if pads[-1] > p_max:
            continue
        s_max = bounds.get("max_stride") or span
        if "s" in given:
            strides = range(given["s"], given["s"] + 1)
        else:  # non-overlapping windows: s >= k', up to the bound
            strides = range(span if part["non_overlapping"] else 1, max(s_max, span) + 1)
        if part["non_overlapping"] and strides.start < span:
            continue
        for s, p in _stride_padding(i, o, span, pads, strides):
            if s <= s_max:
                yield {"k": k, "s": s, "p": p, "d": d, "exact": (i + 2 * p - span) % s == 0}


def _stride_padding(i: int, o: int, span: int, pads, strides: range):
    """Every (s, p) with floor((i + 2p - span) / s) = o - 1, i.e. (o-1)s <= n < os for
    n = i + 2p - span. Only the strides (or paddings) that can reach o are walked, the shorter
    of the two; each step then yields at least one solution, but for parity with s = 1."""
    def n_of(p):
        return i + 2 * p - span

    # paddings that give some stride of the range: o - 1 <= n <= o * max stride - 1
    low_p = max(pads[0], -(-(o - 1 - i + span) // 2))
    high_p = min(pads[-1], (o * (strides.stop - 1) - 1 - i + span) // 2)
    if low_p > high_p:
        return
    first = max(strides.start, -(-(n_of(low_p) + 1) // o))  # o*s > n
    last = min(strides.stop - 1, n_of(high_p) // (o - 1)) if o > 1 else strides.stop - 1
    if o > 1 and last - first <= high_p - low_p:
        for s in range(first, last + 1):
            low = max(low_p, -(-((o - 1) * s - i + span) // 2))
            high = min(high_p, (o * s - 1 - i + span) // 2)
            for p in range(low, high + 1):
                yield s, p
        return
    for p in range(low_p, high_p + 1):
        n = n_of(p)
        high = n // (o - 1) if o > 1 else strides.stop - 1  # s <= n / (o - 1)
        for s in range(max(n // o + 1, strides.start), min(high, strides.stop - 1) + 1):
            yield s, p


def _rank(solutions: list) -> list:
    """Solutions in the pick order (exact division first, then the smallest kernel, padding,
    the largest stride, the smallest dilation): the first one is the answer."""
    return sorted(solutions, key=lambda c: (not c["exact"], c["k"], c["p"], -c["s"], c["d"]))


@dataclass(frozen=True)
class DesignPart:
    """One part: the layer asked about and how it is answered."""

    label: str
    layer: str  # conv or pool
    input: list  # C, H, W
    output: list  # given, or computed from the given configuration
    given: dict  # the given values among k, s, p, d, in that order
    find: bool  # the output is given, the configuration asked
    non_overlapping: bool
    stride_is_span: bool  # the default stride bound: non-overlapping windows then have s = k'
    undilated: bool  # d = 1 given
    channel_mismatch: bool  # a pool asked to change the number of channels: no configuration
    count: int  # configurations found (0 where the configuration is given)
    listed: list  # of SizeFormula: the first TABLE_LIMIT configurations by the pick rule
    formula: SizeFormula | None  # the answer (the picked or the given configuration), its
    # output size worked out
    weights: int  # of the layer answered (0 for a pool)
    biases: int


@dataclass(frozen=True)
class DesignWork:
    """What the key shows of the design parts."""

    parts: list  # of DesignPart


def solve(params: dict) -> Solution:
    """Per part: all configurations and the picked one, or the output shape when none is asked."""
    parts, shown = [], []
    for n, part in enumerate(params["parts"]):
        label = part["label"] or (f"({chr(97 + n)})" if n < 26 else str(n + 1))
        c, i, _ = part["input"]
        given = {k: v for k, v in part["given"].items() if v is not None}
        mismatch, found = False, []
        if part["output"] is None:
            g = computed_given(part)
            formula = size_formula(i, g["k"], g["s"], g["p"], g["d"])
            output = [c if part["layer"] == "pool" else part["filters"], formula.out, formula.out]
            answer, solutions = g, [g]
        else:
            output = part["output"]
            mismatch = part["layer"] == "pool" and output[0] != c
            found = [] if mismatch else _rank(list(_candidates(i, output[1], part)))
            solutions = [{k: s[k] for k in "kspd"} for s in found]
            answer = solutions[0] if solutions else None
            formula = size_formula(i, **answer) if answer else None
        parts.append({"label": label, "input": part["input"], "layer": part["layer"],
                      "output": output, "answer": answer, "solutions": solutions})
        conv = part["layer"] == "conv" and formula is not None
        shown.append(DesignPart(
            label, part["layer"], part["input"], output, given, part["output"] is not None,
            part["non_overlapping"], part["bounds"].get("max_stride") is None,
            given.get("d") == 1, mismatch, len(found),
            [size_formula(i, **s) for s in solutions[:TABLE_LIMIT]] if found else [],
            formula, c * formula.k ** 2 * output[0] if conv else 0, output[0] if conv else 0))
    return Solution({"parts": parts}, DesignWork(shown))


def verify(params: dict, solution: Solution) -> list[Check]:
    """Substitute every configuration back: counting window starts over the padded input gives
    the output."""
    count = 0
    for part in solution.answers["parts"]:
        i, target = part["input"][1], part["output"][1]
        for sol in part["solutions"]:
            got = count_windows(i, sol["k"], sol["s"], sol["p"], sol["d"])
            if got != target:
                raise VerificationError(f"part {part['label']}: k={sol['k']}, s={sol['s']}, "
                                        f"p={sol['p']}, d={sol['d']} gives {got}, not {target}")
            count += 1
    return [Check(f"{count} configurations in {len(solution.answers['parts'])} parts",
                  "each substituted back: windows counted on a padded array = the required output")]


def part_labels(params: dict) -> list[str]:
    """Each part's `label` (1(a), 1(b), ...), or (a), (b), ... where none is given."""
    return [part["label"] or (f"({chr(97 + n)})" if n < 26 else str(n + 1))  # as in solve
            for n, part in enumerate(params["parts"])]
