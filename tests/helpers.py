"""Helpers for the tests: the CLI as a subprocess, spec parsing."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
from pathlib import Path

from generator import doc

ROOT = Path(__file__).resolve().parent.parent
ANSWERKEY = Path(sys.executable).parent / "answerkey"


def run_cli(*args, cwd=ROOT, env=None, timeout=120) -> subprocess.CompletedProcess:
    """Run the installed `answerkey` console script."""
    return subprocess.run([str(ANSWERKEY), *map(str, args)], cwd=cwd, capture_output=True,
                          text=True, timeout=timeout, env=env)


def _default_signals() -> None:
    # A test run started from a shell that ignores SIGINT (nohup, `&` in a script) would pass
    # that on to the command, which then rightly ignores Ctrl-C: tests start it as a terminal
    # would, with the default disposition.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def start_cli(*args, cwd=ROOT, env=None) -> subprocess.Popen:
    """Start `answerkey` in a process group of its own (so a test can send the group a
    signal, as a terminal's Ctrl-C does) with default signal dispositions."""
    return subprocess.Popen([str(ANSWERKEY), *map(str, args)], cwd=cwd, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            preexec_fn=_default_signals, start_new_session=True)


def pdf_text(path: Path, *args: str) -> str:
    """The text poppler's pdftotext extracts from a PDF (extra options in `args`)."""
    return subprocess.run(["pdftotext", *args, str(path), "-"], capture_output=True,
                          text=True, check=True).stdout


def pdf_fonts(path: Path) -> list[str]:
    """The rows of pdffonts' table for a PDF, one per font (header left out)."""
    return subprocess.run(["pdffonts", str(path)], capture_output=True, text=True,
                          check=True).stdout.splitlines()[2:]


def write_spec(tmp_path: Path, text: str, name: str = "spec.yaml") -> Path:
    """Write a dedented spec file and return its path."""
    path = tmp_path / name
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def spec_problems(text: str, overrides=()) -> list[str]:
    """The problems of a spec text as printed lines ([] when valid)."""
    from generator.errors import SpecError
    from generator.spec import parse_spec

    try:
        parse_spec(textwrap.dedent(text).lstrip("\n"), "s.yaml", overrides)
    except SpecError as exc:
        return [str(p) for p in exc.problems]
    return []


def params_of(text: str, qid: str | None = None) -> dict:
    """The validated params of a question (the first one unless qid is given)."""
    from generator.spec import parse_spec

    spec = parse_spec(textwrap.dedent(text).lstrip("\n"), "s.yaml")
    return next(q for q in spec.questions if qid in (None, q.id)).params


def expressions():
    """A hypothesis strategy for expressions of the autodiff grammar in x, y and z."""
    from hypothesis import strategies as st

    ops = st.sampled_from(["+", "-", "*", "/", "^"])
    funcs = st.sampled_from(["sin", "cos", "tan", "exp", "log", "sqrt", "tanh", "sigmoid", "abs"])
    return st.recursive(
        st.one_of(st.sampled_from(["x", "y", "z"]), st.integers(1, 5).map(str)),
        lambda inner: st.one_of(
            st.tuples(inner, ops, inner).map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
            st.tuples(funcs, inner).map(lambda t: f"{t[0]}({t[1]})"),
            inner.map(lambda e: f"-{e}")),
        max_leaves=8)


def doc_texts(blocks) -> list[str]:
    """The words of a document tree (generator/doc.py): every Text node, in order, also
    in captions, list items and table cells."""
    out = []
    for node in blocks:
        if isinstance(node, doc.Text):
            out.append(node.text)
        elif isinstance(node, (doc.Para, doc.Heading, doc.Strong, doc.Emph)):
            out += doc_texts(node.children)
        elif isinstance(node, doc.Figure):
            out += doc_texts(node.caption)
        elif isinstance(node, doc.Items):
            out += [t for entry in node.items for t in doc_texts(entry)]
        elif isinstance(node, doc.Table):
            out += [t for r in node.head + node.body for c in r.cells
                    for t in doc_texts(c.children)]
    return out
