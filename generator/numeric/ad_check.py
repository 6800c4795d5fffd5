"""The function of a trace along a line through the point, for finite-difference checks."""

from __future__ import annotations

import sys
from collections.abc import Callable

from . import ad
from .ad_ops import OPS
from .expr import Graph
from .fdiff import Unusable, derivative

EPS = sys.float_info.epsilon


def directional_derivative(graph: Graph, at: dict[str, float], direction: dict[str, float],
                           noise: float) -> tuple[float, float] | None:
    """dy along `direction` by Ridders' finite differences, with its error estimate; None
    when no step stays inside the domain on the same side of every pole and kink."""
    width = max(abs(v) for v in direction.values())
    if width == 0:
        return None
    # Ridders starts from a large step and extrapolates down: 0.1 for moderate x, more
    # where eps^(1/3) |x| (the best step of a plain central difference) is larger.
    largest = max(abs(v) for v in at.values())
    scale = max(1.0, EPS ** (1 / 3) * largest)
    # A step below sqrt(eps) |x| would change x in its last 8 digits only.
    return derivative(line(graph, at, direction), 0.1 * scale / width,
                      EPS**0.5 * largest / width, noise)


def line(graph: Graph, at: dict[str, float], direction: dict[str, float]
         ) -> Callable[[float], float]:
    """t -> y(at + t direction), refusing (Unusable) points across a pole or kink."""
    names = list(at)
    rows, _ = ad.build(graph, names, at)
    center = branches(rows)

    def along(t: float) -> float:
        point = {x: at[x] + t * direction[x] for x in names}
        try:
            moved, y = ad.build(graph, names, point)
        except ad.EvalError:
            raise Unusable from None
        if branches(moved) != center:
            raise Unusable
        return ad.output_value(moved, y, [point[x] for x in names])

    return along


def branches(rows: list[ad.Row]) -> tuple:
    """Where the point lies between the poles and kinks of the rows (the sign of a divisor,
    of a base with a negative exponent, of abs's operand; tan's period; ad_ops.Op.side): a
    difference quotient across one of them says nothing about the derivative."""
    sides = []
    for r in rows:
        side = OPS[r.op].side
        if side:
            sides.append(side([a.value for a in r.args]))
    return tuple(sides)
