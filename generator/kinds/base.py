"""What every question kind module provides, and the objects it returns."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from ..schema import Ctx, Field, Loc


@dataclass
class Check:
    """One independent verification that passed: what, how, the evidence (text with $math$)."""

    what: str
    how: str
    detail: str = ""


@dataclass
class Figure:
    """A plot a kind asks for: a file stem and a pure function drawing onto a matplotlib Figure
    (picklable: a module-level function or a functools.partial of one). Its caption and alt
    text belong to the presentation (doc.Figure)."""

    name: str
    draw: Callable[[Any], None]
    width: float = 6.0  # inches
    height: float = 3.2


@dataclass
class Solution:
    """A solved question: `answers` go to answers.json; `work` is the kind's typed record of
    everything its presentation shows (a dataclass of the kind's own; None when it shows only
    the answers)."""

    answers: dict
    work: Any = None
    figures: list[Figure] = field(default_factory=list)


class Kind(Protocol):
    """The module interface of a question kind (see generator/kinds/__init__.py)."""

    NAME: str
    SUMMARY: str
    FIELDS: dict[str, Field]

    def check(self, params: dict, loc: Loc, ctx: Ctx) -> None: ...

    def shown_lines(self, params: dict) -> int: ...

    def solve(self, params: dict) -> Solution: ...

    def verify(self, params: dict, solution: Solution) -> list[Check]: ...

    def part_labels(self, params: dict) -> list[str]:
        """The visible labels of the parts asked, in order (['(a)', '(b)']; [''] for a
        question without parts): `points` lists one number per part."""
        ...


def lettered(count: int) -> list[str]:
    """'(a)', '(b)', ... for `count` parts (past (z): (27), (28), ...)."""
    return [f"({chr(97 + n)})" if n < 26 else f"({n + 1})" for n in range(count)]
