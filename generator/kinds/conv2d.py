"""`conv2d`: 2-D convolution or cross-correlation of a C×H×W input with filters, by numbers."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from ..errors import VerificationError
from ..numeric.layers import SizeFormula, layer_problem, size_formula
from ..schema import Array, Bool, Field, Int, ListOf, NumberOrPair, Vector, pair
from . import conv2d_layout as layout
from .base import Check, Solution

NAME = "conv2d"
SUMMARY = ("2-D cross-correlation (or convolution) of a C×H×W input with filters: stride, "
           "padding, dilation, bias; each output entry as its sum of products")

MAX_CHANNELS = 16  # input channels, and filters: each is shown as matrices
MAX_FILTERS = 16
MAX_SIDE = 10  # the padded input, per channel, at most 10×10: amsmath's bmatrix holds 10 columns
MAX_WRITTEN = 1_000  # products in all the written sums; beyond, one worked entry per filter
MAX_ENTRY_LINES = 40  # the lines of one written sum: one display, on one page
SHOWN_DECIMALS = 4  # the output maps' widths are estimated with this many decimals

INPUT = Array(ranks=(2, 3), max_len=100,
              expects="an H×W matrix (one channel) or a C×H×W list of matrices")
FILTER = Array(ranks=(2, 3), max_len=100,
               expects="a k_h×k_w matrix (one channel) or a C×k_h×k_w list of matrices")


class Filters(ListOf):
    """`kernels`: a list of filters; one bare k_h×k_w matrix is refused with the fix."""

    def check(self, value, loc, ctx):
        if (isinstance(value, list) and value and isinstance(value[0], list) and value[0]
                and not isinstance(value[0][0], list)):
            return ctx.error(loc, "is one matrix, but kernels is a list of filters: one 2×2 "
                                  "kernel is written [[[1, 0], [0, 1]]]")
        return super().check(value, loc, ctx)


FIELDS = {
    "input": Field(INPUT, required=True, doc="C×H×W nested lists (H×W: one channel)"),
    "kernels": Field(Filters(FILTER, max_len=MAX_FILTERS), required=True,
                     doc="a list of filters, each C×k_h×k_w (k_h×k_w for one channel)"),
    "bias": Field(Vector(max_len=MAX_FILTERS), doc="one number per filter (default: none)"),
    "stride": Field(NumberOrPair(Int(1, 100)), default=1,
                    doc="the step between windows, one number or [height, width]"),
    "padding": Field(NumberOrPair(Int(0, 100)), default=0,
                     doc="zeros added on each side, one number or [height, width]"),
    "dilation": Field(NumberOrPair(Int(1, 100)), default=1,
                      doc="the spacing of kernel entries (1: adjacent), one number or "
                          "[height, width]"),
    "flip": Field(Bool(), default=False,
                  doc="true: convolution, each kernel flipped in both axes; false: "
                      "cross-correlation, as deep-learning frameworks compute it"),
}


@dataclass(frozen=True)
class Entry:
    """One output entry written out: its position, its (input, weight) products line by
    line as laid out, the bias added (None without one) and the sum."""

    i: int
    j: int
    lines: tuple  # of tuples of (input, weight) pairs
    bias: object
    value: float


@dataclass(frozen=True)
class FilterWork:
    """One filter: its kernels as slid over the input (flipped for a convolution), the
    entries written out in displayed blocks, and its output map."""

    used: list  # C matrices k_h×k_w
    bias: object
    blocks: tuple  # of tuples of Entry, each block short enough for one page
    output: list  # H' rows of W'


@dataclass(frozen=True)
class Conv2dWork:
    """What the key shows of a 2-D convolution."""

    flip: bool
    height: SizeFormula
    width: SizeFormula
    inputs: list  # C matrices H×W, as given
    kernels: list  # F lists of C matrices k_h×k_w, as given
    padded: list  # C matrices (H + 2p_h)×(W + 2p_w)
    input_rows: tuple  # the channels shown side by side, row by row (statement)
    kernel_rows: tuple  # the kernels (filter, channel) side by side, row by row; a filter of
    # several channels starts a row
    padded_rows: tuple
    output_rows: tuple  # the filters' output maps side by side, row by row
    products: int  # in the sums of all entries
    written: bool  # every entry written out (else the first entry of each filter)
    filter_work: list  # of FilterWork

    @property
    def channels(self) -> int:
        return len(self.inputs)

    @property
    def filters(self) -> int:
        return len(self.kernels)

    @property
    def kernel(self) -> tuple[int, int]:
        """(k_h, k_w)"""
        return self.height.k, self.width.k


def _channels(value: list) -> list:
    """A validated H×W or C×H×W nested list as C×H×W."""
    return value if isinstance(value[0][0], list) else [value]


def _dims(params: dict) -> tuple[SizeFormula, SizeFormula]:
    """Height and width: each output size worked out, by PyTorch's rule (numeric.layers)."""
    x, k = _channels(params["input"]), _channels(params["kernels"][0])
    dims = []
    for axis, i, kk in ((0, len(x[0]), len(k[0])), (1, len(x[0][0]), len(k[0][0]))):
        s, p, d = (pair(params[key])[axis] for key in ("stride", "padding", "dilation"))
        dims.append(size_formula(i, kk, s, p, d))
    return dims[0], dims[1]


