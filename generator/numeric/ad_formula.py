"""The parsed function as LaTeX, in pieces a line may break between.

A long function (a loss summed over nine weights) must break over lines in the PDF and on the
page. TeX breaks inline math after a + or − only outside groups, and \\left...\\right makes
one, so brackets here are plain or sized by \\bigl/\\Bigl after what they hold (no group);
MathML has no line breaking in Chromium, so the page sets each piece as a formula of its own.
The pieces end after a + or − that is outside fractions, roots and exponents.
"""

from __future__ import annotations

from .ad import operand_text
from .ad_latex import var_latex
from .expr import Graph

BREAK = "\x00"  # between pieces; never in the LaTeX of a name or a number
_PRECEDENCE = {"add": 1, "sub": 1, "neg": 1, "mul": 2, "div": 2, "pow": 4}
_SIZES = ("", r"\bigl", r"\Bigl")  # by height: nothing tall, a fraction, a nested fraction
_NAMES = {"sigmoid": r"\sigma", "log": r"\ln"}

Piece = tuple[str, int, int]  # LaTeX (with BREAKs), precedence, height (0, 1, 2)


def function_pieces(graph: Graph) -> list[str]:
    """The function as LaTeX pieces: ' '.join(pieces) is the whole formula."""
    memo: dict[int, Piece] = {}
    for node_id, node in enumerate(graph.nodes):  # children always come before parents
        op = node[0]
        if op == "var":
            memo[node_id] = (var_latex(node[1]), 9, 0)
        elif op == "const":
            memo[node_id] = (operand_text(("c", node[1])), 9, 0)
        elif op in _PRECEDENCE:
            memo[node_id] = _operator(op, [memo[c] for c in node[1:]])
        else:
            inner, _, height = memo[node[1]]
            if op == "sqrt":
                text = rf"\sqrt{{{_whole(inner)}}}"
            elif op == "abs":
                text = _delimit(inner, height, r"\lvert", r"\rvert")
            else:
                text = _NAMES.get(op, f"\\{op}") + _delimit(inner, height, "(", ")")
            memo[node_id] = (text, 9, height)
    return [piece.strip() for piece in memo[graph.root][0].split(BREAK)]


def function_latex(graph: Graph) -> str:
    """The parsed function as one LaTeX formula, with only the brackets precedence needs."""
    return " ".join(function_pieces(graph))


def _whole(text: str) -> str:
    """A part set inside a fraction, root or exponent, where no line may break."""
    return text.replace(BREAK, "")


def _delimit(text: str, height: int, left: str, right: str) -> str:
    """text between the delimiters, sized by its height: (x), \\bigl( ... \\bigr)."""
    size = _SIZES[height]
    space = " " if left.startswith("\\") else ""  # \lvert x, not \lvertx
    return f"{size}{left}{space}{text}{space}{size[:-1] + 'r' if size else ''}{right}"


def _operator(op: str, parts: list[Piece]) -> Piece:
    prec = _PRECEDENCE[op]

    def wrap(part: Piece, strict: bool) -> str:
        text, p, height = part
        return _delimit(text, height, "(", ")") if p < prec or (strict and p == prec) else text

    height = max(part[2] for part in parts)
    if op == "neg":
        return f"-{wrap(parts[0], False)}", prec, height
    if op == "div":
        return (rf"\frac{{{_whole(parts[0][0])}}}{{{_whole(parts[1][0])}}}", prec,
                min(2, height + 1))
    if op == "pow":
        return f"{wrap(parts[0], True)}^{{{_whole(parts[1][0])}}}", prec, parts[0][2]
    symbol = {"add": "+", "sub": "-", "mul": r"\cdot"}[op]
    mark = BREAK if op != "mul" else ""
    return f"{wrap(parts[0], False)} {symbol}{mark} {wrap(parts[1], op == 'sub')}", prec, height
