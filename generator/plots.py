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


def render_figures(figures: list[Figure], workers: int = 1) -> list[tuple[bytes, bytes]]:
    """(svg, pdf) of every figure; with workers > 1, each (figure, format) is its own task
    for a pool of forked processes (saving a PDF, with its font subsetting, is the slow part)."""
    global _PENDING
    if workers <= 1 or not figures:
        return [render_figure(f) for f in figures]
    _pyplot()  # import matplotlib (and the PDF backend's font tools) once, before forking
    import matplotlib.backends.backend_pdf  # noqa: F401
    import matplotlib.backends.backend_svg  # noqa: F401

    _PENDING = figures
    tasks = [(i, fmt) for i in range(len(figures)) for fmt in ("pdf", "svg")]
    try:
        with ProcessPoolExecutor(min(workers, len(tasks)), mp_context=get_context("fork")) as pool:
            done = dict(zip(tasks, pool.map(_render_pending, tasks)))
    finally:
        _PENDING = []
    return [(done[(i, "svg")], done[(i, "pdf")]) for i in range(len(figures))]
