"""Worker processes (figures, variants) that stop with their parent and never print a
traceback for Ctrl-C: interrupting is the parent's job."""

from __future__ import annotations

import ctypes
import os
import signal
import sys

_PR_SET_PDEATHSIG = 1
_busy = False  # a variant worker is building: SIGTERM unwinds it so it cleans up


def _die_with_parent(sig: int, parent: int) -> None:
    """Have the kernel send `sig` when the parent exits (Linux), even by SIGKILL."""
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, sig, 0, 0, 0)
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)


def figure_worker(parent: int) -> None:
    """Initialiser of a figure worker: deaf to Ctrl-C and SIGTERM (the parent shuts the pool
    down, waiting for figures being drawn, which take a second at most), killed with it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    _die_with_parent(signal.SIGKILL, parent)


def variant_worker(parent: int) -> None:
    """Initialiser of a variant worker: Ctrl-C is left to the parent, which sends SIGTERM;
    SIGTERM (also when the parent dies) unwinds a build in progress, so its staging folder
    is removed and its LaTeX stopped, and ends an idle worker quietly."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _on_term)
    _die_with_parent(signal.SIGTERM, parent)


def _on_term(*_) -> None:
    signal.signal(signal.SIGTERM, signal.SIG_IGN)  # once: clean-up must not be interrupted
    if _busy:
        raise KeyboardInterrupt
    os._exit(0)


class Busy:
    """`with Busy():` marks the span in which SIGTERM unwinds instead of exiting."""

    def __enter__(self):
        global _busy
        _busy = True

    def __exit__(self, *exc):
        global _busy
        _busy = False


WORKER_MEMORY = 250 * 2**20  # a variant worker at its peak: Python, NumPy, pdflatex, a figure


def job_limit(jobs: int, log=None) -> int:
    """`jobs`, capped at what this machine can run at once: four processes per core, and
    as many as its available memory holds; the cap is announced through `log`."""
    cores = os.cpu_count() or 1
    limit = cores * 4
    available = _available_memory()
    if available is not None:
        limit = min(limit, max(1, available // WORKER_MEMORY))
    if jobs <= limit:
        return jobs
    if log is not None:
        memory = f", {available / 2**30:.1f} GiB of memory free" if available else ""
        log(f"note: -j {jobs} is more than this machine can run at once ({cores} cores"
            f"{memory}); using -j {limit}")
    return limit


def _available_memory() -> int | None:
    try:
        with open("/proc/meminfo", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return None
