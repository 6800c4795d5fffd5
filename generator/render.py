"""The page shells (Jinja2, for LaTeX and HTML) around each question's presentation, written
by the two writers of the document tree; the views the presentations read. A course's
override shells (style.templates) are rendered in Jinja2's sandbox (generator/sandbox.py)."""

from __future__ import annotations

from base64 import b64encode
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache, lru_cache, wraps
from importlib import import_module
from pathlib import Path

import jinja2
from markupsafe import Markup

from . import TEMPLATES, __version__, i18n, sandbox
from .doc import RichBlock
from .escape import html_escape, latex_escape
from .kinds import KINDS
from .latex import QuestionSpan
from .math_vocabulary import course_macros_active
from .numbers import MathText, fmt, fmt_factor, fmt_matrix, fmt_terms, fmt_vector
from .rich_writers import bound_html, bound_latex
from .writers import HtmlWriter, LatexWriter


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
    """The shells' `rich` filter: checked user Markdown with $math$ as LaTeX."""
    return Latex(bound_latex(text))


def rich_html(text: str) -> Markup:
    """The shells' `rich` filter: checked user Markdown with $math$ as HTML with MathML."""
    return Markup(bound_html(text))


# The page's policy: its inline style sheet and sibling images, nothing else (no script may
# run, nothing is fetched, no form or base URL points elsewhere). An override page must keep it.
CONTENT_SECURITY_POLICY = Markup(
    "default-src 'none'; script-src 'none'; style-src 'unsafe-inline'; img-src 'self'; "
    "base-uri 'none'; form-action 'none'")
# The same for a page that embeds its images (style.inline_figures): data: images too.
INLINE_POLICY = Markup(str(CONTENT_SECURITY_POLICY).replace("img-src 'self';",
                                                            "img-src 'self' data:;"))
_IMAGE_TYPES = {".svg": "image/svg+xml", ".png": "image/png", ".jpg": "image/jpeg"}
LATEX_SYNTAX = dict(block_start_string=r"\BLOCK{", block_end_string="}",
                    variable_start_string=r"\VAR{", variable_end_string="}",
                    comment_start_string=r"\#{", comment_end_string="}")


def _settings(fmt: str) -> dict:
    """The Jinja2 settings of the shells of `fmt` ('latex' or 'html')."""
    common = dict(trim_blocks=True, lstrip_blocks=True, autoescape=True,
                  keep_trailing_newline=True, undefined=jinja2.StrictUndefined,
                  extensions=["jinja2.ext.i18n"])
    if fmt == "latex":
        # autoescape on so that macro results and Markup pass through untouched; every
        # other printed value is LaTeX-escaped by the finalizer, never HTML-escaped.
        return common | LATEX_SYNTAX | {"finalize": _latex_finalize}
    return common | {"finalize": _html_finalize}


def _furnished(env: jinja2.Environment, fmt: str) -> jinja2.Environment:
    env.install_gettext_callables(i18n._, i18n.ngettext, newstyle=False)
    env.filters["rich"] = rich_latex if fmt == "latex" else rich_html
    return env


@cache
def latex_env() -> jinja2.Environment:
    """LaTeX templates: \\BLOCK{...}, \\VAR{...}; every printed string is LaTeX-escaped."""
    return _furnished(jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES / "latex"),
                                         **_settings("latex")), "latex")


@cache
def html_env() -> jinja2.Environment:
    """HTML shells: autoescaped ('$' too); their math comes through the `rich` filter only."""
    return _furnished(jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES / "html"),
                                         **_settings("html")), "html")


_FORMAT = {".tex.j2": "latex", ".html.j2": "html"}


def _format_of(name: str) -> str:
    return next(fmt for ending, fmt in _FORMAT.items() if name.endswith(ending))


@lru_cache(maxsize=8)  # a watch session edits its shells: keep only the recent ones
def course_env(fmt: str, overrides: tuple) -> jinja2.Environment:
    """The shells of `fmt` with a course's `overrides` ((name, text, file shown) triples)
    searched first, in the sandbox, with the built-in shells' finalizer, escaping, filters."""
    courses = sandbox.Overrides({name: (text, shown) for name, text, shown in overrides})
    loader = jinja2.ChoiceLoader([courses, jinja2.FileSystemLoader(TEMPLATES / fmt)])
    return _furnished(sandbox.CourseSandbox(loader=loader, **_settings(fmt)), fmt)


def template_problem(name: str, text: str, source: str):
    """A located Problem when the override shell `text` is not a valid template, else None."""
    try:
        course_env(_format_of(name), ()).parse(text, name, source)
    except jinja2.TemplateSyntaxError as exc:
        return sandbox.located(source, exc.lineno, f"the template is not valid: {exc.message}")
    return None


def _environment(spec, fmt: str) -> jinja2.Environment:
    overrides = tuple((f.name, f.data.decode("utf-8"), f.source)
                      for f in spec.style.templates.values() if _format_of(f.name) == fmt)
    if overrides:
        return course_env(fmt, overrides)
    return latex_env() if fmt == "latex" else html_env()


