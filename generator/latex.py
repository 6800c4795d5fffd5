"""pdflatex (and latexmk when a document needs more than one run) with safe flags; a LaTeX
failure names the question it came from."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from .errors import BuildError
from .preamble_format import format_for, preamble_of

PDFLATEX = ("pdflatex -no-shell-escape -interaction=nonstopmode -halt-on-error -file-line-error "
            "%O %S")


class QuestionSpan(NamedTuple):
    """The lines, first to last inclusive, of one question's section in a .tex file."""

    question_id: str
    first: int
    last: int


@dataclass
class TexJob:
    """One .tex file to compile, with the line span of each question in it and the course
    preamble it reads (as the user named it), if any."""

    tex: Path
    spans: list[QuestionSpan]
    preamble: str | None = None


def latex_environment() -> dict:
    """pdflatex may read only files below the working folder and write nowhere else."""
    env = dict(os.environ)
    env.update(openin_any="p", openout_any="p", shell_escape="f", TEXINPUTS=".:",
               max_print_line="1000")
    if "SOURCE_DATE_EPOCH" in env:
        env["FORCE_SOURCE_DATE"] = "1"  # reproducible PDF dates
    return env


# latexmk reruns pdflatex whenever the .aux file changed, which on a fresh build is always.
# Our documents have no \ref or \label: their .aux holds only hyperref boilerplate and longtable
# widths of fixed p{} columns, so one run suffices. A document whose .aux holds lines that do
# need a rerun (labels, tables of contents, citations: a course's own shell may have them) is
# handed to latexmk, told to ignore changes in the other lines.
_RERUN_LINES = "newlabel|@writefile|bibcite|citation|bibdata|contentsline"
AUX_IGNORE = r"$hash_calc_ignore_pattern{q/aux/} = q/^(?!\\\\(?:" + _RERUN_LINES + "))/;"
_NEEDS_LATEXMK = re.compile(r"^\\(?:" + _RERUN_LINES + ")", re.M)


def latexmk_command(tex_name: str, fmt: Path | None = None) -> list[str]:
    """The latexmk invocation for a document that needs more than one pdflatex run, with
    the precompiled preamble `fmt` when given (a file in the document's folder). A pdflatex
    run that fails with the format is run again without it, so a format this pdftex cannot
    load never fails a build."""
    pdflatex = PDFLATEX
    if fmt is not None:
        # latexmk fills in only the first %O and %S, so both runs get them as "$@".
        pdflatex = (f"sh -c 'pdflatex {_with_format(fmt)} \"$@\" || "
                    f"pdflatex \"$@\"' pdflatex {PDFLATEX.removeprefix('pdflatex ')}")
    return ["latexmk", "-pdf", "-silent", "-e", AUX_IGNORE, f"-pdflatex={pdflatex}", tex_name]


def pdflatex_command(tex_name: str, fmt: Path | None = None) -> list[str]:
    """One pdflatex run, as latexmk would start it (with the format `fmt` when given)."""
    options = PDFLATEX.removeprefix("pdflatex ").removesuffix(" %O %S").split()
    return ["pdflatex", *(_with_format(fmt).split() if fmt else ()), *options, tex_name]


def _with_format(fmt: Path) -> str:
    # -progname: pdftex takes the format's name for it otherwise, which changes where
    # kpathsea looks for packages (tex/generic before tex/latex) and names its recorder
    # file <format path><pid>.fls, stranded beside the format when not on the same disk.
    return f"-progname=pdflatex -fmt=./{fmt.stem}"


def require_latexmk() -> None:
    """A clear error when LaTeX is not installed."""
    if shutil.which("latexmk") is None or shutil.which("pdflatex") is None:
        raise BuildError("latexmk/pdflatex not found: run `make key` (installs the Debian TeX "
                         "packages) or apt-get install latexmk texlive-latex-recommended "
                         "texlive-fonts-recommended")


@dataclass
class _Run:
    """A document being compiled: its process, and the step it is at ("format": pdflatex
    with the precompiled preamble, "plain": pdflatex without, "latexmk": the runs a
    document with labels, contents or citations needs)."""

    job: TexJob
    proc: subprocess.Popen
    step: str
    fmt: Path | None = None


