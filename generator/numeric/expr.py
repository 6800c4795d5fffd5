"""A safe expression parser: numbers, variables, + - * / ^ **, unary minus, a few functions.

The text is split into tokens and parsed by the shunting-yard algorithm (no recursion, so deep
nesting cannot exhaust the stack) into a graph of numbered nodes. Identical subexpressions are
one node (hash-consing), so `sin(x)*sin(x)` has one `sin` node and a variable used twice is
one input. Nodes are numbered in post-order, left operand first: the evaluation order of the
trace. Nothing is ever evaluated by Python's `eval`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import islice

from .ad_ops import FUNCTIONS  # the operations written as calls, sin(x): one table entry each

BINARY = {"+": ("add", 1, "left"), "-": ("sub", 1, "left"), "*": ("mul", 2, "left"),
          "/": ("div", 2, "left"), "^": ("pow", 4, "right"), "**": ("pow", 4, "right")}
NEG_PRECEDENCE = 3  # -x^2 is -(x^2); 2*-x is 2*(-x)
MAX_TOKENS = 200_000
MAX_DEPTH = 200  # nested parentheses and function calls

_TOKEN = re.compile(r"\s*(?:(?P<num>(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)|(?P<name>[A-Za-z]\w*)"
                    r"|(?P<op>\*\*|[-+*/^()]))")


_TRAILING_SPACE = re.compile(r"\s*\Z")


class ExprError(Exception):
    """A located problem with an expression: `column` is 1-based."""

    def __init__(self, message: str, column: int):
        super().__init__(message)
        self.column = column


@dataclass
class Graph:
    """The parsed expression: nodes in evaluation order; the last one is the result."""

    nodes: list = field(default_factory=list)  # (op, *args): ("var", name) ("const", value)
    index: dict = field(default_factory=dict)  # node -> its number (hash-consing)
    root: int = -1  # the node whose value is y

    def add(self, node: tuple) -> int:
        """The number of `node`, adding it unless an identical node exists."""
        if node not in self.index:
            self.index[node] = len(self.nodes)
            self.nodes.append(node)
        return self.index[node]


def tokenize(text: str) -> Iterator[tuple[str, str, int]]:
    """(kind, text, column) for every token, lazily (so the parser reports the first problem
    first); anything else is an error quoting it."""
    pos, count = 0, 0
    while pos < len(text):
        if _TRAILING_SPACE.match(text, pos):  # no slicing: linear in the length of the text
            break
        m = _TOKEN.match(text, pos)
        if not m:
            bad = text[pos:].lstrip()
            col = len(text) - len(bad) + 1
            snippet = re.match(r"\S+", bad).group(0)[:20]
            raise ExprError(f"unexpected '{snippet}' at column {col}", col)
        count += 1
        if count > MAX_TOKENS:
            raise ExprError(f"the expression is too long (more than {MAX_TOKENS} tokens)", 1)
        kind = m.lastgroup
        yield kind, m.group(kind), m.start(kind) + 1
        pos = m.end()
    if not count:
        raise ExprError("the expression is empty", 1)


def parse(text: str, variables) -> Graph:
    """Parse `text` into a Graph; names must be in `variables` or FUNCTIONS. With variables
    None, any other name is a variable (to check the grammar before the variables are known)."""
    free = variables is None
    variables = [] if free else list(variables)
    graph = Graph()
    for name in variables:  # inputs first, in the order given: v_{1-n} .. v_0
        graph.add(("var", name))
    output: list[int] = []
    ops: list[tuple] = []  # (symbol, column) ; "(" and function names and "neg"
    expect_operand = True
    negative_literal = False
    depth = 0

    def reduce(op: tuple) -> None:
        symbol, col = op
        if symbol == "neg" or symbol in FUNCTIONS:
            if not output:
                raise ExprError(f"'{symbol}' at column {col} has no operand", col)
            output.append(graph.add((symbol, output.pop())))
            return
        if len(output) < 2:
            raise ExprError(f"'{symbol}' at column {col} needs two operands", col)
        right, left = output.pop(), output.pop()
        output.append(graph.add((BINARY[symbol][0], left, right)))

    stream = tokenize(text)
    window = list(islice(stream, 3))  # this token and two of lookahead
    while window:
        kind, tok, col = window.pop(0)
        window.extend(islice(stream, 1))
        nxt = window[0][1] if window else None
        if expect_operand:
            if kind == "num":
                value = -float(tok) if negative_literal else float(tok)
                output.append(graph.add(("const", value)))
                expect_operand = negative_literal = False
            elif kind == "name":
                if tok in FUNCTIONS:
                    if nxt != "(":
                        raise ExprError(f"function '{tok}' at column {col} needs (...)", col)
                    ops.append((tok, col))
                elif tok in variables or (free and nxt != "("):
                    output.append(graph.add(("var", tok)))
                    expect_operand = False
                elif free:
                    raise ExprError(f"'{tok}' at column {col} is a function we do not provide "
                                    f"(functions: {', '.join(FUNCTIONS)})", col)
                else:
                    known = ", ".join(variables) or "none"
                    hint = "a function we do not provide" if nxt == "(" else "not a variable"
                    raise ExprError(f"'{tok}' at column {col} is {hint} (variables: {known}; "
                                    f"functions: {', '.join(FUNCTIONS)})", col)
            elif tok == "(":
                depth += 1
                if depth > MAX_DEPTH:
                    raise ExprError(f"nested more than {MAX_DEPTH} levels deep", col)
                ops.append(("(", col))
            elif tok in ("-", "+"):
                after = window[1][1] if len(window) > 1 else None
                number_next = bool(window) and window[0][0] == "num"
                if tok == "-" and number_next and after not in ("^", "**"):
                    negative_literal = True  # "-2" is a number, not an operation (but -2^2
                elif tok == "-":  # is -(2^2), as in mathematics)
                    ops.append(("neg", col))
            else:
                raise ExprError(f"expected a number, variable or '(' at column {col}, "
                                f"got '{tok}'", col)
            continue
        if tok == ")":
            while ops and ops[-1][0] != "(":
                reduce(ops.pop())
            if not ops:
                raise ExprError(f"unmatched ')' at column {col}", col)
            ops.pop()
            depth -= 1
            if ops and ops[-1][0] in FUNCTIONS:
                reduce(ops.pop())
        elif tok in BINARY:
            _, prec, assoc = BINARY[tok]
            while ops and ops[-1][0] != "(" and ops[-1][0] not in FUNCTIONS:
                top_prec = NEG_PRECEDENCE if ops[-1][0] == "neg" else BINARY[ops[-1][0]][1]
                if top_prec > prec or (top_prec == prec and assoc == "left"):
                    reduce(ops.pop())
                else:
                    break
            ops.append((tok, col))
            expect_operand = True
        else:
            raise ExprError(f"expected an operator or ')' at column {col}, got '{tok}'", col)
    if expect_operand:
        raise ExprError("the expression ends where an operand is expected", len(text) + 1)
    while ops:
        if ops[-1][0] == "(":
            raise ExprError(f"'(' at column {ops[-1][1]} is never closed", ops[-1][1])
        reduce(ops.pop())
    graph.root = output.pop()
    return graph
