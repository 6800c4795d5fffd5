"""matplotlib figures, deterministic: SVG for the HTML page, PDF (Type 42 fonts) for LaTeX."""

from __future__ import annotations

import io
import os
from concurrent.futures import Future, ProcessPoolExecutor
from multiprocessing import get_context

from .kinds.base import Figure
from .workers import figure_worker


def _matplotlib():
    # Imported here so that `solve` and specs without plots never pay matplotlib's start-up.
    # Figures are matplotlib.figure.Figure objects saved directly: pyplot (its backend
    # machinery and figure manager) is never imported.
    import matplotlib

    matplotlib.use("Agg", force=True)
    matplotlib.rcParams.update({
        "svg.hashsalt": "answerkey", "svg.fonttype": "path", "pdf.fonttype": 42,
        "font.family": "DejaVu Sans", "font.size": 9, "axes.grid": True, "grid.alpha": 0.3,
        "figure.dpi": 100, "path.simplify": False,
        # one weight of DejaVu Sans: every embedded font costs a fontTools subset per PDF
        "axes.titleweight": "normal", "figure.titleweight": "normal",
    })
    _lighter_font_subsets()
    from matplotlib.figure import Figure as MplFigure

    return MplFigure


# OpenType layout tables: a PDF shows glyphs at the positions matplotlib computed (from
# FreeType), so an embedded font never uses them, yet fontTools decompiles DejaVu's large
# GSUB/GPOS to subset them, a third of the time of saving a PDF figure. fontTools reads its
# default drop list from this class attribute; if a release renames it, figures stay the same
# and only get slower. tests/test_figures.py renders with and without to check the pixels.
_UNUSED_IN_PDF = ("GSUB", "GPOS", "GDEF", "BASE", "JSTF", "MATH", "kern")


def _lighter_font_subsets() -> None:
    from fontTools import subset

    default = getattr(subset.Options, "_drop_tables_default", None)
    if isinstance(default, list):
        subset.Options._drop_tables_default = default + [
            t for t in _UNUSED_IN_PDF if t not in default]


_FORMATS = (("svg", {"Date": None, "Creator": None}),
            ("pdf", {"CreationDate": None, "ModDate": None, "Creator": None, "Producer": None}))


def render_figure(figure: Figure, formats=("svg", "pdf")) -> dict[str, bytes]:
    """The figure's bytes by format (svg, pdf by default), byte-identical between runs.
    Each format gets a freshly drawn figure: saving runs the constrained layout again from
    where the previous save left it, which moves coordinates in their last digit, so the
    bytes would otherwise depend on which formats were saved before (and on the workers)."""
    make = _matplotlib()
    out = {}
    for fmt, metadata in _FORMATS:
        if fmt in formats:
            fig = make(figsize=(figure.width, figure.height), layout="constrained")
            figure.draw(fig)
            buf = io.BytesIO()
            fig.savefig(buf, format=fmt, metadata=metadata)
            out[fmt] = buf.getvalue()
    return out


def _start_worker(parent: int) -> None:
    figure_worker(parent)
    _matplotlib()


def _render_task(figure: Figure, fmt: str) -> bytes:
    return render_figure(figure, (fmt,))[fmt]


class FigurePool:
    """Worker processes for figures, forked at once so that they import matplotlib while
    the parent solves the questions. Create it before any other thread exists (forking a
    process that has running threads can deadlock) and close() it when done."""

    def __init__(self, workers: int):
        self.executor = ProcessPoolExecutor(workers, mp_context=get_context("fork"),
                                            initializer=_start_worker, initargs=(os.getpid(),))
        self.executor.submit(int)  # the fork context starts every worker on the first task

    def submit(self, figure: Figure, fmt: str) -> Future:
        return self.executor.submit(_render_task, figure, fmt)

    def close(self) -> None:
        self.executor.shutdown(wait=True, cancel_futures=True)


class FigureBatch:
    """Figures being drawn: by a FigurePool when one is given, one task per figure and format
    (saving a PDF, with its font subsetting, is the slow part), else here when asked for.
    The PDFs are queued first, so LaTeX can start on them while the SVGs are drawn."""

    def __init__(self, figures: list[Figure], pool: FigurePool | None = None,
                 formats=("pdf", "svg")):
        self.figures, self.futures, self.serial = figures, {}, None
        self.formats = tuple(formats)
        if pool is not None:
            self.futures = {(i, fmt): pool.submit(figure, fmt)
                            for fmt in ("pdf", "svg") if fmt in formats
                            for i, figure in enumerate(figures)}

    def _collect(self, fmt: str) -> list[bytes]:
        if not self.futures:
            if self.serial is None:
                self.serial = [render_figure(f, self.formats) for f in self.figures]
            return [drawn[fmt] for drawn in self.serial]
        return [self.futures[(i, fmt)].result() for i in range(len(self.figures))]

    def pdfs(self) -> list[bytes]:
        """The PDF of every figure, in order."""
        return self._collect("pdf")

    def svgs(self) -> list[bytes]:
        """The SVG of every figure, in order."""
        return self._collect("svg")

    def close(self) -> None:
        """Drop what is not drawn yet (after an error); the pool itself stays open."""
        for future in self.futures.values():
            future.cancel()
