"""The document tree as HTML: the body of a question on the page (document.html.j2 holds the
page); text escaped, every formula converted to MathML through the allow-list."""

from __future__ import annotations

import re
from collections.abc import Callable

from .. import doc
from ..escape import html_escape
from ..mathml import page_mathml
from ..rich_writers import bound_html as rich
from .base import Writer

# Line-break hints for TeX only: the page's lines break by themselves.
_TEX_ONLY = re.compile(r"\\allowbreak\b\s*")
_ALIGN = {"l": "l", "r": "num", "c": "c"}


def math(tex: str, display: bool = False) -> str:
    """answerkey's math as MathML (see doc.Math)."""
    return page_mathml(_TEX_ONLY.sub("", tex), display)


def _pieces(tex: str) -> list[str]:
    """Inline math split where TeX may break the line (a \\allowbreak outside braces): browsers
    do not break MathML, so a long formula becomes formulas of its own with spaces between."""
    pieces, depth, start = [], 0, 0
    for m in re.finditer(r"\\allowbreak\b\s*|\\[{}]|[{}]", tex):
        token = m.group(0)
        if token == "{":
            depth += 1
        elif token == "}":
            depth -= 1
        elif token.startswith("\\allowbreak") and depth == 0:
            pieces.append(tex[start:m.start()])
            start = m.end()
    return [p for p in pieces + [tex[start:]] if p.strip()]


def _text(text: str) -> str:
    return str(html_escape(text))


class HtmlWriter(Writer):
    """Writes blocks as HTML; `src` gives an image file's address on the page (by default
    its name: a sibling file; render.py's for a page that embeds its images)."""

    def __init__(self, src: Callable[[str], str] = str):
        self.src = src

    def write(self, blocks) -> str:
        return "".join(self.blocks([b]).rstrip("\n") + "\n" for b in blocks)

    # -- inline ---------------------------------------------------------------------------

    def inline_text(self, node: doc.Text) -> str:
        return _text(node.text)

    def inline_math(self, node: doc.Math) -> str:
        return " ".join(math(piece) for piece in _pieces(node.tex))

    def inline_strong(self, node: doc.Strong) -> str:
        return "<strong>" + self.inline(node.children) + "</strong>"

    def inline_emph(self, node: doc.Emph) -> str:
        return "<em>" + self.inline(node.children) + "</em>"

    def inline_code(self, node: doc.Code) -> str:
        return "<code>" + _text(node.text) + "</code>"

    def inline_rich(self, node: doc.Rich) -> str:
        html = rich(node.text).strip()
        # one paragraph of Markdown read inline: without its <p>
        if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
            html = html[3:-4]
        return html

    # -- blocks ---------------------------------------------------------------------------

    def block_para(self, node: doc.Para) -> str:
        opening = '<p class="note">' if node.role == "note" else "<p>"
        return opening + self.inline(node.children) + "</p>"

    def block_heading(self, node: doc.Heading) -> str:
        return "<h3>" + self.inline(node.children) + "</h3>"

    def block_richblock(self, node: doc.RichBlock) -> str:
        return rich(node.text)

    def block_equations(self, node: doc.Equations) -> str:
        if len(node.rows) == 1 and len(node.rows[0]) == 1:
            return math(node.rows[0][0], display=True)
        # aligned rows laid out as a grid: cells alternately right- and left-aligned, as align*;
        # each cell is display math (limits above and below), set inline by the page's style
        rows = []
        for cells in node.rows:
            tds = "".join(
                f'<td class="{"l" if i % 2 else "num"}">'
                + (math(c, display=True) if c.strip() else "") + "</td>"
                for i, c in enumerate(cells))
            rows.append("<tr>" + tds + "</tr>")
        return '<div class="scroll"><table class="align">' + "".join(rows) + "</table></div>"

    def block_items(self, node: doc.Items) -> str:
        tag = "ol" if node.labels is not None else "ul"
        out = [f'<{tag} class="parts">' if node.labels is not None else f"<{tag}>"]
        for i, entry in enumerate(node.items):
            label = (f'<span class="part">{self.inline(doc.inlines(node.labels[i]))}</span> '
                     if node.labels else "")
            first, rest = entry[0], entry[1:]
            if isinstance(first, doc.Para) and not first.role:  # the item's first paragraph
                body = self.inline(first.children) + ("\n" + self.write(rest) if rest else "")
            else:
                body = self.write(entry)
            out.append("<li>" + label + body.rstrip("\n") + "</li>")
        return "\n".join(out + [f"</{tag}>"])

    def block_figure(self, node: doc.Figure) -> str:
        src = self.src(f"figures/{node.name}.svg")
        return (f'<figure>\n<img src="{_text(src)}" alt="{_text(node.alt)}">\n'
                f"<figcaption>{self.inline(node.caption)}</figcaption>\n</figure>")

    def block_table(self, node: doc.Table) -> str:
        classes = " ".join(filter(None, ("booktabs", node.role)))
        out = [f'<div class="scroll{" wide" if node.wide else ""}"><table class="{classes}">']
        if node.head:
            out.append("<thead>" + "".join(self._row(node, r, "th") for r in node.head)
                       + "</thead>")
        out.append("<tbody>\n" + "\n".join(self._row(node, r, "td") for r in node.body)
                   + "\n</tbody>")
        return "".join(out) + "</table></div>"

    def _row(self, table: doc.Table, r: doc.Row, tag: str) -> str:
        classes = " ".join(name for name, on in (("rule", r.rule), ("picked", r.picked)) if on)
        cells, column = [], 0
        for c in r.cells:
            # a cell spanning columns is aligned on its own (left unless it says), as in LaTeX
            align = c.align or ("l" if c.span != 1 else table.columns[column].align)
            attrs = f' class="{_ALIGN[align]}"' if _ALIGN[align] != "l" else ""
            attrs += f' colspan="{c.span}"' if c.span != 1 else ""
            cells.append(f"<{tag}{attrs}>{self.inline(c.children)}</{tag}>")
            column += c.span
        return (f'<tr class="{classes}">' if classes else "<tr>") + "".join(cells) + "</tr>"
