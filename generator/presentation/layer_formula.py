"""What cnn_shapes, conv_design and conv2d show alike: a C × H × W shape and a layer's
output-size formula filled in (numeric.layers.SizeFormula)."""

from __future__ import annotations

from ..numeric.layers import SizeFormula


def shape(xs) -> str:
    """A shape as math: 3 \\times 64 \\times 64."""
    return r" \times ".join(str(x) for x in xs)


def filled_in(f: SizeFormula) -> str:
    """The formula with the layer's values, its numerator, and the size it gives (math)."""
    left, right = ((r"\left\lceil", r"\right\rceil") if f.ceil
                   else (r"\left\lfloor", r"\right\rfloor"))
    span = f"{f.k}" if f.d == 1 else rf"{f.d}\cdot({f.k} - 1) - 1"
    dropped = " - 1" if f.last_window_dropped else ""
    return (rf"{left} \frac{{{f.i} + 2\cdot {f.p} - {span}}}{{{f.s}}} {right} + 1"
            rf" = {left} \frac{{{f.numerator}}}{{{f.s}}} {right} + 1{dropped} = {f.out}")
