"""The precompiled preamble in the user cache: whatever lies in the cache folder, a build
gives the right PDF and no error; cache paths are absolute; nothing is left behind."""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from generator.cache import user_cache
from generator.latex import latex_environment, preamble_of
from helpers import ANSWERKEY, ROOT, pdf_text

SPEC = ROOT / "specs/cnn-workshop.yaml"
TAMPERED = "TAMPERED BY THE CACHE"


def _env(cache: Path | str | None, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("ANSWERKEY_NO_FORMAT",
                                                           "ANSWERKEY_CACHE")}
    if cache is not None:
        env["ANSWERKEY_CACHE"] = str(cache)
    return {**env, **extra}


def _build(cache, out: Path, cwd: Path = ROOT, prefix=(), **extra) -> str:
    """Build the spec's PDFs into `out` (must succeed silently); the key's text."""
    done = subprocess.run([*prefix, str(ANSWERKEY), "build", str(SPEC),
                           "-o", str(out), "--to", "pdf", "--force"], cwd=cwd,
                          env=_env(cache, **extra), capture_output=True, text=True,
                          timeout=120)
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.splitlines() == [done.stdout.strip()]  # one "built ..." line
    folder = out / SPEC.stem
    assert not [p for p in folder.rglob("*") if p.suffix in (".fls", ".fmt", ".log")]
    return pdf_text(folder / "answer-key.pdf")


def _not_ours(formats: Path) -> list[str]:
    """Files in formats/ that are not a format, its record or a failure note."""
    return sorted(p.name for p in formats.iterdir()
                  if p.suffix not in (".fmt", ".sha256", ".failed") or p.name.startswith("."))


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> str:
    """The key's text compiled without any format."""
    out = tmp_path_factory.mktemp("reference")
    return _build(out / "cache", out / "out", ANSWERKEY_NO_FORMAT="1")


@pytest.fixture(scope="module")
def warm(tmp_path_factory, reference) -> Path:
    """A cache made by one build (each test copies it into its own)."""
    root = tmp_path_factory.mktemp("warm")
    assert _build(root / "cache", root / "out") == reference
    return root / "cache"


@pytest.fixture(scope="module")
def other_format(tmp_path_factory) -> bytes:
    """A valid format of another preamble, one that prints TAMPERED on every page."""
    work = tmp_path_factory.mktemp("other")
    tex = (work / "doc.tex")
    subprocess.run([str(ANSWERKEY), "build", str(SPEC), "-o", str(work),
                    "--to", "tex"], env=_env(work / "cache"), check=True, capture_output=True)
    shutil.copy(work / SPEC.stem / "answer-key.tex", tex)
    preamble = preamble_of(tex.read_text(encoding="utf-8"))
    (work / "preamble.tex").write_text(f"\\AtBeginDocument{{{TAMPERED}}}\n{preamble}")
    subprocess.run(["pdflatex", "-ini", "-interaction=nonstopmode", "-jobname=preamble",
                    "&pdflatex", "preamble.tex\\dump"], cwd=work, check=True,
                   capture_output=True, env=latex_environment())
    # It would change the PDF: used as it is, it does.
    subprocess.run(["pdflatex", "-interaction=nonstopmode", "-fmt=./preamble", "doc.tex"],
                   cwd=work, capture_output=True, env=latex_environment())
    assert TAMPERED in pdf_text(work / "doc.pdf")
    return (work / "preamble.fmt").read_bytes()


@pytest.fixture
def cache(tmp_path, warm) -> Path:
    shutil.copytree(warm, tmp_path / "cache", symlinks=True)
    return tmp_path / "cache"


@pytest.fixture
def other_disk(tmp_path):
    """An output folder on another file system than tmp_path (tmpfs /dev/shm)."""
    if not Path("/dev/shm").is_dir() or os.stat("/dev/shm").st_dev == tmp_path.stat().st_dev:
        pytest.skip("no second file system")
    folder = Path(tempfile.mkdtemp(dir="/dev/shm"))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _record(fmt: Path, data: bytes, mode: int = 0o644) -> None:
    """A record vouching for `data` (as answerkey writes it), with `mode`."""
    record = fmt.with_suffix(".sha256")
    record.write_text(f"{fmt.stem} {_sha(data)}\n")
    record.chmod(mode)


