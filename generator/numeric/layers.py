"""PyTorch's output-size and validity rules of conv, max-pooling and average-pooling layers.

The one place `cnn_shapes` and `conv_design` take them from, so the two kinds cannot disagree.
They follow ATen: `pooling_output_shape` and `pool2d_shape_check` (aten/src/ATen/native/Pool.h)
for nn.MaxPool2d / nn.AvgPool2d, and the input-size check of nn.Conv2d.
"""

from __future__ import annotations

from dataclasses import dataclass


def effective_kernel(k: int, d: int) -> int:
    """The span of a dilated kernel: d(k-1)+1."""
    return d * (k - 1) + 1


def output_size(i: int, k: int, s: int = 1, p: int = 0, d: int = 1,
                ceil_mode: bool = False) -> int:
    """PyTorch's output size along one dimension: floor((i+2p-d(k-1)-1)/s)+1, or in ceil mode
    rounded up, less a last window that would start in the right padding. Below 1 for a
    layer PyTorch refuses (see `layer_problem`)."""
    numerator = i + 2 * p - effective_kernel(k, d) + (s - 1 if ceil_mode else 0)
    out = numerator // s + 1  # Python's // rounds towards -inf, as ATen's div_rtn
    if ceil_mode and (out - 1) * s >= i + p:
        out -= 1
    return out


@dataclass(frozen=True)
class SizeFormula:
    """One dimension's output size worked out: o = floor((i + 2p - k')/s) + 1 (ceil in ceil
    mode, less a window that would start in the right padding)."""

    i: int
    k: int
    s: int
    p: int
    d: int
    ceil: bool
    span: int  # the effective kernel k' = d(k-1)+1
    numerator: int  # i + 2p - k'
    out: int
    exact: bool  # s divides the numerator: every row of the padded input is covered
    dropped: int  # the rows the floor leaves uncovered (0 in ceil mode)
    last_window_dropped: bool  # ceil mode: the window starting in the right padding is not kept


def size_formula(i: int, k: int, s: int = 1, p: int = 0, d: int = 1,
                 ceil_mode: bool = False) -> SizeFormula:
    """The output size along one dimension with the steps of its formula (see output_size)."""
    span = effective_kernel(k, d)
    numerator = i + 2 * p - span
    out = output_size(i, k, s, p, d, ceil_mode)
    rounded = (-(-numerator // s) if ceil_mode else numerator // s) + 1
    return SizeFormula(i, k, s, p, d, ceil_mode, span, numerator, out, numerator % s == 0,
                       0 if ceil_mode else numerator % s, rounded != out)


def max_padding(layer: str, k: int) -> int | None:
    """The largest padding PyTorch allows (pooling: half the kernel, not the dilated kernel)."""
    return None if layer == "conv" else k // 2


def non_overlapping(k: int, s: int, d: int = 1) -> bool:
    """Whether consecutive windows share no input position: s >= d(k-1)+1."""
    return s >= effective_kernel(k, d)


def layer_problem(layer: str, i: int, k: int, s: int = 1, p: int = 0, d: int = 1,
                  ceil_mode: bool = False, axis: str = "") -> tuple[str | None, str] | None:
    """Why PyTorch refuses a layer along one dimension of size i (`axis` names it in the
    reason): (the field at fault, None for the layer as a whole; the reason), or None when
    PyTorch accepts it."""
    if layer == "avgpool" and d != 1:
        return "dilation", (f"average pooling has no dilation (PyTorch's AvgPool2d takes none), "
                            f"got {d}: use d = 1 or maxpool")
    limit = max_padding(layer, k)
    if limit is not None and p > limit:
        return "padding", (f"pooling padding {p} is more than half the kernel {k} "
                           f"(PyTorch needs p ≤ ⌊k/2⌋ = {limit})")
    if output_size(i, k, s, p, d, ceil_mode) >= 1:
        return None
    span, padded = effective_kernel(k, d), i + 2 * p
    window = f"its {axis} window" if axis else "its window"
    if not ceil_mode:
        return None, (f"{window} of {span} is larger than the padded input of {padded} "
                      f"({i} + 2·{p})")
    return None, (f"{window} of {span} leaves no window even in ceil mode: PyTorch needs "
                  f"window − stride < padded input, here {span} − {s} ≥ {padded} ({i} + 2·{p})")
