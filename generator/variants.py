"""`answerkey variants`: one complete, traceable key and handout per variant or per student."""

from __future__ import annotations

import csv
import hashlib
import json
import math
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import warnings
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from contextlib import nullcontext, suppress
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path

from . import FORMATS, __version__, cache, outdir
from .errors import AnswerkeyError, SpecError
from .outdir import MANIFEST, MERGED, VARIANTS
from .roster import read_roster
from .workers import Busy, job_limit, variant_worker


@dataclass(frozen=True)
class Task:
    """One variant to build (picklable: it crosses into a worker process)."""

    spec: str
    overrides: tuple
    index: int
    student: str | None
    target: str
    formats: tuple
    force: bool
    latex_jobs: int
    student_name: str | None = None  # printed on the handout; the values depend on the id only


@dataclass(frozen=True)
class VariantResult:
    """What became of one variant (picklable: it comes back from a worker process): built
    into `folder`, with the spec's located `warnings`; failed, with the `error` lines and
    the `exit_code` they call for; or `interrupted`."""

    index: int
    folder: str | None = None
    up_to_date: bool = False
    warnings: tuple[str, ...] = ()
    error: tuple[str, ...] = ()
    exit_code: int = 0
    interrupted: bool = False


def build_variant(task: Task) -> VariantResult:
    """Build one variant (in a worker); errors come back as data, not exceptions."""
    from .build import build_specs
    from .spec import load_spec

    try:
        with Busy(), warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")  # sent to the parent, which prints each once
            spec = load_spec(task.spec, task.overrides, task.index, task.student,
                             task.student_name)
            row = manifest_row(spec, task)
            outcome = build_specs([spec], [Path(task.target)], task.formats, task.force,
                                  task.latex_jobs, lock=False, record_extra={"variant": row})[0]
    except AnswerkeyError as exc:
        lines = [str(p) for p in exc.problems] if isinstance(exc, SpecError) else [str(exc)]
        return VariantResult(task.index, error=tuple(lines), exit_code=exc.exit_code)
    except KeyboardInterrupt:
        return VariantResult(task.index, interrupted=True)
    return VariantResult(task.index, task.target, outcome.up_to_date, tuple(
        str(w.message) for w in caught if getattr(w.category, "located", 0)))


def manifest_row(spec, task: Task) -> dict:
    """What variants.csv says of one variant (kept in its folder's cache record, so that the
    manifest can always be made from the folders present)."""
    drawn = {f"{q.id}.{name}": value for q in spec.questions for name, value in q.drawn.items()}
    return {"id": Path(task.target).name, "index": task.index, "seed": spec.seed,
            "spec_sha256": spec.source_hash, "answerkey_version": __version__,
            "drawn": drawn}


class Progress:
    """A one-line progress bar on a terminal; silent otherwise."""

    def __init__(self, total: int, stream=sys.stderr):
        self.total, self.done, self.stream = total, 0, stream
        self.active = stream.isatty()
        self.start = time.monotonic()

    def step(self) -> None:
        self.done += 1
        if not self.active:
            return
        width = 30
        filled = width * self.done // self.total
        elapsed = time.monotonic() - self.start
        left = elapsed / self.done * (self.total - self.done)
        self.stream.write(f"\rvariants {self.done:>{len(str(self.total))}}/{self.total} "
                          f"[{'#' * filled}{'.' * (width - filled)}] {left:5.0f} s left ")
        self.stream.flush()

    def close(self) -> None:
        if self.active:
            self.stream.write("\n")


@dataclass
class Summary:
    """What a run's report needs, gathered as the results come in (the results themselves
    are not kept, so that a run's memory does not grow with its number of variants)."""

    total: int
    progress: Progress
    received: int = 0
    placed: int = 0  # variants whose folder is in place, built or up to date
    up_to_date: int = 0
    interrupted: bool = False
    build_failed: bool = False  # an error that calls for exit 1 (not 2)
    warnings: dict[str, None] = field(default_factory=dict)  # each line once, in order
    errors: dict[str, None] = field(default_factory=dict)

    def add(self, result: VariantResult) -> None:
        """Count one variant's result and advance the progress bar."""
        self.received += 1
        self.placed += result.folder is not None
        self.up_to_date += result.up_to_date
        self.interrupted |= result.interrupted
        self.build_failed |= result.exit_code == 1
        self.warnings.update(dict.fromkeys(result.warnings))
        self.errors.update(dict.fromkeys(result.error))
        self.progress.step()

    @property
    def complete(self) -> bool:
        """Every variant of the run is in place."""
        return self.placed == self.total


