"""Checked user Markdown written to LaTeX and to HTML by two writers with the same methods:
every text through our escapers, every formula through math_source (and MathML's allow-list)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from .errors import BuildError
from .escape import html_escape, latex_escape, math_source
from .mathml import page_mathml
from .numbers import MathText
from .richtext import MATH_TOKENS, parse, walk

if TYPE_CHECKING:
    from markdown_it.token import Token

Values = Mapping[str, str]  # placeholder name -> its display: MathText (math) or plain text


class _Writer:
    """Walks the tokens of a checked text: fixed markup from MARKUP, else visit_<type>()."""

    MARKUP: dict[str, str] = {}

    def __init__(self, values: Values | None):
        self.values = values
        self.out: list[str] = []
        self.links: list[str] = []

    def write(self, tokens: list[Token]) -> str:
        pending: list[str] = []  # a run of text escaped as one: `\-\-` must stay two dashes
        for token in walk(tokens):
            if token.type in ("text", "text_special"):
                pending.append(token.content)
                continue
            if pending:
                self.out.append(self.text("".join(pending)))
                pending = []
            if token.type in self.MARKUP:
                self.out.append(self.MARKUP[token.type])
                continue
            method: Callable | None = getattr(self, "visit_" + token.type, None)
            if method is None:
                raise BuildError(f"text: Markdown element '{token.type}' is not supported")
            method(token)
        self.out.append(self.text("".join(pending)))
        return "".join(self.out).strip()

    def value(self, token: Token) -> str:
        if self.values is None or token.content not in self.values:
            raise BuildError(f"statement: the value {{{token.content}}} was not filled in")
        return self.values[token.content]

    def visit_link_open(self, token: Token) -> None:
        self.links.append("" if token.markup == "autolink" else str(token.attrs["href"]))

    def visit_link_close(self, token: Token) -> None:
        href = self.links.pop()
        if href:
            self.out.append(" (" + self.code(href) + ")")

    def visit_math_inline(self, token: Token) -> None:
        self.out.append(self.math(token.content, MATH_TOKENS[token.type] == "display"))

    visit_math_inline_double = visit_math_inline

    def visit_math_block(self, token: Token) -> None:
        self.out.append(self.math(token.content, True) + "\n\n")

    def visit_placeholder(self, token: Token) -> None:
        shown = self.value(token)
        self.out.append(self.math(shown, False) if isinstance(shown, MathText)
                        else self.text(shown))

    def visit_code_inline(self, token: Token) -> None:
        self.out.append(self.code(token.content))


class LatexWriter(_Writer):
    """Markdown -> LaTeX body text."""

    MARKUP = {"em_open": "\\emph{", "em_close": "}", "strong_open": "\\textbf{",
              "strong_close": "}", "softbreak": "\n", "hardbreak": "\\newline\n",
              "paragraph_open": "", "bullet_list_open": "\\begin{itemize}\n",
              "bullet_list_close": "\\end{itemize}\n\n", "list_item_close": "\n",
              "ordered_list_open": "\\begin{enumerate}\n",
              "ordered_list_close": "\\end{enumerate}\n\n"}
    text = staticmethod(latex_escape)

    def math(self, tex: str, display: bool) -> str:
        body = math_source(tex, for_latex=True)
        return f"\\[{body}\\]" if display else f"${body}$"

    def code(self, text: str) -> str:
        return r"\texttt{" + latex_escape(text) + "}"

    def visit_paragraph_close(self, token: Token) -> None:
        self.out.append("\n" if token.hidden else "\n\n")

    def visit_list_item_open(self, token: Token) -> None:
        # The number as Markdown read it, given explicitly: LaTeX's own counters would start
        # at 1 and, three levels down, run out of letters after 26.
        label = f"[{{{token.info}{token.markup}}}]" if token.info else ""
        self.out.append(f"\\item{label} ")

    def visit_code_block(self, token: Token) -> None:
        # Never verbatim (the text could end it): each line escaped, spaces kept as \ .
        lines = token.content.expandtabs(4).rstrip("\n").split("\n")
        body = "\\\\\n".join("\\strut " + latex_escape(line).replace(" ", "\\ ") for line in lines)
        self.out.append("\\begin{flushleft}\\ttfamily\n" + body + "\n\\end{flushleft}\n\n")

    visit_fence = visit_code_block


class HtmlWriter(_Writer):
    """Markdown -> HTML; the formulas as MathML."""

    MARKUP = {"em_open": "<em>", "em_close": "</em>", "strong_open": "<strong>",
              "strong_close": "</strong>", "softbreak": "\n", "hardbreak": "<br>\n",
              "bullet_list_open": "<ul>\n", "bullet_list_close": "</ul>\n",
              "ordered_list_close": "</ol>\n", "list_item_open": "<li>",
              "list_item_close": "</li>\n"}

    def text(self, text: str) -> str:
        return str(html_escape(text))

    def math(self, tex: str, display: bool) -> str:
        return page_mathml(math_source(tex, for_latex=False), display)

    def code(self, text: str) -> str:
        return "<code>" + self.text(text) + "</code>"

    def visit_paragraph_open(self, token: Token) -> None:
        if not token.hidden:
            self.out.append("<p>")

    def visit_paragraph_close(self, token: Token) -> None:
        self.out.append("\n" if token.hidden else "</p>\n")

    def visit_ordered_list_open(self, token: Token) -> None:
        start = int(token.attrs.get("start", 1))
        self.out.append("<ol>\n" if start == 1 else f'<ol start="{start}">\n')

    def visit_code_block(self, token: Token) -> None:
        self.out.append("<pre><code>" + self.text(token.content.rstrip("\n")) + "</code></pre>\n")

    visit_fence = visit_code_block


def to_latex(text: str, values: Values | None = None, placeholders: bool = False) -> str:
    """A checked user text as LaTeX."""
    return LatexWriter(values).write(parse(text, placeholders))


def to_html(text: str, values: Values | None = None, placeholders: bool = False) -> str:
    """A checked user text as HTML with MathML."""
    return HtmlWriter(values).write(parse(text, placeholders))


def bound_latex(text: str) -> str:
    """A checked user text as LaTeX; a statement bound to its question's values
    (placeholders.bind) gets them in place of its {names}."""
    values = getattr(text, "values", None)
    return to_latex(text, values, placeholders=values is not None)


def bound_html(text: str) -> str:
    """A checked user text as HTML with MathML; a bound statement gets its values."""
    values = getattr(text, "values", None)
    return to_html(text, values, placeholders=values is not None)
