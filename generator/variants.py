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
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import suppress
from dataclasses import dataclass
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


def make_variants(spec: str, count: int | None, out_root: Path, jobs: int | None = None,
                  seed: int | None = None, roster: Path | None = None, overrides=(),
                  formats=FORMATS, force: bool = False, log=print) -> list[VariantResult]:
    """Build every variant into out_root/<stem>/variants/<NNN or id>/ plus the manifest,
    which always lists exactly the variant folders present, whatever stops the run."""
    from .spec import load_spec

    outdir.check_stems([spec])
    overrides = tuple(overrides) + ((f"seed={seed}",) if seed is not None else ())
    with warnings.catch_warnings():  # each variant's own warnings are printed, once
        warnings.simplefilter("ignore")
        load_spec(spec, overrides)  # every problem of the spec itself, before any work starts
    students = read_roster(roster) if roster else None
    count = len(students) if students else count
    root = outdir.output_root(out_root)
    jobs = job_limit(jobs or os.cpu_count() or 1, log=lambda m: print(m, file=sys.stderr))
    try:
        with outdir.locked(root):
            return _make_locked(spec, count, root, jobs, students, overrides, formats, force,
                                log)
    except OSError as exc:
        raise outdir.environment_error(exc, f"cannot write the variants into {root}/") from None


def _make_locked(spec, count, root, jobs, students, overrides, formats, force, log):
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
    # -j bounds all concurrency, LaTeX's and the figures' too: variants run side by side, and
    # only when there are fewer variants than jobs does each get more than one process.
    inner = max(1, jobs // max(1, count))
    tasks = [Task(spec, overrides, k, students[k].id if students else None,
                  str(folder / (students[k].id if students else f"{k:0{width}d}")),
                  tuple(formats), force, inner, students[k].name if students else None)
             for k in range(count)]
    names = {Path(t.target).name for t in tasks}
    stale = [p for p in folder.iterdir() if p.name not in names and p.is_dir() and
             not p.is_symlink() and outdir.is_marked(p)]
    for old in stale:  # removed after a complete run: refused now if a user's files are in it
        outdir.check_replaceable(old, force)
    started = time.monotonic()
    results: list[VariantResult] = []
    complete = False
    try:
        results = _run(tasks, min(jobs, max(1, count)))
        complete = len(results) == len(tasks) and all(r.folder for r in results)
        if complete:  # folders of an earlier run that this one does not have
            for old in stale:
                shutil.rmtree(old)
    finally:
        merge_pdfs(folder, write_manifest(folder), log)
    for line in dict.fromkeys(w for r in results for w in r.warnings):
        print(line, file=sys.stderr)  # a warning of every variant: once
    errors = [line for r in results for line in r.error]
    if any(r.interrupted for r in results) or len(results) < len(tasks):
        done = sum(1 for r in results if r.folder)
        raise KeyboardInterrupt(f"{done} of {count} variants complete; none half-written")
    if errors:
        lines = list(dict.fromkeys(errors))  # the same problem in many variants: once
        if any(r.exit_code == 1 for r in results):
            raise AnswerkeyError("\n".join(lines))
        raise SpecError(lines)
    results.sort(key=lambda r: r.index)
    fresh = sum(r.up_to_date for r in results)
    log(f"{count} variants in {time.monotonic() - started:.1f} s with -j {jobs} "
        f"({count - fresh} built, {fresh} up to date) -> {folder}/ (manifest: {MANIFEST})")
    return results


def _run(tasks: list[Task], jobs: int) -> list[VariantResult]:
    progress = Progress(len(tasks))
    results: list[VariantResult] = []
    try:
        if jobs == 1:
            for task in tasks:
                results.append(build_variant(task))
                progress.step()
                if results[-1].interrupted:
                    break
            return results
        from .render import preload

        preload(tasks[0].formats)  # once here rather than once per worker
        with ProcessPoolExecutor(jobs, mp_context=get_context("fork"), initializer=variant_worker,
                                 initargs=(os.getpid(),)) as pool:
            futures = [pool.submit(build_variant, t) for t in tasks]
            try:
                for future in as_completed(futures):
                    results.append(future.result())
                    progress.step()
            except KeyboardInterrupt:
                # Variants being built are stopped and discarded whole (their workers unwind
                # on SIGTERM); those already in place stay.
                for future in futures:
                    future.cancel()
                for pid in list(pool._processes or ()):
                    with suppress(ProcessLookupError):
                        os.kill(pid, signal.SIGTERM)
                pool.shutdown(wait=True, cancel_futures=True)
                done = [f for f in futures if f.done() and not f.cancelled()
                        and f.exception() is None]
                results = [f.result() for f in done]
                results.append(VariantResult(-1, interrupted=True))
        return results
    finally:
        progress.close()


def write_manifest(folder: Path) -> list[str]:
    """variants.csv, made from the variant folders present: id, index, seed, spec hash,
    version and every drawn parameter (a folder without a readable record: its id only).
    Returns the ids in the manifest's order."""
    rows = []
    for path in sorted(p for p in folder.iterdir() if p.is_dir() and outdir.is_marked(p)):
        row = cache.read(path).get("variant")
        rows.append(row if _valid_row(row, path.name) else {"id": path.name, "drawn": {}})
    rows.sort(key=lambda r: (r.get("index", math.inf), r["id"]))
    params = sorted({name for r in rows for name in r["drawn"]})
    tmp = outdir.temp_name(folder, MANIFEST)
    with tmp.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow([*_COLUMNS, *params])
        for r in rows:
            writer.writerow([r.get(c, "") for c in _COLUMNS] + [
                json.dumps(r["drawn"][p]) if p in r["drawn"] else "" for p in params])
    tmp.replace(folder / MANIFEST)
    return [r["id"] for r in rows]


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
                subprocess.run(["pdfunite", *map(str, parts), str(tmp)], check=True,
                               capture_output=True, stdin=subprocess.DEVNULL)
            _deterministic_id(tmp, parts)
            tmp.replace(target)
        except subprocess.CalledProcessError as exc:
            tmp.unlink(missing_ok=True)
            raise AnswerkeyError(f"cannot merge the variants into {merged}: "
                                 f"{exc.stderr.decode(errors='replace').strip()}") from None


_COLUMNS = ("id", "index", "seed", "spec_sha256", "answerkey_version")


# pdfunite gives the merged file a new /ID each run; the same parts should give the same bytes.
_TRAILER_ID = re.compile(rb"/ID\s*\[\s*\((?:\\.|[^\\)])*\)\s*\((?:\\.|[^\\)])*\)\s*\]", re.S)


def _deterministic_id(merged: Path, parts: list[Path]) -> None:
    """Replace the last /ID of `merged` (in its trailer, after every object the cross-
    reference table locates) by one derived from the parts' bytes."""
    data = merged.read_bytes()
    found = list(_TRAILER_ID.finditer(data, max(0, len(data) - 4096)))
    if not found:
        return
    digest = hashlib.sha256(b"".join(p.read_bytes() for p in parts)).hexdigest()[:32].encode()
    m = found[-1]
    merged.write_bytes(data[:m.start()] + b"/ID [<" + digest + b"> <" + digest + b">]" +
                       data[m.end():])


def _valid_row(row, name: str) -> bool:
    return (isinstance(row, dict) and row.get("id") == name
            and isinstance(row.get("index"), int) and isinstance(row.get("seed"), int)
            and all(isinstance(row.get(k), str) for k in ("spec_sha256", "answerkey_version"))
            and isinstance(row.get("drawn"), dict))