def make_variants(spec: str, count: int | None, out_root: Path, jobs: int | None = None,
                  seed: int | None = None, roster: Path | None = None, overrides=(),
                  formats=FORMATS, force: bool = False, log=print,
                  cluster: str | None = None) -> Summary:
    """Build every variant into out_root/<stem>/variants/<NNN or id>/ plus the manifest,
    which always lists exactly the variant folders present, whatever stops the run. With
    `cluster` (a Dask scheduler's address), the variants are built by its workers."""
    from .spec import load_spec

    outdir.check_stems([spec])
    overrides = tuple(overrides) + ((f"seed={seed}",) if seed is not None else ())
    with warnings.catch_warnings():  # each variant's own warnings are printed, once
        warnings.simplefilter("ignore")
        load_spec(spec, overrides)  # every problem of the spec itself, before any work starts
    students = read_roster(roster) if roster else None
    count = len(students) if students else count
    if cluster is None:
        jobs = job_limit(jobs or os.cpu_count() or 1, log=lambda m: print(m, file=sys.stderr))
        session = nullcontext()
    else:
        from .cluster import connected

        session = connected(cluster)
    with session as client:  # before any folder is made: the scheduler may be out of reach
        root = outdir.output_root(out_root)
        try:
            with outdir.locked(root):
                return _make_locked(spec, count, root, jobs, students, overrides, formats,
                                    force, log, client)
        except OSError as exc:
            raise outdir.environment_error(exc, f"cannot write the variants into {root}/") \
                from None


def _make_locked(spec, count, root, jobs, students, overrides, formats, force, log, client):
    home = root / Path(spec).stem
    folder = home / VARIANTS
    for made in (home, folder):
        if outdir.is_marked(made):
            continue
        outdir.check_replaceable(made, force)  # absent, or refused: never somebody's folder
        outdir.make_folder(made)
    outdir.recover_interrupted(folder)
    outdir.check_replaceable(folder, force, variant_root=True)
    width = max(3, len(str(count - 1)))
    names = [s.id for s in students] if students else [f"{k:0{width}d}" for k in range(count)]
    expected = set(names)
    stale = [p for p in folder.iterdir() if p.name not in expected and p.is_dir() and
             not p.is_symlink() and outdir.is_marked(p)]
    for old in stale:  # removed after a complete run: refused now if a user's files are in it
        outdir.check_replaceable(old, force)
    # -j bounds all concurrency, LaTeX's and the figures' too: variants run side by side, and
    # only when there are fewer variants than jobs does each get more than one process. On a
    # cluster, each worker process builds one variant at a time, its LaTeX runs one by one.
    inner = 1 if client else max(1, jobs // max(1, count))
    tasks = (Task(spec, overrides, k, students[k].id if students else None, str(folder / name),
                  tuple(formats), force, inner, students[k].name if students else None)
             for k, name in enumerate(names))  # made one at a time, as they are submitted
    started = time.monotonic()
    summary = Summary(count, Progress(count))
    try:
        if client:
            from .cluster import run_on_cluster

            where = run_on_cluster(client, spec, tasks, summary, folder)
        else:
            _run(tasks, min(jobs, max(1, count)), summary, formats)
            where = f"with -j {jobs}"
        if summary.complete:  # folders of an earlier run that this one does not have
            for old in stale:
                shutil.rmtree(old)
    finally:
        summary.progress.close()
        merge_pdfs(folder, write_manifest(folder), log)
    for line in summary.warnings:
        print(line, file=sys.stderr)  # a warning of every variant: once
    if summary.interrupted or summary.received < count:
        raise KeyboardInterrupt(f"{summary.placed} of {count} variants complete; "
                                "none half-written")
    if summary.errors:
        if summary.build_failed:
            raise AnswerkeyError("\n".join(summary.errors))
        raise SpecError(list(summary.errors))
    fresh = summary.up_to_date
    log(f"{count} variants in {time.monotonic() - started:.1f} s {where} "
        f"({count - fresh} built, {fresh} up to date) -> {folder}/ (manifest: {MANIFEST})")
    return summary


WINDOW = 2  # variants handed to each worker ahead of time: enough to keep it busy


def _run(tasks: Iterator[Task], jobs: int, summary: Summary, formats) -> None:
    """Build the variants in `jobs` local processes (or in this one), at most WINDOW per
    process submitted at a time."""
    if jobs == 1:
        for task in tasks:
            summary.add(build_variant(task))
            if summary.interrupted:
                return
        return
    from .render import preload

    preload(formats)  # once here rather than once per worker
    with ProcessPoolExecutor(jobs, mp_context=get_context("fork"), initializer=variant_worker,
                             initargs=(os.getpid(),)) as pool:
        pending: set[Future] = set()
        try:
            for task in tasks:
                pending.add(pool.submit(build_variant, task))
                if len(pending) >= WINDOW * jobs:
                    _collect(pending, summary)
            while pending:
                _collect(pending, summary)
        except KeyboardInterrupt:
            # Variants being built are stopped and discarded whole (their workers unwind
            # on SIGTERM); those already in place stay.
            for future in pending:
                future.cancel()
            for pid in list(pool._processes or ()):
                with suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGTERM)
            pool.shutdown(wait=True, cancel_futures=True)
            for future in pending:
                if future.done() and not future.cancelled() and future.exception() is None:
                    summary.add(future.result())
            summary.interrupted = True


def _collect(pending: set[Future], summary: Summary) -> None:
    """Wait for at least one of the `pending` variants and count every one that is done."""
    done, _ = wait(pending, return_when=FIRST_COMPLETED)
    for future in done:
        pending.discard(future)
        summary.add(future.result())


