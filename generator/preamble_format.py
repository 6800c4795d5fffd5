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

import os
import re
import secrets
import shutil
import subprocess
import tempfile
from pathlib import Path

from .cache import sha256_bytes, user_cache
from .safeio import pid_alive, read_or_none

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


def tex_identity() -> str:
    """What a format depends on besides its preamble: the pdftex program and the installed
    LaTeX format (Debian regenerates it whenever TeX or a package changes), so an update
    never meets a stale one. Empty when TeX is not there."""
    try:
        found = subprocess.run(["kpsewhich", "-engine=pdftex", "pdflatex.fmt"], text=True,
                               capture_output=True, timeout=30).stdout.strip()
        files = [os.path.realpath(shutil.which("pdflatex") or "pdflatex"), found]
        stats = [os.stat(f) for f in files]
    except (OSError, subprocess.SubprocessError):
        return ""
    return "\n".join(f"{f}:{s.st_size}:{s.st_mtime_ns}" for f, s in zip(files, stats))


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
    try:
        cache = user_cache("formats")
    except (OSError, RuntimeError):  # no home folder, or a relative path and no cwd
        cache = None
    if cache is not None:
        data = _verified(cache, key)
        if data is not None:
            return target if _write_new(target, data) else None
        if (cache / f"{key}.failed").exists():
            return None  # this preamble does not dump with this TeX: keyed by its identity
    try:
        data, log = _dump(preamble, folder)
    except (OSError, subprocess.SubprocessError):
        return None
    if cache is not None:
        _store(cache, key, data, log)
    return target if data is not None and _write_new(target, data) else None


def _reuse(earlier: Path, target: Path) -> bool:
    if earlier == target:  # the key and the handout share a folder
        return target.is_file()
    try:
        return _write_new(target, link=earlier) or _write_new(target, earlier.read_bytes())
    except OSError:
        return False


def _verified(cache: Path, key: str) -> bytes | None:
    """The cached format's bytes when they match its record, else None."""
    record = read_or_none(cache / f"{key}.sha256", 200, links=False, private=True)
    m = re.fullmatch(rb"(\w+) ([0-9a-f]{64})\n", record or b"")
    if not m or m.group(1).decode() != key:  # a record moved from another key never fits
        return None
    data = read_or_none(cache / f"{key}.fmt", MAX_FORMAT_BYTES)
    return data if data and sha256_bytes(data) == m.group(2).decode() else None


_TEMP = re.compile(r"\..+\.(\d+)-[0-9a-f]{8}")  # the temporary names _write_new uses


def _write_new(target: Path, data: bytes | None = None, link: Path | None = None) -> bool:
    """Put `data` (or a hard link to `link`) at `target` atomically: a pdflatex reading the
    old file keeps reading it whole. False when the folder does not allow it."""
    temp = target.with_name(f".{target.name}.{os.getpid()}-{secrets.token_hex(4)}")
    try:
        if link is not None:
            os.link(link, temp)
        else:
            fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
            with os.fdopen(fd, "wb") as file:
                file.write(data)
        os.replace(temp, target)
        return True
    except OSError:
        try:
            temp.unlink(missing_ok=True)
        except OSError:
            pass
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
    """Keep a made format with its record, or remember that it failed (best effort: a cache
    that cannot be written only means the next build makes it again)."""
    try:
        cache.mkdir(parents=True, exist_ok=True)
        for path in cache.iterdir():  # half-written by a build that was killed
            m = _TEMP.fullmatch(path.name)
            if m and not pid_alive(int(m.group(1))):
                path.unlink(missing_ok=True)
    except OSError:
        return
    if data is None:
        _write_new(cache / f"{key}.failed", log.encode())
    elif _write_new(cache / f"{key}.fmt", data):  # the record last: it vouches for the bytes
        _write_new(cache / f"{key}.sha256", f"{key} {sha256_bytes(data)}\n".encode())
