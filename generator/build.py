"""The pipeline: load every spec -> solve -> verify -> render -> compile -> move into place."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from . import FORMATS, cache, outdir
from .answers import render_json
from .errors import BuildError
from .latex import Compiler, TexJob
from .solve import QuestionResult, load_specs, solve_spec
from .spec import Spec
from .style import Style

if TYPE_CHECKING:
    from .plots import FigureBatch


@dataclass
class Outcome:
    """What happened to one output folder."""

    folder: Path
    up_to_date: bool = False
    figures_drawn: int = 0
    documents_compiled: int = 0
    kept: list[str] = field(default_factory=list)  # earlier outputs of formats not asked for


def render_spec(spec: Spec, results: list[QuestionResult], folder: Path, formats,
                previous: Path | None = None, record: dict | None = None,
                compiler: Compiler | None = None, figure_pool=None, reuse: bool = True):
    """Write the requested outputs into `folder`. Figures and PDFs of `previous` are reused
    (when `reuse`) if the cache `record` proves them unchanged and their bytes still match
    it (outputs of other formats are carried over later, by `_carry_over`). PDFs are
    compiled by `compiler` as soon as their inputs exist: a document without figures, the
    HTML pages and the JSON while the figures are drawn (by `figure_pool`, a
    plots.FigurePool, if given; figures in the user cache are taken from it), pages that
    embed the figures once the SVGs are there. Returns (outcome, extra cache data)."""
    record = record or {}
    old_files = record.get("files", {})

    def earlier(name: str) -> bytes | None:
        return cache.verified(previous, name, old_files.get(name)) if previous else None

    folder.mkdir(parents=True, exist_ok=True)
    outcome = Outcome(folder)
    extra: dict = {"figures": {}, "tex": {}, "inputs": dict(spec.style.inputs)}
    plain: list[TexJob] = []  # compiled at once
    illustrated: list[TexJob] = []  # compiled once the figure PDFs are written
    _write_course_files(spec.style, folder, formats)
    drawing = None  # the figures first: the longest part
    wanted = figure_formats(formats)
    if wanted:
        drawing = _start_figures(results, folder, earlier if reuse else None,
                                 record.get("figures", {}), extra["figures"], figure_pool,
                                 wanted)

    def start(job: TexJob) -> None:
        if "pdf" not in formats:
            return
        tex_key = _tex_key(job.tex.read_text(encoding="utf-8"), folder)
        extra["tex"][job.tex.name] = tex_key  # the .tex this folder's PDF was made from
        pdf = job.tex.with_suffix(".pdf").name
        old_pdf = earlier(pdf) if reuse and record.get("tex", {}).get(job.tex.name) == tex_key \
            else None
        if old_pdf is not None:
            (folder / pdf).write_bytes(old_pdf)  # same .tex, same figures
        elif compiler is not None:
            compiler.submit(job)
            outcome.documents_compiled += 1

    try:
        if "pdf" in formats or "tex" in formats:
            from .render import render_latex  # Jinja2 only when a document is written

            preamble = spec.style.preamble.source if spec.style.preamble else None
            for stem, key in (("answer-key", True), ("handout", False)):
                tex, spans = render_latex(spec, results, key)
                path = folder / f"{stem}.tex"
                path.write_text(tex, encoding="utf-8")
                job = TexJob(path, spans, preamble)
                (illustrated if "\\includegraphics" in tex else plain).append(job)
        for job in plain:
            start(job)

        def pages(images=None) -> None:
            from .render import render_html

            for name, key in (("index.html", True), ("handout.html", False)):
                (folder / name).write_text(render_html(spec, results, key, images),
                                           encoding="utf-8")

        inline = "html" in formats and spec.style.inline_figures
        if "html" in formats and not inline:  # while the figures are drawn
            pages()
        if "json" in formats:
            (folder / "answers.json").write_text(render_json(spec, results), encoding="utf-8")
        if drawing is not None and "pdf" in wanted:  # LaTeX waits for the PDFs
            drawing.write("pdf")
        for job in illustrated:
            start(job)
        if drawing is not None and "svg" in wanted:
            drawing.write("svg")
        if inline:  # the pages embed the SVGs
            pages(_page_images(spec.style, results, folder))
        if drawing is not None:
            outcome.figures_drawn = len(drawing.files) - drawing.batch.from_cache
    finally:
        if drawing is not None:
            drawing.batch.close()
    return outcome, extra


def _write_course_files(style: Style, folder: Path, formats) -> None:
    """The course's preamble and logo beside the documents, where the restricted pdflatex
    may read them and the page may link to them (a PDF logo as its PNG rendering)."""
    latex = bool({"pdf", "tex"} & set(formats))
    if latex and style.preamble is not None:
        (folder / style.preamble.name).write_bytes(style.preamble.data)
    if style.logo is None:
        return
    if latex or ("html" in formats and style.page_logo == style.logo.name):
        (folder / style.logo.name).write_bytes(style.logo.data)
    if "html" in formats and style.page_logo != style.logo.name:
        (folder / style.page_logo).write_bytes(_rendered_logo(style.logo))


def _page_images(style: Style, results, folder: Path) -> dict[str, bytes]:
    """The bytes of every image the page shows, by file name, read from `folder` (where the
    figures and the page's logo are already written)."""
    names = [f"figures/{name}.svg" for r in results for name in r.figure_names]
    names += [style.page_logo] if style.logo is not None else []
    return {name: (folder / name).read_bytes() for name in names}


def _rendered_logo(logo) -> bytes:
    """The first page of a PDF logo as a PNG, for the page (browsers show no PDF images)."""
    with tempfile.TemporaryDirectory(prefix="answerkey-logo-") as work:
        (Path(work) / "logo.pdf").write_bytes(logo.data)
        try:
            subprocess.run(["pdftoppm", "-png", "-r", "200", "-singlefile", "-f", "1", "-l", "1",
                            "logo.pdf", "logo"], cwd=work, capture_output=True, check=True,
                           timeout=60)
            return (Path(work) / "logo.png").read_bytes()
        except (OSError, subprocess.SubprocessError):
            raise BuildError(f"cannot show the PDF logo {logo.source} on the page: pdftoppm "
                             "(Debian package poppler-utils) did not render it; install it or "
                             "give a PNG or JPEG logo") from None


FIGURE_FORMATS = {"pdf": {"pdf", "tex"}, "svg": {"html"}}  # figure format: outputs using it


def figure_formats(formats) -> tuple[str, ...]:
    """The figure formats the requested outputs need (PDF first: LaTeX waits for it)."""
    return tuple(f for f, users in FIGURE_FORMATS.items() if users & set(formats))


@dataclass(frozen=True)
class _Drawing:
    """Figures being drawn, and the file each one goes to in each format."""

    batch: FigureBatch
    files: list[dict[str, Path]]  # per figure of the batch, in its order: format -> file

    def write(self, fmt: str) -> None:
        """Write the drawn figures of one format (waiting for them)."""
        for files, data in zip(self.files, self.batch.drawn(fmt)):
            files[fmt].write_bytes(data)


def _start_figures(results, folder: Path, earlier, old: dict, new: dict, pool,
                   formats) -> _Drawing | None:
    """Copy the figures the cache proves unchanged; start drawing the others."""
    if not any(r.solution.figures for r in results):
        return None
    (folder / "figures").mkdir(exist_ok=True)
    figures, to_files = [], []
    for r in results:
        key = cache.question_key(r.question)
        for name, figure in zip(r.figure_names, r.solution.figures):
            new.update({f"{name}.{fmt}": key for fmt in formats})  # what each was drawn from
            files = {fmt: folder / f"figures/{name}.{fmt}" for fmt in formats}
            kept = {fmt: earlier(f"figures/{name}.{fmt}") for fmt in formats
                    if old.get(f"{name}.{fmt}") == key} if earlier else {}
            if len(kept) == len(formats) and all(data is not None for data in kept.values()):
                for fmt, data in kept.items():
                    files[fmt].write_bytes(data)
            else:
                figures.append(figure)
                to_files.append(files)
    if not figures:
        return None
    from .plots import FigureBatch  # matplotlib only when a figure is drawn

    return _Drawing(FigureBatch(figures, pool, need_pdf="pdf" in formats), to_files)


def _tex_key(tex: str, folder: Path) -> str:
    """A .tex, the figure PDFs it can include and the course files beside it (preamble,
    logo) determine its PDF."""
    figures = sorted((folder / "figures").glob("*.pdf")) if "\\includegraphics" in tex else []
    course = sorted(folder.glob("course-preamble.tex")) + sorted(folder.glob("course-logo.*"))
    parts = [tex] + [f"{p.name}:{cache.file_hash(p)}" for p in figures + course]
    return cache.sha256_bytes("\n".join(parts).encode())


def _tidy(folder: Path) -> None:
    """Remove LaTeX's by-products: what stays is what cache.OUTPUT_NAME names."""
    for path in folder.iterdir():
        if path.is_file() and not cache.OUTPUT_NAME.fullmatch(path.name) and \
                path.name != outdir.MARK:
            path.unlink()


def _carry_over(folder: Path, previous: Path | None, record: dict, extra: dict) -> list[str]:
    """Outputs of the previous build that this one did not make (other formats), kept
    when their bytes match the record; returns their names."""
    kept = []
    for name, digest in sorted(record.get("files", {}).items()) if previous else ():
        if (folder / name).exists() or name == cache.CACHE_FILE:
            continue
        data = cache.verified(previous, name, digest)
        if data is None:
            continue
        (folder / name).parent.mkdir(exist_ok=True)
        (folder / name).write_bytes(data)
        kept.append(name)
        base = Path(name).name
        tex = f"{Path(name).stem}.tex"
        if name.startswith("figures/") and base in record.get("figures", {}):
            extra["figures"][base] = record["figures"][base]
        elif name.endswith(".pdf") and tex in record.get("tex", {}):
            extra["tex"][tex] = record["tex"][tex]
    return kept


def build(paths, out_root: Path, formats=FORMATS, overrides=(), force=False) -> list[Outcome]:
    """Build every spec into out_root/<stem>/; nothing is replaced unless all succeeded."""
    outdir.check_stems(paths)
    specs = load_specs(paths, overrides)
    root = outdir.output_root(out_root)
    return build_specs(specs, [root / spec.stem for spec in specs], formats, force)


@dataclass
class _Todo:
    """A spec whose folder is not up to date."""

    n: int
    spec: Spec
    target: Path
    key: str
    record: dict

    @property
    def previous(self) -> Path | None:
        """The folder of the earlier build, when there is one to reuse outputs from."""
        return self.target if self.record else None


def build_specs(specs: list[Spec], targets: list[Path], formats=FORMATS, force=False,
                latex_jobs: int | None = None, lock: bool = True,
                record_extra: dict | None = None) -> list[Outcome]:
    """Build validated specs into their target folders (see `build`). Unless the caller
    does it (`lock=False`: variants), lock their parent folder and clean up there after
    killed runs. `record_extra` is kept in each folder's cache record."""
    parent = targets[0].parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        with outdir.locked(parent) if lock else nullcontext():
            if lock:
                outdir.recover_interrupted(parent)
            return _build_locked(specs, targets, formats, force, latex_jobs, record_extra or {})
    except OSError as exc:
        raise outdir.environment_error(exc, f"cannot write the output into {parent}/") from None


def _build_locked(specs, targets, formats, force, latex_jobs, record_extra) -> list[Outcome]:
    outcomes: dict[int, Outcome] = {}
    todo = []
    for n, (spec, target) in enumerate(zip(specs, targets)):
        student = spec.student if spec.student_name is None else [spec.student,
                                                                  spec.student_name]
        key = cache.spec_key(spec.source_hash, spec.overrides, spec.variant, student, formats,
                             spec.style.digest)
        record = cache.read(target) if outdir.is_marked(target) else {}
        if not force and record and cache.up_to_date(target, key, record):
            outcomes[n] = Outcome(target, up_to_date=True)
        else:
            outdir.check_replaceable(target, force)
            todo.append(_Todo(n, spec, target, key, record))
    if not todo:
        return [outcomes[n] for n in range(len(specs))]
    solved = [(item, solve_spec(item.spec)) for item in todo]  # every answer verified first
    workers = latex_jobs or os.cpu_count() or 1
    pool = None
    if workers > 1 and figure_formats(formats):
        from .plots import FigurePool  # forked at the first figure no cache holds

        pool = FigurePool(workers)
    try:
        return _build_solved(specs, formats, force, solved, outcomes, workers, pool,
                             record_extra)
    finally:
        if pool is not None:
            pool.close()


@dataclass(frozen=True)
class _Staged:
    """A spec rendered into its staging folder, with the cache data of its outputs."""

    item: _Todo
    folder: Path
    extra: dict
    outcome: Outcome


def _build_solved(specs, formats, force, solved, outcomes, workers, pool, record_extra):
    parent = solved[0][0].target.parent
    compiler = Compiler(workers)
    staging = outdir.staging_name(parent)
    try:
        outdir.make_folder(staging, exist_ok=False)
        staged = []
        try:
            for item, results in solved:
                folder = outdir.make_folder(staging / f"{item.n}-{item.target.name}")
                outcome, extra = render_spec(item.spec, results, folder, formats, item.previous,
                                             item.record, compiler, pool, reuse=not force)
                staged.append(_Staged(item, folder, extra, outcome))
        except BaseException:
            compiler.abort()  # never leave LaTeX running behind a failure or Ctrl-C
            raise
        compiler.finish()
        for stage in staged:
            _tidy(stage.folder)
            stage.outcome.kept = _carry_over(stage.folder, stage.item.previous, stage.item.record,
                                             stage.extra)
            cache.write(stage.folder, stage.item.key, stage.extra | record_extra)
        for stage in staged:
            outdir.replace(stage.folder, stage.item.target)
            stage.outcome.folder = stage.item.target
            outcomes[stage.item.n] = stage.outcome
        return [outcomes[n] for n in range(len(specs))]
    finally:
        shutil.rmtree(staging, ignore_errors=True)
