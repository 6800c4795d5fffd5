"""User text as Markdown: paragraphs, emphasis, lists, code and $math$, read by markdown-it-py
(with its dollar-math plugin) and checked here; rich_writers.py writes it out."""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING

from .escape import math_problems

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

MAX_LIST_DEPTH = 4  # LaTeX nests itemize/enumerate four levels deep
# Block and inline rules left out: what they would read prints as typed (`# x`, `> x`, `---`,
# `&amp;`, `<b>`); raw HTML is never markup (html=False as well).
_DISABLED = ["table", "blockquote", "hr", "reference", "html_block", "heading", "lheading",
             "linkify", "strikethrough", "html_inline", "entity", "replacements", "smartquotes"]
VALUE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*|\[[0-9]+\])*")
MATH_TOKENS = {"math_inline": "inline", "math_inline_double": "display", "math_block": "display"}
UNCLOSED_DOLLAR = ("a '$' without its closing '$' in the same paragraph (math holds no blank "
                   "line; write \\$ for a dollar sign)")


def _placeholder(state, silent: bool) -> bool:
    """{name} names a value of the question; {{ and }} are braces."""
    src, pos = state.src, state.pos
    if src[pos] not in "{}":
        return False
    if src.startswith(("{{", "}}"), pos) or src[pos] == "}":
        width = 2 if src.startswith(("{{", "}}"), pos) else 1
        if not silent:
            state.push("text_special", "", 0).content = src[pos]
        state.pos += width
        return True
    end = src.find("}", pos + 1, state.posMax)
    if not silent:
        token = state.push("placeholder", "", 0)
        token.content = src[pos + 1 : end] if end >= 0 else src[pos + 1 : state.posMax]
        token.meta = {"closed": end >= 0}
    state.pos = end + 1 if end >= 0 else state.posMax
    return True


@cache
def parser(placeholders: bool) -> MarkdownIt:
    """The Markdown reader of user text; `placeholders`: braces name the question's values."""
    # Imported here, on the first text read: a spec without Markdown text never needs it (40 ms).
    from markdown_it import MarkdownIt
    from mdit_py_plugins.dollarmath import dollarmath_plugin

    md = MarkdownIt("commonmark", {"html": False, "typographer": False})
    md.disable(_DISABLED, ignoreInvalid=True)
    md.disable("text_join")  # keeps a backslash-escaped '\$' apart from a bare '$'
    md.use(dollarmath_plugin, allow_labels=False, allow_space=True, allow_digits=True,
           allow_blank_lines=False, double_inline=True)
    # Links are shown as text with their address, as typed: never fetched, never checked.
    md.validateLink = lambda url: True
    md.normalizeLink = md.normalizeLinkText = lambda url: url
    if placeholders:
        md.inline.ruler.after("text", "placeholder", _placeholder)
    return md


def parse(text: str, placeholders: bool = False) -> list[Token]:
    """The block tokens of `text` (inline tokens hold their children)."""
    return parser(placeholders).parse(text)


def walk(tokens: list[Token]):
    """Every token in document order, inline children in place of their parent."""
    for token in tokens:
        if token.type == "inline":
            yield from token.children or ()
        else:
            yield token


def placeholder_problem(token: Token) -> str | None:
    """What is wrong with a {placeholder} as written (None: a well-formed value name)."""
    name = token.content
    if not token.meta["closed"]:
        return "a '{' without its closing '}' (write {{ for a brace)"
    if not VALUE_NAME.fullmatch(name):
        shown = name if len(name) <= 30 else name[:27] + "..."
        return (f"'{{{shown}}}' does not name a value (a name like {{input}}, {{at.x1}} or "
                "{layers[0].kernel}; write {{ for a brace)")
    return None


def placeholder_names(text: str) -> list[str]:
    """The value names a statement refers to, in order, each once."""
    names = [t.content for t in walk(parse(text, True)) if t.type == "placeholder"]
    return list(dict.fromkeys(names))


def rich_problems(text: str, placeholders: bool = False) -> list[str]:
    """Everything wrong with a user text (empty: nothing), in the order of the text."""
    problems: list[str] = []
    depth = 0
    for token in walk(parse(text, placeholders)):
        problem: list[str] | str | None = None
        if token.type in ("bullet_list_open", "ordered_list_open"):
            depth += 1
            if depth > MAX_LIST_DEPTH:
                problem = f"lists nested more than {MAX_LIST_DEPTH} levels deep"
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            depth -= 1
        elif token.type == "text" and "$" in token.content:
            problem = UNCLOSED_DOLLAR
        elif token.type in MATH_TOKENS:
            problem = math_problems(token.content) if token.content.strip() else "empty math"
        elif token.type == "image":
            problem = (f"images are not allowed in text ('![{token.content}](...)'); a figure "
                       "needs a question kind that draws it")
        elif token.type == "placeholder":
            problem = placeholder_problem(token)
        for message in [problem] if isinstance(problem, str) else problem or []:
            if message not in problems:
                problems.append(message)
    return problems
