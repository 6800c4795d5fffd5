"""The document tree's two writers: every node type in both, escaping by node type, the same
structure and words in LaTeX and HTML."""

import re
import shutil
import subprocess
from html.parser import HTMLParser

import pytest

from generator import doc
from generator.doc import Math, align, cell, columns, equation, heading, items, para, row
from generator.errors import BuildError
from generator.writers import HtmlWriter, LatexWriter
from generator.writers.base import Writer
from helpers import pdf_text

HOSTILE = r"</p><script>alert(1)</script> \input{/etc/passwd} $x$ 100% #1 & ~ ^ _ {}"


def test_both_writers_define_a_method_for_every_node_type():
    inline = [n for n in vars(doc).values() if isinstance(n, type) and n in Writer.INLINE]
    block = [n for n in vars(doc).values() if isinstance(n, type) and n in Writer.BLOCK]
    assert len(inline) == 6 and len(block) == 7
    for writer in (LatexWriter, HtmlWriter):
        for node in inline:
            assert callable(getattr(writer, "inline_" + node.__name__.lower(), None))
        for node in block:
            assert callable(getattr(writer, "block_" + node.__name__.lower(), None))


def test_every_dataclass_in_doc_is_a_node_or_a_table_part():
    classes = {n for n in vars(doc).values()
               if isinstance(n, type) and hasattr(n, "__dataclass_fields__")}
    assert classes == set(Writer.INLINE) | set(Writer.BLOCK) | {doc.Column, doc.Cell, doc.Row}


def test_a_string_that_is_not_a_node_is_refused():
    with pytest.raises(TypeError):
        LatexWriter().write(["raw text"])
    with pytest.raises(TypeError):
        HtmlWriter().inline(["raw text"])
    with pytest.raises(TypeError):
        para(3.5)


