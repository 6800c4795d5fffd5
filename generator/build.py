"""The pipeline: load every spec -> solve -> verify -> render -> compile -> move into place."""

from __future__ import annotations

import os
import re
import secrets
import shutil
from dataclasses import dataclass
from pathlib import Path

from . import FORMATS, cache
from .answers import render_json
from .latex import Compiler, TexJob
from .render import render_html, render_latex
from .solve import QuestionResult, load_specs, solve_spec
from .spec import Spec


@dataclass
class Outcome:
    """What happened to one output folder."""

    folder: Path
    up_to_date: bool = False
    figures_drawn: int = 0
    documents_compiled: int = 0


def render_spec(spec: Spec, results: list[QuestionResult], folder: Path, formats,
                previous: Path | None = None, record: dict | None = None,
                compiler: Compiler | None = None, figure_pool=None):
    """Write the requested outputs into `folder`, reusing figures and PDFs of `previous`
    that the cache `record` proves unchanged. PDFs are compiled by `compiler` as soon as
    their inputs exist: a document without figures while the figures are drawn (by
    `figure_pool`, a plots.FigurePool, if given), the HTML page while LaTeX runs.
    Returns (outcome, extra cache data)."""
    record = record or {}
    folder.mkdir(parents=True, exist_ok=True)
    outcome = Outcome(folder)
    extra: dict = {"figures": {}, "tex": {}}
    pending = []  # (TexJob, needs the figures?)
    if "pdf" in formats or "tex" in formats:
        for stem, key in (("answer-key", True), ("handout", False)):
            tex, spans = render_latex(spec, results, key)
            path = folder / f"{stem}.tex"
            path.write_text(tex, encoding="utf-8")
            pending.append((TexJob(path, spans), "\\includegraphics" in tex))

    def start(job: TexJob) -> None:
        tex_key = _tex_key(job.tex.read_text(encoding="utf-8"), folder)
        extra["tex"][job.tex.name] = tex_key
        old_pdf = previous / job.tex.with_suffix(".pdf").name if previous else None
        if old_pdf and old_pdf.exists() and record.get("tex", {}).get(job.tex.name) == tex_key:
            shutil.copy2(old_pdf, folder / old_pdf.name)  # same .tex, same figures
        elif "pdf" in formats and compiler is not None:
            compiler.submit(job)
            outcome.documents_compiled += 1

    batch = None
    if {"pdf", "html", "tex"} & set(formats):
        batch = _start_figures(results, folder, previous, record.get("figures", {}),
                               extra["figures"], figure_pool)
    try:
        for job, needs_figures in pending:
            if not needs_figures:
                start(job)
        if batch is not None:  # LaTeX needs the PDFs only; the SVGs are drawn meanwhile
            _write_figures(*batch, "pdf")
        for job, needs_figures in pending:
            if needs_figures:
                start(job)
        if "html" in formats:  # while LaTeX runs and the SVGs it links to are drawn
            (folder / "index.html").write_text(render_html(spec, results), encoding="utf-8")
        if "json" in formats:
            (folder / "answers.json").write_text(render_json(spec, results), encoding="utf-8")
        if batch is not None:
            _write_figures(*batch, "svg")
            outcome.figures_drawn = len(batch[1])
    finally:
        if batch is not None:
            batch[0].close()
    return outcome, extra


def _start_figures(results, folder: Path, previous, old: dict, new: dict, pool):
    """Copy the figures the cache proves unchanged; start drawing the others."""
    figures = [(r.question, name, f) for r in results
               for name, f in zip(r.figure_names, r.solution.figures)]
    if not figures:
        return None
    (folder / "figures").mkdir()
    to_draw = []
    for question, name, figure in figures:
        key = new[name] = cache.question_key(question)
        files = {fmt: folder / f"figures/{name}.{fmt}" for fmt in ("svg", "pdf")}
        old_files = [previous / f.relative_to(folder) for f in files.values()] if previous else []
        if previous and old.get(name) == key and all(f.exists() for f in old_files):
            for src, dst in zip(old_files, files.values()):
                shutil.copy2(src, dst)
        else:
            to_draw.append((figure, files))
    if not to_draw:
        return None
    from .plots import FigureBatch  # matplotlib only when a figure is drawn

    return FigureBatch([figure for figure, _ in to_draw], pool), to_draw


def _write_figures(batch, to_draw, fmt: str) -> None:
    """Write the drawn figures of one format (waiting for them)."""
    drawn = batch.pdfs() if fmt == "pdf" else batch.svgs()
    for (_, files), data in zip(to_draw, drawn):
        files[fmt].write_bytes(data)


def _tex_key(tex: str, folder: Path) -> str:
    """A .tex and the figure PDFs it can include determine its PDF."""
    figures = sorted((folder / "figures").glob("*.pdf")) if "\\includegraphics" in tex else []
    parts = [tex] + [f"{p.name}:{cache.file_hash(p)}" for p in figures]
    return cache.sha256_bytes("\n".join(parts).encode())


