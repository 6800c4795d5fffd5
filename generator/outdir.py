"""Output folders: which ones are answerkey's, replacing them whole, one run at a time.

answerkey writes only into folders it made itself. Each one holds the mark file `.answerkey`
(outputs of earlier versions: their cache record), and answerkey replaces or deletes a folder
only when it carries the mark and holds nothing but what answerkey writes there. Into a
folder it did not make (the `-o` root, say) it writes only names of its own: `<stem>/`, a
staging folder `.answerkey-<pid>-<hex>` and, for a moment, `.<stem>.old-<pid>`.
"""

from __future__ import annotations

import errno
import fcntl
import os
import re
import secrets
import shutil
import sys
from contextlib import contextmanager
from pathlib import Path

from .cache import CACHE_FILE as LEGACY_MARK  # every output folder of answerkey 0.1 has one
from .cache import MARK, OUTPUT_NAME
from .cache import read as read_record
from .errors import BuildError, Location, Problem, SpecError, printable
from .safeio import pid_alive

_MARK_TEXT = "This folder was made by answerkey, which may replace or delete it.\n"

STEM = re.compile(r"[^\W_][\w .+-]{0,99}")
STAGING = re.compile(r"\.answerkey-(\d+)-[0-9a-f]{8}")
MOVED_ASIDE = re.compile(r"\.(.+)\.old-(\d+)")


VARIANTS = "variants"  # the subfolder `answerkey variants` fills; a rebuild keeps it
MANIFEST = "variants.csv"  # beside the variant folders, with every variant merged for print:
MERGED = {"answer-key.pdf": "all-keys.pdf", "handout.pdf": "all-handouts.pdf"}
VARIANT_ROOT_FILES = (MANIFEST, *MERGED.values())  # what `variants/` holds besides folders
TEMP_FILE = re.compile(r"\.(?:" + "|".join(map(re.escape, VARIANT_ROOT_FILES)) + r")\.(\d+)\.tmp")


def temp_name(folder: Path, name: str) -> Path:
    """Where `name` is written before it is renamed into place (recovery knows the name)."""
    return folder / f".{name}.{os.getpid()}.tmp"


def stem_problem(spec_path: str) -> Problem | None:
    """Why a spec's file name cannot name its output folder (None: it can)."""
    stem = Path(spec_path).stem
    if STEM.fullmatch(stem) and not stem.endswith(" "):
        return None
    name = printable(Path(spec_path).name)
    return Problem(Location(str(spec_path)), f"the file name '{name}' cannot name an output "
                   "folder: rename the spec so that its name starts with a "
                   "letter or digit and holds only letters, digits, spaces and . _ + -")


def check_stems(spec_paths) -> None:
    """SpecError for every unusable file name, and for two specs with the same stem."""
    problems, seen = [], {}
    for path in spec_paths:
        problem = stem_problem(str(path))
        if problem:
            problems.append(problem)
            continue
        stem = Path(path).stem
        if stem in seen and Path(seen[stem]).resolve() != Path(path).resolve():
            problems.append(Problem(Location(str(path)), f"has the same output folder "
                                    f"'{stem}/' as {seen[stem]}: rename one of them"))
        seen.setdefault(stem, str(path))
    if problems:
        raise SpecError(problems)


def is_marked(folder: Path) -> bool:
    """Whether `folder` is a real folder (not a link) that answerkey made."""
    if folder.is_symlink() or not folder.is_dir():
        return False
    return any((folder / m).is_file() and not (folder / m).is_symlink()
               for m in (MARK, LEGACY_MARK))


def make_folder(folder: Path, exist_ok: bool = True) -> Path:
    """Create `folder` (and its parents) and mark it as answerkey's."""
    folder.mkdir(parents=True, exist_ok=exist_ok)
    (folder / MARK).write_text(_MARK_TEXT, encoding="utf-8")
    return folder


def foreign_entries(folder: Path, variant_root: bool = False) -> list[str]:
    """The entries of an answerkey folder that answerkey did not write: in an output folder,
    all but its mark, its cache record, the files that record lists (when the record is
    damaged: the files named as a build names its outputs) and a marked `variants/`; in a
    `variants/` folder, all but its mark, the manifest, the merged PDFs and marked folders.
    Links and anything that is not a regular file or folder are always foreign."""
    ours: set | None = None
    if not variant_root:
        ours = set(read_record(folder).get("files", {})) or None  # None: judge by the name
    foreign = []
    for entry in sorted(os.scandir(folder), key=lambda e: e.name):
        name = entry.name
        if entry.is_symlink():
            foreign.append(name)
        elif entry.is_dir(follow_symlinks=False):
            if is_marked(Path(entry.path)) and (variant_root or name == VARIANTS):
                continue
            if name == "figures" and not variant_root:
                foreign += [f"figures/{e.name}" for e in sorted(os.scandir(entry.path),
                                                                 key=lambda e: e.name)
                            if e.is_symlink() or not e.is_file()
                            or not _ours(f"figures/{e.name}", ours)]
            else:
                foreign.append(name)
        elif not entry.is_file(follow_symlinks=False):
            foreign.append(name)
        elif name in (MARK, LEGACY_MARK):
            continue
        elif not (name in VARIANT_ROOT_FILES if variant_root else _ours(name, ours)):
            foreign.append(name)
    return foreign


