"""Injection and reproducibility: user strings are shown, never executed; builds repeat exactly."""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from generator.mathml import ELEMENTS as MATHML_ELEMENTS
from helpers import ROOT, pdf_text, run_cli

PAYLOADS = {
    "input": r"\input{/etc/passwd}",
    "write18": r"\write18{touch /tmp/answerkey-pwned}",
    "catcode": r"\catcode`\@=11 \def\x{} --- ,, 100% #1 & ~ ^ _ {braces}",
    "script": "</script><script>alert('x')</script>",
    "img": '"><img src=x onerror=alert(1)>',
    "accents": "Ünïcödé café — naïve",
    "wide": "中文 😀 שלום",
}


def markdown_literal(payload: str) -> str:
    """The payload written for a Markdown field: every ASCII punctuation mark escaped, so it
    must print exactly as the payload (and a brace names no value)."""
    return re.sub(r"([!-/:-@\[-`{-~])", r"\\\1", payload)


def spec_with(payload: str) -> dict:
    """A spec with the payload in every field that takes free text."""
    rich = markdown_literal(payload)
    return {
        "title": f"T {payload}", "subtitle": f"S {payload}", "course": f"C {payload}",
        "due": f"D {payload}", "author": f"A {payload}",
        "questions": [
            {"id": "q1", "kind": "convolution", "title": f"Q {payload}",
             "input": [1, 2], "kernel": [1]},
            {"id": "q2", "kind": "conv_design", "parts": [
                {"label": f"L {payload}", "layer": "pool", "input": [1, 8, 8],
                 "given": {"k": 2}}]},
            {"id": "q3", "kind": "text", "statement": f"Stmt {rich} and $x^2$",
             "solution": f"Sol {rich}\n\nSecond paragraph {rich}"},
            {"id": "q4", "kind": "convolution", "statement": f"Override {rich}",
             "input": [3], "kernel": [1]},
        ],
    }


class TextAndTags(HTMLParser):
    """The tags and text of a page, and every tag on the wrong side of a <math> boundary."""

    def __init__(self):
        super().__init__()
        self.tags, self.text, self.misplaced, self.math_depth = [], [], [], 0

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self.math_depth += tag == "math"
        if bool(self.math_depth) != (tag in MATHML_ELEMENTS):
            self.misplaced.append(tag)

    def handle_endtag(self, tag):
        self.math_depth -= tag == "math"

    def handle_data(self, data):
        self.text.append(data)


@pytest.fixture(scope="module", params=list(PAYLOADS))
def built(request, tmp_path_factory):
    name = request.param
    tmp = tmp_path_factory.mktemp(name)
    spec = tmp / "inj.yaml"
    spec.write_text(yaml.safe_dump(spec_with(PAYLOADS[name]), allow_unicode=True))
    result = run_cli("build", spec, "-o", tmp / "out")
    assert result.returncode == 0, result.stderr
    return name, tmp / "out" / "inj"


def shown_text(path: Path) -> str:
    text = pdf_text(path, "-raw")
    return " ".join(text.split()).replace("’", "'")  # typographic apostrophes are fine


def test_pdf_shows_every_string_literally(built):
    name, out = built
    payload = " ".join(PAYLOADS[name].split())
    key = shown_text(out / "answer-key.pdf")
    shown = payload
    if name == "wide":  # no glyphs in the PDF's Type 1 fonts: the code points are shown,
        # with a line break allowed after each one (so compare without white space)
        shown = "[U+4E2D][U+6587][U+1F600][U+05E9][U+05DC][U+05D5][U+05DD]"
        key = key.replace(" ", "")
    for prefix in ("T", "S", "C", "D", "A", "Q", "L", "Stmt", "Sol", "Second paragraph",
                   "Override"):
        expected = f"{prefix} {shown}" if name != "wide" else f"{prefix}{shown}".replace(" ", "")
        assert expected in key, (prefix, key[:2000])
    assert not Path("/tmp/answerkey-pwned").exists()
    handout = shown_text(out / "handout.pdf")
    assert ("Stmt" + shown).replace(" ", "") in handout.replace(" ", "")


def test_html_shows_every_string_as_text_and_adds_no_markup(built):
    name, out = built
    page = (out / "index.html").read_text(encoding="utf-8")
    parser = TextAndTags()
    parser.feed(page)
    assert [t for t, _ in parser.tags if t in ("script", "img", "iframe", "object")] == []
    assert not [a for _, a in parser.tags if any(k.startswith("on") for k in a)]
    text = " ".join("".join(parser.text).split())
    payload = " ".join(PAYLOADS[name].split())
    for prefix in ("T", "Q", "L", "Stmt", "Sol", "Override"):
        assert f"{prefix} {payload}" in text


