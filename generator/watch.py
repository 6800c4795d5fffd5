"""`build --watch`: build, then rebuild whenever a spec or a file next to it changes.

A spec error or a failed build is printed as the build prints it, located, and the watch goes
on; only Ctrl-C (or SIGTERM/SIGHUP) ends it. Each rebuild is the ordinary incremental build,
so a question whose inputs did not change is reused, not solved or compiled again. The
folders of the specs and their course folders are watched recursively (a course's project
file, preamble, logo and templates live there), apart from the output root, hidden entries and
editors' temporary files.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from .errors import AnswerkeyError, SpecError

# An editor's backup, swap or lock file is not an edit of the course's files.
_TEMPORARY = ("~", ".swp", ".swx", ".tmp", ".part", ".crdownload")


def _relevant(path: Path, output: Path, roots: list[Path]) -> bool:
    """True for a change answerkey should rebuild on: not in the output, not hidden or temporary."""
    if path == output or output in path.parents:
        return False
    root = next((r for r in roots if r == path or r in path.parents), None)
    parts = path.relative_to(root).parts if root else path.parts[-1:]
    return not any(p.startswith((".", "#")) for p in parts) and not path.name.endswith(_TEMPORARY)


def watch(specs: Iterable[str], output: Path, build_once: Callable[[], object],
          report: Callable[[Exception], int], log: Callable[[str], None] | None = None,
          stop=None) -> int:
    """Run build_once now and after every relevant change, until interrupted (KeyboardInterrupt
    propagates: the CLI prints its line and exits 130); a build's error goes to `report`
    (cli.report: printed as `build` prints it, with its exit code). `stop` (a
    threading.Event) ends the watch too, for tests."""
    from watchfiles import watch as changes  # imported only when watching

    log = log or (lambda line: print(line, flush=True))
    roots = watched_folders(specs)
    output = output.resolve()
    _attempt(build_once, report, log)
    log(f"watching {', '.join(str(r) for r in roots)} for changes (Ctrl-C stops)")
    for batch in changes(*roots, stop_event=stop, debounce=300, step=50,
                         watch_filter=lambda _, p: _relevant(Path(p), output, roots)):
        changed = sorted({Path(p).name for _, p in batch})
        log(f"{time.strftime('%H:%M:%S')} changed: {', '.join(changed)}")
        _attempt(build_once, report, log)
    return 0


def watched_folders(specs: Iterable[str]) -> list[Path]:
    """Each spec's folder, and the course folder of its project file (answerkey.yaml) when
    that is higher up: the files a style names live in one of them."""
    from .style import project_places

    folders = set()
    for spec in specs:
        folder = Path(spec).resolve().parent
        folders.add(folder)
        project = next((p for p in project_places(folder) if os.path.lexists(p)), None)
        if project:
            folders.add(project.parent)
    # a folder inside another watched one is watched already
    return sorted(f for f in folders if not any(g in f.parents for g in folders))


def _attempt(build_once: Callable[[], object], report: Callable[[Exception], int],
             log: Callable[[str], None]) -> None:
    """One build; its errors are reported, never raised."""
    try:
        build_once()
    except (AnswerkeyError, OSError) as exc:
        spec_error = isinstance(exc, SpecError)
        report(exc)
        log("not built: fix the spec and save it again" if spec_error
            else "not built: the previous output is kept")
    sys.stdout.flush()