def preload(formats) -> None:
    """Compile every shell the formats need and import every presentation now, in memory:
    worker processes forked afterwards share them instead of each loading its own (~0.4 s
    per process)."""
    envs = ([latex_env()] if {"pdf", "tex"} & set(formats) else []) + (
        [html_env()] if "html" in formats else [])
    for env in envs:
        for name in env.list_templates(extensions=["j2"]):
            env.get_template(name)
    for kind in KINDS if envs else ():
        presentation(kind)


@dataclass
class QuestionView:
    """What a kind's presentation sees of one solved question."""

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
        return fmt_matrix(rows, self.decimals)


def question_views(spec, results) -> list[QuestionView]:
    """One view per solved question, in spec order."""
    return [
        QuestionView(q.id, q.number, q.kind.NAME, q.title, q.points, q.points_label,
                     q.statement, q.params, r.solution.answers, r.solution.work,
                     r.figure_names, q.decimals, q.answer_space)
        for q, r in ((r.question, r) for r in results)
    ]


def presentation(kind: str):
    """The kind's presentation module, generator/presentation/KIND.py."""
    return import_module(f"{__package__}.presentation.{kind}")


def _statement(view: QuestionView, present) -> list:
    """The statement's blocks: the spec's own statement (bound to its values) if it has one."""
    return [RichBlock(view.statement)] if view.statement else present.statement(view)


def _in_its_language(render):
    """Render a spec with its language's catalogue and its course macros active (shells
    and presentations); a course shell that fails is a SpecError located in it."""
    @wraps(render)
    def rendered(spec, *args, **kwargs):
        with i18n.active(spec.language), course_macros_active(spec.style.macros), \
                sandbox.errors_located(spec.style.templates):
            return render(spec, *args, **kwargs)
    return rendered


@_in_its_language
def render_latex(spec, results, key: bool) -> tuple[str, list[QuestionSpan]]:
    """The key (key=True) or handout as LaTeX, and each question's (id, first, last) line."""
    env = _environment(spec, "latex")
    pieces, spans = [], []
    line = 1 + env.get_template("document.tex.j2").render(
        spec=spec, key=key, body=Latex("\0"), results=results, version=__version__,
        style=spec.style,
    ).split("\0")[0].count("\n")
    for view, result in zip(question_views(spec, results), results):
        present, writer = presentation(view.kind), LatexWriter()
        statement = writer.write(_statement(view, present))
        answer = writer.write(present.answer(view)) if key else ""
        text = env.get_template("question.tex.j2").render(
            q=view, key=key, statement=Latex(statement), answer=Latex(answer),
            checks=result.checks)
        spans.append(QuestionSpan(view.id, line, line + text.count("\n")))
        line += text.count("\n")
        pieces.append(text)
    tex = env.get_template("document.tex.j2").render(
        spec=spec, key=key, body=Latex("".join(pieces)), results=results, version=__version__,
        style=spec.style)
    return tex, spans


def data_uri(name: str, data: bytes) -> str:
    """The image file `name` (.svg, .png or .jpg) with bytes `data` as a base64 data: URI."""
    return f"data:{_IMAGE_TYPES[Path(name).suffix]};base64,{b64encode(data).decode('ascii')}"


def _embedder(images: Mapping[str, bytes]):
    """The `src` of a page that embeds its images: each file name as a data: URI of its
    bytes in `images`."""
    def src(name: str) -> str:
        if name not in images:
            raise KeyError(f"the page embeds {name} but was not given its bytes")
        return data_uri(name, images[name])
    return src


@_in_its_language
def render_html(spec, results, key: bool = True,
                images: Mapping[str, bytes] | None = None) -> str:
    """The key (key=True) or the handout as one static HTML page with MathML. With the
    style's inline_figures, every image (figures/NAME.svg, the logo) is embedded as a data:
    URI of its bytes in `images`, by file name; otherwise the page links to the files."""
    inline = spec.style.inline_figures
    src = _embedder(images or {}) if inline else str
    policy = INLINE_POLICY if inline else CONTENT_SECURITY_POLICY
    env = _environment(spec, "html")
    sections = []
    for view, result in zip(question_views(spec, results), results):
        present, writer = presentation(view.kind), HtmlWriter(src)
        statement = writer.write(_statement(view, present))
        answer = writer.write(present.answer(view)) if key else ""
        sections.append(env.get_template("question.html.j2").render(
            q=view, key=key, statement=Markup(statement), answer=Markup(answer),
            checks=result.checks))
    page = env.get_template("document.html.j2").render(
        spec=spec, key=key, body=Markup("".join(sections)), results=results,
        version=__version__, style=spec.style, csp=policy,
        logo_src=src(spec.style.page_logo) if spec.style.logo else None)
    if "document.html.j2" in spec.style.templates:
        sandbox.require_policy(page, str(policy),
                               spec.style.templates["document.html.j2"].source)
    return page
