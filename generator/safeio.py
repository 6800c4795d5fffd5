"""Reading files that somebody else may have put there: regular files only, bounded,
never blocking on a FIFO, links followed only when asked for."""

from __future__ import annotations

import os
import stat
from pathlib import Path

_KINDS = ((stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a named pipe (FIFO)"),
          (stat.S_ISCHR, "a device"), (stat.S_ISBLK, "a device"), (stat.S_ISSOCK, "a socket"))
MAX_SPEC_BYTES = 1_000_000  # a spec is hand-written; anything larger is refused before parsing
_FLAGS = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)


class Refused(Exception):
    """A file that was not read; the message says why ("it is a device, not a regular
    file", "it is larger than N bytes", or the system's reason)."""

    def __init__(self, reason: str, size: int | None = None):
        self.reason, self.size = reason, size
        super().__init__(reason)


def read_regular(path: Path, limit: int, *, links: bool = True, below: Path | None = None,
                 private: bool = False) -> bytes:
    """The bytes of the regular file `path`, at most `limit` of them (never more than
    limit + 1 are read, whatever the file claims). `links=False`: no link is followed, in
    the last component, or, with `below`, in any component from that folder down.
    `private`: only a file of the user's (or root's) that nobody else may write."""
    fds = []
    try:
        nofollow = 0 if links else os.O_NOFOLLOW
        if below is not None:
            fds.append(os.open(below, _FLAGS | os.O_DIRECTORY | nofollow))
            *folders, last = Path(path).relative_to(below).parts
            for part in folders:
                fds.append(os.open(part, _FLAGS | os.O_DIRECTORY | nofollow, dir_fd=fds[-1]))
            fds.append(os.open(last, _FLAGS | nofollow, dir_fd=fds[-1]))
        else:
            fds.append(os.open(path, _FLAGS | nofollow))
        info = os.fstat(fds[-1])
        if not stat.S_ISREG(info.st_mode):
            what = next((name for test, name in _KINDS if test(info.st_mode)), "not a file")
            raise Refused(f"it is {what}, not a regular file")
        if private and (info.st_uid not in (os.geteuid(), 0) or info.st_mode & 0o022):
            raise Refused("somebody else may have written it")
        chunks, size = [], 0
        while size <= limit:
            chunk = os.read(fds[-1], limit + 1 - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > limit:
            raise Refused(f"it is larger than {limit} bytes", max(size, info.st_size))
        return b"".join(chunks)
    except OSError as exc:
        raise Refused(exc.strerror or str(exc)) from None
    finally:
        for fd in fds:
            os.close(fd)


def read_or_none(path: Path, limit: int, **how) -> bytes | None:
    """`read_regular`, with None for a file that is refused."""
    try:
        return read_regular(path, limit, **how)
    except Refused:
        return None


def pid_alive(pid: int) -> bool:
    """Whether a process of that id exists (one of another user's counts as alive)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True
