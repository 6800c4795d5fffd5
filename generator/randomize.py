"""Random parameters: `{randint: [lo, hi]}`, `{uniform: [lo, hi], decimals: n}`, `{choice: [...]}`.

A question's values depend only on the spec seed, the variant and the question id: its
generator is numpy's PCG64 seeded with the first 128 bits of the SHA-256 of
"answerkey:<seed>:<variant>:<id>" (variant: the index k, or "student=<id>" for a roster
entry; a plain build is variant 0), and random specs are drawn in document order. When a draw
breaks the question's constraints, draw n = 1, 2, ... uses "...:<id>:<n>". So variant k is the
same whether 2 or 200 are made, and adding or reordering questions leaves the others alone.
"""

from __future__ import annotations

import hashlib

import numpy as np

from .errors import Location, Problem
from .schema import (
    INVALID,
    Ctx,
    ListOf,
    Loc,
    MapOf,
    Number,
    OneOf,
    Record,
    Tuple,
    Validator,
    show,
)

RANDOM_KEYS = ("randint", "uniform", "choice")
_SKIP = ("id", "kind")


def question_rng(seed: int, key: str, qid: str, attempt: int = 0) -> np.random.Generator:
    """The generator of one question of one variant (see the module docstring)."""
    text = f"answerkey:{seed}:{key}:{qid}" + (f":{attempt}" if attempt else "")
    digest = hashlib.sha256(text.encode()).digest()
    return np.random.Generator(np.random.PCG64(int.from_bytes(digest[:16], "big")))


def is_random(value) -> bool:
    """Whether a YAML value is a random-parameter spec."""
    return isinstance(value, dict) and any(k in value for k in RANDOM_KEYS)


def resolve(raw: dict, loc: Loc, ctx: Ctx, seed: int, key: str, qid: str, attempt: int = 0):
    """A copy of the question with every random spec drawn; also {field name: its path in the
    question} of each value drawn (`drawn_values` reads them from the validated question)."""
    rng = question_rng(seed, key, qid, attempt)
    drawn: dict = {}

    def walk(value, where: Loc):
        if is_random(value):
            result = _draw(value, where, ctx, rng)
            if result is not INVALID:
                drawn[where.name.removeprefix(loc.name + ".")] = where.path[len(loc.path):]
            return result
        if isinstance(value, dict):
            return {k: (v if k in _SKIP and where == loc else walk(v, where.key(k)))
                    for k, v in value.items()}
        if isinstance(value, list):
            return [walk(v, where.index(i)) for i, v in enumerate(value)]
        return value

    return walk(raw, loc), drawn


DECIMALS = Number(integer=True, min=0, max=15)  # uniform's decimals


def _draw(spec: dict, loc: Loc, ctx: Ctx, rng: np.random.Generator):
    kinds = [k for k in RANDOM_KEYS if k in spec]
    allowed = {"uniform": {"uniform", "decimals"}}.get(kinds[0], {kinds[0]})
    extra = sorted(set(spec) - allowed)
    if len(kinds) > 1 or extra:
        bad = extra[0] if extra else kinds[1]
        return ctx.error(loc.key(bad), f"unexpected key '{bad}' in a random '{kinds[0]}' value",
                         at_key=True)
    kind, args = kinds[0], spec[kinds[0]]
    where = loc.key(kind)
    if kind == "choice":
        if not isinstance(args, list) or not args:
            return ctx.error(where, f"expected a non-empty list to choose from, got {show(args)}")
        pick = int(rng.integers(len(args)))
        ctx.marks.texts.pop(loc.path, None)
        if (typed := ctx.marks.text_of(where.index(pick).path)) is not None:
            ctx.marks.texts[loc.path] = typed  # a text field shows the choice as written
        return args[pick]
    if not isinstance(args, list) or len(args) != 2:
        return ctx.error(where, f"expected a list [low, high], got {show(args)}")
    lo, hi = (Number(integer=kind == "randint")(a, where.index(i), ctx) for i, a in enumerate(args))
    if INVALID in (lo, hi):
        return INVALID
    if lo > hi:
        return ctx.error(where, f"the range [{lo:g}, {hi:g}] is empty (low is above high)")
    if kind == "randint":
        return int(rng.integers(lo, hi, endpoint=True))
    decimals = spec.get("decimals", 2)
    if DECIMALS(decimals, loc.key("decimals"), ctx) is INVALID:
        return INVALID
    value = round(float(rng.uniform(lo, hi)), decimals)
    return min(max(value, lo), hi)


def drawn_values(paths: dict, values: dict, resolved: dict) -> dict:
    """{field name: the drawn value as the validated question uses it} (`label: 0x1F` drawn
    into a text field is the text 0x1F, not 31); the value as drawn where validation changed
    the shape of what holds it."""
    def at(tree, steps):
        for step in steps:
            if isinstance(tree, dict) and step in tree or (
                    isinstance(tree, list) and isinstance(step, int) and step < len(tree)):
                tree = tree[step]
            else:
                return INVALID
        return tree

    out = {}
    for name, steps in paths.items():
        value = at(values, steps)
        out[name] = value if _plain(value) else at(resolved, steps)
    return out


def _plain(value) -> bool:
    if isinstance(value, (list, tuple)):
        return all(map(_plain, value))
    if isinstance(value, dict):
        return all(isinstance(k, str) and _plain(v) for k, v in value.items())
    return value is None or isinstance(value, (str, int, float))


