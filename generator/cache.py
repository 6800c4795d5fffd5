"""Content-hash caching: an unchanged spec is not solved, plotted or compiled again.

Each output folder holds `.answerkey-cache.json` with the key of what it was built from:
the answerkey version and a fingerprint of its code and templates, the bytes of the spec file,
the `--set` overrides, the variant, the formats (together they determine every value, random
ones included) and the course's style files (style.py: each place a project file was looked
for, the project file, the preamble, the logo, the override shells, by content hash; the
record keeps their paths, `inputs`, so the quick check can hash them again). A rebuild with
the same key, whose recorded files are all still there unchanged, is skipped before anything
heavy is even imported. Otherwise the build reuses what provably did not change: a
question's figures when that question's resolved values are the same, a PDF when its .tex
(and every figure and course file it includes) is byte-identical. The TeX installation
itself is not part of the key: after upgrading TeX, build once with --force.

Nothing in an output folder is trusted: a record that does not validate is ignored (a
rebuild), and an earlier file is reused only when it is a regular file, reached without
following a link, whose bytes hash to what the record says.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from functools import cache
from pathlib import Path

from . import TEMPLATES, __version__
from .numbers import json_tidy
from .safeio import MAX_SPEC_BYTES, Refused, read_or_none, read_regular

CACHE_FILE = ".answerkey-cache.json"
MARK = ".answerkey"  # in every folder answerkey makes (see outdir.py)
PACKAGE = Path(__file__).resolve().parent


def user_cache(name: str) -> Path:
    """A folder of the per-user cache shared by all builds (the precompiled LaTeX
    preamble, the figures), as an absolute path with symbolic links resolved:
    $ANSWERKEY_CACHE/answerkey/NAME (relative to the directory answerkey runs in), else
    under $XDG_CACHE_HOME when it is absolute (the XDG spec says to ignore a relative one),
    else under ~/.cache. Everything in it may be deleted at any time."""
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    root = os.environ.get("ANSWERKEY_CACHE") or (xdg if os.path.isabs(xdg) else
                                                 Path.home() / ".cache")
    # Absolute: the LaTeX runs work in the document's folder, not in ours.
    return Path(os.path.realpath(root)) / "answerkey" / name


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_hash(path: Path) -> str:
    """SHA-256 of a file's bytes."""
    return sha256_bytes(path.read_bytes())


MAX_STYLE_FILE_BYTES = 5_000_000  # the largest course file (a logo)


def file_hash_or_blank(path: str) -> str:
    """The SHA-256 of a regular file at `path`, '' when there is none (or it is refused)."""
    try:
        return sha256_bytes(read_regular(Path(path), MAX_STYLE_FILE_BYTES))
    except Refused:
        return ""


def input_digest(inputs) -> str:
    """The hash of (path, sha256) pairs."""
    return sha256_bytes("\n".join(f"{p}\0{h}" for p, h in sorted(inputs)).encode())


@cache
def code_fingerprint() -> str:
    """The version plus every source file, template and message catalogue: any edit changes
    every key."""
    digest = hashlib.sha256(__version__.encode())
    for root in (PACKAGE, TEMPLATES):
        for path in sorted(p for p in root.rglob("*") if p.is_file() and p.suffix in (
                ".py", ".j2", ".po")):
            digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _question_data(q) -> dict:
    return {"id": q.id, "kind": q.kind.NAME, "title": q.title, "points": q.points,
            "statement": q.statement, "decimals": q.decimals, "number": q.number,
            "params": json_tidy(q.params)}


def question_key(q) -> str:
    """Key of one question's solution and figures."""
    text = json.dumps([code_fingerprint(), _question_data(q)], sort_keys=True)
    return sha256_bytes(text.encode())


def spec_key(source_hash: str, overrides, variant, student, formats,
             style_digest: str = "") -> str:
    """Key of a whole output folder (see the module docstring)."""
    data = [code_fingerprint(), source_hash, list(overrides), variant, student, sorted(formats),
            style_digest]
    return sha256_bytes(json.dumps(data).encode())