class Compiler:
    """Compiles documents in the background as soon as each is ready, at most `parallel` at a
    time, so that LaTeX overlaps with drawing figures and writing the HTML page. It starts
    processes and uses no threads, so the build may still fork figure workers.

    A document gets one pdflatex run, which is all latexmk would give it (see AUX_IGNORE),
    without latexmk's own start-up and bookkeeping (as long again as pdflatex itself with the
    precompiled preamble); one whose .aux then holds labels, contents or citations is handed
    to latexmk, which runs it as often as it needs."""

    def __init__(self, parallel: int = 2, use_format: bool = True):
        self.parallel = max(1, parallel)
        self.running: list[_Run] = []
        self.errors: list[str] = []
        self.use_format = use_format and not os.environ.get("ANSWERKEY_NO_FORMAT")
        self.formats: dict[str, Path | None] = {}

    def submit(self, job: TexJob) -> None:
        """Start compiling `job` (after one of the running documents when all slots are busy)."""
        if not self.running and not self.errors:
            require_latexmk()
        while len(self.running) >= self.parallel:
            self._reap_first()
        fmt = self._format(job)
        step = "format" if fmt is not None else "plain"
        self.running.append(_Run(job, self._start(job, pdflatex_command(job.tex.name, fmt)),
                                 step, fmt))

    def _start(self, job: TexJob, command: list[str]) -> subprocess.Popen:
        out = open(job.tex.with_suffix(".console"), "wb")  # noqa: SIM115 (closed below)
        # In a session of its own: Ctrl-C at the terminal reaches answerkey alone, which then
        # stops LaTeX itself (abort), instead of LaTeX failing first and being reported.
        proc = subprocess.Popen(command, cwd=job.tex.parent, env=latex_environment(),
                                stdin=subprocess.DEVNULL, stdout=out,
                                stderr=subprocess.STDOUT, start_new_session=True)
        out.close()
        return proc

    def _format(self, job: TexJob) -> Path | None:
        if not self.use_format:
            return None
        preamble = preamble_of(job.tex.read_text(encoding="utf-8"))
        if preamble is None:
            return None
        if preamble in self.formats and self.formats[preamble] is None:
            return None  # none could be had for an earlier document
        made = format_for(preamble, job.tex.parent, self.formats.get(preamble))
        self.formats[preamble] = made
        return made

    def _reap_first(self) -> None:
        """Wait for the oldest document, through every step it needs; it leaves `running`
        only once it has ended, so an interruption meanwhile still finds it there to stop."""
        run = self.running[0]
        while True:
            code = run.proc.wait()
            if code != 0 and run.step == "format":  # this pdftex cannot load the format?
                run.proc, run.step = self._start(run.job, pdflatex_command(run.job.tex.name)), \
                    "plain"
            elif code == 0 and run.step != "latexmk" and self._needs_latexmk(run.job):
                run.proc, run.step = self._start(run.job, latexmk_command(
                    run.job.tex.name, run.fmt)), "latexmk"
            else:
                break
        self.running.pop(0)
        job = run.job
        if code != 0 or not job.tex.with_suffix(".pdf").exists():
            log = job.tex.with_suffix(".log")
            text = log.read_text(errors="replace") if log.exists() else \
                job.tex.with_suffix(".console").read_text(errors="replace")
            self.errors.append(describe_failure(job, text))

    @staticmethod
    def _needs_latexmk(job: TexJob) -> bool:
        aux = job.tex.with_suffix(".aux")
        try:
            return bool(_NEEDS_LATEXMK.search(aux.read_text(encoding="latin-1")))
        except OSError:
            return False

    def finish(self) -> None:
        """Wait for every document; BuildError naming the question of any failure."""
        try:
            while self.running:
                self._reap_first()
        except BaseException:
            self.abort()  # interrupted while waiting: stop the rest
            raise
        if self.errors:  # (the key and the handout fail alike on a course preamble: once)
            raise BuildError("\n".join(dict.fromkeys(self.errors)))

    def abort(self) -> None:
        """Stop every running document (pdflatex, or latexmk and its pdflatex) without
        reporting them."""
        for run in self.running:
            try:
                os.killpg(run.proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        for run in self.running:
            run.proc.wait()
        self.running.clear()


_ERROR = re.compile(r"^(?:\./)?([^:\n]*\.tex):(\d+): (.*)$", re.M)
_MISSING = re.compile(r"^(?:(?:\./)?([^:\n]*\.tex):(\d+): |! )LaTeX Error: File `([^']+)' not "
                      r"found\.", re.M)
PREAMBLE_FILE = "course-preamble.tex"  # style.py's name for the preamble in the build folder
# The Debian packages of LaTeX packages a course preamble commonly loads (the base ones,
# texlive-latex-base and -recommended, are what `make key` installs).
DEBIAN_PACKAGES = {
    **dict.fromkeys("siunitx physics algorithm2e algorithmicx algpseudocode algorithm mhchem "
                    "chemfig".split(), "texlive-science"),
    **dict.fromkeys("tikz pgf pgfplots tikz-cd".split(), "texlive-pictures"),
    **dict.fromkeys("enumitem cleveref tcolorbox cancel minted".split(), "texlive-latex-extra"),
    "lmodern": "lmodern",
}


def missing_file(job: TexJob, log: str) -> str | None:
    """One line naming the LaTeX package or class the log says is not installed, where it
    was asked for, and its Debian package when known; None when nothing is missing."""
    m = _MISSING.search(log)
    if m is None:
        return None
    name = m.group(3)
    stem, _, ext = name.rpartition(".")
    what = {"sty": "package", "cls": "class"}.get(ext, "file")
    line = _asked_for(job.tex.parent / PREAMBLE_FILE, stem) if job.preamble else None
    if line is None and m.group(1) == PREAMBLE_FILE:
        line = m.group(2)
    if line is not None and job.preamble:
        where = f", asked for by the course preamble {job.preamble} line {line}"
    elif m.group(1):
        where = f", asked for by {m.group(1)} line {m.group(2)}"
    else:
        where = ""
    debian = DEBIAN_PACKAGES.get(stem)
    install = f": on Debian, apt-get install {debian}" if debian else (
        ": install the TeX Live package that holds it")
    return f"LaTeX {what} '{stem}' is not installed ({name} not found{where}){install}"


def _asked_for(preamble: Path, stem: str) -> int | None:
    """The line of `preamble` that loads the package `stem` (None: no line does). TeX has
    finished reading a file's last line when it fails on it, so the log cannot tell."""
    loads = re.compile(r"\\(?:usepackage|RequirePackage)\s*(?:\[[^\]]*\])?\s*\{[^}]*(?<![\w-])"
                       + re.escape(stem) + r"(?![\w-])")
    try:
        lines = preamble.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return None
    return next((n for n, text in enumerate(lines, 1) if loads.search(text.split("%")[0])),
                None)


def describe_failure(job: TexJob, log: str) -> str:
    """'answer-key.tex:123 (question q5): <error>' with the relevant log lines; a missing
    package is one line naming it."""
    missing = missing_file(job, log)
    if missing is not None:
        return missing
    m = _ERROR.search(log)
    if not m:
        bang = log.find("\n!")
        excerpt = log[bang + 1 : bang + 600] if bang >= 0 else log[-600:]
        return f"LaTeX failed on {job.tex.name}:\n" + _indent(excerpt)
    line = int(m.group(2))
    owner = next((s.question_id for s in job.spans if s.first <= line <= s.last), None)
    where = f"question {owner}" if owner else "the document shell"
    if m.group(1) == PREAMBLE_FILE and job.preamble:
        where = "the course preamble"
        line_of = f"{job.preamble} line {line}"
    else:
        line_of = f"{job.tex.name} line {line}"
    context = []
    for text in log[m.start() : m.start() + 800].splitlines()[:8]:
        if text.startswith("Here is how much"):
            break
        context.append(text)
    return (f"LaTeX failed on {line_of} ({where}): {m.group(3)}\n"
            + _indent("\n".join(context)))


def _indent(text: str) -> str:
    return "\n".join("    " + s for s in text.strip().splitlines())
