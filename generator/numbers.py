"""The one place numbers are turned into text (LaTeX math, also fed to the MathML converter)."""

from __future__ import annotations

import math
from numbers import Integral, Real


class MathText(str):
    """Text that is already safe LaTeX math (and safe HTML: it has no markup characters)."""

    def __html__(self) -> str:
        return str(self)


def fmt(x, decimals: int) -> MathText:
    """A number for display: 5, 0.7, 0.1111, -0.9900 (rounded), 2.3 \\times 10^{-17}."""
    if isinstance(x, bool):
        raise TypeError("fmt() takes numbers, not booleans")
    if isinstance(x, Integral):
        return MathText(str(int(x)))
    if not isinstance(x, Real):
        raise TypeError(f"fmt() takes numbers, got {type(x).__name__}")
    x = float(x)
    if math.isnan(x):
        return MathText(r"\mathrm{NaN}")
    if math.isinf(x):
        return MathText(r"\infty" if x > 0 else r"-\infty")
    if x != 0 and abs(x) < 0.5 * 10.0**-decimals:
        return sci(x)
    if abs(x) >= 1e15:
        return sci(x)
    if x.is_integer():
        return MathText(str(int(x)))
    text = f"{x:.{decimals}f}"
    if float(text) == x:  # exact at this precision: as written (0.7, not 0.7000)
        text = text.rstrip("0").rstrip(".")
    # else rounded: every decimal shown (cos 3 = -0.9900, not -0.99)
    if text.strip("-0.") == "":
        text = "0"
    return MathText(text)


def sci(x: float, digits: int = 3) -> MathText:
    """Scientific notation for tiny or huge values: 2.22 \\times 10^{-16}."""
    if x == 0:
        return MathText("0")
    mantissa, exponent = f"{x:.{digits - 1}e}".split("e")
    mantissa = mantissa.rstrip("0").rstrip(".")
    return MathText(f"{mantissa} \\times 10^{{{int(exponent)}}}")


def fmt_factor(x, decimals: int) -> MathText:
    """A number as the operand of a product or an operator: (-2) in brackets when negative."""
    text = fmt(x, decimals)
    return MathText(f"({text})" if text.startswith("-") else text)


def fmt_terms(parts, decimals: int) -> MathText:
    """A formula with numbers in it, from parts (see numeric/ad_subst):
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
