"""Start-up (issue 14: `solve` at a tenth of LaTeX's time): solving, checking and building
answers.json import only what they use, and a spec with Markdown and math still has both
read by the same readers the page uses."""

from __future__ import annotations

import subprocess
import sys

import pytest

from helpers import ROOT

# The command run in a fresh interpreter, then the names of every module it loaded.
REPORT = """
import contextlib, io, sys
from generator.cli import main
try:
    with contextlib.redirect_stdout(io.StringIO()):
        code = main(sys.argv[1:])
except SystemExit as exc:  # --version
    code = exc.code
print(" ".join(sorted(sys.modules)))
sys.exit(code)
"""
# Only pages and figures need these: the spec's Markdown and math readers, the shells, plots.
RENDERING = ("latex2mathml", "markdown_it", "mdit_py_plugins", "jinja2", "matplotlib")
# Pulled in by a convenience nothing on these paths needs (a version look-up, a package-data
# path, np.union1d's masked-array test, latex2mathml's xml.sax and urllib).
NEEDLESS = ("importlib.metadata", "importlib.resources", "numpy.ma", "xml.sax",
            "urllib.request")
UNUSED_KINDS = ("generator.kinds.conv2d", "generator.kinds.text")  # not in the reference spec
TEXT_SPEC = ("title: t\nquestions:\n  - {id: q1, kind: text, statement: 'Show that "
             "$\\frac{a}{b} = x$.', solution: 'It is *so*.'}\n")


def modules_after(*args: str) -> set[str]:
    """The modules loaded once `answerkey ARGS` has run (successfully) in a new interpreter."""
    done = subprocess.run([sys.executable, "-c", REPORT, *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return set(done.stdout.split())


@pytest.mark.parametrize("command", ["solve", "check"])
def test_solving_the_reference_spec_imports_no_renderer(command):
    loaded = modules_after(command, "specs/ift6135-a1.yaml")
    assert "numpy" in loaded and "generator.kinds.autodiff" in loaded  # it did solve
    assert loaded.isdisjoint(RENDERING + NEEDLESS + UNUSED_KINDS), \
        sorted(loaded & set(RENDERING + NEEDLESS + UNUSED_KINDS))


def test_building_answers_json_imports_no_markdown_math_or_plot_reader(tmp_path):
    loaded = modules_after("build", "specs/ift6135-a1.yaml", "--to", "json",
                           "-o", str(tmp_path / "out"))
    assert (tmp_path / "out/ift6135-a1/answers.json").is_file()
    heavy = set(RENDERING + NEEDLESS)
    assert loaded.isdisjoint(heavy), sorted(loaded & heavy)


def test_the_version_imports_neither_numpy_nor_yaml():
    loaded = modules_after("--version")
    assert loaded.isdisjoint({"numpy", "yaml", "generator.kinds", "generator.spec"})


def test_a_spec_with_markdown_and_math_has_them_read_when_checked(tmp_path):
    spec = tmp_path / "t.yaml"
    spec.write_text(TEXT_SPEC, encoding="utf-8")
    loaded = modules_after("check", str(spec))
    assert {"markdown_it", "latex2mathml.converter", "generator.kinds.text"} <= loaded
    spec.write_text(TEXT_SPEC.replace("{a}{b} = x", "{a}"), encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "generator", "check", str(spec)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "'\\frac' needs 2 arguments" in done.stderr, done.stderr