@dataclass(frozen=True)
class _Sums:
    """The sums of a convolution: their kernel positions line by line (as they are laid
    out), and how many channels and filters they run over."""

    height: SizeFormula
    width: SizeFormula
    chunks: list
    channels: int
    filters: int

    @property
    def products(self) -> int:
        """Products in all the sums of all entries."""
        return (self.filters * self.height.out * self.width.out * self.channels
                * self.height.k * self.width.k)

    @property
    def lines(self) -> int:
        """Lines of one written sum."""
        return self.channels * len(self.chunks)


def _sums(params: dict, height: SizeFormula, width: SizeFormula) -> _Sums:
    x = [v for m in _channels(params["input"]) for r in m for v in r]
    w = [v for k in params["kernels"] for m in _channels(k) for r in m for v in r]
    chunks = layout.line_chunks(height.k, width.k, layout.products_per_line(x, w))
    return _Sums(height, width, chunks, len(_channels(params["input"])), len(params["kernels"]))


def shown_lines(params: dict) -> int:
    """About how many lines the key shows (the spec's display budget): the matrices one row
    of numbers a line, and the lines of the written sums."""
    height, width = _dims(params)
    sums = _sums(params, height, width)
    c, f = sums.channels, sums.filters
    written = (height.out * width.out if sums.products <= MAX_WRITTEN else 1) * f * sums.lines
    return (20 + c * (height.i + height.i + 2 * height.p) + f * (c * height.k + height.out)
            + written)


def check(params, loc, ctx) -> None:
    """Filters with the input's channels and one shape, one bias each, kernels that fit the
    padded input (PyTorch's rule), and sizes the key can show."""
    x, kernels = _channels(params["input"]), params["kernels"]
    if len(x) > MAX_CHANNELS:
        ctx.error(loc.key("input"), f"has {len(x)} channels; at most {MAX_CHANNELS}, because "
                  "the key shows each channel as a matrix")
        return
    first, fits = np.shape(_channels(kernels[0])), True
    for n, kernel in enumerate(kernels):
        shape = np.shape(_channels(kernel))
        fits = fits and shape[0] == len(x) and shape == first
        if shape[0] != len(x):
            ctx.error(loc.key("kernels").index(n), f"has {shape[0]} channel"
                      f"{'s' * (shape[0] > 1)}, but the input has {len(x)}: a filter holds one "
                      f"k_h×k_w kernel per input channel ({len(x)}×{shape[1]}×{shape[2]})")
        elif shape != first:
            ctx.error(loc.key("kernels").index(n), f"is {'×'.join(map(str, shape))}, but "
                      f"kernels[0] is {'×'.join(map(str, first))}: all filters have one shape")
    if params["bias"] is not None and len(params["bias"]) != len(kernels):
        fits = False
        given = len(params["bias"])
        ctx.error(loc.key("bias"), f"has {given} entr{'y' if given == 1 else 'ies'}, but there "
                  f"{'are' if len(kernels) > 1 else 'is'} {len(kernels)} filter"
                  f"{'s' * (len(kernels) > 1)}: one bias per filter")
    if not fits:
        return
    height, width = _dims(params)
    for axis, dim in (("height", height), ("width", width)):
        problem = layer_problem("conv", dim.i, dim.k, dim.s, dim.p, dim.d, axis=axis)
        if problem:
            ctx.error(loc.key("kernels"), f"the kernel does not fit: {problem[1]}")
            return
    padded = (height.i + 2 * height.p, width.i + 2 * width.p)
    if max(padded) > MAX_SIDE:
        at = "input" if max(height.i, width.i) > MAX_SIDE else "padding"
        ctx.error(loc.key(at), f"the padded input is {padded[0]}×{padded[1]} "
                  f"({height.i} + 2·{height.p} by {width.i} + 2·{width.p}); at most "
                  f"{MAX_SIDE}×{MAX_SIDE}, because the key shows it as matrices (amsmath's "
                  f"bmatrix holds {MAX_SIDE} columns)")
        return
    sums = _sums(params, height, width)
    if sums.lines > MAX_ENTRY_LINES:
        ctx.error(loc, f"each output entry is a sum of {sums.channels * height.k * width.k} "
                  f"products, about {sums.lines} lines; at most {MAX_ENTRY_LINES} (a page): "
                  "fewer channels or a smaller kernel")


