"""matplotlib figures, deterministic: SVG for the HTML page, PDF (Type 42 fonts) for LaTeX."""

from __future__ import annotations

import io
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context

from .kinds.base import Figure

_PENDING: list[Figure] = []  # read by forked workers (draw functions are closures)


def _pyplot():
    # Imported here so that `solve` and specs without plots never pay matplotlib's start-up.
    import matplotlib

    matplotlib.use("Agg", force=True)
    matplotlib.rcParams.update({
        "svg.hashsalt": "answerkey", "svg.fonttype": "path", "pdf.fonttype": 42,
        "font.family": "DejaVu Sans", "font.size": 9, "axes.grid": True, "grid.alpha": 0.3,
        "figure.dpi": 100, "path.simplify": False,
        # one weight of DejaVu Sans: every embedded font costs a fontTools subset per PDF
        "axes.titleweight": "normal", "figure.titleweight": "normal",
    })
    import matplotlib.pyplot as plt

    return plt


_FORMATS = (("svg", {"Date": None, "Creator": None}),
            ("pdf", {"CreationDate": None, "ModDate": None, "Creator": None, "Producer": None}))


def render_figure(figure: Figure, formats=("svg", "pdf")) -> tuple[bytes, ...]:
    """The figure's bytes in each format (svg, pdf by default), byte-identical between runs."""
    plt = _pyplot()
    fig = plt.figure(figsize=(figure.width, figure.height), layout="constrained")
    try:
        figure.draw(fig)
        out = []
        for fmt, metadata in _FORMATS:
            if fmt in formats:
                buf = io.BytesIO()
                fig.savefig(buf, format=fmt, metadata=metadata)
                out.append(buf.getvalue())
        return tuple(out)
    finally:
        plt.close(fig)


def _render_pending(task: tuple[int, str]) -> bytes:
    return render_figure(_PENDING[task[0]], (task[1],))[0]


class FigureBatch:
    """Figures being drawn: by forked worker processes when workers > 1, one task per figure
    and format (saving a PDF, with its font subsetting, is the slow part). Start it before
    any other thread exists: forking a process that has running threads can deadlock."""

    def __init__(self, figures: list[Figure], workers: int = 1):
        global _PENDING
        self.figures, self.pool, self.futures = figures, None, {}
        if workers <= 1 or not figures:
            return
        # matplotlib is imported by the workers, in parallel, while LaTeX starts here
        _PENDING = figures
        tasks = [(i, fmt) for i in range(len(figures)) for fmt in ("pdf", "svg")]
        self.pool = ProcessPoolExecutor(min(workers, len(tasks)), mp_context=get_context("fork"))
        self.futures = {task: self.pool.submit(_render_pending, task) for task in tasks}

    def result(self) -> list[tuple[bytes, bytes]]:
        """(svg, pdf) of every figure, in order."""
        global _PENDING
        if self.pool is None:
            return [render_figure(f) for f in self.figures]
        try:
            return [(self.futures[(i, "svg")].result(), self.futures[(i, "pdf")].result())
                    for i in range(len(self.figures))]
        finally:
            self.pool.shutdown(wait=True, cancel_futures=True)
            _PENDING = []


def render_figures(figures: list[Figure], workers: int = 1) -> list[tuple[bytes, bytes]]:
    """(svg, pdf) of every figure, with up to `workers` processes."""
    return FigureBatch(figures, workers).result()