def _chown_record(fmt: Path, other: bytes) -> None:
    if os.geteuid() != 0:
        pytest.skip("needs root to give a file to another user")
    fmt.write_bytes(other)
    _record(fmt, other)
    os.chown(fmt.with_suffix(".sha256"), 65534, 65534)


DAMAGE = {
    "another valid format": lambda fmt, other: fmt.write_bytes(other),
    "another format, record forged group-writable": lambda fmt, other: (
        fmt.write_bytes(other), _record(fmt, other, 0o664)),
    "another format, record forged by another user": _chown_record,
    "another format, record copied from another key": lambda fmt, other: (
        fmt.write_bytes(other), fmt.with_suffix(".sha256").write_text(
            f"{'0' * len(fmt.stem)} {_sha(other)}\n")),
    "another format, record a link to a file vouching for it": lambda fmt, other: (
        fmt.write_bytes(other), _record(fmt.with_name("elsewhere.x"), other),
        fmt.with_name("elsewhere.sha256").rename(fmt.parent.parent / "elsewhere"),
        fmt.with_suffix(".sha256").unlink(),
        fmt.with_suffix(".sha256").symlink_to(fmt.parent.parent / "elsewhere")),
    "random bytes": lambda fmt, other: fmt.write_bytes(random.Random(1).randbytes(len(other))),
    "empty": lambda fmt, other: fmt.write_bytes(b""),
    "truncated": lambda fmt, other: fmt.write_bytes(fmt.read_bytes()[:len(other) // 2]),
    "record missing": lambda fmt, other: fmt.with_suffix(".sha256").unlink(missing_ok=True),
    "record garbage": lambda fmt, other: fmt.with_suffix(".sha256").write_bytes(b"\0" * 99),
    "a FIFO": lambda fmt, other: (fmt.unlink(), os.mkfifo(fmt)),
    "a folder": lambda fmt, other: (fmt.unlink(), fmt.mkdir()),
    "record a folder": lambda fmt, other: (fmt.with_suffix(".sha256").unlink(),
                                          fmt.with_suffix(".sha256").mkdir()),
}


@pytest.mark.parametrize("damage", DAMAGE)
def test_a_damaged_or_replaced_format_never_changes_or_fails_the_pdf(
        damage, cache, other_format, reference, tmp_path):
    formats = cache / "answerkey/formats"
    (fmt,) = formats.glob("*.fmt")
    DAMAGE[damage](fmt, other_format)
    assert _build(cache, tmp_path / "out") == reference
    assert _not_ours(formats) == []
    if "folder" not in damage:  # made again, with a record that vouches for it
        assert fmt.with_suffix(".sha256").read_text().split()[1] == _sha(fmt.read_bytes())


def test_a_format_that_verifies_but_does_not_load_is_compiled_without(
        cache, reference, tmp_path):
    # e.g. one made by another pdftex that happens to have the same identity
    (fmt,) = (cache / "answerkey/formats").glob("*.fmt")
    garbage = random.Random(2).randbytes(4096)
    fmt.write_bytes(garbage)
    _record(fmt, garbage)
    assert _build(cache, tmp_path / "out") == reference


def _unprivileged() -> list[str]:
    """A command prefix under which file permissions hold, also for root."""
    if os.geteuid() != 0:
        return []
    if shutil.which("setpriv") is None:
        pytest.skip("root without setpriv: permissions would not hold")
    return ["setpriv", "--bounding-set=-dac_override,-dac_read_search", "--"]


@pytest.mark.parametrize("warm_cache", [True, False], ids=["with a format", "empty"])
def test_a_read_only_cache_only_costs_speed(warm_cache, cache, reference, other_disk):
    formats = cache / "answerkey/formats"
    if not warm_cache:
        shutil.rmtree(formats)
        formats.mkdir()
    before = sorted(p.name for p in cache.rglob("*"))
    for folder in (formats, formats.parent, cache):
        folder.chmod(0o555)
    try:
        prefix = _unprivileged()
        probe = subprocess.run([*prefix, "touch", str(formats / "probe")], capture_output=True)
        assert probe.returncode != 0  # it really is read-only for the build
        assert _build(cache, other_disk, prefix=prefix) == reference
    finally:
        for folder in (cache, formats.parent, formats):
            folder.chmod(0o755)
    assert sorted(p.name for p in cache.rglob("*")) == before


def test_a_cache_that_cannot_be_made_only_costs_speed(tmp_path, reference):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder\n")
    assert _build(blocker, tmp_path / "out") == reference
    assert blocker.read_text() == "not a folder\n"


def test_output_on_another_file_system_leaves_nothing_in_the_cache(
        tmp_path, reference, other_disk):
    cache = tmp_path / "cache"
    for _ in range(2):  # the build that makes the format, then one that uses it
        assert _build(cache, other_disk) == reference
        formats = cache / "answerkey/formats"
        assert _not_ours(formats) == [] and len(list(formats.glob("*.fmt"))) == 1


def test_a_relative_answerkey_cache_is_taken_from_the_working_folder(tmp_path, reference):
    work = tmp_path / "work"
    work.mkdir()
    assert _build("rel-cache", tmp_path / "out", cwd=work) == reference
    assert len(list((work / "rel-cache/answerkey/formats").glob("*.fmt"))) == 1


def test_a_relative_xdg_cache_home_is_ignored(tmp_path, reference):
    work, home = tmp_path / "work", tmp_path / "home"
    work.mkdir(), home.mkdir()
    assert _build(None, tmp_path / "out", cwd=work, HOME=str(home),
                  XDG_CACHE_HOME="rel-xdg") == reference
    assert not (work / "rel-xdg").exists()
    assert len(list((home / ".cache/answerkey/formats").glob("*.fmt"))) == 1


def test_user_cache_is_absolute_and_resolved(tmp_path, monkeypatch):
    home, real = tmp_path / "home", tmp_path / "real"
    home.mkdir(), real.mkdir()
    (tmp_path / "link").symlink_to(real)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("ANSWERKEY_CACHE", raising=False)
    cases = [({"ANSWERKEY_CACHE": "rel"}, tmp_path / "rel"),
             ({"ANSWERKEY_CACHE": "./link/../rel"}, tmp_path / "rel"),
             ({"ANSWERKEY_CACHE": str(tmp_path / "link")}, real),
             ({"ANSWERKEY_CACHE": "rel", "XDG_CACHE_HOME": str(real)}, tmp_path / "rel"),
             ({"XDG_CACHE_HOME": "rel"}, home / ".cache"),
             ({"XDG_CACHE_HOME": "./x"}, home / ".cache"),
             ({"XDG_CACHE_HOME": str(tmp_path / "link")}, real),
             ({"XDG_CACHE_HOME": ""}, home / ".cache"),
             ({}, home / ".cache")]
    for env, root in cases:
        for name in ("ANSWERKEY_CACHE", "XDG_CACHE_HOME"):
            monkeypatch.delenv(name, raising=False)
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        assert user_cache("formats") == root.resolve() / "answerkey/formats", env


def test_files_left_half_written_by_a_killed_build_are_removed(cache, reference, tmp_path):
    formats = cache / "answerkey/formats"
    (fmt,) = formats.glob("*.fmt")
    dead = subprocess.Popen(["true"])
    dead.wait()  # a pid that no process has now
    left = [formats / f".{fmt.name}.{dead.pid}-0123abcd", formats / f".x.sha256.{dead.pid}-4567cdef"]
    alive = formats / f".{fmt.name}.{os.getpid()}-89abcdef"  # a build still writing
    for path in (*left, alive):
        path.write_bytes(b"half")
    fmt.write_bytes(b"")  # so that this build makes the format and stores it
    assert _build(cache, tmp_path / "out") == reference
    assert _not_ours(formats) == [alive.name]
