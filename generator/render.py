"""Jinja2 environments for LaTeX and HTML, and the three renderings of a solved spec."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import jinja2
from markupsafe import Markup

from importlib import import_module

from . import TEMPLATES, __version__
from .doc import RichBlock
from .writers import HtmlWriter, LatexWriter
from .escape import html_escape, latex_escape
from .latex import QuestionSpan
from .mathml import page_mathml
from .numbers import MathText, fmt, fmt_factor, fmt_terms, fmt_vector
from .rich_writers import to_html, to_latex


class Latex(str):
    """LaTeX source that is already safe to paste (escaped user text, generated markup)."""


def _latex_finalize(value) -> Markup:
    # The LaTeX environment runs with autoescape on so that macro results and Markup pass
    # through untouched; every other printed value is LaTeX-escaped here and marked safe, so
    # HTML escaping never applies to LaTeX output.
    if isinstance(value, (Latex, MathText, Markup)):
        return Markup(value)
    if value is None:
        return Markup("")
    if isinstance(value, bool):
        raise TypeError("a template printed a boolean")
    if isinstance(value, int):
        return Markup(str(value))
    if isinstance(value, float):
        raise TypeError("a template printed a float without q.n(): numbers need formatting")
    return Markup(latex_escape(str(value)))


def _html_finalize(value):
    if hasattr(value, "__html__"):
        return value
    if isinstance(value, float):
        raise TypeError("a template printed a float without q.n(): numbers need formatting")
    return html_escape("" if value is None else str(value))


def rich_latex(text: str) -> Latex:
    """Checked user Markdown with $math$ as LaTeX: text escaped, math kept; a statement bound
    to its question's values (placeholders.bind) gets them in place of its {names}."""
    values = getattr(text, "values", None)
    return Latex(to_latex(text, values, placeholders=values is not None))


def rich_html(text: str) -> Markup:
    """Checked user Markdown with $math$ as HTML: text escaped, math converted to MathML."""
    values = getattr(text, "values", None)
    return Markup(to_html(text, values, placeholders=values is not None))


mathml = page_mathml  # the converter the page's math goes through


_TEMPLATE_MATH = re.compile(r"\$\$(.+?)\$\$|\$(.+?)\$", re.S)


def html_math_pass(page: str) -> str:
    """Convert the templates' $...$ and $$...$$ to MathML (user '$' was escaped as &#36;)."""
    return _TEMPLATE_MATH.sub(
        lambda m: mathml(m.group(1), True) if m.group(1) is not None else mathml(m.group(2)), page)


@cache
def latex_env() -> jinja2.Environment:
    """LaTeX templates: \\BLOCK{...}, \\VAR{...}; every printed string is LaTeX-escaped."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES / "latex"),
        block_start_string=r"\BLOCK{", block_end_string="}",
        variable_start_string=r"\VAR{", variable_end_string="}",
        comment_start_string=r"\#{", comment_end_string="}",
        trim_blocks=True, lstrip_blocks=True, autoescape=True, keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined, finalize=_latex_finalize,
    )
    env.filters["rich"] = rich_latex
    return env


@cache
def html_env() -> jinja2.Environment:
    """HTML templates: autoescaped, '$' escaped too; math written as $...$ in templates."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES / "html"),
        autoescape=True, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined, finalize=_html_finalize,
    )
    env.filters["rich"] = rich_html
    return env


def preload(formats) -> None:
    """Compile every template the formats need now, in memory: worker processes forked
    afterwards share them instead of each compiling its own (~0.4 s per process)."""
    envs = ([latex_env()] if {"pdf", "tex"} & set(formats) else []) + (
        [html_env()] if "html" in formats else [])
    for env in envs:
        for name in env.list_templates(extensions=["j2"]):
            env.get_template(name)


