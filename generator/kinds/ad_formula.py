"""The parsed function as LaTeX, in pieces a line may break between.

A long function (a loss summed over nine weights) must break over lines. TeX breaks inline
math after a + or − only outside groups, and \\left...\\right makes one, so brackets here are
plain or sized by \\bigl/\\Bigl after what they hold (no group). The pieces end after a + or
− that is outside fractions, roots and exponents; each operation is written as its entry of
the notation table (ad_notation.NOTATION) says.
"""

from __future__ import annotations

from typing import NamedTuple

from ..numeric.expr import Graph
from .ad_notation import NOTATION, const_latex, var_latex

BREAK = "\x00"  # between pieces; never in the LaTeX of a name or a number
_SIZES = ("", r"\bigl", r"\Bigl")  # by height: nothing tall, a fraction, a nested fraction


class Piece(NamedTuple):
    """A subexpression's LaTeX (with BREAKs), its precedence and its height: 0, or 1 and 2
    for a fraction and a nested fraction (the size of the brackets around it)."""

    text: str
    precedence: int
    height: int


def function_pieces(graph: Graph) -> list[str]:
    """The function as LaTeX pieces: ' '.join(pieces) is the whole formula, and a line may
    break between two pieces."""
    memo: dict[int, Piece] = {}
    for node_id, node in enumerate(graph.nodes):  # children always come before parents
        op = node[0]
        if op == "var":
            memo[node_id] = Piece(var_latex(node[1]), 9, 0)
        elif op == "const":
            memo[node_id] = Piece(const_latex(node[1]), 9, 0)
        elif NOTATION[op].form in ("call", "root", "bars"):
            inner, _, height = memo[node[1]]
            form = NOTATION[op].form
            if form == "root":
                text = rf"\sqrt{{{_whole(inner)}}}"
            elif form == "bars":
                text = _delimit(inner, height, r"\lvert", r"\rvert")
            else:
                text = NOTATION[op].latex + _delimit(inner, height, "(", ")")
            memo[node_id] = Piece(text, 9, height)
        else:
            memo[node_id] = _operator(op, [memo[c] for c in node[1:]])
    return [piece.strip() for piece in memo[graph.root].text.split(BREAK)]


def _whole(text: str) -> str:
    """A part set inside a fraction, root or exponent, where no line may break."""
    return text.replace(BREAK, "")


def _delimit(text: str, height: int, left: str, right: str) -> str:
    """text between the delimiters, sized by its height: (x), \\bigl( ... \\bigr)."""
    size = _SIZES[height]
    space = " " if left.startswith("\\") else ""  # \lvert x, not \lvertx
    return f"{size}{left}{space}{text}{space}{size[:-1] + 'r' if size else ''}{right}"


def _operator(op: str, parts: list[Piece]) -> Piece:
    notation = NOTATION[op]
    prec = notation.precedence

    def wrap(part: Piece, strict: bool) -> str:
        text, p, height = part
        return _delimit(text, height, "(", ")") if p < prec or (strict and p == prec) else text

    height = max(part.height for part in parts)
    if notation.form == "prefix":
        return Piece(f"{notation.latex}{wrap(parts[0], False)}", prec, height)
    if notation.form == "fraction":
        return Piece(rf"\frac{{{_whole(parts[0].text)}}}{{{_whole(parts[1].text)}}}", prec,
                     min(2, height + 1))
    if notation.form == "power":
        return Piece(f"{wrap(parts[0], True)}^{{{_whole(parts[1].text)}}}", prec,
                     parts[0].height)
    mark = BREAK if prec == 1 else ""  # a line may break after + and -, not after a product
    return Piece(f"{wrap(parts[0], False)} {notation.latex}{mark} "
                 f"{wrap(parts[1], op == 'sub')}", prec, height)
