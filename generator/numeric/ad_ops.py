"""The elementary operations of the AD trace, one table entry each: value and partial
derivatives, domain, which results may be exactly 0, and the branch a point lies on.

How each operation is written (its LaTeX, its rules) is the other half of the table, in
generator/kinds/ad_notation.py; tests/test_autodiff.py checks that the two list the same
operations. Every partial is computed in a form that does not cancel: σ'(a) = σ(a) σ(−a)
(not σ(1 − σ), which is 1 − 1 = 0 for a > 37), tanh'(a) = 4e^{−2|a|} / (1 + e^{−2|a|})²
(not 1 − tanh², 0 for |a| > 19, nor 1/cosh², whose cosh overflows beyond 710). A result the
float64 range cannot hold is refused rather than rounded away: it overflows, it would be a
subnormal number (a few digits left), or it came out 0 although its exact value is not.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable
from dataclasses import dataclass

from .stable import sigmoid_scalar


class DomainError(Exception):
    """An operation outside its domain or range; `operand` is the position it blames."""

    def __init__(self, why: str, operand: int = 0):
        super().__init__(why)
        self.operand = operand


@dataclass(frozen=True)
class Op:
    """One elementary operation. `evaluate(x, constant_exponent)` gives its value and one
    partial per operand, raising DomainError outside its domain (`constant_exponent`: no input
    reaches the last operand; only a power reads it). `zeros(x, constant_exponent)` says which
    of (value, partials...) may be exactly 0 at x: any other 0 is an underflow. `side(x)`,
    for an operation with poles or kinks, says where x lies between them (a difference
    quotient across one says nothing about the derivative)."""

    arity: int
    evaluate: Callable[[list, bool], tuple[float, list]]
    zeros: Callable[[list, bool], list]
    side: Callable[[list], object] | None = None
    function: bool = False  # written as a call, sin(x), in the grammar


def _function(value: Callable, partial: Callable, domain: Callable | None = None,
              zero_at: Callable | None = None, partial_zero_at: Callable | None = None,
              side: Callable | None = None) -> Op:
    """A function of one argument a: `partial(a, value)`; `domain(a)` raises DomainError;
    `zero_at(a)`, `partial_zero_at(a)`: where its value, its partial are exactly 0."""

    def evaluate(x: list, _: bool) -> tuple[float, list]:
        if domain:
            domain(x[0])
        v = value(x[0])
        return v, [partial(x[0], v)]

    def zeros(x: list, _: bool) -> list:
        return [bool(zero_at and zero_at(x[0])), bool(partial_zero_at and partial_zero_at(x[0]))]

    return Op(1, evaluate, zeros, side and (lambda x: side(x[0])), function=True)


def _positive(name: str) -> Callable:
    """log and sqrt: no negative argument; at 0 log is -inf and sqrt has no derivative."""
    at_zero = "log of zero" if name == "log" else "sqrt has no derivative at 0"

    def domain(a: float) -> None:
        if a < 0:
            raise DomainError(f"{name} of a negative number")
        if a == 0:
            raise DomainError(at_zero)
    return domain


def _tan_domain(a: float) -> None:
    if math.cos(a) == 0:
        raise DomainError("tan is undefined here")


def _abs_domain(a: float) -> None:
    if a == 0:
        raise DomainError("abs has no derivative at 0")


def _tanh_partial(a: float, _: float) -> float:
    e = math.exp(-2 * abs(a))
    return 4 * e / (1 + e) ** 2


def _divide(x: list, _: bool) -> tuple[float, list]:
    if x[1] == 0:
        raise DomainError("division by zero", 1)
    return x[0] / x[1], [1 / x[1], -(x[0] / x[1]) / x[1]]  # x1^2 may underflow


def _power(x: list, constant_exponent: bool) -> tuple[float, list]:
    a, b = x
    if a == 0 and b < 0:
        raise DomainError("division by zero (0 to a negative power)")
    if a < 0 and not float(b).is_integer():
        raise DomainError(f"a negative number to the fractional power {b:.6g}")
    if not constant_exponent and a <= 0:
        raise DomainError("a variable exponent needs a positive base")
    if a == 0 and 0 < b < 1:
        raise DomainError(f"0^{b:.6g} has no derivative (its slope at 0 is infinite)")
    value = a**b  # a negative base has an integer exponent here: real, with its sign
    # b a^(b-1) from the value: b - 1 rounds (7.5 - 1 loses a bit), which a^(b-1) magnifies
    d_base = 0.0 if b == 0 else b * (value / a) if a != 0 else b * a ** (b - 1)
    return value, [d_base, 0.0 if constant_exponent else math.log(a) * value]


def _power_zeros(x: list, constant_exponent: bool) -> list:
    a, b = x
    return [a == 0, b == 0 or (a == 0 and b > 1), constant_exponent or a == 1]


OPS: dict[str, Op] = {
    # a float sum is 0 only when it is exactly 0; its partials never are
    "add": Op(2, lambda x, _: (x[0] + x[1], [1.0, 1.0]), lambda x, _: [True, False, False]),
    "sub": Op(2, lambda x, _: (x[0] - x[1], [1.0, -1.0]), lambda x, _: [True, False, False]),
    "neg": Op(1, lambda x, _: (-x[0], [-1.0]), lambda x, _: [x[0] == 0, False]),
    "mul": Op(2, lambda x, _: (x[0] * x[1], [x[1], x[0]]),
              lambda x, _: [0 in x, x[1] == 0, x[0] == 0]),
    "div": Op(2, _divide, lambda x, _: [x[0] == 0, False, x[0] == 0], lambda x: x[1] > 0),
    "pow": Op(2, _power, _power_zeros, lambda x: x[0] > 0 or x[1] >= 0),
    "sin": _function(math.sin, lambda a, _: math.cos(a), zero_at=lambda a: a == 0),
    "cos": _function(math.cos, lambda a, _: -math.sin(a), partial_zero_at=lambda a: a == 0),
    "tan": _function(math.tan, lambda a, _: 1 / math.cos(a) ** 2, _tan_domain,
                     zero_at=lambda a: a == 0, side=lambda a: math.floor(a / math.pi + 0.5)),
    "exp": _function(math.exp, lambda _, v: v),
    "log": _function(math.log, lambda a, _: 1 / a, _positive("log"), zero_at=lambda a: a == 1),
    "sqrt": _function(math.sqrt, lambda _, v: 1 / (2 * v), _positive("sqrt")),
    "tanh": _function(math.tanh, _tanh_partial, zero_at=lambda a: a == 0),
    "sigmoid": _function(sigmoid_scalar, lambda a, v: v * sigmoid_scalar(-a)),
    "abs": _function(abs, lambda a, _: math.copysign(1.0, a), _abs_domain,
                     side=lambda a: a > 0),
}
FUNCTIONS = tuple(name for name, op in OPS.items() if op.function)


def operation(name: str, x: list[float], constant_exponent: bool = False
              ) -> tuple[float, list[float]]:
    """The value of operation `name` on the operands x and its partials, one per operand;
    for "pow" with a constant exponent (no variable reaches it) the second partial is 0."""
    op = OPS[name]
    try:
        value, partials = op.evaluate(x, constant_exponent)
    except OverflowError:
        raise DomainError("the value overflows") from None
    except ZeroDivisionError:  # a quotient of partials whose divisor underflowed to 0
        raise DomainError("the value underflows to 0 and is divided by") from None
    results = (value, *partials)
    if not all(math.isfinite(v) for v in results):
        raise DomainError("the value overflows")
    if any(0 < abs(v) < sys.float_info.min for v in results):
        raise DomainError("the value underflows to a subnormal number, losing its precision")
    zeros = op.zeros(x, constant_exponent)
    if any(v == 0 and not may_be_zero for v, may_be_zero in zip(results, zeros)):
        raise DomainError("the value underflows to 0, losing every digit")
    return value, partials
