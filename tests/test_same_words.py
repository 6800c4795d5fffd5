"""The PDF and the page say the same words for every question: each question's prose on the page
is in its PDF section, in order, and every word of its PDF section is on the page (in the prose
or in the math), apart from the words drawn inside the figures."""

import re
import shutil
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import pytest

from generator.cli import main
from helpers import ROOT, pdf_text

pytestmark = pytest.mark.skipif(not shutil.which("pdftotext"), reason="needs poppler-utils")
SPECS = sorted((ROOT / "specs").glob("*.yaml"))


def words(text: str) -> list[str]:
    """Words of three letters or more (numbers and symbols differ in form, not in words); a
    compound is one word ("non-overlapping": pdftotext drops the hyphen at a line end)."""
    text = re.sub(r"([A-Za-z]{2})-\n?([A-Za-z])", r"\1\2", text)
    return re.findall(r"[A-Za-z]{3,}", text.replace("\u2019", "'"))


class _Sections(HTMLParser):
    """Each question section of the page: its prose (outside <math>) and its math's text."""

    def __init__(self):
        super().__init__()
        self.sections: dict = {}
        self.current = None
        self.depth = 0
        self.in_math = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "section" and "question" in (attrs.get("class") or "").split():
            self.current, self.depth = attrs["id"], 0
            self.sections[self.current] = {"prose": [], "math": []}
        if self.current is None:
            return
        if tag == "section":
            self.depth += 1
        if tag == "math":
            self.in_math += 1
        if tag == "img":
            self.sections[self.current]["math"].append(" ")

    def handle_endtag(self, tag):
        if self.current is None:
            return
        if tag == "math":
            self.in_math -= 1
            self.sections[self.current]["math"].append(" ")
        if tag == "section":
            self.depth -= 1
            if not self.depth:
                self.current = None

    def handle_data(self, data):
        if self.current is not None:
            self.sections[self.current]["math" if self.in_math else "prose"].append(
                data if self.in_math else " " + data + " ")


def pdf_sections(text: str, ids: list[str], numbers: list[int]) -> dict:
    """Each question's text in the PDF, from its heading to the next one (or the appendix)."""
    starts = [re.search(rf"^Question {n}\b.*$", text, re.M) for n in numbers]
    assert all(starts), "a question heading is missing from the PDF text"
    appendix = re.search(r"^Verification$", text, re.M)  # the key's appendix (not a handout's)
    ends = [s.start() for s in starts[1:]] + [appendix.start() if appendix else len(text)]
    return {qid: text[s.start():end] for qid, s, end in zip(ids, starts, ends)}


@pytest.mark.parametrize("spec", SPECS, ids=lambda p: p.stem)
def test_pdf_and_page_say_the_same_words(spec: Path, tmp_path):
    assert main(["build", str(spec), "-o", str(tmp_path), "--to", "pdf,html"]) == 0
    out = tmp_path / spec.stem
    for document, page in (("answer-key", "index"), ("handout", "handout")):
        parser = _Sections()
        parser.feed((out / f"{page}.html").read_text(encoding="utf-8"))
        ids = list(parser.sections)
        numbers = [int(n) for n in re.findall(
            r'<h2>Question (\d+)', (out / f"{page}.html").read_text(encoding="utf-8"))]
        pdf = pdf_sections(pdf_text(out / f"{document}.pdf").replace("\f", "\n"), ids, numbers)
        drawn = Counter(w for f in sorted((out / "figures").glob("*.pdf"))
                        for w in words(pdf_text(f))) if document == "answer-key" else Counter()
        for qid in ids:
            prose = words("".join(parser.sections[qid]["prose"]))
            math = "".join(parser.sections[qid]["math"])
            in_pdf = words(pdf[qid])
            missing = list((Counter(prose) - Counter(in_pdf)).elements())
            assert not missing, f"{spec.stem} {document} {qid}: on the page, not in the PDF: " \
                f"{missing[:12]}"
            extra = [w for w in (Counter(in_pdf) - Counter(prose) - drawn).elements()
                     if w not in math.replace(" ", "")]
            assert not extra, f"{spec.stem} {document} {qid}: in the PDF, not on the page: " \
                f"{extra[:12]}"
