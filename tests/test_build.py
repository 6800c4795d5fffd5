"""Whole builds: PDFs with Type 1 fonts, LaTeX errors named by question, atomic output."""


import pytest

from generator.errors import BuildError
from helpers import pdf_fonts, pdf_text, run_cli, write_spec

SPEC = """
title: "Build test: 100% of $5 & more_{x}"
questions:
  - {id: q5, kind: convolution, input: [1, 2, 3, 4], kernel: [1, 0, 2]}
  - id: notes
    kind: text
    statement: "Explain why $\\\\sigma(0) = 1/2$."
    solution: "Because $$\\\\sigma(0) = \\\\frac{1}{1 + e^{0}} = \\\\frac{1}{2}.$$"
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("build")
    spec = write_spec(tmp, SPEC, "demo.yaml")
    result = run_cli("build", spec, "-o", tmp / "out")
    assert result.returncode == 0, result.stderr
    return tmp, spec, tmp / "out" / "demo"


def test_all_outputs_exist(built):
    _, _, out = built
    names = sorted(p.name for p in out.iterdir() if not p.name.startswith("."))
    assert names == ["answer-key.pdf", "answer-key.tex", "answers.json", "handout.html",
                     "handout.pdf", "handout.tex", "index.html"]


def test_pdf_fonts_are_all_type1(built):
    _, _, out = built
    for pdf in ("answer-key.pdf", "handout.pdf"):
        rows = pdf_fonts(out / pdf)
        assert rows and all(" Type 1 " in row for row in rows), rows


def test_figures_add_no_font(tmp_path):
    """Text fonts are Type 1; a figure's glyphs are paths (the PDF is its SVG converted)."""
    spec = write_spec(tmp_path, "title: F\nquestions:\n  - {id: q1, kind: activations}\n")
    assert run_cli("build", spec, "-o", tmp_path / "out", "--to", "pdf").returncode == 0
    rows = pdf_fonts(tmp_path / "out" / "spec" / "answer-key.pdf")
    assert rows and all(" Type 1 " in row and " yes " in row for row in rows), rows


def test_pdf_shows_the_title_and_answers_but_handout_has_no_answers(built):
    _, _, out = built
    key, handout = pdf_text(out / "answer-key.pdf"), pdf_text(out / "handout.pdf")
    assert "Build test: 100% of $5 & more_{x}" in key
    assert "Answer." in key and "Verification" in key
    assert "Answer." not in handout and "Verification" not in handout
    assert "Question 2" in handout and "Explain why" in handout


def test_latex_failure_names_the_question_and_keeps_previous_output(built, monkeypatch,
                                                                    capsys):
    """Validation refuses the math that breaks LaTeX, so the failure is planted in the
    rendered .tex itself: an undefined macro inside question notes."""
    from generator import render as render_module
    from generator.build import build_specs
    from generator.spec import load_spec

    tmp, spec, out = built
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    render = render_module.render_latex

    def broken(spec_, results, key):
        tex, spans = render(spec_, results, key)
        return tex.replace("Because", "Because \\undefinedmacro", 1), spans

    monkeypatch.setattr(render_module, "render_latex", broken)  # build imports it when used
    with pytest.raises(BuildError) as failure:
        build_specs([load_spec(spec)], [out], ("pdf",), force=True)
    message = str(failure.value)
    assert "LaTeX failed on answer-key.tex line" in message
    assert "(question notes)" in message and "Undefined control sequence" in message
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert not [p for p in (tmp / "out").iterdir() if p.name.startswith(".")]


def test_invalid_spec_keeps_previous_output(built):
    tmp, spec, out = built
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    spec.write_text(SPEC.replace("[1, 0, 2]", "[]").lstrip("\n"))
    result = run_cli("build", spec, "-o", tmp / "out")
    spec.write_text(SPEC.lstrip("\n"))
    assert result.returncode == 2
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_a_statement_override_follows_the_values(tmp_path):
    """{input} in a statement override is the question's value, also after --set."""
    spec = write_spec(tmp_path, """
        title: P
        questions:
          - {id: q5, kind: convolution, input: [1, 2.5, 3], kernel: [1, 0],
             statement: "Convolve {input} with {kernel}; **show** every product."}
        """)
    result = run_cli("build", spec, "-o", tmp_path / "out", "--to", "tex",
                     "--set", "q5.kernel=[2, 7]")
    assert result.returncode == 0, result.stderr
    tex = (tmp_path / "out" / "spec" / "handout.tex").read_text()
    assert r"Convolve $[1, 2.5, 3]$ with $[2, 7]$; \textbf{show} every product." in tex


def test_the_handout_page_has_no_answers(built):
    _, _, out = built
    key, handout = ((out / n).read_text() for n in ("index.html", "handout.html"))
    assert "Content-Security-Policy" in handout and "Because" in key
    assert "Because" not in handout and "Explain why" in handout