# Math that check accepts and that tries to leave the <math> element of the page: the
# converter copies \\text{} into its output unescaped and unescapes its whole output.
MATH_PAYLOADS = {
    "text-script": r"\text{</math><script>alert(1)</script>}",
    "text-img": r"""\text{"><img src=x onerror=alert(1)>}""",
    "text-comment": r"\text{--><!-- <b>bold</b> ]]>}",
    "text-cdata": r"\text{<![CDATA[ </mtext></mrow></math><p id=x>]]>}",
    "mathrm-img": r"\mathrm{<img src=x onerror=alert(1)>}",
    "relations": r"a<b>c \left< x \right>",
}
PAGE_TAGS = MATHML_ELEMENTS | set("""html head meta title style body header h1 h2 h3 div span nav
a main section p table thead tbody tr th td strong em ul ol li code figure img figcaption""".split())


def math_spec(math: str) -> dict:
    """A spec with the math in a text statement, a text solution and a statement override."""
    return {"title": "T", "questions": [
        {"id": "q1", "kind": "text", "statement": f"Stmt ${math}$ end",
         "solution": f"Sol $${math}$$ end"},
        {"id": "q2", "kind": "convolution", "statement": f"Override ${math}$ end",
         "input": [1], "kernel": [1]}]}


@pytest.fixture(scope="module", params=list(MATH_PAYLOADS))
def built_math(request, tmp_path_factory):
    tmp = tmp_path_factory.mktemp(request.param)
    spec = tmp / "m.yaml"
    spec.write_text(yaml.safe_dump(math_spec(MATH_PAYLOADS[request.param])))
    assert run_cli("check", spec).returncode == 0
    result = run_cli("build", spec, "-o", tmp / "out")
    assert result.returncode == 0, result.stderr
    return request.param, tmp / "out" / "m"


def test_math_payloads_stay_inside_their_math_element(built_math):
    name, out = built_math
    parser = TextAndTags()
    parser.feed((out / "index.html").read_text(encoding="utf-8"))
    tags = [t for t, _ in parser.tags]
    assert set(tags) <= PAGE_TAGS, set(tags) - PAGE_TAGS
    assert "script" not in tags and "img" not in tags and parser.misplaced == []
    assert not [a for _, a in parser.tags if any(k.startswith("on") for k in a)]
    assert parser.math_depth == 0  # every <math> closed where it was opened
    text = " ".join("".join(parser.text).replace("\xa0", " ").split())
    if name.startswith("text-"):
        shown = MATH_PAYLOADS[name][len("\\text{"):-1]
        for prefix in ("Stmt", "Sol", "Override"):
            assert f"{prefix} {shown} end" in text


def test_math_payloads_in_text_are_printed_literally_in_the_pdf(built_math):
    name, out = built_math
    if name.startswith("text-"):
        shown = MATH_PAYLOADS[name][len("\\text{"):-1].replace(" ", "")
        key = shown_text(out / "answer-key.pdf").replace(" ", "")
        for prefix in ("Stmt", "Sol", "Override"):
            assert f"{prefix}{shown}end" in key, key[:1500]


def test_ids_and_names_are_restricted_so_they_cannot_carry_markup(tmp_path):
    for bad in ('q"><script>', "q\\input", "q 1"):
        spec = tmp_path / "s.yaml"
        spec.write_text(yaml.safe_dump({"title": "T", "questions": [
            {"id": bad, "kind": "convolution", "input": [1], "kernel": [1]}]}))
        result = run_cli("check", spec)
        assert result.returncode == 2 and "is not a valid name" in result.stderr


@pytest.mark.parametrize("stem", ["ift6135-a1", "cnn-workshop"])
def test_two_builds_are_byte_identical(stem, tmp_path, monkeypatch):
    """The command on every core, then one process doing everything (no figure workers,
    one LaTeX run at a time): every file the same, PDFs too under SOURCE_DATE_EPOCH."""
    from generator.build import build_specs
    from generator.solve import load_specs

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    result = run_cli("build", ROOT / "specs" / f"{stem}.yaml", "-o", tmp_path / "a", "--force")
    assert result.returncode == 0, result.stderr
    spec = load_specs([ROOT / "specs" / f"{stem}.yaml"])[0]  # the same path as the command's
    build_specs([spec], [tmp_path / "b" / stem], force=True, latex_jobs=1)
    a, b = tmp_path / "a" / stem, tmp_path / "b" / stem
    files = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(b) for p in b.rglob("*") if p.is_file())
    suffixes = {f.suffix for f in files}
    assert ".pdf" in suffixes and (".svg" in suffixes) == (stem == "ift6135-a1")
    for f in files:
        assert (a / f).read_bytes() == (b / f).read_bytes(), f
