"""The pipeline: load every spec -> solve -> verify -> render -> compile -> move into place."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from . import FORMATS
from .answers import render_json
from .latex import TexJob, compile_all
from .render import render_html, render_latex
from .solve import QuestionResult, load_specs, solve_spec
from .spec import Spec


def render_spec(spec: Spec, results: list[QuestionResult], folder: Path, formats) -> list[TexJob]:
    """Write the requested text outputs and figures into `folder`; return the LaTeX jobs."""
    folder.mkdir(parents=True, exist_ok=True)
    jobs = []
    figures = [(name, f) for r in results for name, f in zip(r.figure_names, r.solution.figures)]
    if figures and ({"pdf", "html", "tex"} & set(formats)):
        from .plots import render_figure

        (folder / "figures").mkdir()
        for name, figure in figures:
            svg, pdf = render_figure(figure)
            (folder / "figures" / f"{name}.svg").write_bytes(svg)
            (folder / "figures" / f"{name}.pdf").write_bytes(pdf)
    if "pdf" in formats or "tex" in formats:
        for stem, key in (("answer-key", True), ("handout", False)):
            tex, spans = render_latex(spec, results, key)
            path = folder / f"{stem}.tex"
            path.write_text(tex, encoding="utf-8")
            jobs.append(TexJob(path, spans))
    if "html" in formats:
        (folder / "index.html").write_text(render_html(spec, results), encoding="utf-8")
    if "json" in formats:
        (folder / "answers.json").write_text(render_json(spec, results), encoding="utf-8")
    return jobs


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


def build(paths, out_root: Path, formats=FORMATS, overrides=(), variant=None,
          log=print) -> list[Path]:
    """Build every spec into out_root/<stem>/; nothing is replaced unless all succeeded."""
    specs = load_specs(paths, overrides, variant)
    solved = [(spec, solve_spec(spec)) for spec in specs]
    out_root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".answerkey-", dir=out_root))
    try:
        jobs, folders = [], []
        for spec, results in solved:
            folder = staging / spec.stem
            jobs += render_spec(spec, results, folder, formats)
            folders.append((spec, folder))
        if "pdf" in formats:
            compile_all(jobs, parallel=min(len(jobs), os.cpu_count() or 1))
        for _, folder in folders:
            _tidy(folder, formats)
        return [move_into_place(folder, out_root / spec.stem) for spec, folder in folders]
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def move_into_place(new: Path, target: Path) -> Path:
    """Replace `target` by `new` with renames on one file system (the old one goes last)."""
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