def quick_up_to_date(spec_path: Path, folder: Path, overrides, formats) -> bool:
    """Whether a plain build of `spec_path` into `folder` would change nothing: the spec's
    bytes and those of every style input the record names hash as they did."""
    data = read_or_none(Path(spec_path), MAX_SPEC_BYTES)  # a FIFO or /dev/zero: no
    record = read(folder)
    if data is None or not record:
        return False
    inputs = [(path, file_hash_or_blank(path)) for path in record.get("inputs", {})]
    key = spec_key(sha256_bytes(data), overrides, None, None, formats, input_digest(inputs))
    return up_to_date(folder, key, record)


MAX_RECORD_BYTES = 4_000_000
MAX_OUTPUT_BYTES = 1 << 28  # one output file
MAX_RECORDED_BYTES = 1 << 30  # all files of a record together
_HEX64 = re.compile(r"[0-9a-f]{64}")
OUTPUT_NAME = re.compile(r"(?:answer-key|handout)\.(?:tex|pdf)|(?:index|handout)\.html|"
                         r"answers\.json|course-preamble\.tex|course-logo(?:-page)?\."
                         r"(?:png|jpg|pdf)|"
                         r"figures/(?!\.)[\w.+-]+\.(?:svg|pdf)")  # what a build writes
_FIGURE = re.compile(r"(?!\.)[\w.+-]+\.(?:svg|pdf)")
_TEX = re.compile(r"(?:answer-key|handout)\.tex")


def read(folder: Path) -> dict:
    """The cache record of an output folder, or {} when there is none or it does not
    validate: a damaged or tampered record only costs a rebuild, it is never trusted."""
    data = read_or_none(folder / CACHE_FILE, MAX_RECORD_BYTES, links=False, below=folder)
    try:
        record = json.loads(data.decode("utf-8")) if data is not None else None
    except (ValueError, RecursionError):
        return {}
    if not _valid_record(record) or _recorded_bytes(folder, record["files"]) > \
            MAX_RECORDED_BYTES:
        return {}  # (a record naming huge files would make every run read them)
    return record


def _valid_record(record) -> bool:
    """A record names only files a build writes, each with a SHA-256."""
    def table(value, names):
        return isinstance(value, dict) and all(
            isinstance(k, str) and names.fullmatch(k) and
            isinstance(v, str) and _HEX64.fullmatch(v) for k, v in value.items())

    return (isinstance(record, dict) and isinstance(record.get("key"), str)
            and _HEX64.fullmatch(record["key"]) is not None
            and table(record.get("files"), OUTPUT_NAME) and bool(record["files"])
            and table(record.get("figures", {}), _FIGURE) and table(record.get("tex", {}), _TEX)
            and _inputs(record.get("inputs", {})))


MAX_INPUTS = 100  # style inputs of one record (a real one has about ten)


def _inputs(value) -> bool:
    """Style inputs: absolute paths, each with a SHA-256 or '' (absent)."""
    return isinstance(value, dict) and len(value) <= MAX_INPUTS and all(
        isinstance(k, str) and os.path.isabs(k) and len(k) < 4096 and "\0" not in k and
        isinstance(v, str) and (v == "" or _HEX64.fullmatch(v)) for k, v in value.items())


def _recorded_bytes(folder: Path, names) -> int:
    total = 0
    for name in names:
        try:
            total += os.lstat(folder / name).st_size
        except OSError:
            pass  # missing: the record is merely out of date
    return total


def verified(folder: Path, name: str, digest: str | None) -> bytes | None:
    """The bytes of an earlier output file when they still hash to what its record says."""
    if not digest:
        return None
    data = read_or_none(folder / name, MAX_OUTPUT_BYTES, links=False, below=folder)
    return data if data is not None and sha256_bytes(data) == digest else None


def up_to_date(folder: Path, key: str, record: dict) -> bool:
    """Whether `folder` was built from `key` and still holds exactly the files it recorded."""
    if not record or record.get("key") != key:
        return False
    return all(verified(folder, name, digest) is not None
               for name, digest in record["files"].items())


def write(folder: Path, key: str, extra: dict) -> None:
    """Record the key and the hash of every output file in `folder` (what OUTPUT_NAME names)."""
    files = {str(p.relative_to(folder)): file_hash(p) for p in sorted(folder.rglob("*"))
             if p.is_file() and OUTPUT_NAME.fullmatch(str(p.relative_to(folder)))}
    record = {"key": key, "files": files, **extra}
    (folder / CACHE_FILE).write_text(json.dumps(record, indent=1, sort_keys=True) + "\n",
                                     encoding="utf-8")
