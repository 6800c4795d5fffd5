"""`answerkey variants`: one complete, traceable key and handout per variant or per student."""

from __future__ import annotations

import csv
import json
import os
import re
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path

from . import FORMATS, __version__
from .errors import AnswerkeyError, Location, Problem, SpecError

MANIFEST = "variants.csv"
STUDENT_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")


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


def read_roster(path: Path) -> list[str]:
    """Student ids from a CSV file: the `id` (or `student_id`) column, else the first one."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise SpecError([Problem(Location(str(path)), f"cannot read the roster: {exc}")]) from None
    rows = list(csv.reader(text.splitlines()))
    if not rows:
        raise SpecError([Problem(Location(str(path), 1, 1), "the roster is empty")])
    header = [h.strip().lower() for h in rows[0]]
    column = next((header.index(n) for n in ("id", "student_id") if n in header), None)
    body = rows[1:] if column is not None else rows
    start = 2 if column is not None else 1
    column = column or 0
    ids, problems, seen = [], [], {}
    for line, row in enumerate(body, start):
        value = row[column].strip() if len(row) > column else ""
        if not value and not any(c.strip() for c in row):
            continue  # blank line
        where = Location(str(path), line, 1)
        if not STUDENT_ID.fullmatch(value):
            problems.append(Problem(where, f"student id {value!r} must be 1-64 letters, digits, "
                                           "'.', '_' or '-' (it names a folder)"))
        elif value in seen:
            problems.append(Problem(where, f"student id '{value}' repeats line {seen[value]}"))
        else:
            seen[value] = line
            ids.append(value)
    if problems:
        raise SpecError(problems)
    if not ids:
        raise SpecError([Problem(Location(str(path), 1, 1), "the roster lists no student")])
    return ids


def build_variant(task: Task) -> dict:
    """Build one variant (in a worker); errors come back as data, not exceptions."""
    from .build import build_specs
    from .spec import load_spec

    try:
        spec = load_spec(task.spec, task.overrides, task.index, task.student)
        outcome = build_specs([spec], [Path(task.target)], task.formats, task.force,
                              task.latex_jobs)[0]
    except AnswerkeyError as exc:
        lines = [str(p) for p in exc.problems] if isinstance(exc, SpecError) else [str(exc)]
        return {"index": task.index, "error": lines, "exit": exc.exit_code}
    except KeyboardInterrupt:
        return {"index": task.index, "interrupted": True}
    drawn = {f"{q.id}.{name}": value for q in spec.questions for name, value in q.drawn.items()}
    return {"index": task.index, "student": task.student, "seed": spec.seed,
            "spec_sha256": spec.source_hash, "drawn": drawn, "up_to_date": outcome.up_to_date,
            "folder": task.target}


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
                  formats=FORMATS, force: bool = False, log=print) -> list[dict]:
    """Build every variant into out_root/<stem>/variants/<NNN or id>/ plus the manifest."""
    from .spec import load_spec

    overrides = tuple(overrides) + ((f"seed={seed}",) if seed is not None else ())
    load_spec(spec, overrides)  # every problem of the spec itself, before any work starts
    students = read_roster(roster) if roster else None
    count = len(students) if students else count
    folder = out_root / Path(spec).stem / "variants"
    width = max(3, len(str(count - 1)))
    jobs = max(1, jobs or os.cpu_count() or 1)
    # -j bounds all concurrency, LaTeX's and the figures' too: variants run side by side, and
    # only when there are fewer variants than jobs does each get more than one process.
    inner = max(1, jobs // max(1, count))
    tasks = [Task(spec, overrides, k, students[k] if students else None,
                  str(folder / (students[k] if students else f"{k:0{width}d}")), tuple(formats),
                  force, inner) for k in range(count)]
    started = time.monotonic()
    results = _run(tasks, min(jobs, max(1, count)))
    errors = [line for r in results if "error" in r for line in r["error"]]
    if any(r.get("interrupted") for r in results) or len(results) < len(tasks):
        done = sum(1 for r in results if "drawn" in r)
        raise KeyboardInterrupt(f"{done} of {count} variants complete; none half-written")
    if errors:
        lines = list(dict.fromkeys(errors))  # the same problem in many variants: once
        if any(r.get("exit") == 1 for r in results):
            raise AnswerkeyError("\n".join(lines))
        raise SpecError(lines)
    results.sort(key=lambda r: r["index"])
    write_manifest(folder / MANIFEST, results, width)
    fresh = sum(r["up_to_date"] for r in results)
    log(f"{count} variants in {time.monotonic() - started:.1f} s with -j {jobs} "
        f"({count - fresh} built, {fresh} up to date) -> {folder}/ (manifest: {MANIFEST})")
    return results


def _run(tasks: list[Task], jobs: int) -> list[dict]:
    progress = Progress(len(tasks))
    results: list[dict] = []
    try:
        if jobs == 1:
            for task in tasks:
                results.append(build_variant(task))
                progress.step()
                if results[-1].get("interrupted"):
                    break
            return results
        with ProcessPoolExecutor(jobs, mp_context=get_context("fork")) as pool:
            futures = [pool.submit(build_variant, t) for t in tasks]
            try:
                for future in as_completed(futures):
                    results.append(future.result())
                    progress.step()
            except KeyboardInterrupt:
                # Variants already running finish and move into place whole; the rest are
                # cancelled, so no folder is ever half-written.
                pool.shutdown(wait=True, cancel_futures=True)
                results.extend(f.result() for f in futures if f.done() and not f.cancelled()
                               and f.result() not in results)
        return results
    finally:
        progress.close()


def write_manifest(path: Path, results: list[dict], width: int) -> None:
    """variants.csv: id, index, seed, spec hash, version and every drawn parameter."""
    params = sorted({name for r in results for name in r["drawn"]})
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".csv.tmp")
    with tmp.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["id", "index", "seed", "spec_sha256", "answerkey_version", *params])
        for r in results:
            name = r["student"] or f"{r['index']:0{width}d}"
            writer.writerow([name, r["index"], r["seed"], r["spec_sha256"], __version__,
                             *(json.dumps(r["drawn"][p]) if p in r["drawn"] else ""
                               for p in params)])
    tmp.replace(path)
