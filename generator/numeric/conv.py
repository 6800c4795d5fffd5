"""Convolution arithmetic: 1-D convolution by direct summation, and window counting (the
independent check of the size rules in `layers`)."""

from __future__ import annotations

import math

from .layers import effective_kernel


def count_windows(i: int, k: int, s: int = 1, p: int = 0, d: int = 1,
                  ceil_mode: bool = False) -> int:
    """Output size found by listing the window starts over the padded input (independent
    check): 0, s, 2s, ... while a window of d(k-1)+1 still fits. A `range` holds the starts,
    so a 10^6-wide input costs no memory."""
    span = effective_kernel(k, d)
    extra = s - 1 if ceil_mode else 0  # ceil mode lets a last partial window hang over the end
    end = i + 2 * p + extra - span + 1  # the first start whose window would not fit
    if ceil_mode:  # PyTorch drops a window that would start in the right padding
        end = min(end, i + p, i + 2 * p)
    return len(range(0, max(end, 0), s))


def convolve_terms(x: list, w: list, mode: str, flip: bool) -> dict:
    """1-D convolution (flip) or cross-correlation by direct summation, with every product.

    Returns the kernel as used, the padded input and, per output element, its (input, weight)
    pairs and sum. Modes follow numpy: full n+k-1, valid n-k+1, same n (full[(k-1)//2:][:n]).
    """
    n, k = len(x), len(w)
    used = list(reversed(w)) if flip else list(w)
    if mode == "full":
        left = right = k - 1
    elif mode == "valid":
        left = right = 0
    else:  # same: the slice of full starting at (k-1)//2, i.e. k//2 zeros on the left
        left, right = k // 2, (k - 1) // 2
    padded = [0] * left + list(x) + [0] * right
    count = len(padded) - k + 1
    if mode == "same":
        count = n
    rows = []
    for j in range(max(count, 0)):
        window = padded[j : j + k]
        pairs = list(zip(window, used))
        rows.append({"pairs": pairs, "value": math.fsum(a * b for a, b in pairs)})
    return {"kernel_used": used, "padded": padded, "left": left, "right": right, "rows": rows}
