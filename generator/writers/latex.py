"""The document tree as LaTeX: the body of a question in the PDF (document.tex.j2 holds the
page); text escaped, math as it is, every user Markdown through the rich-text writer."""

from __future__ import annotations

from .. import doc
from ..escape import latex_escape
from ..rich_writers import bound_latex as rich
from .base import Writer

_GAPS = {"": "", "none": "@{}", "thin": r"@{\,}", "space": r"@{\ }", "quad": r"@{\quad}"}
_SIZES = {"": "", "small": r"\small", "footnote": r"\footnotesize"}


def _share(width: float) -> str:
    """0.77 -> '0.77' before \\linewidth; the whole width is just \\linewidth."""
    return "" if width == 1.0 else f"{width:g}"


class LatexWriter(Writer):
    """Blocks are separated by a blank line, except around display math, which stays in its
    paragraph (LaTeX spaces a display by itself; a paragraph break would add to it), and after
    a part's heading, which runs into what follows it (\\answerpart, document.tex.j2)."""

    def write(self, blocks) -> str:
        out = []
        for i, block in enumerate(blocks):
            if i:
                tight = isinstance(block, doc.Equations) or isinstance(
                    blocks[i - 1], (doc.Equations, doc.Heading))
                out.append("\n" if tight else "\n\n")
            out.append(self.blocks([block]).rstrip("\n"))
        return "".join(out) + "\n" if out else ""

    # -- inline ---------------------------------------------------------------------------

    def inline_text(self, node: doc.Text) -> str:
        return latex_escape(node.text)

    def inline_math(self, node: doc.Math) -> str:
        return f"${node.tex}$"

    def inline_strong(self, node: doc.Strong) -> str:
        return r"\textbf{" + self.inline(node.children) + "}"

    def inline_emph(self, node: doc.Emph) -> str:
        return r"\emph{" + self.inline(node.children) + "}"

    def inline_code(self, node: doc.Code) -> str:
        return r"\texttt{" + latex_escape(node.text) + "}"

    def inline_rich(self, node: doc.Rich) -> str:
        return rich(node.text).strip()

    # -- blocks ---------------------------------------------------------------------------

    def block_para(self, node: doc.Para) -> str:
        body = self.inline(node.children)
        return "{\\small " + body + "\\par}" if node.role == "note" else body

    def block_heading(self, node: doc.Heading) -> str:
        return r"\answerpart{" + self.inline(node.children) + "}"

    def block_richblock(self, node: doc.RichBlock) -> str:
        return rich(node.text).strip()

    def block_equations(self, node: doc.Equations) -> str:
        if len(node.rows) == 1 and len(node.rows[0]) == 1:
            return r"\[ " + node.rows[0][0] + r" \]"
        body = " \\\\\n".join(" & ".join(cells) for cells in node.rows)
        return "\\begin{align*}\n" + body + "\n\\end{align*}"

    def block_items(self, node: doc.Items) -> str:
        env = "enumerate" if node.labels is not None else "itemize"
        out = [f"\\begin{{{env}}}"]
        for i, entry in enumerate(node.items):
            label = f"[{self.inline(doc.inlines(node.labels[i]))}]" if node.labels else ""
            out.append(f"  \\item{label} " + LatexWriter().write(entry).strip())
        return "\n".join(out + [f"\\end{{{env}}}"])

    def block_figure(self, node: doc.Figure) -> str:
        width = _share(node.width) + r"\linewidth"
        return ("\\begin{center}\n"
                f"\\includegraphics[width={width}]{{figures/{node.name}.pdf}}\\\\[2pt]\n"
                "{\\small " + self.inline(node.caption) + "}\n\\end{center}")

    def block_table(self, node: doc.Table) -> str:
        spec = "@{}" + "".join((_GAPS[c.gap] if i else "") + c.align
                               for i, c in enumerate(node.columns)) + "@{}"
        lines = [r"\toprule"]
        lines += [self._row(r, head=True) for r in node.head]
        if node.head:
            lines.append(r"\midrule")
        for r in node.body:
            if r.rule:
                lines.append(r"\midrule")
            lines.append(self._row(r))
        lines.append(r"\bottomrule")
        setup = "".join(filter(None, (_SIZES[node.size], node.stretch != 1.0 and
                                      f"\\renewcommand{{\\arraystretch}}{{{node.stretch:g}}}")))
        if node.long:  # one chunk: the columns line up in a single pdflatex run
            body = (f"\\setcounter{{LTchunksize}}{{1000}}\n\\begin{{longtable}}{{{spec}}}\n"
                    + "\n".join(lines) + "\n\\end{longtable}\n\\setcounter{LTchunksize}{20}")
            return "{" + setup + "%\n" + body + "\n}" if setup else body
        return ("\\begin{center}" + setup + "\n"
                f"\\begin{{tabular}}{{{spec}}}\n" + "\n".join(lines) +
                "\n\\end{tabular}\n\\end{center}")

    def _row(self, r: doc.Row, head: bool = False) -> str:
        cells = []
        for c in r.cells:
            body = "".join(r"\textsf{" + self.inline([n]) + "}" if head and isinstance(n, doc.Text)
                           else self.inline([n]) for n in c.children)
            if r.picked and body:
                body = r"\bfseries " + body
            if c.span != 1 or c.align:
                body = f"\\multicolumn{{{c.span}}}{{{c.align or 'l'}}}{{{body}}}"
            cells.append(body)
        return " & ".join(cells) + r" \\"
