"""How conv2d's key is laid out, decided in solve(): the products on one line of a sum, the
matrices shown side by side, the sums grouped into displays a page holds.

Widths are estimated in points of the PDF (11pt Palatino math) from the numbers as printed;
the page lays out by itself (its wide displays scroll), so only the PDF needs the estimate.
"""

from __future__ import annotations

from ..numbers import fmt_factor

_CHAR_PT = {".": 2.75, "-": 6.7, "(": 3.7, ")": 3.7}  # digits and the rest 5.5pt
PRODUCT_PT = 19.3  # a product's "·" and the "+" after it, with their spaces
LINE_PT = 400.0  # a line of a sum, leaving room for the entry's name
ROW_PT = 400.0  # a row of matrices side by side
MATRIX_PT = 55.0  # a matrix's brackets and its name "X_0 ="
COLUMN_PT = 11.0  # the space between two columns of a matrix
BLOCK_LINES = 24  # a display cannot break across pages: sums are split after this many lines


def number_width(x) -> float:
    """About how wide a number prints as a factor (negatives in parentheses): a given number
    prints as given, so `decimals` does not matter."""
    return sum(_CHAR_PT.get(ch, 5.5) for ch in fmt_factor(x, 15))


def products_per_line(inputs: list, weights: list) -> int:
    """Products on one line of a sum: as many of the widest possible product as fit."""
    widest = max(map(number_width, inputs)) + max(map(number_width, weights)) + PRODUCT_PT
    return max(1, int(LINE_PT // widest))


def line_chunks(k_h: int, k_w: int, per_line: int) -> list[list[tuple[int, int]]]:
    """One channel's kernel positions (m, n) line by line: whole kernel rows on a line while
    they fit, a row longer than a line split."""
    rows = [[(m, n) for n in range(k_w)] for m in range(k_h)]
    if k_w > per_line:
        return [r[a:a + per_line] for r in rows for a in range(0, k_w, per_line)]
    step = per_line // k_w
    return [sum(rows[a:a + step], []) for a in range(0, k_h, step)]


def matrix_width(m: list) -> float:
    """About how wide a named matrix prints."""
    return MATRIX_PT + len(m[0]) * (max(number_width(v) for r in m for v in r) + COLUMN_PT)


def side_by_side(matrices: list) -> tuple:
    """The indices of matrices grouped into rows that fit the page's width."""
    rows, current, used = [], [], 0.0
    for n, width in enumerate(map(matrix_width, matrices)):
        if current and used + width > ROW_PT:
            rows.append(tuple(current))
            current, used = [], 0.0
        current.append(n)
        used += width
    return tuple(rows + [tuple(current)])


def kernel_rows(kernels: list) -> tuple:
    """Filters' kernels (F lists of C matrices) as rows of (filter, channel) pairs: filters of
    one channel share rows; a filter of several channels starts a row."""
    if len(kernels[0]) == 1:
        groups = [[(f, 0) for f in range(len(kernels))]]
    else:
        groups = [[(f, c) for c in range(len(k))] for f, k in enumerate(kernels)]
    return tuple(tuple(group[a] for a in r) for group in groups
                 for r in side_by_side([kernels[f][c] for f, c in group]))


def blocks(entries: list) -> tuple:
    """Entries (each with its `lines`) grouped into displays of at most BLOCK_LINES lines, or
    one entry."""
    out, current = [], []
    for entry in entries:
        if current and sum(len(e.lines) for e in current) + len(entry.lines) > BLOCK_LINES:
            out.append(tuple(current))
            current = []
        current.append(entry)
    return tuple(out + [tuple(current)])
