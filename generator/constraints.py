"""Per-question `constraints`: small boolean expressions over the question's own values.

`at.x1 + at.x2 != 0`, `(input[1] - layers[0].kernel) % layers[0].stride == 0`,
`len(kernel) <= len(input)`.
Parsed with Python's `ast` module and evaluated by walking the tree with a whitelist of node
types: names and dotted paths read the question's values, and nothing is ever `eval`ed.
"""

from __future__ import annotations

import ast
import math
import operator

MAX_LENGTH = 500
_BINARY = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
           ast.Div: operator.truediv, ast.FloorDiv: operator.floordiv, ast.Mod: operator.mod,
           ast.Pow: operator.pow}
_COMPARE = {ast.Eq: operator.eq, ast.NotEq: operator.ne, ast.Lt: operator.lt,
            ast.LtE: operator.le, ast.Gt: operator.gt, ast.GtE: operator.ge}
_FUNCTIONS = {"len": len, "abs": abs, "min": min, "max": max, "sum": sum}


class ConstraintError(Exception):
    """A constraint that cannot be parsed or evaluated; the message says why."""


def parse(text: str) -> ast.Expression:
    """Parse a constraint, refusing anything outside the small expression language."""
    if len(text) > MAX_LENGTH:
        raise ConstraintError(f"is longer than {MAX_LENGTH} characters")
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError as exc:
        raise ConstraintError(f"is not a valid expression ({exc.msg} at column "
                              f"{exc.offset})") from None
    for node in ast.walk(tree):
        if not isinstance(node, _ALLOWED):
            part = ast.get_source_segment(text, node) or type(node).__name__
            raise ConstraintError(f"uses '{part}', which is not allowed in a constraint")
        if isinstance(node, ast.Call) and (not isinstance(node.func, ast.Name) or
                                           node.func.id not in _FUNCTIONS or node.keywords):
            name = ast.get_source_segment(text, node.func)
            raise ConstraintError(f"calls '{name}': only {', '.join(_FUNCTIONS)} can be called")
        if isinstance(node, ast.Constant) and not isinstance(node.value, (int, float)):
            raise ConstraintError(f"writes {node.value!r}: only numbers can be written in a "
                                  "constraint")
    return tree


_ALLOWED = (ast.Expression, ast.BoolOp, ast.And, ast.Or, ast.UnaryOp, ast.Not, ast.USub,
            ast.UAdd, ast.BinOp, ast.Compare, ast.Name, ast.Load, ast.Attribute, ast.Subscript,
            ast.Constant, ast.Call, *_BINARY, *_COMPARE)


def holds(tree: ast.Expression, values: dict) -> bool:
    """Evaluate a parsed constraint on a question's values."""
    return bool(_eval(tree.body, values))


def _eval(node, values):
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Name):
        if node.id in _FUNCTIONS:
            return _FUNCTIONS[node.id]
        return _lookup(values, node.id, node.id)
    if isinstance(node, ast.Attribute):
        return _lookup(_eval(node.value, values), node.attr, ast.unparse(node))
    if isinstance(node, ast.Subscript):
        container, index = _eval(node.value, values), _eval(node.slice, values)
        if not isinstance(container, list) or not isinstance(index, int) or not (
                -len(container) <= index < len(container)):
            raise ConstraintError(f"reads '{ast.unparse(node)}', which is not an entry of a list")
        return container[index]
    if isinstance(node, ast.BoolOp):
        results = (_eval(v, values) for v in node.values)
        return all(results) if isinstance(node.op, ast.And) else any(results)
    if isinstance(node, ast.UnaryOp):
        value = _eval(node.operand, values)
        return {ast.Not: operator.not_, ast.USub: operator.neg,
                ast.UAdd: operator.pos}[type(node.op)](value)
    if isinstance(node, ast.BinOp):
        left, right = _eval(node.left, values), _eval(node.right, values)
        if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (left, right)):
            raise ConstraintError(f"computes '{ast.unparse(node)}': arithmetic needs numbers")
        if isinstance(node.op, ast.Pow) and (abs(right) > 64 or abs(left) > 1 and
                                             abs(right) * math.log2(abs(left)) > 1024):
            # whole numbers never overflow: a tower of powers would compute for hours
            raise ConstraintError(f"computes '{ast.unparse(node)}': the result is too large")
        try:
            return _BINARY[type(node.op)](left, right)
        except (ZeroDivisionError, OverflowError, TypeError) as exc:
            raise ConstraintError(f"computes '{ast.unparse(node)}': {exc}") from None
    if isinstance(node, ast.Compare):
        left = _eval(node.left, values)
        for op, right_node in zip(node.ops, node.comparators):
            right = _eval(right_node, values)
            if not _COMPARE[type(op)](left, right):
                return False
            left = right
        return True
    if isinstance(node, ast.Call):
        return _eval(node.func, values)(*(_eval(a, values) for a in node.args))
    raise ConstraintError(f"uses '{ast.unparse(node)}', which is not allowed")  # parse() stops it


def _lookup(container, key: str, shown: str):
    if isinstance(container, dict) and key in container and container[key] is not None:
        return container[key]
    raise ConstraintError(f"reads '{shown}', which is not a value of this question")