def write_manifest(folder: Path) -> list[str]:
    """variants.csv, made from the variant folders present: id, index, seed, spec hash,
    version and every drawn parameter (a folder without a readable record: its id only;
    a hidden one, such as the staging folder a dead cluster worker left, is no variant).
    Each record is read twice, once to order the rows and find the columns, then to write
    its row, so that only a key per variant is held in memory. Returns the ids in the
    manifest's order."""
    order, params = [], set()
    for path in sorted(p for p in folder.iterdir()
                       if not p.name.startswith(".") and p.is_dir() and outdir.is_marked(p)):
        row = _row(path)
        order.append((row.get("index", math.inf), row["id"]))
        params.update(row["drawn"])
    order.sort()
    columns = sorted(params)
    tmp = outdir.temp_name(folder, MANIFEST)
    with tmp.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow([*_COLUMNS, *columns])
        for _, name in order:
            r = _row(folder / name)
            writer.writerow([r.get(c, "") for c in _COLUMNS] + [
                json.dumps(r["drawn"][p]) if p in r["drawn"] else "" for p in columns])
    tmp.replace(folder / MANIFEST)
    return [name for _, name in order]


def _row(path: Path) -> dict:
    """A variant folder's row of the manifest, from its cache record."""
    row = cache.read(path).get("variant")
    return row if _valid_row(row, path.name) else {"id": path.name, "drawn": {}}


def merge_pdfs(folder: Path, ids: list[str], log=print) -> None:
    """all-keys.pdf and all-handouts.pdf: the PDF of every variant present, in the
    manifest's order, for printing (poppler's pdfunite); removed when no variant has one."""
    for name, merged in MERGED.items():
        parts = [folder / i / name for i in ids if (folder / i / name).is_file()]
        target = folder / merged
        if not parts:
            target.unlink(missing_ok=True)
            continue
        if shutil.which("pdfunite") is None:
            log(f"note: {merged} not written: pdfunite (Debian's poppler-utils) is missing")
            target.unlink(missing_ok=True)
            continue
        tmp = outdir.temp_name(folder, merged)
        try:
            if len(parts) == 1:
                shutil.copyfile(parts[0], tmp)
            else:
                _unite(parts, tmp, folder)
            _deterministic_id(tmp, parts)
            tmp.replace(target)
        except subprocess.CalledProcessError as exc:
            tmp.unlink(missing_ok=True)
            raise AnswerkeyError(f"cannot merge the variants into {merged}: "
                                 f"{exc.stderr.decode(errors='replace').strip()}") from None


UNITE_AT_ONCE = 500  # pdfunite holds every input open: stay below the usual 1024 files


def _unite(parts: list[Path], target: Path, folder: Path) -> None:
    """pdfunite `parts` into `target`; more than UNITE_AT_ONCE are merged in groups first,
    in a staging folder of `folder` (so that recovery removes it after a kill)."""
    if len(parts) <= UNITE_AT_ONCE:
        subprocess.run(["pdfunite", *map(str, parts), str(target)], check=True,
                       capture_output=True, stdin=subprocess.DEVNULL)
        return
    staging = outdir.staging_name(folder)
    try:
        outdir.make_folder(staging, exist_ok=False)
        groups = []
        for n in range(0, len(parts), UNITE_AT_ONCE):
            groups.append(staging / f"{n // UNITE_AT_ONCE}.pdf")
            _unite(parts[n:n + UNITE_AT_ONCE], groups[-1], folder)
        _unite(groups, target, folder)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


_COLUMNS = ("id", "index", "seed", "spec_sha256", "answerkey_version")


# pdfunite gives the merged file a new /ID each run; the same parts should give the same bytes.
_TRAILER_ID = re.compile(rb"/ID\s*\[\s*\((?:\\.|[^\\)])*\)\s*\((?:\\.|[^\\)])*\)\s*\]", re.S)
_TAIL = 4096  # the trailer is in the file's last bytes


def _deterministic_id(merged: Path, parts: list[Path]) -> None:
    """Replace the last /ID of `merged` (in its trailer, after every object the cross-
    reference table locates) by one derived from the parts' bytes; only the tail of the
    file is read and rewritten, and the parts are hashed one at a time."""
    with merged.open("r+b") as handle:
        start = max(0, handle.seek(0, os.SEEK_END) - _TAIL)
        handle.seek(start)
        tail = handle.read()
        found = list(_TRAILER_ID.finditer(tail))
        if not found:
            return
        digest = hashlib.sha256()
        for part in parts:
            with part.open("rb") as data:
                while block := data.read(1 << 20):
                    digest.update(block)
        token = digest.hexdigest()[:32].encode()
        m = found[-1]
        handle.seek(start + m.start())
        handle.write(b"/ID [<" + token + b"> <" + token + b">]" + tail[m.end():])
        handle.truncate()


def _valid_row(row, name: str) -> bool:
    return (isinstance(row, dict) and row.get("id") == name
            and isinstance(row.get("index"), int) and isinstance(row.get("seed"), int)
            and all(isinstance(row.get(k), str) for k in ("spec_sha256", "answerkey_version"))
            and isinstance(row.get("drawn"), dict))
