"""The course's look (docs/course-look.md): style keys in the PDF and the page, the project
file, files kept inside the course folder, course macros in math, sandboxed override shells,
missing LaTeX packages, and the cache."""

from __future__ import annotations

import re
import subprocess
import textwrap
from pathlib import Path

import pytest

from generator import cache, latex
from generator.build import build_specs
from generator.errors import BuildError, SpecError
from generator.spec import load_spec
from helpers import ROOT, pdf_text

LOGO = (ROOT / "examples/course-look/logo.png").read_bytes()
PREAMBLE = r"""
\usepackage{mathtools}
\newcommand{\R}{\mathbb{R}}
\newcommand{\pd}[2]{\frac{\partial #1}{\partial #2}}
\DeclareMathOperator*{\argmax}{arg\,max}
\newcommand{\sneaky}{\mathopen{}}
\def\raw{x}
"""
QUESTIONS = r"""
questions:
  - id: q1
    kind: text
    statement: 'Let $x \in \R^n$ and $g = \pd{f}{x}$.'
    solution: 'Then $\argmax_i g_i$ is an index; $\pd{f}{x} \in \R^n$.'
"""
PLAIN = QUESTIONS.replace("\\R", "R").replace("\\pd{f}{x}", "f_x").replace("\\argmax", "\\max")


def course(tmp_path: Path, style: str, spec_style: str = "", questions: str = PLAIN,
           files: dict | None = None) -> Path:
    """A course folder (a git root) with answerkey.yaml, a preamble, a logo and
    specs/a.yaml; returns the spec's path."""
    root = tmp_path / "course"
    (root / ".git").mkdir(parents=True)
    (root / "specs").mkdir()
    (root / "preamble.tex").write_text(PREAMBLE)
    (root / "logo.png").write_bytes(LOGO)
    for name, text in (files or {}).items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(textwrap.dedent(text))
    (root / "answerkey.yaml").write_text(textwrap.dedent(style))
    spec = root / "specs" / "a.yaml"
    spec.write_text("title: Styled\n" + textwrap.dedent(spec_style) + textwrap.dedent(questions))
    return spec


def problems(spec: Path) -> list[str]:
    """The printed problems of a spec (none: [])."""
    try:
        load_spec(spec)
    except SpecError as exc:
        return [str(p) for p in exc.problems]
    return []


def build(spec: Path, out: Path, formats=("pdf", "html", "tex")):
    return build_specs([load_spec(spec)], [out], formats)[0]


LOOK = """
style:
  preamble: preamble.tex
  logo: logo.png
  header: "Course header & co"
  footer: "Course footer 100%"
  documentclass: scrartcl
  classoptions: [12pt]
  papersize: letter
"""


def test_every_key_shows_in_the_pdf_and_the_page(tmp_path):
    out = tmp_path / "out"
    build(course(tmp_path, LOOK, questions=QUESTIONS), out)
    tex = (out / "answer-key.tex").read_text()
    assert r"\documentclass[letterpaper,12pt]{scrartcl}" in tex
    assert r"\input{course-preamble.tex}" in tex
    pages = pdf_text(out / "answer-key.pdf").split("\f")[:-1]
    assert len(pages) == 2  # the question, then the verification appendix
    for page in pages:  # fancyhdr: on every page
        assert "Course header & co" in page and "Course footer 100%" in page
    info = subprocess.run(["pdfinfo", out / "answer-key.pdf"], capture_output=True,
                          text=True).stdout
    assert re.search(r"Page size:\s+612 x 792 pts \(letter\)", info)
    images = subprocess.run(["pdfimages", "-list", out / "answer-key.pdf"],
                            capture_output=True, text=True).stdout.splitlines()[2:]
    assert len(images) >= 1 and images[0].split()[3:5] == ["300", "90"]  # the logo
    page = (out / "index.html").read_text()
    assert '<div class="course-header">Course header &amp; co</div>' in page
    assert '<footer class="course-footer">Course footer 100%</footer>' in page
    assert '<img class="logo" src="course-logo.png" alt="">' in page
    assert (out / "course-logo.png").read_bytes() == LOGO
    assert "Course footer 100%" in (out / "handout.html").read_text()


