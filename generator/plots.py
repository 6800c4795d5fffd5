"""matplotlib figures, deterministic and drawn once: an SVG for the page, its PDF for LaTeX.

Each figure is laid out and drawn once, into an SVG with its glyphs as paths; the PDF is that
SVG converted by librsvg's rsvg-convert, so the PDF shows exactly the drawing the page does,
embeds no font, and costs a tenth of drawing it again. Both are kept in the user cache
(`figures/`, see user_store.py), keyed by what determines them (the draw function and its
values, the figure's size, the code and the matplotlib and librsvg installed), so builds and
variants that plot the same thing draw it once.
"""

from __future__ import annotations

import functools
import io
import os
import pickle
import shutil
import subprocess
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import suppress
from importlib.util import find_spec
from multiprocessing import get_context
from pathlib import Path

from . import user_store
from .cache import code_fingerprint, sha256_bytes
from .errors import BuildError
from .kinds.base import Figure
from .workers import figure_worker

# 72 dpi: the layout measures text at the resolution vector output draws it at, so the
# text metrics it computes are the ones drawing uses.
RC_PARAMS = {
    "svg.hashsalt": "answerkey", "svg.fonttype": "path", "font.family": "DejaVu Sans",
    "font.size": 9, "axes.grid": True, "grid.alpha": 0.3, "figure.dpi": 72,
    "path.simplify": False, "axes.titleweight": "normal", "figure.titleweight": "normal",
}
MAX_FIGURE_BYTES = 16 << 20  # a real one is 20-200 kB
MAX_CACHED_FIGURES = 2000  # in the user cache (about 400 MB at most; the oldest go first)


def _matplotlib():
    # Imported here so that `solve` and specs without plots never pay matplotlib's start-up.
    # Figures are matplotlib.figure.Figure objects saved directly: pyplot (its backend
    # machinery and figure manager) is never imported.
    import matplotlib

    matplotlib.use("Agg", force=True)
    matplotlib.rcdefaults()  # a user's matplotlibrc changes no figure (nor its cache key)
    matplotlib.rcParams.update(RC_PARAMS)
    from matplotlib.backends.backend_svg import FigureCanvasSVG
    from matplotlib.figure import Figure as MplFigure
    from matplotlib.mathtext import MathTextParser

    _share_mathtext_parses(MathTextParser)

    def make(width: float, height: float):
        fig = MplFigure(figsize=(width, height), layout="constrained")
        FigureCanvasSVG(fig)  # the layout measures text as the SVG draws it
        return fig

    return make


def _share_mathtext_parses(parser_class) -> None:
    """matplotlib caches the parse of a mathtext string per parser object, and each renderer
    makes its own (the layout's, the save's), so every label was parsed three times, a
    third of a figure's time. Parsers of one output type are made equal, so they share the
    cache (the parses depend on the output type, never on the object). Should a release
    rename what this relies on, figures stay the same and only get slower."""
    cached = getattr(parser_class, "_parse_cached", None)
    if getattr(cached, "__wrapped__", None) is None or \
            parser_class.__hash__ is not object.__hash__:
        return

    def kind(parser) -> str | None:
        return getattr(parser, "_output_type", None)

    parser_class.__eq__ = lambda a, b: isinstance(b, parser_class) and kind(a) is not None \
        and kind(a) == kind(b)
    parser_class.__hash__ = lambda a: hash(kind(a))
    parser_class._parse_cached = functools.lru_cache(1000)(cached.__wrapped__)


def laid_out(figure: Figure):
    """The figure drawn onto a matplotlib Figure and laid out once (constrained layout,
    then frozen, so that nothing moves when it is saved)."""
    fig = _matplotlib()(figure.width, figure.height)
    figure.draw(fig)
    fig.get_layout_engine().execute(fig)
    fig.set_layout_engine("none")
    return fig


def render_figure(figure: Figure, pdf: bool = True) -> dict[str, bytes]:
    """The figure's SVG (and PDF), byte-identical between runs: laid out once, drawn once
    into the SVG, the PDF converted from it."""
    fig = laid_out(figure)
    buf = io.BytesIO()
    fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
    svg = buf.getvalue()
    return {"pdf": svg_to_pdf(svg), "svg": svg} if pdf else {"svg": svg}


def svg_to_pdf(svg: bytes) -> bytes:
    """The PDF of an SVG, by librsvg's rsvg-convert (dated 1970: the same bytes each run)."""
    try:
        done = subprocess.run(["rsvg-convert", "--format=pdf"], input=svg, capture_output=True,
                              env=dict(os.environ, SOURCE_DATE_EPOCH="0"), timeout=120,
                              check=True)
    except FileNotFoundError:
        raise BuildError("a figure's PDF needs rsvg-convert, which is not installed: on Debian, "
                         "apt-get install librsvg2-bin (or build --to html,json)") from None
    except subprocess.CalledProcessError as exc:
        raise BuildError("rsvg-convert could not turn a figure into a PDF: "
                         f"{exc.stderr.decode(errors='replace').strip()}") from None
    except (OSError, subprocess.SubprocessError) as exc:
        raise BuildError(f"rsvg-convert could not turn a figure into a PDF: {exc}") from None
    return done.stdout


