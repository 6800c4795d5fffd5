"""`text`: a statement and a solution written by hand, for questions no solver covers."""

from __future__ import annotations

from ..schema import Field, RichText
from .base import Check, Solution

NAME = "text"
SUMMARY = ("a hand-written statement and solution (Markdown: paragraphs, emphasis, lists, code; "
           "$inline$ and $$display$$ math)")
FIELDS = {  # no values to name, so braces are text (docs/text-and-math.md)
    "statement": Field(RichText(placeholders=False), required=True,
                       doc="the question as the handout prints it (Markdown with $math$)"),
    "solution": Field(RichText(placeholders=False), required=True,
                      doc="the worked answer, printed in the key only (Markdown with $math$)"),
}


def shown_lines(params: dict) -> int:
    """About how many lines the key shows (the spec's display budget): 80 characters each."""
    return 2 + (len(params["statement"]) + len(params["solution"])) // 80


def check(params, loc, ctx) -> None:
    """The math of both texts was checked against the allowed vocabulary while validating."""


def solve(params: dict) -> Solution:
    """Nothing to compute: the solution is shown as written."""
    return Solution({"solution": params["solution"]})


def verify(params: dict, solution: Solution) -> list[Check]:
    """Hand-written answers cannot be recomputed; the appendix says so."""
    return [Check("hand-written solution", "not machine-checked (math vocabulary checked)")]


def part_labels(params: dict) -> list[str]:
    """One part, the question itself (no visible label)."""
    return [""]
