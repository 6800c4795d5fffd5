"""The fixed words in the spec's language: the catalogues are complete and up to date with the
code, a French build leaves no English message behind, and English, the source language, is
unchanged (tests/test_snapshots.py compares every English output with its golden file)."""

import dataclasses
import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from string import Formatter

import pytest
from babel.messages.pofile import read_po

from generator import doc, i18n
from generator.cli import main
from generator.presentation.words import listing, sentence, thousands
from generator.render import render_html, render_latex
from generator.solve import load_specs, solve_spec
from generator.spec import points_text
from helpers import ROOT, pdf_text, spec_problems

LOCALE = ROOT / "generator" / "locale"
SPECS = sorted((ROOT / "specs").glob("*.yaml"))
NBSP = "\u00a0"


def catalogue(path: Path):
    with open(path, "rb") as f:
        return read_po(f, locale="fr" if "fr" in path.parts else None)


def messages(cat) -> dict:
    """A catalogue's messages by their msgid (a plural's by its singular)."""
    return {m.id[0] if isinstance(m.id, tuple) else m.id: m for m in cat if m.id}


def forms(value) -> tuple:
    return value if isinstance(value, tuple) else (value,)


def placeholders(text: str) -> set:
    return {name for _, name, _, _ in Formatter().parse(text) if name is not None}


FRENCH = messages(catalogue(LOCALE / "fr" / "LC_MESSAGES" / "answerkey.po"))


def test_the_template_is_up_to_date_with_the_code(tmp_path):
    pot = tmp_path / "answerkey.pot"
    env = dict(os.environ, PYBABEL=str(Path(sys.executable).parent / "pybabel"))
    subprocess.run([str(ROOT / "scripts" / "messages.sh"), str(pot)], env=env, check=True)
    fresh = {key: m.id for key, m in messages(catalogue(pot)).items()}
    kept = {key: m.id for key, m in messages(catalogue(LOCALE / "answerkey.pot")).items()}
    assert fresh == kept, "generator/locale/answerkey.pot is stale: run `make messages` " \
        f"(new: {sorted(set(fresh) - set(kept))[:5]}, gone: {sorted(set(kept) - set(fresh))[:5]})"


def test_every_message_has_its_french_translation():
    template = messages(catalogue(LOCALE / "answerkey.pot"))
    assert set(FRENCH) == set(template), "fr catalogue out of step: run `make messages`"
    for key, m in FRENCH.items():
        assert m.id == template[key].id, f"{key!r}: its plural differs from the template's"
        assert not m.fuzzy, f"{key!r} is marked fuzzy: revise it and remove the mark"
        assert all(forms(m.string)) and len(forms(m.string)) == len(forms(m.id)), \
            f"{key!r} has no French translation"


def test_each_translation_fills_the_placeholders_of_its_message():
    for key, m in FRENCH.items():
        english = [placeholders(text) for text in forms(m.id)]
        for n, text in enumerate(forms(m.string)):
            # a plural's singular may say "la dernière ligne" without its {n}
            expected = english[-1] if n else english[0]
            got = placeholders(text)
            assert got <= set().union(*english) and (got == expected or len(english) > 1), \
                f"{key!r}: the French has {sorted(got)}, the English {sorted(expected)}"


def test_french_typography_is_consistent():
    """A no-break space before a colon, none before ; ! ? (Quebec usage), never a plain
    space before any of them."""
    for key, m in FRENCH.items():
        for text in forms(m.string):
            assert not re.search(r" [:;!?]", text), f"{key!r}: a plain space before : ; ! ?"
            assert not re.search(rf"{NBSP}[;!?]", text), f"{key!r}: a space before ; ! ?"
            assert not re.search(rf"[^{NBSP}]:", text), f"{key!r}: ':' without a no-break space"


def test_french_plurals_follow_french_rules():
    with i18n.active("fr"):
        assert [points_text(p) for p in (0, 1, 1.5, 2, 2.5, 12)] == [
            "0 point", "1 point", "1.5 point", "2 points", "2.5 points", "12 points"]
        assert thousands(12000) == f"12{NBSP}000"
    assert [points_text(p) for p in (0.5, 1, 1.5, 2)] == [
        "0.5 points", "1 point", "1.5 points", "2 points"]
    assert thousands(12000) == "12,000"


def test_english_is_the_source_language():
    message = "Input {x} ({n}), kernel {w} ({k})."
    with i18n.active("en"):
        assert i18n._(message) == message and i18n._("Answer key") == "Answer key"
    with i18n.active("fr"):
        assert i18n._("Answer key") == "Corrigé"
    assert i18n._("Answer key") == "Answer key"  # none active: English