def _ours(name: str, recorded: set | None) -> bool:
    return name in recorded if recorded is not None else bool(OUTPUT_NAME.fullmatch(name))


def check_replaceable(target: Path, force: bool, variant_root: bool = False) -> None:
    """SpecError unless `target` is absent or answerkey's own to replace."""
    if not (target.exists() or target.is_symlink()):
        return
    if not is_marked(target):
        what = "is a link" if target.is_symlink() else "is a file" if not target.is_dir() \
            else "was not made by answerkey"
        raise SpecError([Problem(Location(f"{target}/"), f"{what}, and answerkey replaces only "
                                 "folders it made: move it away or choose another -o")])
    foreign = foreign_entries(target, variant_root)
    if foreign and not force:
        shown = ", ".join(foreign[:3]) + (f" and {len(foreign) - 3} more" if len(foreign) > 3
                                          else "")
        raise SpecError([Problem(Location(f"{target}/"), f"holds {shown}, which answerkey did "
                                 "not write: move it away, or pass --force to replace the "
                                 "folder and delete it")])


def staging_name(parent: Path) -> Path:
    """The name of a fresh staging folder in `parent`, in the format recovery knows. The
    caller names it before making it (`make_folder`), so that a signal arriving at any
    moment still finds it to remove."""
    return parent / f".answerkey-{os.getpid()}-{secrets.token_hex(4)}"


def replace(new: Path, target: Path) -> Path:
    """Put `new` at `target` with renames on one file system; the old folder goes last,
    after its `variants/` (answerkey's, not the build's) has moved into the new one."""
    old = None
    if target.exists() or target.is_symlink():
        old = target.with_name(f".{target.name}.old-{os.getpid()}")
        target.rename(old)
    try:
        new.rename(target)
    except BaseException:
        if old is not None:
            old.rename(target)
        raise
    if old is not None:
        _keep_variants(old, target)
        shutil.rmtree(old)
    return target


def _keep_variants(old: Path, new: Path) -> None:
    if is_marked(old / VARIANTS) and not (new / VARIANTS).exists():
        (old / VARIANTS).rename(new / VARIANTS)


def recover_interrupted(parent: Path) -> None:
    """Clean up after a run that was killed (SIGKILL, power loss): remove its staging
    folders and put back an output it had moved aside. Only names answerkey makes, marked
    as answerkey's, and of processes no longer running, are touched."""
    for path in parent.iterdir():
        staging, aside = STAGING.fullmatch(path.name), MOVED_ASIDE.fullmatch(path.name)
        temp = TEMP_FILE.fullmatch(path.name)
        match = staging or aside or temp
        pid = int(match.group(match.lastindex)) if match else None
        if pid is None or pid == os.getpid() or pid_alive(pid) or path.is_symlink():
            continue
        if temp:
            if path.is_file():
                path.unlink()
        elif staging:
            if is_marked(path):
                shutil.rmtree(path, ignore_errors=True)
            elif path.is_dir() and not any(path.iterdir()):
                path.rmdir()  # killed between mkdir and its mark
        elif STEM.fullmatch(aside.group(1)) and is_marked(path):
            target = parent / aside.group(1)
            if not (target.exists() or target.is_symlink()):
                path.rename(target)
            elif not foreign_entries(path):  # else it holds somebody's files: left alone
                _keep_variants(path, target)
                shutil.rmtree(path, ignore_errors=True)


@contextmanager
def locked(folder: Path, log=None):
    """Hold an exclusive lock on `folder` (an flock on the folder itself, which leaves no
    file behind); a second run into the same folder waits for the first."""
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            (log or _stderr)(f"waiting for another answerkey run writing into {folder}/ ...")
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the lock


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def output_root(root: Path) -> Path:
    """The `-o` folder, created if missing; SpecError when it cannot be one."""
    if root.is_symlink() and not root.exists():
        raise SpecError([Problem.usage(f"-o {root}: a link to {os.readlink(root)}, "
                                       "which does not exist")])
    if root.exists() and not root.is_dir():
        raise SpecError([Problem.usage(f"-o {root}: a file, not a folder")])
    try:
        root.mkdir(parents=True, exist_ok=True)
    except (NotADirectoryError, FileExistsError):
        raise SpecError([Problem.usage(f"-o {root}: a file stands where a folder of this "
                                       "path should be")]) from None
    except OSError as exc:
        raise environment_error(exc, f"cannot create the output folder {root}/") from None
    return root


def environment_error(exc: OSError, doing: str) -> BuildError:
    """One line for a file-system failure: what was being done, and why it failed."""
    reason = {errno.ENOSPC: "the disk is full", errno.EDQUOT: "the disk quota is exceeded",
              errno.EROFS: "the file system is read-only",
              errno.EACCES: "permission denied", errno.EPERM: "permission denied",
              errno.ENOENT: "a folder disappeared while answerkey was writing"}.get(
                  exc.errno, exc.strerror or str(exc))
    where = f" ({exc.filename})" if exc.filename else ""
    return BuildError(f"{doing}: {reason}{where}")