def check_alternatives(raw: dict, loc: Loc, record: Record, ctx: Ctx, seed: int, key: str,
                       qid: str) -> bool:
    """Validate every value a random spec can give (each option of a `choice`, both ends of a
    `randint` or `uniform` range) with the validator of its field, each problem located at the
    option, so that what `check` accepts builds in every variant. False after a problem."""
    scratch = Ctx(ctx.marks)
    resolved, paths = resolve(raw, loc, scratch, seed, key, qid)
    if not isinstance(resolved, dict):
        return True
    found: list[Problem] = []
    for steps in paths.values():
        spec = _at_raw(raw, steps)
        validator, depth = _validator_at(record, resolved, steps)
        unit_loc = _loc_at(loc, steps[:depth])
        unit = _at_raw(resolved, steps[:depth])
        drawn = Ctx(ctx.marks)
        validator(unit, unit_loc, drawn)
        at = _loc_at(loc, steps)
        for option, value, typed in _options(spec, at):
            if not typed and any(p.message.startswith("expected ") for p in drawn.problems):
                break  # numbers where the field wants no number: one problem, the draw's
            marks = _OptionMarks(ctx.marks, at, option, typed)
            view = Ctx(marks)
            validator(_replaced(unit, steps[depth:], value), unit_loc, view)
            for problem in view.problems:
                if problem in drawn.problems:
                    continue  # not the option's doing: the draw reports it
                if any(problem.location is where for where in marks.around):
                    place = marks.locate(option.path, option.name)
                    problem = Problem(Location(place.source, place.line, place.column,
                                               problem.location.field),
                                      f"{problem.message} (when {option.name} is drawn)")
                found.append(problem)
    if found:  # the question is not drawn after all: its random specs' own problems too
        ctx.problems.extend(sorted(scratch.problems + found, key=_line_and_column))
    return not found


def _line_and_column(problem: Problem) -> tuple:
    return problem.location.line or 0, problem.location.column or 0


def _options(spec: dict, at: Loc) -> list:
    """(location, value, whether its typed text counts) of every value a spec can give."""
    kind = next(k for k in RANDOM_KEYS if k in spec)
    args = spec[kind]
    if not isinstance(args, list):
        return []
    if kind == "choice":
        return [(at.key(kind).index(i), v, True) for i, v in enumerate(args)]
    if len(args) != 2 or not all(isinstance(a, (int, float)) and not isinstance(a, bool)
                                 for a in args):
        return []
    convert = int if kind == "randint" else float
    return [(at.key(kind).index(i), convert(a), False) for i, a in enumerate(args)]


def _validator_at(validator: Validator, value, steps: tuple) -> tuple[Validator, int]:
    """The validator that checks the value at `steps` on its own, and how deep it sits (less
    than len(steps) where a validator checks its entries together)."""
    depth = 0
    while depth < len(steps):
        step = steps[depth]
        if isinstance(validator, OneOf):
            validator = validator.sequence if isinstance(value, list) else validator.scalar
            continue
        if isinstance(validator, Record) and isinstance(value, dict) and step in validator.fields:
            validator = validator.fields[step].validator
        elif isinstance(validator, MapOf) and isinstance(value, dict) and step in value:
            validator = validator.value
        elif (isinstance(validator, ListOf) and not validator.unique
              and isinstance(value, list) and isinstance(step, int)):
            validator = validator.item
        elif (isinstance(validator, Tuple) and isinstance(value, list)
              and len(value) == len(validator.items) and isinstance(step, int)):
            validator = validator.items[step][1]
        else:
            break
        value = value[step]
        depth += 1
    return validator, depth


def _at_raw(tree, steps: tuple):
    for step in steps:
        tree = tree[step]
    return tree


def _loc_at(loc: Loc, steps: tuple) -> Loc:
    for step in steps:
        loc = loc.index(step) if isinstance(step, int) else loc.key(step)
    return loc


def _replaced(tree, steps: tuple, value):
    """A copy of `tree` with `value` at `steps` (only the containers on the way copied)."""
    if not steps:
        return value
    copy = list(tree) if isinstance(tree, list) else dict(tree)
    copy[steps[0]] = _replaced(tree[steps[0]], steps[1:], value)
    return copy


class _OptionMarks:
    """The marks as the validator of one option sees them: the random value's place is the
    option's (its line, column, name and typed text)."""

    def __init__(self, marks, at: Loc, option: Loc, typed: bool):
        self.marks, self.at, self.option, self.typed = marks, at, option, typed
        self.around: list[Location] = []  # locations of problems outside the option

    def _moved(self, path) -> tuple | None:
        n = len(self.at.path)
        if tuple(path[:n]) != self.at.path:
            return None
        return self.option.path + tuple(path[n:])

    def locate(self, path, name: str = "", at_key: bool = False):
        moved = self._moved(path)
        if moved is None:  # a problem of the value around the option
            self.around.append(self.marks.locate(path, name, at_key))
            return self.around[-1]
        if name.startswith(self.at.name):
            name = self.option.name + name[len(self.at.name):]
        return self.marks.locate(moved, name, at_key)

    def text_of(self, path):
        moved = self._moved(path)
        if moved is None:
            return self.marks.text_of(path)
        return self.marks.text_of(moved) if self.typed else None
