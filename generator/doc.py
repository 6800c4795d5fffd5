"""The format-neutral document a kind's presentation builds: one tree, two writers.

A kind describes its statement and its worked answer once, as a list of blocks made of the
nodes below (generator/presentation/<kind>.py); generator/writers/latex.py and
generator/writers/html.py turn the same tree into LaTeX and HTML, with one method per node type
each (Sphinx's translator pattern), so the two outputs cannot differ in structure or in words.

Escaping follows from the node type, never from the author's care:
  Text   plain text: LaTeX-escaped for the PDF, HTML-escaped for the page
  Math   LaTeX math built by answerkey (formatted numbers, fixed notation, the math a kind
         derives from a parsed expression): typeset as it is in the PDF; on the page it goes
         through the MathML converter and its allow-list (generator/mathml.py), so no
         backslash and no markup reaches the page. A user's string never goes into Math.
  Rich   a user's checked Markdown with $math$ (statements, text fields): the rich-text writers
No node carries raw LaTeX or raw HTML.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

# -- inline nodes -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Text:
    """Plain text, escaped by each writer."""

    text: str


@dataclass(frozen=True)
class Math:
    """Inline math (see the module docstring for what may go in it)."""

    tex: str


@dataclass(frozen=True)
class Strong:
    children: tuple


@dataclass(frozen=True)
class Emph:
    children: tuple


@dataclass(frozen=True)
class Code:
    """A literal name as typed (a spec key, a file name), set in a monospaced font."""

    text: str


@dataclass(frozen=True)
class Rich:
    """A user's checked Markdown with $math$; a statement bound to its values keeps them."""

    text: str


INLINE = (Text, Math, Strong, Emph, Code, Rich)

# -- block nodes ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Para:
    """A paragraph; role "note" sets it smaller and muted."""

    children: tuple
    role: str = ""


@dataclass(frozen=True)
class Heading:
    """The heading of a part of an answer: its label and a few words, "(a) Translation"."""

    children: tuple


@dataclass(frozen=True)
class Equations:
    """Display math: rows of cells, aligned at the cell boundaries (alternately right- and
    left-aligned, as LaTeX's align*). One row of one cell is a single displayed formula."""

    rows: tuple  # of tuples of str (math, as in Math)


@dataclass(frozen=True)
class Column:
    """A table column: its alignment (l, r, c) and the space before it ('' is the normal
    column gap; 'none', 'thin', 'space', 'quad' are tighter or wider)."""

    align: str = "l"
    gap: str = ""


@dataclass(frozen=True)
class Cell:
    """A table cell: inline nodes, spanning `span` columns (aligned `align` when it spans)."""

    children: tuple
    span: int = 1
    align: str = ""


@dataclass(frozen=True)
class Row:
    """A table row; `rule` draws a line above it, `picked` sets it in bold (the chosen one)."""

    cells: tuple  # of Cell
    rule: bool = False
    picked: bool = False


@dataclass(frozen=True)
class Table:
    """A table with a head and a body. `size` is "", "small" or "footnote"; `long` lets the
    PDF break it across pages; `wide` lets the page scroll it sideways; `role` "trace" marks
    an evaluation trace (compact, no wrapping); `stretch` spaces the rows out (fractions)."""

    columns: tuple  # of Column
    head: tuple  # of Row
    body: tuple  # of Row
    size: str = ""
    long: bool = False
    wide: bool = False
    role: str = ""
    stretch: float = 1.0


@dataclass(frozen=True)
class Items:
    """A list: each item a tuple of blocks; with `labels` ("(a)", ...) each item shows its
    label, without them the items are bullets."""

    items: tuple
    labels: tuple | None = None


@dataclass(frozen=True)
class Figure:
    """A figure the build drew (figures/<name>.pdf and .svg), its caption and its alt text;
    `width` is the share of the text width it takes in the PDF (the page fits it to the column)."""

    name: str
    caption: tuple  # inline nodes
    alt: str
    width: float = 1.0


@dataclass(frozen=True)
class RichBlock:
    """A user's checked Markdown as blocks (paragraphs, lists, display math of its own)."""

    text: str


BLOCK = (Para, Heading, Equations, Table, Items, Figure, RichBlock)

# -- building helpers -------------------------------------------------------------------------


def inlines(*parts) -> tuple:
    """Inline nodes from a mix: a str is Text, a node stays, None and '' are dropped, and
    sequences are flattened; so a paragraph reads `para("Input ", Math("x"), " has ...")`."""
    out: list = []
    for part in parts:
        if part is None or part == "":
            continue
        if isinstance(part, str):
            out.append(Text(part))
        elif isinstance(part, INLINE):
            out.append(part)
        elif isinstance(part, Iterable):
            out.extend(inlines(*part))
        else:
            raise TypeError(f"not an inline node: {part!r}")
    return tuple(out)


def para(*parts, role: str = "") -> Para:
    return Para(inlines(*parts), role)


def heading(*parts) -> Heading:
    return Heading(inlines(*parts))


def strong(*parts) -> Strong:
    return Strong(inlines(*parts))


def emph(*parts) -> Emph:
    return Emph(inlines(*parts))


def equation(tex: str) -> Equations:
    """One displayed formula."""
    return Equations(((str(tex),),))


def align(rows: Iterable[Sequence[str]]) -> Equations:
    """Aligned display rows, each a sequence of cells: ("S(x)", "= ..."), ..."""
    return Equations(tuple(tuple(str(c) for c in row) for row in rows))


def cell(*parts, span: int = 1, align: str = "") -> Cell:
    return Cell(inlines(*parts), span, align)


def row(*cells, rule: bool = False, picked: bool = False) -> Row:
    """A table row; each argument is a Cell or anything `inlines` reads (one cell each)."""
    return Row(tuple(c if isinstance(c, Cell) else cell(c) for c in cells), rule, picked)


def columns(spec: str) -> tuple:
    """Columns from a compact spec: 'lrr' is three columns with the normal gap."""
    return tuple(Column(a) for a in spec)


def items(entries: Iterable, labels: Sequence[str] | None = None) -> Items:
    """A list; each entry is a block, a tuple of blocks, or inline parts (one paragraph)."""
    out = []
    for entry in entries:
        if isinstance(entry, BLOCK):
            out.append((entry,))
        elif isinstance(entry, tuple) and entry and all(isinstance(b, BLOCK) for b in entry):
            out.append(entry)
        else:
            out.append((para(entry),))
    return Items(tuple(out), None if labels is None else tuple(labels))


def text_of(nodes) -> str:
    """The words of inline nodes without markup (math as its source): for alt texts, tests."""
    out = []
    for node in nodes:
        if isinstance(node, (Text, Code, Rich)):
            out.append(node.text)
        elif isinstance(node, Math):
            out.append(node.tex)
        else:
            out.append(text_of(node.children))
    return "".join(out)


def join(parts: Sequence, sep=", ", last=None) -> list:
    """parts with `sep` between them (and `last` before the final one: ", and ")."""
    out: list = []
    for i, part in enumerate(parts):
        if i:
            out.append(last if last is not None and i == len(parts) - 1 else sep)
        out.append(part)
    return out