@dataclass
class QuestionView:
    """What a kind template sees of one solved question."""

    id: str
    number: int
    kind: str
    title: str | None
    points: object
    points_label: str
    statement: str | None
    params: dict
    answers: dict
    work: dict
    figures: list
    decimals: int
    answer_space: str | None = None  # a checked length ('4cm'): blank space under each part

    def n(self, x) -> MathText:
        """A number rounded for display (LaTeX math, also valid inside MathML conversion)."""
        return fmt(x, self.decimals)

    def np(self, x) -> MathText:
        """A number for a product: negative values in parentheses, (-2)."""
        return fmt_factor(x, self.decimals)

    def terms(self, parts) -> MathText:
        """A formula with numbers substituted, from parts (see numbers.fmt_terms)."""
        return fmt_terms(parts, self.decimals)

    def vec(self, xs) -> MathText:
        """A vector [a, b, c] of formatted numbers."""
        return fmt_vector(xs, self.decimals)

    def mat(self, rows) -> MathText:
        """A bmatrix of formatted numbers."""
        body = r" \\ ".join(" & ".join(self.n(x) for x in row) for row in rows)
        return MathText(r"\begin{bmatrix}" + body + r"\end{bmatrix}")


def question_views(spec, results) -> list[QuestionView]:
    """One view per solved question, in spec order."""
    return [
        QuestionView(q.id, q.number, q.kind.NAME, q.title, q.points, q.points_label,
                     q.statement, q.params, r.solution.answers, r.solution.work,
                     r.figure_names, q.decimals, q.answer_space)
        for q, r in ((r.question, r) for r in results)
    ]


def presentation(kind: str):
    """The kind's presentation module (generator/presentation/KIND.py), or None while a kind
    is still written as a pair of templates."""
    try:
        return import_module(f"{__package__}.presentation.{kind}")
    except ModuleNotFoundError:
        return None


def _statement(view: QuestionView, present) -> list:
    """The statement's blocks: the spec's own statement (bound to its values) if it has one."""
    return [RichBlock(view.statement)] if view.statement else present.statement(view)


def render_latex(spec, results, key: bool) -> tuple[str, list[QuestionSpan]]:
    """The key (key=True) or handout as LaTeX, and each question's (id, first, last) line."""
    env = latex_env()
    pieces, spans = [], []
    line = 1 + env.get_template("document.tex.j2").render(
        spec=spec, key=key, body=Latex("\0"), results=results, version=__version__,
    ).split("\0")[0].count("\n")
    for view, result in zip(question_views(spec, results), results):
        present = presentation(view.kind)
        if present:
            writer = LatexWriter()
            statement = writer.write(_statement(view, present))
            answer = writer.write(present.answer(view)) if key else ""
        else:
            module = env.get_template(f"{view.kind}.tex.j2").make_module({"key": key})
            statement = rich_latex(view.statement) if view.statement else module.statement(view)
            answer = module.answer(view) if key else ""
        text = env.get_template("question.tex.j2").render(
            q=view, key=key, statement=Latex(statement), answer=Latex(answer),
            checks=result.checks)
        spans.append(QuestionSpan(view.id, line, line + text.count("\n")))
        line += text.count("\n")
        pieces.append(text)
    tex = env.get_template("document.tex.j2").render(
        spec=spec, key=key, body=Latex("".join(pieces)), results=results, version=__version__)
    return tex, spans


def render_html(spec, results, key: bool = True) -> str:
    """The key (key=True) or the handout as one static HTML page with MathML."""
    env = html_env()
    sections = []
    for view, result in zip(question_views(spec, results), results):
        present = presentation(view.kind)
        if present:
            writer = HtmlWriter()
            statement = writer.write(_statement(view, present))
            answer = writer.write(present.answer(view)) if key else ""
        else:
            module = env.get_template(f"{view.kind}.html.j2").make_module({"key": key})
            statement = rich_html(view.statement) if view.statement else module.statement(view)
            answer = module.answer(view) if key else ""
        sections.append(env.get_template("question.html.j2").render(
            q=view, key=key, statement=Markup(statement), answer=Markup(answer),
            checks=result.checks))
    page = env.get_template("document.html.j2").render(
        spec=spec, key=key, body=Markup("".join(sections)), results=results,
        version=__version__)
    return html_math_pass(page)
