"""latexmk + pdflatex with safe flags; a LaTeX failure names the question it came from."""

from __future__ import annotations

import os
import re
import secrets
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from .cache import sha256_bytes, user_cache
from .errors import BuildError

PDFLATEX = ("pdflatex -no-shell-escape -interaction=nonstopmode -halt-on-error -file-line-error "
            "%O %S")


@dataclass
class TexJob:
    """One .tex file to compile, with the line span of each question in it."""

    tex: Path
    spans: list  # [(question id, first line, last line)]


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
# widths of fixed p{} columns, so changes in those lines are ignored and one run suffices.
# Lines that do need a rerun (labels, tables of contents, citations) still trigger one.
AUX_IGNORE = r"$hash_calc_ignore_pattern{q/aux/} = " \
    r"q/^(?!\\\\(?:newlabel|@writefile|bibcite|citation|bibdata|contentsline))/;"


def latexmk_command(tex_name: str, fmt: Path | None = None) -> list[str]:
    """The latexmk invocation used for every document (with a precompiled preamble format)."""
    pdflatex = PDFLATEX if fmt is None else PDFLATEX.replace(" %O", f" -fmt={fmt} %O")
    return ["latexmk", "-pdf", "-silent", "-e", AUX_IGNORE, f"-pdflatex={pdflatex}", tex_name]


# The templates put the preamble, the same for every document, inside
# \ifdefined\answerkeypreamble\else ... \def\answerkeypreamble{}\fi (see
# templates/latex/document.tex.j2). Loading its packages is most of the time pdflatex spends
# on a key, so it is dumped once into a format and the documents are compiled with it; the
# block is then skipped, while a bare pdflatex of the same .tex reads it as usual.
_PREAMBLE = re.compile(r"^\\ifdefined\\answerkeypreamble\\else\n"
                       r"(.*?^\\def\\answerkeypreamble\{\}\n)\\fi\n", re.S | re.M)


def preamble_of(tex: str) -> str | None:
    """The marked preamble block of a document, or None when it has none."""
    m = _PREAMBLE.search(tex)
    return m.group(1) if m else None


def _tex_identity() -> str:
    """What a format depends on besides its preamble: the installed LaTeX format (Debian
    regenerates it whenever TeX or a package changes), so an update never meets a stale one."""
    try:
        found = subprocess.run(["kpsewhich", "-engine=pdftex", "pdflatex.fmt"], text=True,
                               capture_output=True, timeout=30).stdout.strip()
        info = os.stat(found)
    except (OSError, subprocess.SubprocessError):
        return ""
    return f"{found}:{info.st_size}:{info.st_mtime_ns}"


def preamble_format(preamble: str) -> Path | None:
    """The format with `preamble` preloaded (made on first use, in the same restricted
    pdflatex as the documents), or None when it cannot be made: the documents then
    compile without it, only slower. Safe when several builds make it at once."""
    folder = user_cache("formats")
    if not re.fullmatch(r"[\w./-]+", str(folder)):
        return None  # latexmk hands the command to a shell: no quoting games
    identity = _tex_identity()
    if not identity:
        return None
    key = sha256_bytes(f"{identity}\n{preamble}".encode())[:24]
    fmt = folder / f"{key}.fmt"
    if fmt.exists():
        return fmt.with_suffix("")
    if (folder / f"{key}.failed").exists():
        return None
    work = folder / f".make-{os.getpid()}-{secrets.token_hex(4)}"
    try:
        work.mkdir(parents=True)
        (work / "preamble.tex").write_text(preamble, encoding="utf-8")
        done = subprocess.run(
            ["pdflatex", "-ini", "-no-shell-escape", "-interaction=nonstopmode",
             "-halt-on-error", "-jobname=preamble", "&pdflatex", "preamble.tex\\dump"],
            cwd=work, env=latex_environment(), stdin=subprocess.DEVNULL,
            capture_output=True, timeout=300)
        made = work / "preamble.fmt"
        if done.returncode != 0 or not made.exists():
            (folder / f"{key}.failed").write_text((work / "preamble.log").read_text(
                errors="replace") if (work / "preamble.log").exists() else "no log\n")
            return None
        os.replace(made, fmt)  # atomic: a concurrent build sees the whole file or none
        return fmt.with_suffix("")
    except (OSError, subprocess.SubprocessError):
        return None
    finally:
        shutil.rmtree(work, ignore_errors=True)


