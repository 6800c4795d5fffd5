"""Finite-difference derivatives with an error estimate, to check AD independently.

A single central difference (g(h) - g(-h)) / 2h with a fixed h either truncates (h too large
for a quickly varying function such as sin(1000 x), or near a pole) or cancels (h too small
next to |x|, or g itself noisy), and no one h suits every function. Ridders' method
(Numerical Recipes, 2nd ed., section 5.7) starts from a large h, shrinks it level by level,
and extrapolates the central differences to h -> 0 in a Neville tableau (Richardson
extrapolation: the error is a series in h^2). It returns the entry whose neighbours agree
best, with that disagreement as its error estimate, never less than the rounding error of
the step it came from (the values' noise divided by 2h); the tableau stops as soon as the
extrapolation gets worse. A run whose first step was too large for the function is
restarted ten times smaller, and the best run wins.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable

SHRINK = 1.4  # h / 1.4 per level, as in Numerical Recipes: not a power of 2, so that steps
#               in a geometric series do not alias a periodic function (sin(1000 x) seen at
#               h = 0.1, 0.05, 0.025... looks like a slow sine: its extrapolation converges
#               to a wrong derivative)
LEVELS = 36  # 0.1 down to 0.1 / 1.4^35 = 8e-7 (times the scale of the point)
SAFE = 2.0  # stop when the newest diagonal entry is this much worse than the best estimate
ULPS = 16  # rounding error of one value of g, at least (each operation rounds once)
EPS = sys.float_info.epsilon
STARTS = 80  # reductions of the first h tried when g cannot be evaluated at +-h
RESTARTS = 12  # runs of Ridders' method, each starting 10 times smaller


def reliable(estimate: float, error: float) -> bool:
    """Whether an estimate is good enough to check a derivative against (6 digits)."""
    return error <= 1e-6 * (1 + abs(estimate))


class Unusable(Exception):
    """g cannot be evaluated at this step (outside its domain, across a kink)."""


def derivative(g: Callable[[float], float], h0: float, h_min: float = 0.0,
               noise: float = 0.0) -> tuple[float, float] | None:
    """g'(0) and its error estimate: the best of Ridders' runs started at h0, then at a
    tenth of the previous run's first step, and so on (a function that varies on a scale
    much smaller than h0, or a pole or domain edge near 0, needs a small first step).
    Steps below h_min (where x + h no longer differs from x in enough digits) are not used;
    `noise` is the rounding error of one value of g, beyond a few ulps of the value itself."""
    best = None
    for _ in range(RESTARTS):
        result = ridders(g, h0, h_min, noise)
        if result is None:
            break
        if best is not None and result[1] >= best[1] and reliable(*best):
            break  # smaller first steps have started to lose to rounding
        if best is None or result[1] < best[1]:
            best = result[:2]
        if best[1] <= 1e-12 * (1 + abs(best[0])):
            break  # as good as double precision allows
        h0 = result[2] / 10
    return best


def ridders(g: Callable[[float], float], h0: float, h_min: float = 0.0, noise: float = 0.0
            ) -> tuple[float, float, float] | None:
    """g'(0), its error estimate and the first step used, by Ridders' extrapolation from
    step h0 down to h_min; None when no such step can be evaluated on both sides."""
    h = h0
    for _ in range(STARTS):
        if h < h_min:
            return None
        try:
            previous = [_central(g, h, noise)[0]]
            break
        except Unusable:
            h /= SHRINK
    else:
        return None
    first = h
    best, error = previous[0], math.inf
    for _level in range(1, LEVELS):
        h /= SHRINK
        if h < h_min:
            break
        try:
            quotient, rounding = _central(g, h, noise)
        except Unusable:
            break
        row = [quotient]
        factor = SHRINK**2
        for j in range(1, len(previous) + 1):
            row.append((row[j - 1] * factor - previous[j - 1]) / (factor - 1))
            factor *= SHRINK**2
            change = max(abs(row[j] - row[j - 1]), abs(row[j] - previous[j - 1]),
                         rounding)
            if change <= error:
                best, error = row[j], change
        if abs(row[-1] - previous[-1]) >= SAFE * error:
            break
        previous = row
    return best, error, first


def _central(g: Callable[[float], float], h: float, noise: float) -> tuple[float, float]:
    """The central difference of g at 0 with step h, and a bound on its rounding error:
    both values of g off by `noise` plus a few ulps (ULPS of them), divided by 2h."""
    up, down = g(h), g(-h)
    return (up - down) / (2 * h), (2 * noise + ULPS * EPS * (abs(up) + abs(down))) / (2 * h)
