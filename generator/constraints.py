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
_SYMBOL = {ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">="}
_FUNCTIONS = ("len", "abs", "min", "max", "sum")


class ConstraintError(Exception):
    """A constraint that cannot be parsed or evaluated; the message says why."""


class _ValueProblem(ConstraintError):
    """A problem of these values (division by zero, an index past the end), not of the
    expression's types: ignored in an operand of and/or that the result does not need."""


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
        if isinstance(node, ast.Constant) and (isinstance(node.value, bool) or
                                               not isinstance(node.value, (int, float))):
            raise ConstraintError(f"writes {node.value!r}: only numbers can be written in a "
                                  "constraint")
    return tree


_ALLOWED = (ast.Expression, ast.BoolOp, ast.And, ast.Or, ast.UnaryOp, ast.Not, ast.USub,
            ast.UAdd, ast.BinOp, ast.Compare, ast.Name, ast.Load, ast.Attribute, ast.Subscript,
            ast.Constant, ast.Call, *_BINARY, *_COMPARE)


def holds(tree: ast.Expression, values: dict) -> bool:
    """Evaluate a parsed constraint on a question's values; ConstraintError on any misuse."""
    result = _eval(tree.body, values)
    if _type(result) not in ("true or false", "a number"):
        raise ConstraintError(f"is {_type(result)}, not a condition (write a comparison)")
    return bool(result)


def _type(value) -> str:
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, (int, float)):
        return "a number"
    return "text" if isinstance(value, str) else "a list" if isinstance(
        value, list) else "a mapping"


def _numbers(node, what: str, *values) -> None:
    """Refuse anything but numbers (true/false and text included) where `what` needs them."""
    wrong = [_type(v) for v in values if _type(v) != "a number"]
    if wrong:
        got = (" and ".join(_type(v) for v in values) if len(values) <= 2
               else f"a list holding {wrong[0]}")
        verb = "compares" if isinstance(node, ast.Compare) else "calls" if isinstance(
            node, ast.Call) else "computes"
        raise ConstraintError(f"{verb} '{ast.unparse(node)}': {what} needs numbers, got {got}")


def _eval(node, values):
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Name):
        if node.id in _FUNCTIONS and node.id not in values:
            raise ConstraintError(f"uses '{node.id}' without calling it, e.g. {node.id}(kernel)")
        return _lookup(values, node.id, node.id)
    if isinstance(node, ast.Attribute):
        return _lookup(_eval(node.value, values), node.attr, ast.unparse(node))
    if isinstance(node, ast.Subscript):
        container, index = _eval(node.value, values), _eval(node.slice, values)
        if not isinstance(container, list) or _type(index) != "a number" or not isinstance(
                index, int):
            raise ConstraintError(f"reads '{ast.unparse(node)}', which is not an entry of a list")
        if not -len(container) <= index < len(container):
            raise _ValueProblem(f"reads '{ast.unparse(node)}', but the list has "
                                f"{len(container)} entries")
        return container[index]
    if isinstance(node, (ast.BoolOp, ast.UnaryOp)) and isinstance(getattr(node, "op", None), (
            ast.And, ast.Or, ast.Not)):
        return _logic(node, values)
    if isinstance(node, ast.UnaryOp):
        value = _eval(node.operand, values)
        _numbers(node, "'-'" if isinstance(node.op, ast.USub) else "'+'", value)
        return -value if isinstance(node.op, ast.USub) else +value
    if isinstance(node, ast.BinOp):
        return _arithmetic(node, _eval(node.left, values), _eval(node.right, values))
    if isinstance(node, ast.Compare):
        left, result = _eval(node.left, values), True
        for op, right_node in zip(node.ops, node.comparators):
            right = _eval(right_node, values)
            if isinstance(op, (ast.Eq, ast.NotEq)):
                if _type(left) != _type(right):
                    raise ConstraintError(f"compares '{ast.unparse(node)}': {_type(left)} is "
                                          f"never equal to {_type(right)}")
            else:
                _numbers(node, _SYMBOL[type(op)], left, right)
            result = result and _COMPARE[type(op)](left, right)
            left = right
        return result
    if isinstance(node, ast.Call):
        return _call(node, [_eval(a, values) for a in node.args])
    raise ConstraintError(f"uses '{ast.unparse(node)}', which is not allowed")  # parse() stops it


def _logic(node, values) -> bool:
    """and / or / not on truth values, every operand type-checked even when not needed."""
    operands = [node.operand] if isinstance(node, ast.UnaryOp) else node.values
    decided = None
    for operand in operands:
        try:
            value = _eval(operand, values)
        except _ValueProblem:
            if decided is None:
                raise
            continue  # `x == 0 or 1/x > 2`: the division is never needed when x is 0
        if _type(value) not in ("true or false", "a number"):
            raise ConstraintError(f"computes '{ast.unparse(node)}': and, or, not need "
                                  f"conditions, got {_type(value)}")
        if decided is None and bool(value) == isinstance(node.op, ast.Or):
            decided = bool(value)  # and: the first false, or: the first true
    if isinstance(node, ast.UnaryOp):
        return not value
    return decided if decided is not None else isinstance(node.op, ast.And)


def _arithmetic(node, left, right):
    _numbers(node, "arithmetic", left, right)
    if isinstance(node.op, ast.Pow) and (abs(right) > 64 or abs(left) > 1 and
                                         abs(right) * math.log2(abs(left)) > 1024):
        # whole numbers never overflow: a tower of powers would compute for hours
        raise _ValueProblem(f"computes '{ast.unparse(node)}': the result is too large")
    try:
        result = _BINARY[type(node.op)](left, right)
    except (ZeroDivisionError, OverflowError) as exc:
        raise _ValueProblem(f"computes '{ast.unparse(node)}': {exc}") from None
    if isinstance(result, complex):
        raise _ValueProblem(f"computes '{ast.unparse(node)}': not a real number")
    return result


def _call(node, args: list):
    name, shown = node.func.id, ast.unparse(node)
    if name in ("len", "sum"):
        if len(args) != 1 or not isinstance(args[0], list):
            raise ConstraintError(f"calls '{shown}': {name} takes one list, got {_got(args)}")
        if name == "len":
            return len(args[0])
        _numbers(node, "sum", *args[0])
        return sum(args[0])
    if name == "abs":
        if len(args) != 1:
            raise ConstraintError(f"calls '{shown}': abs takes one number, got {_got(args)}")
        _numbers(node, "abs", args[0])
        return abs(args[0])
    items = args[0] if len(args) == 1 and isinstance(args[0], list) else args
    if not args or len(args) == 1 and not isinstance(args[0], list) or any(
            isinstance(a, list) for a in items):
        raise ConstraintError(f"calls '{shown}': {name} takes one list of numbers or several "
                              f"numbers, got {_got(args)}")
    if not items:
        raise _ValueProblem(f"calls '{shown}': {name} of an empty list")
    _numbers(node, name, *items)
    return (min if name == "min" else max)(items)


def _got(args: list) -> str:
    return " and ".join(_type(a) for a in args) if args else "nothing"


def _lookup(container, key: str, shown: str):
    if isinstance(container, dict) and key in container and container[key] is not None:
        return container[key]
    raise ConstraintError(f"reads '{shown}', which is not a value of this question")
