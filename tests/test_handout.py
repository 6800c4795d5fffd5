"""The handout a TA hands out: name and id fields, answer space, whose sheet each page is."""

import shutil

import pytest

from generator.render import render_html, render_latex
from generator.solve import solve_spec
from generator.spec import load_spec, parse_spec
from helpers import pdf_text, run_cli, spec_problems, write_spec

SPEC = """\
title: Sheet
questions:
  - {id: q2, kind: softmax, x: [1, 2, 3], answer_space: 3cm, points: [1, 1, 1, 1]}
  - {id: q5, kind: convolution, input: [1, 2, 3], kernel: [1, 1], answer_space: 1.5in}
  - {id: q6, kind: convolution, input: [1, 2, 3], kernel: [1, 1]}
"""


def outputs(spec, key: bool):
    results = solve_spec(spec)
    return render_latex(spec, results, key)[0], render_html(spec, results, key)


@pytest.mark.parametrize("text, kept", [
    ("4cm", "4cm"), ("4.0cm", "4cm"), ("12.5mm", "12.5mm"), ("2in", "2in"), ("30pt", "30pt"),
    ("6em", "6em"), ("250mm", "250mm"),
])
def test_answer_space_lengths(text, kept):
    spec = parse_spec(SPEC.replace("3cm", text), "s.yaml")
    assert spec.questions[0].answer_space == kept


@pytest.mark.parametrize("text, message", [
    ("4 cm", "expected a length such as 4cm (a number, then cm, mm, in, pt or em), got '4 cm'"),
    ("4px", "got '4px'"), ("4", "got 4"), ("-1cm", "got '-1cm'"), ("cm", "got 'cm'"),
    ("'4cm; \\\\input{x}'", "got '4cm; "), ("0cm", "must be more than zero"),
    ("26cm", "'26cm' is longer than a page (at most 25cm)"), ("11in", "longer than a page"),
    ("1e3cm", "got '1e3cm'"), ("[4cm]", "got a list of 1"),
])
def test_answer_space_is_checked_strictly(text, message):
    problems = spec_problems(SPEC.replace("3cm", text))
    assert len(problems) == 1 and "q2.answer_space: " in problems[0], problems
    assert message in problems[0]


def test_handout_has_name_and_id_fields_and_the_answer_space():
    tex, html = outputs(parse_spec(SPEC, "s.yaml"), key=False)
    assert r"\textsf{Name:} &  & \textsf{Student id:} &  \\" in tex
    assert r"\itemsep 3cm" in tex and r"\vspace*{1.5in}" in tex and r"\vspace*{3cm}" in tex
    assert tex.count(r"\vspace*{") == 2  # q6 asks for none
    assert '<span class="label">Name:</span><span class="blank">' in html
    assert 'id="q2" style="--answer-space: 3cm"' in html
    assert 'id="q5" style="--answer-space: 1.5in"' in html
    assert html.count('<div class="answer-space">') == 2
    assert "Answer." not in html and 'id="verification"' not in html


def test_the_key_has_neither_fields_nor_space_and_a_plain_build_no_sheet_id():
    spec = parse_spec(SPEC, "s.yaml")
    tex, html = outputs(spec, key=True)
    assert "Student id" not in tex and r"\vspace*{3cm}" not in tex and "fancyhdr" not in tex
    assert "answer-space:" not in html and 'class="sheet"' not in html
    hand_tex, hand_html = outputs(spec, key=False)
    assert "fancyhdr" not in hand_tex and 'class="sheet"' not in hand_html
    assert r"\textbullet{} variant" not in hand_tex and "· variant" not in hand_html


@pytest.mark.parametrize("student, name, shown", [
    ("s123", "Ada Lovelace", r"Student s123 \textbullet{} Ada Lovelace"),
    ("x-9.b", None, "Student x-9.b}"),
    ("a_1", "Émile & Zoë #1", r"Student a\_1 \textbullet{} Émile \& Zoë \#1"),
])
def test_a_roster_variant_prints_whose_sheet_it_is(tmp_path, student, name, shown):
    path = write_spec(tmp_path, SPEC)
    spec = load_spec(path, variant=3, student=student, student_name=name)
    for key in (True, False):
        tex, html = outputs(spec, key)
        assert r"\pagestyle{fancy}" in tex and r"\fancyhead[R]{\sffamily\small " + shown in tex
        assert "variant 3" not in tex.lower()  # the row index says nothing about the student
        assert f"Student {student}" in html.replace("&#45;", "-")
    tex, html = outputs(spec, key=False)
    line = tex[tex.index(r"\textsf{Name:}"):].splitlines()[0]
    assert (shown.split(" \\textbullet{} ")[1] if name else "&  &") in line
    assert "Student id:}" in line and line.rstrip(" \\").endswith(shown.split()[1].rstrip("}"))


def test_an_unnamed_variant_prints_its_number(tmp_path):
    spec = load_spec(write_spec(tmp_path, SPEC), variant=7)
    tex, html = outputs(spec, key=False)
    assert r"\fancyhead[R]{\sffamily\small Variant 7}" in tex
    assert "<span>Variant 7</span>" in html


@pytest.mark.skipif(shutil.which("latexmk") is None, reason="needs LaTeX")
def test_roster_handouts_print_the_id_on_every_page(tmp_path):
    long = SPEC + "".join(f"  - {{id: t{n}, kind: text, statement: 'Part {n}.', "
                          f"solution: 'x', answer_space: 12cm}}\n" for n in range(3))
    spec = write_spec(tmp_path, long)
    (tmp_path / "r.csv").write_text("id,name\nst-42,Grace Hopper\n", encoding="utf-8")
    result = run_cli("variants", spec, "--roster", tmp_path / "r.csv", "-o", tmp_path / "out",
                     "--to", "pdf", "-j", "1")
    assert result.returncode == 0, result.stderr
    handout = tmp_path / "out/spec/variants/st-42/handout.pdf"
    pages = pdf_text(handout).split("\f")
    pages = [p for p in pages if p.strip()]
    assert len(pages) >= 3
    assert all("Student st-42 • Grace Hopper" in p for p in pages), pages
    assert "Name: Grace Hopper" in " ".join(pages[0].split())
