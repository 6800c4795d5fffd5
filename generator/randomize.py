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

from .schema import INVALID, Ctx, Loc, Number, show

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
    """A copy of the question with every random spec drawn; also {field name: drawn value}."""
    rng = question_rng(seed, key, qid, attempt)
    drawn: dict = {}

    def walk(value, where: Loc):
        if is_random(value):
            result = _draw(value, where, ctx, rng)
            if result is not INVALID:
                drawn[where.name.removeprefix(loc.name + ".")] = result
            return result
        if isinstance(value, dict):
            return {k: (v if k in _SKIP and where == loc else walk(v, where.key(k)))
                    for k, v in value.items()}
        if isinstance(value, list):
            return [walk(v, where.index(i)) for i, v in enumerate(value)]
        return value

    return walk(raw, loc), drawn


_BOUND = Number(max_abs=1e12)


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
    if Number(integer=True, min=0, max=15)(decimals, loc.key("decimals"), ctx) is INVALID:
        return INVALID
    value = round(float(rng.uniform(lo, hi)), decimals)
    return min(max(value, lo), hi)
