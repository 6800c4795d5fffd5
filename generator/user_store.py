"""Files kept in the per-user cache (cache.user_cache), each entry vouched for by a record.

An entry is `<key>.<suffix>` files plus `<key>.sha256`: "<key> <sha256 of each file, in
order>\\n", written last and readable only when nobody but the user (or root) can have
written it. A file is used only when its bytes hash to what that record says: whatever else
lies in the folder (a replaced, truncated or random file, a swapped record, a FIFO) only means
a miss, and the caller makes the thing again. Writes are atomic (temporary name, then rename),
so a reader never sees half a file, and best effort: a cache that cannot be written only
means the next run makes it again.
"""

from __future__ import annotations

import glob
import os
import re
import secrets
from pathlib import Path

from .cache import sha256_bytes, user_cache
from .safeio import pid_alive, read_or_none

_TEMP = re.compile(r"\..+\.(\d+)-[0-9a-f]{8}")  # the temporary names write_new uses


def folder(name: str) -> Path | None:
    """The user cache's folder `name` (cache.user_cache), or None when there is none: no
    home folder, or a relative $ANSWERKEY_CACHE and no current folder."""
    try:
        return user_cache(name)
    except (OSError, RuntimeError):
        return None


def file_identity(path) -> str | None:
    """"path:size:mtime" of a file, what a cached thing made with it depends on (a new
    version of a program or a package changes it); None when there is no such file."""
    try:
        info = os.stat(path)
    except (OSError, TypeError):
        return None
    return f"{path}:{info.st_size}:{info.st_mtime_ns}"


def fetch(folder: Path, key: str, suffixes: tuple[str, ...], limit: int) -> list[bytes] | None:
    """The bytes of `key`'s files, one per suffix, when all match its record; else None."""
    record = read_or_none(folder / f"{key}.sha256", 100 + 65 * len(suffixes), links=False,
                          private=True)
    words = (record or b"").decode("ascii", "replace").removesuffix("\n").split(" ")
    if words[0] != key or len(words) != len(suffixes) + 1:  # a record moved from another key
        return None
    found = []
    for suffix, digest in zip(suffixes, words[1:]):
        data = read_or_none(folder / f"{key}.{suffix}", limit)
        if not data or sha256_bytes(data) != digest:
            return None
        found.append(data)
    return found


def keep(folder: Path, key: str, files: dict[str, bytes],
         max_entries: int | None = None) -> bool:
    """Store `key`'s files (suffix -> bytes), then the record vouching for them; False when
    the folder cannot be written. With `max_entries`, the folder keeps at most about that
    many entries: the oldest go first (see `prepare`)."""
    if not prepare(folder, max_entries):
        return False
    for suffix, data in files.items():
        if not write_new(folder / f"{key}.{suffix}", data):
            return False
    digests = " ".join(sha256_bytes(data) for data in files.values())
    return write_new(folder / f"{key}.sha256", f"{key} {digests}\n".encode())


_PREPARED: set[str] = set()


def prepare(folder: Path, max_entries: int | None = None) -> bool:
    """Make the folder (private to the user) and, once per process, remove what writes
    killed midway left and, beyond `max_entries` records, the oldest entries (down to
    three quarters of it: a cache that only grows would fill a home folder)."""
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        if str(folder) in _PREPARED:
            return True
        records = []
        for path in folder.iterdir():
            m = _TEMP.fullmatch(path.name)
            if m and not pid_alive(int(m.group(1))):
                path.unlink(missing_ok=True)
            elif path.suffix == ".sha256":
                records.append(path)
        if max_entries is not None and len(records) > max_entries:
            records.sort(key=lambda p: p.stat().st_mtime_ns)
            for record in records[: len(records) - max_entries * 3 // 4]:
                record.unlink(missing_ok=True)  # the record first: then nothing vouches
                for path in folder.glob(f"{glob.escape(record.stem)}.*"):
                    path.unlink(missing_ok=True)
        _PREPARED.add(str(folder))
    except OSError:
        return False
    return True


def write_new(target: Path, data: bytes | None = None, link: Path | None = None) -> bool:
    """Put `data` (or a hard link to `link`) at `target` atomically: a reader of the old
    file keeps reading it whole. False when the folder does not allow it."""
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
