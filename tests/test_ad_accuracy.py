"""Every elementary operation of the AD engine against mpmath at 50 digits, over a wide range.

Each value and each partial derivative must be within a few ulps of the exact one wherever the
exact one is a normal float64 (or exactly 0); where it is not (it overflows, or it is nonzero
but below the normal range), the operation must refuse rather than return a rounded-away number.
"""

import math
import sys

import mpmath as mp
import numpy as np
import pytest

from generator.numeric.ad_ops import DomainError, operation

ULPS = 8  # libm rounds each function within 1 ulp; a partial combines at most four of them
TINY, HUGE = sys.float_info.min, sys.float_info.max
mp.mp.dps = 50


def exact(op, x, constant_exponent=False):
    """The value and partials of `op` at x, exactly enough (mpmath, 50 digits)."""
    a = [mp.mpf(v) for v in x]
    sig = lambda t: 1 / (1 + mp.exp(-t))  # noqa: E731
    if op == "add":
        return a[0] + a[1], [1, 1]
    if op == "sub":
        return a[0] - a[1], [1, -1]
    if op == "neg":
        return -a[0], [-1]
    if op == "mul":
        return a[0] * a[1], [a[1], a[0]]
    if op == "div":
        return a[0] / a[1], [1 / a[1], -a[0] / a[1] ** 2]
    if op == "pow":
        value = a[0] ** a[1]
        d_base = a[1] * a[0] ** (a[1] - 1) if a[1] != 0 else mp.mpf(0)
        return value, [d_base, 0 if constant_exponent else mp.log(a[0]) * value]
    t = a[0]
    forms = {"sin": lambda: (mp.sin(t), [mp.cos(t)]), "cos": lambda: (mp.cos(t), [-mp.sin(t)]),
             "tan": lambda: (mp.tan(t), [1 / mp.cos(t) ** 2]),
             "exp": lambda: (mp.exp(t), [mp.exp(t)]), "log": lambda: (mp.log(t), [1 / t]),
             "sqrt": lambda: (mp.sqrt(t), [1 / (2 * mp.sqrt(t))]),
             "tanh": lambda: (mp.tanh(t), [1 / mp.cosh(t) ** 2]),
             "sigmoid": lambda: (sig(t), [sig(t) * sig(-t)]),
             "abs": lambda: (abs(t), [mp.sign(t)])}
    return forms[op]()


def representable(v) -> bool | None:
    """True for 0 and normal float64 magnitudes, False outside, None within 1e-6 of a limit
    (where rounding decides, so either answer is right)."""
    m = abs(v)
    if m == 0:
        return True
    near = [limit for limit in (TINY, HUGE) if abs(m / limit - 1) < 1e-6]
    return None if near else TINY <= m <= HUGE


def check(op, x, constant_exponent=False):
    value, partials = exact(op, x, constant_exponent)
    results = [value, *partials]
    fits = [representable(v) for v in results]
    if None in fits:
        return
    if not all(fits):
        with pytest.raises(DomainError, match="overflows|underflows"):
            operation(op, x, constant_exponent)
        return
    got_value, got_partials = operation(op, x, constant_exponent)
    for got, want, what in zip([got_value, *got_partials], results, ["value", "d0", "d1"]):
        if want == 0:
            assert got == 0, (op, x, what)
        else:
            error = abs((mp.mpf(got) - want) / want)
            assert error <= ULPS * sys.float_info.epsilon, (op, x, what, got, float(want))


RNG = np.random.default_rng(20240611)


def wide(n, lo=-700.0, hi=700.0):
    """Points spread evenly over [lo, hi], plus the integers and halves near 0."""
    return [float(a) for a in [*RNG.uniform(lo, hi, n), *np.arange(-40, 40.5, 0.5)]]


def magnitudes(n, lo=-300, hi=300, signed=True):
    """Numbers of every size, 10^lo .. 10^hi, with random signs."""
    m = 10.0 ** RNG.uniform(lo, hi, n)
    return [float(v) for v in (m * RNG.choice([-1, 1], n) if signed else m)]


@pytest.mark.parametrize("op", ["exp", "sigmoid", "tanh", "sin", "cos", "tan", "abs", "neg"])
def test_functions_of_any_real(op):
    for a in wide(400):
        if op == "abs" and a == 0:
            continue
        check(op, [float(a)])


@pytest.mark.parametrize("op", ["log", "sqrt"])
def test_functions_of_a_positive_number(op):
    for a in magnitudes(600, signed=False) + [1.0, 1 + 2**-52, 1 - 2**-53, 2.5]:
        check(op, [a])


@pytest.mark.parametrize("op", ["add", "sub", "mul", "div"])
def test_arithmetic_on_numbers_of_every_size(op):
    for a, b in zip(magnitudes(600, -200, 200), magnitudes(600, -200, 200)):
        check(op, [a, b])
    for a, b in [(1.0, 1.0), (0.0, 3.0), (3.0, -3.0), (1e-300, 1e-10), (1e300, 1e10)]:
        check(op, [a, b])


def test_powers_with_a_variable_exponent():
    for a, b in zip(magnitudes(600, -5, 5, signed=False), RNG.uniform(-60, 60, 600)):
        check("pow", [a, float(b)])
    for a, b in [(1.0, 7.5), (2.0, 1.0), (10.0, 0.0), (1 + 2**-52, 1e15)]:
        check("pow", [a, b])


def test_powers_with_a_constant_exponent_also_of_negative_bases():
    for a, b in zip(magnitudes(600, -5, 5), RNG.integers(-60, 61, 600)):
        check("pow", [a, float(b)], constant_exponent=True)
    for a, b in zip(magnitudes(300, -5, 5, signed=False), RNG.uniform(-9, 9, 300)):
        check("pow", [a, float(b)], constant_exponent=True)
    for a, b in [(0.0, 2.0), (0.0, 1.0), (0.0, 1.5), (-3.0, 0.0), (-2.0, 1.0), (-1.5, 3.0)]:
        check("pow", [a, b], constant_exponent=True)


@pytest.mark.parametrize("op,a,partial", [
    ("sigmoid", 30.0, math.exp(-30) / (1 + math.exp(-30)) ** 2),  # σ(1 − σ): rel. error 1e-3
    ("sigmoid", 40.0, math.exp(-40) / (1 + math.exp(-40)) ** 2),  # σ(1 − σ): 0
    ("sigmoid", -700.0, math.exp(-700)),
    ("tanh", 20.0, 4 * math.exp(-40) / (1 + math.exp(-40)) ** 2),  # 1 − tanh²: 0
    ("tanh", -300.0, 4 * math.exp(-600)),
])
def test_the_derivatives_that_used_to_cancel(op, a, partial):
    assert operation(op, [a])[1][0] == pytest.approx(partial, rel=1e-14, abs=0)


def test_negative_bases_need_a_constant_integer_exponent():
    assert operation("pow", [-2.0, 2.0], constant_exponent=True) == (4.0, [-4.0, 0.0])
    assert operation("pow", [-2.0, 3.0], constant_exponent=True) == (-8.0, [12.0, 0.0])
    with pytest.raises(DomainError, match="fractional power 0.5"):
        operation("pow", [-2.0, 0.5], constant_exponent=True)
    with pytest.raises(DomainError, match="a variable exponent needs a positive base"):
        operation("pow", [-2.0, 2.0])
