"""A course's override shells are user-supplied code: they run in Jinja2's immutable sandbox,
see only answerkey's own views and plain values, fail as located errors, and an override page
must keep the built-in Content-Security-Policy."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from functools import cache
from html.parser import HTMLParser
from types import ModuleType

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup

from .errors import Location, Problem, SpecError


@cache
def _viewable() -> tuple[type, ...]:
    """The types whose attributes a course shell may read: what the built-in shells are
    given (the spec, its style, the results, the question views, the checks), plain values,
    and Jinja2's own loop helpers. Anything else (a kind's module, a NumPy array, the
    spec's marks) can be passed along or printed, but not looked into."""
    from .kinds.base import Check
    from .numbers import MathText
    from .render import Latex, QuestionView
    from .solve import QuestionResult
    from .spec import Question, Spec
    from .style import CourseFile, Style

    return (Spec, Question, QuestionResult, QuestionView, Check, Style, CourseFile, Latex,
            MathText, Markup, str, int, float, bool, list, tuple, dict, jinja2.runtime.LoopContext,
            jinja2.utils.Namespace, jinja2.utils.Cycler, jinja2.utils.Joiner)


MAX_REPEAT = 100_000  # items or characters of a repeated string or list ('-' * 80)
MAX_EXPONENT = 64


class CourseSandbox(ImmutableSandboxedEnvironment):
    """Jinja2's immutable sandbox (no underscore attributes, no mutating methods), with
    attribute access further limited to the shells' own views (see _viewable), and no
    product or power that would fill the memory."""

    intercepted_binops = frozenset(["*", "**"])

    def call_binop(self, context, operator, left, right):
        if operator == "**" and isinstance(right, (int, float)) and abs(right) > MAX_EXPONENT:
            raise jinja2.sandbox.SecurityError(f"a power above {MAX_EXPONENT}")
        if operator == "*" and any(isinstance(a, (str, list, tuple)) and isinstance(b, int) and
                                   len(a) * b > MAX_REPEAT for a, b in ((left, right),
                                                                        (right, left))):
            raise jinja2.sandbox.SecurityError(f"a repetition of more than {MAX_REPEAT} items")
        return super().call_binop(context, operator, left, right)

    def is_safe_attribute(self, obj, attr, value) -> bool:
        if not super().is_safe_attribute(obj, attr, value):
            return False
        return isinstance(obj, _viewable()) and not isinstance(value, (ModuleType, type))


class Overrides(jinja2.BaseLoader):
    """The course's shells, by name: (source text, the file they came from, as shown)."""

    def __init__(self, shells: Mapping[str, tuple[str, str]]):
        self.shells = dict(shells)

    def get_source(self, environment, template):
        if template not in self.shells:
            raise jinja2.TemplateNotFound(template)
        text, shown = self.shells[template]
        return text, shown, lambda: True


def located(source: str, line: int | None, message: str) -> Problem:
    """A problem at a line of a course shell."""
    return Problem(Location(source, line), message)


@contextmanager
def errors_located(templates: Mapping) -> Iterator[None]:
    """Turn an error raised while a course shell (style.templates: name -> CourseFile)
    renders into a SpecError at its line: what the sandbox refused, an undefined name..."""
    shown = {f.source for f in templates.values()}
    try:
        yield
    except Exception as exc:
        if not shown:
            raise
        line = None
        frame = exc.__traceback__
        source = None
        while frame is not None:
            if frame.tb_frame.f_code.co_filename in shown:
                source, line = frame.tb_frame.f_code.co_filename, frame.tb_lineno
            frame = frame.tb_next
        if source is None:
            raise
        what = ("the template may not do this" if isinstance(exc, jinja2.sandbox.SecurityError)
                else "the template failed")
        raise SpecError([located(source, line, f"{what}: {exc}")]) from None


class _Head(HTMLParser):
    """Whether the policy comes in <head> before any element but <meta> and <title>."""

    def __init__(self, policy: str):
        super().__init__()
        self.policy, self.found, self.done = policy, False, False

    def handle_starttag(self, tag, attrs):
        if self.done or tag in ("html", "head", "title"):
            return
        values = {k: (v or "") for k, v in attrs}
        if tag == "meta" and values.get("http-equiv", "").lower() == \
                "content-security-policy" and values.get("content") == self.policy:
            self.found = self.done = True
        elif tag != "meta":
            self.done = True  # too late: an element the policy would not cover


def require_policy(page: str, policy: str, source: str) -> None:
    """SpecError unless the page of the course shell `source` keeps the policy."""
    head = _Head(policy)
    head.feed(page)
    if not head.found:
        raise SpecError([located(source, None, (
            "the page must keep the built-in Content-Security-Policy in its <head>, before "
            "any other element but <meta> and <title>: "
            '<meta http-equiv="Content-Security-Policy" content="{{ csp }}">'))])