def _html_elements(html: str) -> list[str]:
    found = []

    class Parser(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.append(tag)

    Parser().feed(html)
    return found


def test_text_is_escaped_in_both_formats():
    blocks = [para(HOSTILE), heading(HOSTILE), items([HOSTILE], ["(a)"]),
              doc.Table(columns("l"), (row(HOSTILE),), (row(HOSTILE),)),
              doc.Figure("f", doc.inlines(HOSTILE), HOSTILE)]
    html = HtmlWriter().write(blocks)
    assert "script" not in _html_elements(html)
    assert "$" not in html and "\\input" in html  # shown, and never read as math
    tex = LatexWriter().write(blocks)
    assert r"\input" not in tex.replace(r"\textbackslash{}input", "")
    assert "$x$" not in tex and "100%" not in tex


def test_text_prints_literally_in_the_pdf(tmp_path):
    if not shutil.which("pdflatex"):
        pytest.skip("pdflatex is not installed")
    body = LatexWriter().write([para(HOSTILE)])
    (tmp_path / "t.tex").write_text(
        "\\documentclass{article}\\pagestyle{empty}\\usepackage[T1]{fontenc}\\usepackage[utf8]{inputenc}"
        "\\begin{document}\n" + body + "\n\\end{document}\n", encoding="utf-8")
    subprocess.run(["pdflatex", "-no-shell-escape", "-interaction=nonstopmode", "t.tex"],
                   cwd=tmp_path, capture_output=True, check=True, timeout=60)
    assert " ".join(pdf_text(tmp_path / "t.pdf").split()) == " ".join(HOSTILE.split())


def test_math_reaches_the_page_only_as_mathml():
    html = HtmlWriter().write([para("see ", Math(r"\frac{a}{b} < c \allowbreak + d"))])
    assert "\\" not in html and "<mo>&#x0003C;</mo>" in html
    assert set(_html_elements(html)) == {"p", "math", "mrow", "mfrac", "mi", "mo"}
    with pytest.raises(BuildError, match="cannot convert math"):
        HtmlWriter().write([para(Math(r"\href{javascript:alert(1)}{x}"))])


def test_aligned_rows_keep_their_cells_in_both_formats():
    rows = [("y_0", "= 1 + 2 = 3"), ("y_1", "= 4")]
    tex = LatexWriter().write([align(rows)])
    assert tex == "\\begin{align*}\ny_0 & = 1 + 2 = 3 \\\\\ny_1 & = 4\n\\end{align*}\n"
    html = HtmlWriter().write([align(rows)])
    assert html.count("<tr>") == 2 and html.count('<td class="num">') == 2
    assert html.count('<td class="l">') == 2
    assert LatexWriter().write([equation("a = b")]) == "\\[ a = b \\]\n"
    assert HtmlWriter().write([equation("a = b")]).startswith('<math xmlns=')


def test_display_math_stays_in_its_paragraph_in_latex():
    tex = LatexWriter().write([para("so"), equation("a"), para("hence"), para("next")])
    assert tex == "so\n\\[ a \\]\nhence\n\nnext\n"


def test_tables_have_the_same_rows_cells_and_spans_in_both_formats():
    table = doc.Table(
        (doc.Column("c"), doc.Column("l", "thin"), doc.Column("r", "quad")),
        (row(cell("Trace", span=2), "value"),),
        (row(Math(r"\Downarrow"), Math("v_1"), "1"),
         row("", Math("v_2"), "2", rule=True, picked=True)),
        size="footnote", long=True, role="trace", wide=True, stretch=1.3)
    tex = LatexWriter().write([table])
    assert "\\begin{longtable}{@{}c@{\\,}l@{\\quad}r@{}}" in tex
    assert "\\multicolumn{2}{l}{\\textsf{Trace}} & \\textsf{value} \\\\" in tex
    assert "\\midrule\n & \\bfseries $v_2$ & \\bfseries 2 \\\\" in tex
    assert tex.startswith("{\\footnotesize\\renewcommand{\\arraystretch}{1.3}%")
    html = HtmlWriter().write([table])
    assert '<div class="scroll wide"><table class="booktabs trace">' in html
    assert '<th colspan="2">Trace</th><th class="num">value</th>' in html
    assert '<tr class="rule picked"><td class="c"></td>' in html


def test_labelled_items_show_their_labels_as_text_in_both_formats():
    blocks = [items(["first", (para("second"), equation("x"))], ["(a)", "(b)"])]
    tex = LatexWriter().write(blocks)
    assert "\\item[(a)] first" in tex and "\\item[(b)] second\n\\[ x \\]" in tex
    html = HtmlWriter().write(blocks)
    assert '<li><span class="part">(a)</span> first</li>' in html
    assert '<li><span class="part">(b)</span> second\n<math' in html
    assert "<ul>" in HtmlWriter().write([items(["x"])])


def _words(text: str) -> list[str]:
    return re.findall(r"[A-Za-z]{2,}", text)


def test_both_formats_carry_the_same_words():
    blocks = [heading("(a) Translation"), para("Every ", doc.strong("softmax"), " below is ",
                                               doc.emph("computed"), " stably, ", doc.Code("x_1")),
              items(["one thing", "another"], ["(a)", "(b)"]), para("a note", role="note")]
    tex = re.sub(r"\\(begin|end)\{\w+\}|\\[a-z]+\*?(\[[^]]*\])?", " ",
                 LatexWriter().write(blocks))
    html = re.sub(r"<[^>]+>", " ", HtmlWriter().write(blocks))
    expected = ["Translation", "Every", "softmax", "below", "is", "computed", "stably", "one",
                "thing", "another", "note"]
    assert _words(tex) == _words(html) == expected


def test_a_part_heading_runs_into_what_follows_it_in_latex():
    tex = LatexWriter().write([para("before"), heading("(a) Scaling"), equation("a"),
                               heading("(b) Next"), para("text")])
    assert tex == "before\n\n\\answerpart{(a) Scaling}\n\\[ a \\]\n\\answerpart{(b) Next}\ntext\n"
    assert HtmlWriter().write([heading("(a) Scaling")]) == "<h3>(a) Scaling</h3>\n"


def test_long_inline_math_breaks_where_tex_may_break_it():
    tex = r"f(x_1,\allowbreak x_2) = a +\allowbreak {b \allowbreak c}"
    html = HtmlWriter().write([para(Math(tex))])
    assert html.count("<math") == 3 and "\\" not in html  # pieces joined by spaces
    assert LatexWriter().write([para(Math(tex))]) == f"${tex}$\n"