def require_latexmk() -> None:
    """A clear error when LaTeX is not installed."""
    if shutil.which("latexmk") is None or shutil.which("pdflatex") is None:
        raise BuildError("latexmk/pdflatex not found: run `make key` (installs the Debian TeX "
                         "packages) or apt-get install latexmk texlive-latex-recommended "
                         "texlive-fonts-recommended")


class Compiler:
    """Compiles documents in the background as soon as each is ready, at most `parallel` at a
    time, so that LaTeX overlaps with drawing figures and writing the HTML page. It starts
    latexmk processes and uses no threads, so the build may still fork figure workers."""

    def __init__(self, parallel: int = 2, use_format: bool = True):
        self.parallel = max(1, parallel)
        self.running: list[tuple[TexJob, subprocess.Popen]] = []
        self.errors: list[str] = []
        self.use_format = use_format and not os.environ.get("ANSWERKEY_NO_FORMAT")
        self.formats: dict[str, Path | None] = {}

    def submit(self, job: TexJob) -> None:
        """Start compiling `job` (after one of the running documents when all slots are busy)."""
        if not self.running and not self.errors:
            require_latexmk()
        while len(self.running) >= self.parallel:
            self._reap_first()
        out = open(job.tex.with_suffix(".latexmk"), "wb")  # noqa: SIM115 (closed below)
        command = latexmk_command(job.tex.name, self._format(job))
        proc = subprocess.Popen(command, cwd=job.tex.parent,
                                env=latex_environment(), stdin=subprocess.DEVNULL,
                                stdout=out, stderr=subprocess.STDOUT)
        out.close()
        self.running.append((job, proc))

    def _format(self, job: TexJob) -> Path | None:
        if not self.use_format:
            return None
        preamble = preamble_of(job.tex.read_text(encoding="utf-8"))
        if preamble is None:
            return None
        if preamble not in self.formats:
            self.formats[preamble] = preamble_format(preamble)
        return self.formats[preamble]

    def _reap_first(self) -> None:
        """Wait for the oldest document; it leaves `running` only once it has ended, so an
        interruption meanwhile still finds it there to stop."""
        job, proc = self.running[0]
        code = proc.wait()
        self.running.pop(0)
        if code != 0 or not job.tex.with_suffix(".pdf").exists():
            log = job.tex.with_suffix(".log")
            text = log.read_text(errors="replace") if log.exists() else \
                job.tex.with_suffix(".latexmk").read_text(errors="replace")
            self.errors.append(describe_failure(job, text))

    def finish(self) -> None:
        """Wait for every document; BuildError naming the question of any failure."""
        try:
            while self.running:
                self._reap_first()
        finally:
            for _, proc in self.running:  # interrupted while waiting: stop the rest
                proc.terminate()
                proc.wait()
        if self.errors:
            raise BuildError("\n".join(self.errors))


_ERROR = re.compile(r"^(?:\./)?[^:\n]*\.tex:(\d+): (.*)$", re.M)


def describe_failure(job: TexJob, log: str) -> str:
    """'answer-key.tex:123 (question q5): <error>' with the relevant log lines."""
    m = _ERROR.search(log)
    if not m:
        bang = log.find("\n!")
        excerpt = log[bang + 1 : bang + 600] if bang >= 0 else log[-600:]
        return f"LaTeX failed on {job.tex.name}:\n" + _indent(excerpt)
    line = int(m.group(1))
    owner = next((qid for qid, first, last in job.spans if first <= line <= last), None)
    where = f"question {owner}" if owner else "the document shell"
    context = []
    for text in log[m.start() : m.start() + 800].splitlines()[:8]:
        if text.startswith("Here is how much"):
            break
        context.append(text)
    return (f"LaTeX failed on {job.tex.name} line {line} ({where}): {m.group(2)}\n"
            + _indent("\n".join(context)))


def _indent(text: str) -> str:
    return "\n".join("    " + s for s in text.strip().splitlines())