_KEEP = {"pdf": (".pdf",), "tex": (".tex",), "html": (".html",), "json": (".json",)}


def _tidy(folder: Path, formats) -> None:
    """Remove LaTeX by-products and anything not asked for."""
    keep = {s for f in formats for s in _KEEP[f]}
    for path in folder.iterdir():
        if path.is_file() and path.suffix not in keep:
            path.unlink()
    figs = folder / "figures"
    if figs.exists():
        for path in figs.iterdir():
            if (path.suffix == ".svg" and "html" not in formats) or (
                    path.suffix == ".pdf" and not {"pdf", "tex"} & set(formats)):
                path.unlink()


def build(paths, out_root: Path, formats=FORMATS, overrides=(), force=False) -> list[Outcome]:
    """Build every spec into out_root/<stem>/; nothing is replaced unless all succeeded."""
    specs = load_specs(paths, overrides)
    return build_specs(specs, [out_root / spec.stem for spec in specs], formats, force)


def build_specs(specs: list[Spec], targets: list[Path], formats=FORMATS, force=False,
                latex_jobs: int | None = None) -> list[Outcome]:
    """Build validated specs into their target folders (see `build`)."""
    outcomes: dict[int, Outcome] = {}
    todo = []
    for n, (spec, target) in enumerate(zip(specs, targets)):
        key = cache.spec_key(spec.source_hash, spec.overrides, spec.variant, spec.student,
                             formats)
        record = {} if force else cache.read(target)
        if record and cache.up_to_date(target, key, record):
            outcomes[n] = Outcome(target, up_to_date=True)
        else:
            todo.append((n, spec, target, key, record))
    if not todo:
        return [outcomes[n] for n in range(len(specs))]
    workers = latex_jobs or os.cpu_count() or 1
    pool = None
    if workers > 1 and {"pdf", "html", "tex"} & set(formats) and _figures_to_draw(todo, force):
        from .plots import FigurePool  # forked now: matplotlib loads while we solve

        pool = FigurePool(workers)
    try:
        return _build_solved(specs, targets, formats, force, todo, outcomes, workers, pool)
    finally:
        if pool is not None:
            pool.close()


def _figures_to_draw(todo, force: bool) -> bool:
    """Whether a question that plots has no figure in the cache (a guess made before
    solving, to start the figure workers early; the cache itself is checked later)."""
    for _, spec, _, _, record in todo:
        cached = set((record or {}).get("figures", {}).values())
        for q in spec.questions:
            if getattr(q.kind, "PLOTS", False) and (force or cache.question_key(q) not in cached):
                return True
    return False


def _build_solved(specs, targets, formats, force, todo, outcomes, workers, pool):
    solved = [(item, solve_spec(item[1])) for item in todo]  # every answer verified first
    parent = targets[0].parent
    parent.mkdir(parents=True, exist_ok=True)
    recover_interrupted(parent)
    compiler = Compiler(workers)
    # Named before it exists, so that a signal arriving at any moment still removes it.
    staging = parent / f".answerkey-{os.getpid()}-{secrets.token_hex(4)}"
    try:
        staging.mkdir()
        staged = []
        try:
            for (n, spec, target, key, record), results in solved:
                folder = staging / f"{n}-{target.name}"
                outcome, extra = render_spec(spec, results, folder, formats,
                                             None if force else target, record, compiler, pool)
                staged.append((n, folder, target, key, extra, outcome))
        finally:
            compiler.finish()  # never leave latexmk running behind a failure or Ctrl-C
        for _, folder, _, key, extra, _ in staged:
            _tidy(folder, formats)
            cache.write(folder, key, extra)
        for n, folder, target, _, _, outcome in staged:
            move_into_place(folder, target)
            outcome.folder = target
            outcomes[n] = outcome
        return [outcomes[n] for n in range(len(specs))]
    finally:
        shutil.rmtree(staging, ignore_errors=True)


_STALE = re.compile(r"\.answerkey-(\d+)-.*|\.(.+)\.old-(\d+)")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def recover_interrupted(parent: Path) -> None:
    """Clean up after a build that was killed (SIGKILL, power loss): remove its staging
    folder, and put back a previous output it had moved aside but not yet replaced."""
    for path in parent.iterdir():
        m = _STALE.fullmatch(path.name)
        if not m or _alive(int(m.group(1) or m.group(3))):
            continue
        if m.group(2) and not (parent / m.group(2)).exists():
            path.rename(parent / m.group(2))
        else:
            shutil.rmtree(path, ignore_errors=True)


def move_into_place(new: Path, target: Path) -> Path:
    """Replace `target` by `new` with renames on one file system (the old one goes last)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}.old-{os.getpid()}")
        target.rename(old)
    try:
        new.rename(target)
    except BaseException:
        if old is not None:
            old.rename(target)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    return target
