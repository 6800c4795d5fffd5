"""The one place numbers are turned into text (LaTeX math, also fed to the MathML converter)."""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Context, Decimal
from numbers import Integral, Real

# Enough digits for any float below 1e15 quantized to 15 decimals (Decimal's default is 28).
_DECIMAL = Context(prec=60, rounding=ROUND_HALF_UP)
# A given value is written out in positional notation within this range, else scientific.
_GIVEN_POSITIONAL = (1e-6, 1e15)


class MathText(str):
    """Text that is already safe LaTeX math (and safe HTML: it has no markup characters)."""

    def __html__(self) -> str:
        return str(self)


class Given(float):
    """A number the user gave (in the spec, by `--set`, or drawn at random): shown as given.

    Its text is the shortest decimal that reads back as the same float64 (Python's repr), so
    `2.50` shows 2.5, `1e-3` 0.001 and `0.12345` 0.12345, whatever `decimals` says. Arithmetic
    on it gives plain floats, so everything computed from it is rounded for display.
    """

    __slots__ = ()


def shortest_decimal(x: float) -> Decimal:
    """The shortest decimal that reads back as float x: what answers.json prints (0.00015)."""
    return Decimal(repr(float(x)))


def fmt(x, decimals: int) -> MathText:
    """A number for display: 5, 0.7, 0.1111, -0.9900 (rounded), 2.3 \\times 10^{-17}; a Given as
    given. Rounding is half away from zero on the shortest decimal of x, as by hand: 0.00015
    at 4 decimals is 0.0002, 2.675 at 2 is 2.68 (the float64 nearest 2.675 is below it)."""
    if isinstance(x, bool):
        raise TypeError("fmt() takes numbers, not booleans")
    if isinstance(x, Integral):
        return MathText(str(int(x)))
    if not isinstance(x, Real):
        raise TypeError(f"fmt() takes numbers, got {type(x).__name__}")
    given, x = isinstance(x, Given), float(x)
    if math.isnan(x):
        return MathText(r"\mathrm{NaN}")
    if math.isinf(x):
        return MathText(r"\infty" if x > 0 else r"-\infty")
    if x.is_integer() and abs(x) < 1e15:
        return MathText(str(int(x)))  # -0.0 too: "0"
    exact = shortest_decimal(x)
    if given:
        low, high = _GIVEN_POSITIONAL
        positional = low <= abs(x) < high
        return MathText(_plain(exact)) if positional else _scientific(exact, None)
    if abs(x) >= 1e15:
        return sci(x)
    rounded = exact.quantize(Decimal(1).scaleb(-decimals), context=_DECIMAL)
    if rounded == 0:  # would show as 0.0000: scientific instead
        return sci(x)
    if rounded == exact:  # exact at this precision: as written (0.7, not 0.7000)
        return MathText(_plain(exact))
    return MathText(_plain(rounded))  # rounded: every decimal shown (-0.9900, not -0.99)


def sci(x: float, digits: int = 3) -> MathText:
    """Scientific notation for tiny or huge values: 2.22 \\times 10^{-16} (rounded half-up)."""
    if x == 0:
        return MathText("0")
    return _scientific(shortest_decimal(x), digits)


def _plain(d: Decimal) -> str:
    """A decimal in positional notation, with its trailing zeros (0.9900) and no exponent."""
    return format(d, "f")


def _scientific(d: Decimal, digits: int | None) -> MathText:
    """d as mantissa \\times 10^{e}: rounded to `digits` significant digits, or all of them."""
    exponent = d.adjusted()
    mantissa = d.scaleb(-exponent, context=_DECIMAL)
    if digits is not None:
        mantissa = mantissa.quantize(Decimal(1).scaleb(1 - digits), context=_DECIMAL)
        if abs(mantissa) >= 10:  # 9.995 -> 10.0: one more power of ten
            exponent += 1
            mantissa = mantissa.scaleb(-1, context=_DECIMAL)
    text = _plain(mantissa)
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return MathText(f"{text} \\times 10^{{{exponent}}}")


def fmt_factor(x, decimals: int) -> MathText:
    """A number as the operand of a product or an operator: (-2) in brackets when negative."""
    text = fmt(x, decimals)
    return MathText(f"({text})" if text.startswith("-") else text)


def fmt_terms(parts, decimals: int) -> MathText:
    """A formula with numbers in it, from parts (see kinds/ad_rules):
    ("t", latex) as it is, ("n", x) a number, ("p", x) a factor (fmt_factor), ("b", x) the
    base of a power: in brackets when negative or in scientific notation."""
    out = []
    for kind, x in parts:
        if kind == "t":
            out.append(str(x))
        elif kind == "n":
            out.append(fmt(x, decimals))
        elif kind == "p":
            out.append(fmt_factor(x, decimals))
        elif kind == "b":
            text = fmt(x, decimals)
            bare = not text.startswith("-") and "times" not in text
            out.append(text if bare else rf"\left({text}\right)")
        else:
            raise ValueError(f"unknown part kind {kind!r}")
    return MathText("".join(out))


def fmt_vector(xs, decimals: int) -> MathText:
    """[1, 2, 5] with every entry through fmt()."""
    return MathText("[" + ", ".join(fmt(x, decimals) for x in xs) + "]")


def fmt_matrix(rows, decimals: int) -> MathText:
    """A bmatrix with every entry through fmt()."""
    body = r" \\ ".join(" & ".join(fmt(x, decimals) for x in row) for row in rows)
    return MathText(r"\begin{bmatrix}" + body + r"\end{bmatrix}")


def json_number(x):
    """float64 results for JSON: full precision; integral values as ints (exact below 2^53)."""
    if isinstance(x, bool) or x is None or isinstance(x, (str, Integral)):
        return int(x) if isinstance(x, Integral) and not isinstance(x, bool) else x
    x = float(x)
    if math.isfinite(x) and x.is_integer() and abs(x) < 2**53:
        return int(x)
    return x


def json_tidy(value):
    """Recursively apply json_number to lists, tuples and dicts (numpy scalars included)."""
    if isinstance(value, dict):
        return {str(k): json_tidy(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_tidy(v) for v in value]
    if hasattr(value, "tolist"):  # numpy arrays and scalars
        return json_tidy(value.tolist())
    return json_number(value)
