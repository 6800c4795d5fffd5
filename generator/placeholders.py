"""Statement overrides that name the question's values: {input}, {at.x1}, {layers[0].kernel},
filled in as the generated statements format them, so a reworded statement follows --set."""

from __future__ import annotations

import re
from numbers import Real

from .numbers import fmt, fmt_matrix, fmt_vector
from .richtext import placeholder_names
from .schema import INVALID, did_you_mean

_STEP = re.compile(r"\.?([A-Za-z_][A-Za-z0-9_]*)|\[([0-9]+)\]")


class BoundStatement(str):
    """A statement override with the display of each value it names (`values`)."""

    values: dict[str, str]


class PlaceholderError(ValueError):
    """A name that does not reach a value that can be shown, as one sentence."""


def resolve(name: str, params: dict):
    """The value `name` ('at.x1', 'layers[0].kernel') names among `params`."""
    value, seen = params, ""
    for key, index in _STEP.findall(name):
        if key:
            if not isinstance(value, dict):
                raise PlaceholderError(f"'{{{name}}}': {seen} is not a mapping")
            if key not in value:
                where = f"of {seen}" if seen else "of this question"
                raise PlaceholderError(f"unknown value '{{{name}}}'{did_you_mean(key, value)}; "
                                       f"values {where}: {', '.join(value)}")
            value, seen = value[key], f"{seen}.{key}" if seen else key
        else:
            if not isinstance(value, list):
                raise PlaceholderError(f"'{{{name}}}': {seen} is not a list")
            if int(index) >= len(value):
                raise PlaceholderError(f"'{{{name}}}': {seen} has {len(value)} entries "
                                       f"([0] to [{len(value) - 1}])")
            value, seen = value[int(index)], f"{seen}[{index}]"
    return value


def _is_number(x) -> bool:
    return isinstance(x, Real) and not isinstance(x, bool)


def display(name: str, value, decimals: int) -> str:
    """A value as the generated statements show it: numbers through numbers.fmt in math,
    vectors [1, 2, 3], matrices as a bmatrix, words as text."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if _is_number(value):
        return fmt(value, decimals)
    if isinstance(value, str):
        return value
    if isinstance(value, list) and value and all(_is_number(x) for x in value):
        return fmt_vector(value, decimals)
    if isinstance(value, list) and value and all(isinstance(x, str) for x in value):
        return ", ".join(value)
    if isinstance(value, list) and value and all(
            isinstance(row, list) and row and len(row) == len(value[0])
            and all(_is_number(x) for x in row) for row in value):
        return fmt_matrix(value, decimals)
    if value is None:
        raise PlaceholderError(f"'{{{name}}}' has no value in this question")
    if isinstance(value, dict):
        first = next(iter(value), "x")
        raise PlaceholderError(f"'{{{name}}}' is a mapping: name one of its values, e.g. "
                               f"{{{name}.{first}}}")
    raise PlaceholderError(f"'{{{name}}}' cannot be shown in a sentence: name one entry, e.g. "
                           f"{{{name}[0]}}")


def bind(statement: str | None, params: dict, decimals: int, loc, ctx):
    """The statement with the display of every value it names (BoundStatement), or None for
    no statement, or INVALID after recording one located problem per unknown name."""
    if statement is None:
        return None
    values, failed = {}, False
    for name in placeholder_names(statement):
        try:
            values[name] = display(name, resolve(name, params), decimals)
        except PlaceholderError as exc:
            ctx.error(loc, str(exc))
            failed = True
    if failed:
        return INVALID
    bound = BoundStatement(statement)
    bound.values = values
    return bound