def test_a_sentence_puts_its_parts_where_the_translation_says():
    nodes = sentence("{b}, puis {a}.", a=doc.Math("a"), b=[doc.Text("x "), doc.Math("b")])
    assert nodes == (doc.Text("x "), doc.Math("b"), doc.Text(", puis "), doc.Math("a"),
                     doc.Text("."))
    with pytest.raises(ValueError, match=r"\{c\}"):
        sentence("{a} {c}", a="x")
    assert doc.text_of(listing(["a", "b", "c"], serial_comma=True)) == "a, b, and c"
    with i18n.active("fr"):
        assert doc.text_of(listing(["a", "b", "c"], serial_comma=True)) == "a, b et c"


def test_an_unknown_language_is_a_located_error_naming_the_languages():
    [problem] = spec_problems("""
        title: T
        language: de
        questions: [{id: q, kind: text, statement: S, solution: A}]
        """)
    assert problem.startswith("s.yaml:2:11: language: ") and "en, fr" in problem


class _Prose(HTMLParser):
    """A page's words outside its math, its style sheet and its title."""

    def __init__(self):
        super().__init__()
        self.skip, self.words = 0, []

    def handle_starttag(self, tag, attrs):
        self.skip += tag in ("math", "style", "title")

    def handle_endtag(self, tag):
        self.skip -= tag in ("math", "style", "title")

    def handle_data(self, data):
        if not self.skip:
            self.words.append(data)


def _english_pieces() -> set:
    """The English words of every message French translates differently: each message's text
    between its placeholders, if the French does not keep it (a word of 3 letters at least)."""
    pieces = set()
    for m in FRENCH.values():
        for text in forms(m.id):
            for literal, *_ in Formatter().parse(text):
                piece = literal.strip(" ,.;:()")
                if re.search("[A-Za-z]{3}", piece) and not any(piece in s for s in
                                                             forms(m.string)):
                    pieces.add(piece)
    return pieces


def _generated_only(spec, results):
    """The spec in French with every text its author wrote blanked, and the checks (the
    kinds' English appendix rows) left out: what is left on a page is answerkey's words."""
    spec = dataclasses.replace(spec, language="fr", title="T", subtitle=None, course=None,
                               author=None, due="D")
    for q in spec.questions:
        q.title, q.statement = None, q.statement and "S"
        if q.kind.NAME == "text":
            q.params = {**q.params, "statement": "S", "solution": "S"}
    for r in results:
        if r.question.kind.NAME == "text":
            r.solution.answers["solution"] = "S"
    return spec, [dataclasses.replace(r, checks=[]) for r in results]


@pytest.mark.parametrize("spec_path", SPECS, ids=lambda p: p.stem)
def test_a_french_build_leaves_no_english_message(spec_path):
    [spec] = load_specs([spec_path])
    spec, results = _generated_only(spec, solve_spec(spec))
    pieces = _english_pieces()
    for key in (True, False):
        prose = _Prose()
        prose.feed(render_html(spec, results, key))
        text = re.sub(r"\s+", " ", " ".join(prose.words).replace(NBSP, " "))
        left = sorted(p for p in pieces if re.search(rf"(?<![A-Za-z]){re.escape(p)}(?![A-Za-z])",
                                                     text))
        assert not left, f"English left in a French page: {left[:8]}"
        assert not re.search(r"\{\w+\}", text), "a placeholder left unfilled"
        tex, _spans = render_latex(spec, results, key)
        for label in ("Answer key", "Verification", "Answer.", "Due", "Name:", "Student id:",
                      "see the appendix", "every number computed"):
            assert label not in tex


@pytest.mark.skipif(not shutil.which("pdflatex") or not shutil.which("pdftotext"),
                    reason="needs pdflatex and poppler-utils")
def test_the_french_pdf_has_its_french_labels(tmp_path):
    assert main(["build", str(ROOT / "specs" / "ift6135-a1.yaml"), "-o", str(tmp_path),
                 "--to", "pdf", "--set", "language=fr"]) == 0
    key = pdf_text(tmp_path / "ift6135-a1" / "answer-key.pdf")
    handout = pdf_text(tmp_path / "ift6135-a1" / "handout.pdf")
    for word in ("Corrigé", "Échéance", "Réponse.", "Vérification", "12 points"):
        assert word in key
    for word in ("Énoncé", "Nom", "Matricule", "Montrez que"):
        assert word in handout
    for english in ("Answer key", "Verification", "Answer.", "Due ", "Show that", "Input "):
        assert english not in key and english not in handout
