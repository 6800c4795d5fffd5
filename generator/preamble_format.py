"""The documents' shared preamble, precompiled into a pdflatex format.

The format is made once into the user cache (`formats/<key>.fmt`, keyed by the preamble and
the TeX installation) with a record of its SHA-256 (`<key>.sha256`). A document never reads
the cache directly: it gets a private copy in its own folder, written only after the bytes
matched a record that nobody but the user (or root) can have written. Whatever else lies in
the cache folder (a replaced, truncated, empty or random file, a swapped record, a FIFO) only
means the format is made again, or the document compiles without one, which is slower but
gives the same PDF.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from . import user_store
from .cache import sha256_bytes

FORMAT_NAME = "answerkey-preamble"  # the private copy, <document folder>/answerkey-preamble.fmt
MAX_FORMAT_BYTES = 64 << 20  # a real one is ~7 MB; anything far larger is not ours

# The templates put the preamble, the same for every document, inside
# \ifdefined\answerkeypreamble\else ... \def\answerkeypreamble{}\fi (see
# generator/templates/latex/document.tex.j2). Loading its packages is most of the time
# pdflatex spends on a key, so it is dumped once into a format and the documents are
# compiled with it; the block is then skipped, while a bare pdflatex of the same .tex reads
# it as usual. A course preamble is part of the block (\input{course-preamble.tex}, its hash
# on the line before): dumped into the course's own format, it costs nothing per document
# (docs/course-look.md has the measurement), and editing it changes the block, so the key.
_PREAMBLE = re.compile(r"^\\ifdefined\\answerkeypreamble\\else\n"
                       r"(.*?^\\def\\answerkeypreamble\{\}\n)\\fi\n", re.S | re.M)


def preamble_of(tex: str) -> str | None:
    """The marked preamble block of a document, or None when it has none."""
    m = _PREAMBLE.search(tex)
    return m.group(1) if m else None


@functools.cache
def tex_identity() -> str:
    """What a format depends on besides its preamble: the pdftex program and the installed
    LaTeX format (Debian regenerates it whenever TeX or a package changes), so an update
    never meets a stale one. Empty when TeX is not there. Asked once per process (a
    variant worker compiles hundreds of documents): after an upgrade under a long-lived
    process (`build --watch`, a Dask worker) its documents compile without the format, the
    same pages, slower, until it restarts."""
    try:
        found = subprocess.run(["kpsewhich", "-engine=pdftex", "pdflatex.fmt"], text=True,
                               capture_output=True, timeout=30).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""
    ids = [user_store.file_identity(f) for f in (
        os.path.realpath(shutil.which("pdflatex") or "pdflatex"), found)]
    return "" if None in ids else "\n".join(ids)


def format_for(preamble: str, folder: Path, earlier: Path | None = None) -> Path | None:
    """The format with `preamble` preloaded, as a private copy in the document's `folder`:
    linked from `earlier` (the copy made for another document of the same build), else
    verified from the user cache, else made (and kept in the cache when it can be). None
    when there is none: the document then compiles without it, only slower."""
    target = folder / f"{FORMAT_NAME}.fmt"
    if earlier is not None and _reuse(earlier, target):
        return target
    identity = tex_identity()
    if not identity:
        return None
    key = sha256_bytes(f"{identity}\n{preamble}".encode())[:24]
    cache = user_store.folder("formats")
    if cache is not None:
        data = _cached_format(cache, key)
        if data is not None:
            return target if user_store.write_new(target, data) else None
        if (cache / f"{key}.failed").exists():
            return None  # this preamble does not dump with this TeX: keyed by its identity
    try:
        data, log = _dump(preamble, folder)
    except (OSError, subprocess.SubprocessError):
        return None
    if cache is not None:
        _store(cache, key, data, log)
    return target if data is not None and user_store.write_new(target, data) else None


_VERIFIED: dict[tuple[str, str], bytes] = {}  # (cache folder, key): a format's bytes


def _cached_format(cache: Path, key: str) -> bytes | None:
    """The cached format's bytes, read and verified once per process (7 MB to read and hash
    for every document otherwise) and kept for the process's later documents."""
    memo = (str(cache), key)
    if memo not in _VERIFIED:
        found = user_store.fetch(cache, key, ("fmt",), MAX_FORMAT_BYTES)
        if found is None:
            return None
        if len(_VERIFIED) >= 2:  # the answerkey preamble and a course's, at most
            _VERIFIED.pop(next(iter(_VERIFIED)))
        _VERIFIED[memo] = found[0]
    return _VERIFIED[memo]


def _reuse(earlier: Path, target: Path) -> bool:
    if earlier == target:  # the key and the handout share a folder
        return target.is_file()
    try:
        return (user_store.write_new(target, link=earlier)
                or user_store.write_new(target, earlier.read_bytes()))
    except OSError:
        return False


def _dump(preamble: str, folder: Path) -> tuple[bytes | None, str]:
    """Dump `preamble` into a format with the same restricted pdflatex as the documents, in
    a temporary folder inside the document's own: (the format's bytes or None, the log)."""
    from .latex import latex_environment  # latex imports this module

    work = Path(tempfile.mkdtemp(prefix=".answerkey-dump-", dir=folder))
    try:
        (work / "preamble.tex").write_text(preamble, encoding="utf-8")
        for course_file in folder.glob("course-*"):  # what the block may \input or include
            shutil.copyfile(course_file, work / course_file.name)
        done = subprocess.run(
            ["pdflatex", "-ini", "-no-shell-escape", "-interaction=nonstopmode",
             "-halt-on-error", "-jobname=preamble", "&pdflatex", "preamble.tex\\dump"],
            cwd=work, env=latex_environment(), stdin=subprocess.DEVNULL,
            capture_output=True, timeout=300)
        made = work / "preamble.fmt"
        if done.returncode == 0 and made.is_file():
            return made.read_bytes(), ""
        log = work / "preamble.log"
        return None, log.read_text(errors="replace") if log.exists() else "no log\n"
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _store(cache: Path, key: str, data: bytes | None, log: str) -> None:
    """Keep a made format with its record, or remember that it failed."""
    if data is not None:
        user_store.keep(cache, key, {"fmt": data})
    elif user_store.prepare(cache):
        user_store.write_new(cache / f"{key}.failed", log.encode())