def test_a_pdf_logo_is_shown_as_png_on_the_page(tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    spec = course(tmp_path, "style:\n  logo: logo.pdf\n")
    fig = plt.figure(figsize=(2, 1))
    fig.text(0.5, 0.5, "LOGO")
    fig.savefig(spec.parent.parent / "logo.pdf")
    plt.close(fig)
    out = tmp_path / "out"
    build(spec, out)
    assert 'src="course-logo-page.png"' in (out / "index.html").read_text()
    assert (out / "course-logo-page.png").read_bytes().startswith(b"\x89PNG")
    assert r"{course-logo.pdf}" in (out / "answer-key.tex").read_text()


def test_project_file_found_and_overridden_key_by_key(tmp_path):
    spec = course(tmp_path, "language: fr\nstyle:\n  header: from the project\n  footer: F\n",
                  "style:\n  header: from the spec\n")
    loaded = load_spec(spec)
    assert (loaded.style.header, loaded.style.footer, loaded.language) == (
        "from the spec", "F", "fr")
    # the spec's language wins over the project's, in either of its places
    spec.write_text(spec.read_text().replace("style:\n", "style:\n  language: en\n"))
    assert load_spec(spec).language == "en"


def test_the_search_stops_at_the_git_root(tmp_path):
    spec = course(tmp_path, "style:\n  header: H\n")
    (tmp_path / "answerkey.yaml").write_text("style: {footer: above the repository}\n")
    (spec.parent.parent / "answerkey.yaml").unlink()
    assert load_spec(spec).style.footer is None


def test_both_files_are_validated_with_located_errors(tmp_path):
    spec = course(tmp_path, "style:\n  headr: H\n  papersize: a3\n",
                  "language: fr\nstyle:\n  language: en\n")
    found = problems(spec)
    project = str(spec.parent.parent / "answerkey.yaml")
    assert any(p.startswith(f"{project}:2:3: style.headr: unknown key 'headr' (did you mean "
                            "'header'?)") for p in found), found
    assert any(p.startswith(f"{project}:3:14: style.papersize: expected one of a4") for p in
               found), found
    assert any("style.language: the language is given twice" in p for p in found), found
    spec.write_text(f"title: T\nstyle:\n  classoptions: ['12pt]{{x}}']\n{PLAIN}")
    assert "style.classoptions[0]: '12pt]{x}' is not a valid name" in problems(spec)[-1]


def test_a_missing_document_class_is_a_located_error(tmp_path):
    spec = course(tmp_path, "style:\n  documentclass: nosuchclassanywhere\n")
    [problem] = problems(spec)
    assert problem.endswith("style.documentclass: the document class 'nosuchclassanywhere' "
                            "is not installed (kpsewhich finds no nosuchclassanywhere.cls)")


@pytest.mark.parametrize("value, message", [
    ("../outside.tex", "lies outside the course folder"),
    ("link.tex", "lies outside the course folder"),
    ("/etc/hostname", "must be a path relative to the file that names it"),
    ("missing.tex", "cannot read the preamble"),
    ("folder.tex", "cannot read the preamble"),
    ("logo.png", "the preamble must be a .tex file"),
])
def test_files_must_stay_inside_the_course_folder(tmp_path, value, message):
    spec = course(tmp_path, f"style:\n  preamble: '{value}'\n")
    (tmp_path / "outside.tex").write_text("\\newcommand{\\x}{1}\n")
    (spec.parent.parent / "link.tex").symlink_to(tmp_path / "outside.tex")
    (spec.parent.parent / "folder.tex").mkdir()
    [problem] = problems(spec)
    assert "style.preamble: " in problem and message in problem, problem


def test_a_logo_must_be_an_image_of_bounded_size(tmp_path):
    spec = course(tmp_path, "style:\n  logo: fake.png\n", files={"fake.png": "not an image"})
    assert problems(spec)[0].endswith("is not a PNG, JPEG or PDF image")
    (spec.parent.parent / "fake.png").write_bytes(LOGO + b"\0" * 5_000_001)
    assert "it is larger than 5000000 bytes" in problems(spec)[0]


def test_course_macros_in_a_text_question_in_both_formats(tmp_path):
    out = tmp_path / "out"
    build(course(tmp_path, "style:\n  preamble: preamble.tex\n", questions=QUESTIONS), out)
    tex = (out / "answer-key.tex").read_text()
    assert r"$x \in \R^n$" in tex and r"$\argmax_i g_i$" in tex  # as the preamble defines
    text = pdf_text(out / "answer-key.pdf")
    assert "∂f" in text and "∂x" in text  # \pd typeset by pdflatex
    page = (out / "index.html").read_text()
    assert "&#x0211D;" in page  # \R as ℝ
    assert "<mfrac><mrow><mo>&#x02202;</mo><mi>f</mi></mrow>" in page  # \pd{f}{x}
    assert '<mo movablelimits="true">argmax</mo>' in page


def test_a_macro_the_page_cannot_show_is_refused_at_check(tmp_path):
    questions = QUESTIONS.replace(r"\argmax_i g_i", r"\sneaky x + \raw")
    spec = course(tmp_path, "style:\n  preamble: preamble.tex\n", questions=questions)
    shown = str(spec.parent.parent / "preamble.tex")
    found = problems(spec)
    assert found == [
        f"{str(spec)}:7:15: q1.solution: \\sneaky is defined in {shown} (line 6) "
        "but cannot be shown on the page: unknown or disallowed macro '\\mathopen' in math",
        f"{str(spec)}:7:15: q1.solution: \\raw is defined in {shown} (line 7, "
        "\\def), a form answerkey does not read: define it with \\newcommand{\\raw}[n]{...}"]


def test_without_the_preamble_its_macros_are_unknown(tmp_path):
    spec = course(tmp_path, "style:\n  header: H\n", questions=QUESTIONS)
    assert "unknown or disallowed macro '\\R' in math" in problems(spec)[0]


SHELL = r"""
\#{ a course's question shell }
\section*{COURSE-SHELL \VAR{q.number}}
\VAR{statement}
\BLOCK{if key}\VAR{answer}\BLOCK{endif}
"""


def test_override_shells_are_used(tmp_path):
    files = {"shells/question.tex.j2": SHELL,
             "shells/question.html.j2": "<section id='{{ q.id }}'>PAGE-SHELL {{ statement }}"
                                        "</section>\n"}
    spec = course(tmp_path, "style:\n  templates: shells\n  preamble: preamble.tex\n",
                  files=files, questions=QUESTIONS)
    out = tmp_path / "out"
    build(spec, out)
    assert "COURSE-SHELL 1" in pdf_text(out / "answer-key.pdf")
    assert "PAGE-SHELL <p>Let" in (out / "index.html").read_text()
    assert "Verification" in pdf_text(out / "answer-key.pdf")  # the built-in document shell


@pytest.mark.parametrize("expression, refused", [
    ("''.__class__.__mro__", "access to attribute '__class__' of 'str' object is unsafe"),
    ("results[0].question.kind.solve", "access to attribute 'kind' of 'Question' object"),
    ("spec.marks.values", "access to attribute 'values' of 'Marks' object is unsafe"),
    ("q.params.clear()", "access to attribute 'clear' of 'dict' object is unsafe"),
    ("'x' * 1000000", "a repetition of more than 100000 items"),
    ("9 ** 99999999", "a power above 64"),
])
def test_override_shells_are_sandboxed(tmp_path, expression, refused):
    shell = "document.tex.j2" if expression.startswith(("results", "spec")) else \
        "question.tex.j2"
    body = f"line one\n\\VAR{{{expression}}}\n" if shell == "question.tex.j2" else \
        f"\\documentclass{{article}}\n\\VAR{{{expression}}}\n"
    spec = course(tmp_path, "style:\n  templates: shells\n", files={f"shells/{shell}": body})
    with pytest.raises(SpecError) as caught:
        build(spec, tmp_path / "out", ("tex",))
    shown = str(spec.parent.parent / "shells" / shell)
    assert str(caught.value).startswith(f"{shown}:2:1: the template may not do this: ")
    assert refused in str(caught.value)


def test_a_shell_with_a_syntax_error_or_a_wrong_name_fails_check(tmp_path):
    files = {"shells/question.tex.j2": "\\BLOCK{if key}\n", "shells/documnet.html.j2": "x"}
    found = problems(course(tmp_path, "style:\n  templates: shells\n", files=files))
    assert any("style.templates: 'documnet.html.j2' in shells overrides no shell (did you "
               "mean 'document.html.j2'?)" in p for p in found), found
    assert any(re.search(r"shells/question.tex.j2:1:1: the template is not valid: Unexpected "
                         r"end of template", p) for p in found), found


def test_an_html_override_must_keep_the_content_security_policy(tmp_path):
    page = ("<!DOCTYPE html><html><head><meta charset='utf-8'>{policy}<title>x</title></head>"
            "<body>{{{{ body }}}}</body></html>\n")
    spec = course(tmp_path, "style:\n  templates: shells\n  preamble: preamble.tex\n",
                  files={"shells/document.html.j2": page.format(policy="")})
    with pytest.raises(SpecError, match="document.html.j2: the page must keep the built-in "
                                        "Content-Security-Policy in its <head>"):
        build(spec, tmp_path / "out", ("html",))
    kept = '<meta http-equiv="Content-Security-Policy" content="{{ csp }}">'
    (spec.parent.parent / "shells/document.html.j2").write_text(page.format(policy=kept))
    build(spec, tmp_path / "out", ("html",))
    assert "script-src 'none'" in (tmp_path / "out" / "index.html").read_text()


def test_a_missing_package_is_one_line_naming_it(tmp_path):
    spec = course(tmp_path, "style:\n  preamble: preamble.tex\n")
    preamble = spec.parent.parent / "preamble.tex"
    preamble.write_text("\\usepackage{nosuchpackageanywhere}\n" + PREAMBLE)
    with pytest.raises(BuildError) as caught:
        build(spec, tmp_path / "out", ("pdf",))
    lines = str(caught.value).splitlines()
    assert lines[0] == (
        "LaTeX package 'nosuchpackageanywhere' is not installed (nosuchpackageanywhere.sty "
        f"not found, asked for by the course preamble {str(preamble)} line 1): "
        "install the TeX Live package that holds it")
    assert len(lines) == 1 and "Emergency stop" not in str(caught.value)


def test_a_known_package_names_its_debian_package():
    log = "./course-preamble.tex:3: LaTeX Error: File `siunitx.sty' not found.\n"
    job = latex.TexJob(Path("answer-key.tex"), [], "course/preamble.tex")
    assert latex.describe_failure(job, log) == (
        "LaTeX package 'siunitx' is not installed (siunitx.sty not found, asked for by the "
        "course preamble course/preamble.tex line 3): on Debian, apt-get install "
        "texlive-science")


def test_editing_a_style_file_rebuilds(tmp_path):
    spec = course(tmp_path, "style:\n  preamble: preamble.tex\n  logo: logo.png\n",
                  questions=QUESTIONS)
    out = tmp_path / "out"
    formats = ("pdf", "html", "tex")
    assert build(spec, out).documents_compiled == 2
    assert build(spec, out).up_to_date and cache.quick_up_to_date(spec, out, (), formats)
    preamble = spec.parent.parent / "preamble.tex"
    preamble.write_text(PREAMBLE + "\\newcommand{\\later}{y}\n")
    assert not cache.quick_up_to_date(spec, out, (), formats)
    assert build(spec, out).documents_compiled == 2
    assert "\\later" in (out / "course-preamble.tex").read_text()
    assert cache.quick_up_to_date(spec, out, (), formats)
    project = spec.parent.parent / "answerkey.yaml"
    project.write_text(project.read_text() + "  header: edited\n")
    assert not cache.quick_up_to_date(spec, out, (), formats)
    assert build(spec, out).documents_compiled == 2
    assert "edited" in (out / "index.html").read_text()
    (spec.parent / "answerkey.yaml").write_text("style: {header: nearer}\n")  # a nearer one
    assert not cache.quick_up_to_date(spec, out, (), formats)
