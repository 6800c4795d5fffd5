"""text: the hand-written statement and solution, as written (checked Markdown with math)."""

from ..doc import RichBlock


def statement(q) -> list:
    return [RichBlock(q.params["statement"])]


def answer(q) -> list:
    return [RichBlock(q.answers["solution"])]