_SUFFIXES = ("pdf", "svg")


def figure_key(figure: Figure) -> str:
    """What determines a figure's bytes: its drawing (the pickled draw function and values,
    never read back), its size, answerkey's code and the renderers installed."""
    drawing = pickle.dumps((figure.draw, figure.width, figure.height), protocol=4)
    return sha256_bytes(_renderers().encode() + b"\0" + drawing)[:32]


@functools.cache
def _renderers() -> str:
    """answerkey's code, the versions of matplotlib, NumPy and kiwisolver (its layout
    solver), and what rsvg-convert makes of a fixed SVG (its PDF names cairo's version), as
    one string."""
    parts = [code_fingerprint()]
    for module, name in (("matplotlib", "_version.py"), ("numpy", "version.py"),
                         ("kiwisolver", None)):
        spec = find_spec(module)
        origin = Path(spec.origin) if spec and spec.origin else None
        parts.append(user_store.file_identity(origin.with_name(name) if origin and name
                                              else origin) or module)
    try:
        parts.append(sha256_bytes(svg_to_pdf(_PROBE)) if shutil.which("rsvg-convert") else "")
    except BuildError:
        parts.append("")
    return "\n".join(parts)


_PROBE = b'<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"><rect width="2" ' \
         b'height="2"/></svg>'


def cached_figure(figure: Figure) -> dict[str, bytes] | None:
    """The figure's PDF and SVG from the user cache, or None."""
    folder = user_store.folder("figures")
    if folder is None:
        return None
    found = user_store.fetch(folder, figure_key(figure), _SUFFIXES, MAX_FIGURE_BYTES)
    return dict(zip(_SUFFIXES, found)) if found else None


def drawn_figure(figure: Figure, need_pdf: bool = True) -> dict[str, bytes]:
    """The figure drawn now: its SVG, and its PDF when needed or when rsvg-convert is there
    to make it (a page needs none), kept in the user cache when it has both."""
    drawn = render_figure(figure, need_pdf)
    if not need_pdf and shutil.which("rsvg-convert"):  # for the cache entry: not needed
        with suppress(BuildError):
            drawn = {"pdf": svg_to_pdf(drawn["svg"]), **drawn}
    folder = user_store.folder("figures")
    if folder is not None and "pdf" in drawn:
        user_store.keep(folder, figure_key(figure), drawn, MAX_CACHED_FIGURES)
    return drawn


def _start_worker(parent: int) -> None:
    figure_worker(parent)
    _matplotlib()
    # The first mathtext string builds matplotlib's parser (0.1 s): done while the parent
    # writes the LaTeX and the pages, before the figures reach this worker.
    from matplotlib.font_manager import FontProperties
    from matplotlib.mathtext import MathTextParser

    MathTextParser("path").parse("$x$", 72, FontProperties())


class FigurePool:
    """Worker processes for figures, forked at the first figure that is in no cache, so
    that they import matplotlib while the parent writes the LaTeX and the pages; a build
    whose figures are all cached forks none. Forking a process that has running threads
    can deadlock: the build starts none. close() it when done."""

    def __init__(self, workers: int):
        self.workers = workers
        self.executor: ProcessPoolExecutor | None = None

    def submit(self, figure: Figure, need_pdf: bool = True) -> Future:
        if self.executor is None:
            self.executor = ProcessPoolExecutor(
                self.workers, mp_context=get_context("fork"), initializer=_start_worker,
                initargs=(os.getpid(),))
        return self.executor.submit(drawn_figure, figure, need_pdf)

    def close(self) -> None:
        if self.executor is not None:
            self.executor.shutdown(wait=True, cancel_futures=True)


class FigureBatch:
    """Figures being drawn: those in the user cache taken from it, the others by a
    FigurePool when one is given (one task per figure), else here when asked for; their
    PDFs only when `need_pdf` (or rsvg-convert is there)."""

    def __init__(self, figures: list[Figure], pool: FigurePool | None = None,
                 need_pdf: bool = True):
        self.figures, self.need_pdf = figures, need_pdf
        self.done: dict[int, dict[str, bytes]] = {}
        self.futures: dict[int, Future] = {}
        for i, figure in enumerate(figures):
            found = cached_figure(figure)
            if found is not None:
                self.done[i] = found
        self.from_cache = len(self.done)
        if pool is not None:
            self.futures = {i: pool.submit(figure, need_pdf) for i, figure in enumerate(figures)
                            if i not in self.done}

    def drawn(self, fmt: str) -> list[bytes]:
        """The figures' bytes in one format ("pdf" or "svg"), in order (waiting for them)."""
        for i, figure in enumerate(self.figures):
            if i not in self.done:
                future = self.futures.get(i)
                self.done[i] = future.result() if future else drawn_figure(figure,
                                                                           self.need_pdf)
        return [self.done[i][fmt] for i in range(len(self.figures))]

    def close(self) -> None:
        """Drop what is not drawn yet (after an error); the pool itself stays open."""
        for future in self.futures.values():
            future.cancel()
