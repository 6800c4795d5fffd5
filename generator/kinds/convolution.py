"""`convolution`: 1-D full / valid / same convolution or cross-correlation, every product shown."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import VerificationError
from ..numeric.conv import convolve_terms
from ..schema import Bool, Choice, Field, ListOf, Vector
from .base import Check, Solution

NAME = "convolution"
SUMMARY = ("1-D convolution (full, valid, same) or cross-correlation, each output as its sum "
           "of products")
MODES = ("full", "valid", "same")
FIELDS = {
    "input": Field(Vector(max_len=2_000), required=True, doc="the input sequence"),
    "kernel": Field(Vector(max_len=2_000), required=True,
                    doc="the kernel, as written (flipped for a true convolution)"),
    "modes": Field(ListOf(Choice(MODES), max_len=3, unique=True), default=list(MODES),
                   doc="the output sizes asked: full (n + k − 1), valid (n − k + 1), same (n)"),
    "flip": Field(Bool(), default=True,
                  doc="true: convolution (the kernel flipped); false: cross-correlation"),
}


@dataclass(frozen=True)
class Window:
    """One output entry: its (input, weight) products and their sum."""

    pairs: list
    value: float


@dataclass(frozen=True)
class ModeWork:
    """One mode (full, valid, same): its output length, padding, padded input and windows."""

    name: str
    length: int
    left: int
    right: int
    padded: list
    windows: list  # of Window; empty when no window fits (valid, kernel longer than input)


@dataclass(frozen=True)
class ConvWork:
    """What the key shows of a 1-D convolution."""

    n: int
    k: int
    flip: bool
    used_kernel: list  # the kernel as slid over the input (flipped for a convolution)
    even_kernel: bool  # `same` then pads one more zero on the left than on the right
    modes: list  # of ModeWork


MAX_PRODUCTS = 10_000  # in all modes: a page shows about 400, LaTeX's memory ends near 100,000


def output_lengths(n: int, k: int, modes) -> dict:
    """The length of each mode's output: full n+k-1, valid n-k+1 (or 0), same n."""
    return {mode: {"full": n + k - 1, "valid": max(n - k + 1, 0), "same": n}[mode]
            for mode in modes}


def shown_products(params: dict) -> int:
    """How many products the answer shows: each output is written as its sum of products."""
    lengths = output_lengths(len(params["input"]), len(params["kernel"]), params["modes"])
    return sum(lengths.values()) * len(params["kernel"])


def shown_lines(params: dict) -> int:
    """About how many lines the key shows (the spec's display budget): each output one line
    per 10 products."""
    lengths = output_lengths(len(params["input"]), len(params["kernel"]), params["modes"])
    return 6 + sum(lengths.values()) * -(-len(params["kernel"]) // 10)


def check(params, loc, ctx) -> None:
    """The shown sums of products fit a document; a kernel longer than the input is answered
    (valid is empty)."""
    products = shown_products(params)
    if products > MAX_PRODUCTS:
        n, k = len(params["input"]), len(params["kernel"])
        ctx.error(loc, f"{n} inputs and a kernel of {k} show {products} products in "
                  f"{', '.join(params['modes'])}; at most {MAX_PRODUCTS}, because each output "
                  "is shown as its sum of products")


def solve(params: dict) -> Solution:
    """Each requested mode by direct summation over the padded input."""
    x, w, flip = params["input"], params["kernel"], params["flip"]
    answers: dict = {"flipped_kernel": list(reversed(w)) if flip else list(w)}
    modes = []
    lengths = output_lengths(len(x), len(w), params["modes"])
    for mode in params["modes"]:
        terms = convolve_terms(x, w, mode, flip)
        answers[mode] = [row["value"] for row in terms["rows"]]
        modes.append(ModeWork(mode, lengths[mode], terms["left"], terms["right"],
                              terms["padded"], [Window(r["pairs"], r["value"])
                                                for r in terms["rows"]]))
    work = ConvWork(len(x), len(w), flip, answers["flipped_kernel"], len(w) % 2 == 0, modes)
    return Solution(answers, work)


def _numpy_reference(x: list, used: list, mode: str) -> np.ndarray:
    # np.convolve flips the kernel it is given, so hand it the used kernel reversed.
    full = np.convolve(np.asarray(x, float), np.asarray(used[::-1], float), "full")
    n, k = len(x), len(used)
    if mode == "full":
        return full
    if mode == "valid":
        return full[k - 1 : n] if k <= n else full[:0]
    return full[(k - 1) // 2 : (k - 1) // 2 + n]


def verify(params: dict, solution: Solution) -> list[Check]:
    """Direct summation against numpy.convolve for every mode."""
    used = solution.answers["flipped_kernel"]
    scale = max([1.0] + [abs(v) for v in params["input"]]) * max(
        [1.0] + [abs(v) for v in params["kernel"]])
    checks = []
    for mode in params["modes"]:
        mine = np.asarray(solution.answers[mode], float)
        ref = _numpy_reference(params["input"], used, mode)
        if mine.shape != ref.shape or not np.allclose(mine, ref, rtol=1e-12,
                                                      atol=1e-12 * scale * len(used)):
            raise VerificationError(
                f"{mode} convolution: direct summation gives {mine.tolist()}, "
                f"numpy.convolve gives {ref.tolist()}")
        gap = float(np.max(np.abs(mine - ref))) if mine.size else 0.0
        checks.append(Check(f"{mode} ({len(mine)} values)", "direct summation = numpy.convolve",
                            f"largest difference {gap:.1e}"))
    return checks


def part_labels(params: dict) -> list[str]:
    """One part, the question itself (no visible label)."""
    return [""]