def solve(params: dict) -> Solution:
    """Every output entry by direct summation over the padded input."""
    x, flip = _channels(params["input"]), params["flip"]
    height, width = _dims(params)
    zeros = [[0] * (width.i + 2 * width.p)] * height.p
    padded = [zeros + [[0] * width.p + list(r) + [0] * width.p for r in m] + zeros for m in x]
    sums = _sums(params, height, width)
    c, products, chunks = sums.channels, sums.products, sums.chunks
    written = products <= MAX_WRITTEN
    filters = []
    for n, kernel in enumerate(params["kernels"]):
        used = [[r[::-1] for r in m[::-1]] if flip else m for m in _channels(kernel)]
        bias = params["bias"][n] if params["bias"] is not None else None
        output, entries = [], []
        for i in range(height.out):
            output.append([])
            for j in range(width.out):
                lines = tuple(tuple((padded[ch][i * height.s + m * height.d]
                                     [j * width.s + k * width.d], used[ch][m][k])
                                    for m, k in chunk) for ch in range(c) for chunk in chunks)
                value = math.fsum([a * b for line in lines for a, b in line]
                                  + ([bias] if bias is not None else []))
                output[-1].append(value)
                if written or (i, j) == (0, 0):
                    entries.append(Entry(i, j, lines, bias, value))
        filters.append(FilterWork(used, bias, layout.blocks(entries), output))
    kernels = [_channels(k) for k in params["kernels"]]
    shown_outputs = [np.round(fw.output, SHOWN_DECIMALS).tolist() for fw in filters]
    work = Conv2dWork(
        flip, height, width, x, kernels, padded,
        layout.side_by_side(x), layout.kernel_rows(kernels), layout.side_by_side(padded),
        layout.side_by_side(shown_outputs), products, written, filters)
    answers = {"output": [fw.output for fw in filters],
               "shape": [sums.filters, height.out, width.out],
               "padded_shape": [c, height.i + 2 * height.p, width.i + 2 * width.p]}
    return Solution(answers, work)


def verify(params: dict, solution: Solution) -> list[Check]:
    """Direct summation against numpy: every window by sliding_window_view, the sums by einsum."""
    x = np.asarray(_channels(params["input"]), float)
    w = np.asarray([_channels(k) for k in params["kernels"]], float)
    if params["flip"]:
        w = np.flip(w, axis=(2, 3))
    (s_h, s_w), (p_h, p_w), (d_h, d_w) = (pair(params[k]) for k in ("stride", "padding",
                                                                    "dilation"))
    span = (d_h * (w.shape[2] - 1) + 1, d_w * (w.shape[3] - 1) + 1)
    padded = np.pad(x, ((0, 0), (p_h, p_h), (p_w, p_w)))
    windows = sliding_window_view(padded, span, axis=(1, 2))[:, ::s_h, ::s_w, ::d_h, ::d_w]
    ref = np.einsum("cijmn,fcmn->fij", windows, w)
    if params["bias"] is not None:
        ref = ref + np.asarray(params["bias"], float)[:, None, None]
    mine = np.asarray(solution.answers["output"], float)
    if list(ref.shape) != solution.answers["shape"] or mine.shape != ref.shape:
        raise VerificationError(f"output shape: the size formula gives "
                                f"{solution.answers['shape']}, numpy's sliding windows give "
                                f"{list(ref.shape)}")
    scale = max(1.0, float(np.max(np.abs(x)))) * max(1.0, float(np.max(np.abs(w))))
    tolerance = 1e-12 * scale * w[0].size + 1e-12 * max(1.0, float(np.max(np.abs(ref))))
    gap = float(np.max(np.abs(mine - ref)))
    if not gap <= tolerance:
        raise VerificationError(f"conv2d: direct summation and numpy's einsum differ by {gap:.3g}")
    shape = "×".join(map(str, ref.shape))
    return [Check(f"output shape {shape}", "the size formula = the windows numpy's "
                  "sliding_window_view finds over the padded input"),
            Check(f"output ({ref.size} values)", "direct summation = numpy's sliding windows "
                  "summed by einsum", f"largest difference {gap:.1e}")]


def part_labels(params: dict) -> list[str]:
    """One part, the question itself (no visible label)."""
    return [""]
