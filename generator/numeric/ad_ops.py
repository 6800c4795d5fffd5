"""The value and partial derivatives of each elementary operation of the AD trace.

Every partial is computed in a form that does not cancel: σ'(a) = σ(a) σ(−a) (not σ(1 − σ),
which is 1 − 1 = 0 for a > 37), tanh'(a) = 4e^{−2|a|} / (1 + e^{−2|a|})² (not 1 − tanh²,
0 for |a| > 19, nor 1/cosh², whose cosh overflows beyond 710). A result the float64 range
cannot hold is refused rather than rounded away: it overflows, it would be a subnormal number
(a few digits left), or it came out 0 although its exact value is not (all digits lost).
"""

from __future__ import annotations

import math
import sys

from .stable import sigmoid_scalar

UNARY = {"sin": math.sin, "cos": math.cos, "tan": math.tan, "exp": math.exp, "log": math.log,
         "sqrt": math.sqrt, "tanh": math.tanh, "abs": abs, "sigmoid": sigmoid_scalar}


class DomainError(Exception):
    """An operation outside its domain or range; `operand` is the position it blames."""

    def __init__(self, why: str, operand: int = 0):
        super().__init__(why)
        self.operand = operand


def operation(op: str, x: list[float], constant_exponent: bool = False
              ) -> tuple[float, list[float]]:
    """The value of `op` on the operands x and its partials, one per operand; for "pow" with
    a constant exponent (no variable reaches it) the second partial is 0 (never needed)."""
    try:
        value, partials = _exact_form(op, x, constant_exponent)
    except OverflowError:
        raise DomainError("the value overflows") from None
    except ZeroDivisionError:  # a quotient of partials whose divisor underflowed to 0
        raise DomainError("the value underflows to 0 and is divided by") from None
    results = (value, *partials)
    if not all(math.isfinite(v) for v in results):
        raise DomainError("the value overflows")
    if any(0 < abs(v) < sys.float_info.min for v in results):
        raise DomainError("the value underflows to a subnormal number, losing its precision")
    zeros = _zeros(op, x, constant_exponent)
    if any(v == 0 and not may_be_zero for v, may_be_zero in zip(results, zeros)):
        raise DomainError("the value underflows to 0, losing every digit")
    return value, partials


def _exact_form(op: str, x: list, constant_exponent: bool) -> tuple[float, list]:
    if op == "add":
        return x[0] + x[1], [1.0, 1.0]
    if op == "sub":
        return x[0] - x[1], [1.0, -1.0]
    if op == "neg":
        return -x[0], [-1.0]
    if op == "mul":
        return x[0] * x[1], [x[1], x[0]]
    if op == "div":
        if x[1] == 0:
            raise DomainError("division by zero", 1)
        return x[0] / x[1], [1 / x[1], -(x[0] / x[1]) / x[1]]  # x1^2 may underflow
    if op == "pow":
        return _power(x[0], x[1], constant_exponent)
    a = x[0]
    if op in ("log", "sqrt") and a < 0:
        raise DomainError(f"{op} of a negative number")
    if op == "log" and a == 0:
        raise DomainError("log of zero")
    if op in ("sqrt", "abs") and a == 0:
        raise DomainError(f"{op} has no derivative at 0")
    if op == "tan" and math.cos(a) == 0:
        raise DomainError("tan is undefined here")
    value = UNARY[op](a)
    if op == "tanh":
        e = math.exp(-2 * abs(a))
        return value, [4 * e / (1 + e) ** 2]
    partial = {"sin": lambda: math.cos(a), "cos": lambda: -math.sin(a),
               "tan": lambda: 1 / math.cos(a) ** 2, "exp": lambda: value,
               "log": lambda: 1 / a, "sqrt": lambda: 1 / (2 * value),
               "sigmoid": lambda: value * sigmoid_scalar(-a),
               "abs": lambda: math.copysign(1.0, a)}[op]()
    return value, [partial]


def _power(a: float, b: float, constant_exponent: bool) -> tuple[float, list]:
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


def _zeros(op: str, x: list, constant_exponent: bool) -> list[bool]:
    """Which of (value, partials...) may be exactly 0 at x; any other 0 is an underflow."""
    if op in ("add", "sub"):
        return [True, False, False]  # a float sum is 0 only when it is exactly 0
    if op == "neg":
        return [x[0] == 0, False]
    if op == "mul":
        return [0 in x, x[1] == 0, x[0] == 0]
    if op == "div":
        return [x[0] == 0, False, x[0] == 0]
    if op == "pow":
        a, b = x
        return [a == 0, b == 0 or (a == 0 and b > 1), constant_exponent or a == 1]
    a = x[0]
    return [{"sin": a == 0, "tan": a == 0, "tanh": a == 0, "log": a == 1}.get(op, False),
            op == "cos" and a == 0]
