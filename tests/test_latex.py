"""The LaTeX runner: the precompiled preamble (made once, used, invisible on the page) and
stopping compilations on an interruption."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pytest

from generator import preamble_format
from generator.latex import Compiler, TexJob, _Run, preamble_of
from generator.preamble_format import FORMAT_NAME, format_for
from generator.render import render_latex
from generator.solve import load_specs, solve_spec
from helpers import ROOT, pdf_fonts


@pytest.fixture(scope="module")
def key_tex() -> str:
    spec = load_specs([ROOT / "specs/cnn-workshop.yaml"])[0]
    return render_latex(spec, solve_spec(spec), key=True)[0]


def test_every_document_marks_the_same_preamble(key_tex):
    spec = load_specs([ROOT / "specs/ift6135-a1.yaml"])[0]
    results = solve_spec(spec)
    preambles = {preamble_of(render_latex(spec, results, key)[0]) for key in (True, False)}
    assert preambles == {preamble_of(key_tex)}
    (preamble,) = preambles
    assert preamble.startswith("\\documentclass") and "\\usepackage" in preamble
    assert "\\begin{document}" not in preamble and "pdftitle" not in preamble  # per document
    assert preamble_of("\\documentclass{article}\n\\begin{document}x\\end{document}\n") is None


def _compile(folder: Path, tex: str, use_format: bool) -> Path:
    folder.mkdir()
    job = TexJob(folder / "doc.tex", [])
    job.tex.write_text(tex, encoding="utf-8")
    compiler = Compiler(1, use_format=use_format)
    compiler.submit(job)
    compiler.finish()
    return folder


def test_format_is_made_once_and_used(key_tex, tmp_path, monkeypatch):
    monkeypatch.setenv("ANSWERKEY_CACHE", str(tmp_path / "cache"))
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir(), second.mkdir()
    made = format_for(preamble_of(key_tex), first)
    assert made == first / f"{FORMAT_NAME}.fmt" and made.is_file()
    assert sorted(p.name for p in first.iterdir()) == [made.name]  # no work files left
    cache = tmp_path / "cache/answerkey/formats"
    (fmt,) = cache.glob("*.fmt")
    assert sorted(p.name for p in cache.iterdir()) == [fmt.name, fmt.stem + ".sha256"]
    stamp = fmt.stat().st_mtime_ns
    time.sleep(0.01)
    calls, real_run = [], subprocess.run
    monkeypatch.setattr(preamble_format.subprocess, "run", lambda *a, **k: calls.append(a) or
                        real_run(*a, **k))
    again = format_for(preamble_of(key_tex), second)  # reused, not made again
    assert again == second / made.name and again.read_bytes() == fmt.read_bytes()
    assert fmt.stat().st_mtime_ns == stamp and all("-ini" not in c[0] for c in calls)

    with_format = _compile(tmp_path / "with", key_tex, use_format=True)
    log = (with_format / "doc.log").read_text(errors="replace")
    assert "(preloaded format=preamble " in log  # the job name it was dumped under


def test_pages_look_the_same_with_and_without_the_format(key_tex, tmp_path, monkeypatch):
    monkeypatch.setenv("ANSWERKEY_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    pages = []
    for use in (True, False):
        folder = _compile(tmp_path / f"fmt-{use}", key_tex, use_format=use)
        log = (folder / "doc.log").read_text(errors="replace")
        assert f"(preloaded format={'preamble' if use else 'pdflatex'} " in log
        png = subprocess.run(["pdftoppm", "-r", "60", "-gray", str(folder / "doc.pdf")],
                             capture_output=True, check=True).stdout
        pages.append((png, pdf_fonts(folder / "doc.pdf")))
    assert pages[0] == pages[1]


def test_a_preamble_that_fails_is_remembered_and_skipped(tmp_path, monkeypatch):
    monkeypatch.setenv("ANSWERKEY_CACHE", str(tmp_path / "cache"))
    bad = "\\documentclass{article}\n\\usepackage{no-such-package-anywhere}\n"
    assert format_for(bad, tmp_path) is None
    assert len(list((tmp_path / "cache/answerkey/formats").glob("*.failed"))) == 1
    calls, real_run = [], subprocess.run
    monkeypatch.setattr(preamble_format.subprocess, "run", lambda *a, **k: calls.append(a) or
                        real_run(*a, **k))
    assert format_for(bad, tmp_path) is None
    assert all("-ini" not in call[0] for call in calls)  # only the kpsewhich lookup
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cache"]


@pytest.mark.parametrize("name", ["with space", "it's $HOME; `x`"])
def test_a_cache_path_a_shell_would_split_still_gives_the_format(key_tex, name, tmp_path,
                                                                 monkeypatch):
    monkeypatch.setenv("ANSWERKEY_CACHE", str(tmp_path / name))
    folder = _compile(tmp_path / "doc", key_tex, use_format=True)  # the command names no path
    assert "(preloaded format=preamble " in (folder / "doc.log").read_text(errors="replace")
    assert list((tmp_path / name / "answerkey/formats").glob("*.fmt"))


def test_an_interrupted_wait_stops_the_document_waited_for(tmp_path):
    class Proc:  # a latexmk that is still running when Ctrl-C or SIGTERM arrives
        interrupted = False  # the first wait, of whichever document, is interrupted

        def __init__(self):
            self.real = subprocess.Popen(["sleep", "60"], start_new_session=True)
            self.pid = self.real.pid

        def wait(self):
            if not Proc.interrupted:
                Proc.interrupted = True
                raise KeyboardInterrupt
            return self.real.wait()

    compiler, procs = Compiler(2), [Proc(), Proc()]
    compiler.running = [_Run(TexJob(tmp_path / f"{n}.tex", []), p, "plain")
                        for n, p in enumerate(procs)]
    try:
        with pytest.raises(KeyboardInterrupt):
            compiler.finish()
        assert [p.real.poll() for p in procs] == [-15, -15]  # both stopped, and waited for
        assert compiler.running == [] and compiler.errors == []
    finally:
        for p in procs:
            p.real.kill()
            p.real.wait()


@pytest.mark.parametrize("use_format", [True, False])
def test_one_run_for_our_documents_latexmk_for_labels(key_tex, tmp_path, use_format,
                                                      monkeypatch):
    """Our documents compile in one pdflatex run; one with a label and a reference to it is
    compiled by latexmk until the reference resolves (a course's shell may have them)."""
    monkeypatch.setenv("ANSWERKEY_CACHE", str(tmp_path / "cache"))
    ours = _compile(tmp_path / "ours", key_tex, use_format)
    assert not (ours / "doc.fdb_latexmk").exists()  # latexmk never ran
    labelled = key_tex.replace("\\end{document}", "\\section{Last}\\label{last}"
                               "See section~\\ref{last}.\n\\end{document}")
    assert labelled != key_tex
    folder = _compile(tmp_path / "labelled", labelled, use_format)
    assert (folder / "doc.fdb_latexmk").exists()
    text = subprocess.run(["pdftotext", str(folder / "doc.pdf"), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert "See section" in text and "??" not in text.split("See section")[1][:12]
