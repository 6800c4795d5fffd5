"""Figures as the build draws them: deterministic, picklable for the figure workers, the same
from a worker as in-process, drawn once (the PDF is the page's SVG converted; both look like
matplotlib's own rendering), kept in the user cache only when they can be trusted, and
matplotlib never imported by solving."""

from __future__ import annotations

import base64
import io
import os
import pickle
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from generator import plots
from generator.kinds import PLOTTING, softmax
from generator.plots import FigureBatch, FigurePool, figure_key, render_figure
from generator.solve import load_specs, solve_spec
from helpers import ROOT, params_of

CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="module")
def figures():
    """The reference spec's figures (one per kind that plots) and a softmax figure at an
    extreme scale, each with its {"pdf": ..., "svg": ...} drawn once in this process."""
    results = solve_spec(load_specs([ROOT / "specs/ift6135-a1.yaml"])[0])
    found = {name: f for r in results for name, f in zip(r.figure_names, r.solution.figures)}
    assert set(found) == {"q1-relu-sigmoid", "q2-scaling", "q3-identity"}
    extreme = params_of("title: t\nquestions:\n  - {id: q2, kind: softmax, x: [3, 3, -1, 0.5], "
                        "scales: [0, 0.1, 1, 1000]}\n")
    (found["extreme-scaling"],) = softmax.solve(extreme).figures
    return {name: (figure, render_figure(figure)) for name, figure in found.items()}


@pytest.fixture
def own_cache(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("ANSWERKEY_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache" / "answerkey" / "figures"


def test_kinds_that_plot_say_so():
    assert PLOTTING == {"activations", "softmax", "sigmoid_tanh"}


def test_solving_does_not_import_matplotlib():
    code = ("import sys; from generator.solve import load_specs, solve_spec; "
            "solve_spec(load_specs(['specs/ift6135-a1.yaml'])[0]); "
            "assert 'matplotlib' not in sys.modules, 'matplotlib imported'")
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)


def test_figures_are_pdf_and_svg_and_the_same_when_drawn_again(figures):
    for name, (figure, drawn) in figures.items():
        assert list(drawn) == ["pdf", "svg"], name
        assert drawn["svg"].startswith(b"<?xml") and drawn["pdf"].startswith(b"%PDF"), name
        assert render_figure(figure) == drawn, name


def test_figures_pickle_and_draw_the_same_after(figures):
    for name, (figure, drawn) in figures.items():
        again = pickle.loads(pickle.dumps(figure))
        assert render_figure(again) == drawn and figure_key(again) == figure_key(figure), name


def test_the_pdf_is_the_svg_converted_not_drawn_again(figures):
    for name, (_, drawn) in figures.items():
        assert drawn["pdf"] == plots.svg_to_pdf(drawn["svg"]), name
        assert b"<script" not in drawn["svg"] and b"<text" not in drawn["svg"], name
        fonts = subprocess.run(["pdffonts", "-"], input=drawn["pdf"], capture_output=True,
                               check=True).stdout.decode().splitlines()
        assert len(fonts) == 2, (name, fonts)  # the header alone: glyphs are paths


def test_pool_draws_what_the_process_draws(figures, own_cache):
    pool = FigurePool(2)
    try:
        batch = FigureBatch([figure for figure, _ in figures.values()], pool)
        pooled = [{"pdf": pdf, "svg": svg} for pdf, svg in zip(batch.drawn("pdf"),
                                                               batch.drawn("svg"))]
    finally:
        pool.close()
    assert batch.from_cache == 0
    assert pooled == [drawn for _, drawn in figures.values()]


def _gray(png: bytes) -> np.ndarray:
    from PIL import Image

    return np.asarray(Image.open(io.BytesIO(png)).convert("L"), dtype=float)


def _poppler(pdf: bytes, dpi: int) -> np.ndarray:
    return _gray(subprocess.run(["pdftoppm", "-r", str(dpi), "-png", "-singlefile", "-"],
                                input=pdf, check=True, capture_output=True).stdout)


def _agg(figure, dpi: int) -> np.ndarray:
    """matplotlib's own raster of the figure, laid out as render_figure lays it out."""
    buf = io.BytesIO()
    plots.laid_out(figure).savefig(buf, format="png", dpi=dpi)
    return _gray(buf.getvalue())


def _alike(a: np.ndarray, b: np.ndarray, name: str) -> None:
    """The same picture up to anti-aliasing and glyph rendering: compared in blocks of
    16 x 16 pixels at 200 dpi, on average close and few blocks far apart. Measured
    2026-12-01: these figures 1.1-1.35 on average; a removed legend, or axes shifted by 2 %
    of their range, 2.2 (and 2.8 % of blocks far apart)."""
    assert abs(a.shape[0] - b.shape[0]) <= 2 and abs(a.shape[1] - b.shape[1]) <= 2, name
    h, w = (min(a.shape[0], b.shape[0]) // 16) * 16, (min(a.shape[1], b.shape[1]) // 16) * 16
    diff = np.abs(_blocks(a[:h, :w]) - _blocks(b[:h, :w]))
    assert diff.mean() < 1.6 and (diff > 16).mean() < 0.02, (name, diff.mean(),
                                                              (diff > 16).mean())


def _blocks(x: np.ndarray) -> np.ndarray:
    h, w = x.shape
    return x.reshape(h // 16, 16, w // 16, 16).mean(axis=(1, 3))


def test_the_pdf_looks_like_what_matplotlib_draws(figures):
    for name, (figure, drawn) in figures.items():
        _alike(_poppler(drawn["pdf"], 200), _agg(figure, 200), name)


def test_the_svg_looks_like_the_pdf_in_a_browser(figures):
    if not CHROMIUM.exists():
        pytest.fail("chromium is missing: `make test` installs it (Debian package chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox",
                                                                         "--disable-gpu"])
        page = browser.new_page(device_scale_factor=200 / 96)
        for name, (figure, drawn) in figures.items():
            width, height = round(figure.width * 96), round(figure.height * 96)
            page.set_viewport_size({"width": width, "height": height})
            uri = "data:image/svg+xml;base64," + base64.b64encode(drawn["svg"]).decode()
            page.set_content(f'<body style="margin:0;background:#fff"><img src="{uri}" '
                             f'style="display:block;width:{width}px;height:{height}px">')
            shot = _gray(page.screenshot(clip={"x": 0, "y": 0, "width": width,
                                               "height": height}))
            _alike(shot, _poppler(drawn["pdf"], 200), name)
        browser.close()


def test_a_drawn_figure_is_kept_and_then_taken_from_the_user_cache(figures, own_cache):
    figure, drawn = figures["q2-scaling"]
    assert plots.cached_figure(figure) is None
    assert plots.drawn_figure(figure) == drawn
    key = figure_key(figure)
    assert sorted(p.name for p in own_cache.iterdir()) == [f"{key}.{s}" for s in
                                                            ("pdf", "sha256", "svg")]
    assert own_cache.stat().st_mode & 0o077 == 0  # the user's alone
    batch = FigureBatch([figure])
    assert batch.from_cache == 1 and batch.drawn("svg") == [drawn["svg"]]


def _tampered(folder: Path, key: str):
    """Ways somebody else's hand could have changed a cache entry."""
    svg, pdf, record = (folder / f"{key}.{s}" for s in ("svg", "pdf", "sha256"))
    evil = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>x()</script>'
    return {
        "svg replaced": lambda: svg.write_bytes(evil),
        "pdf truncated": lambda: pdf.write_bytes(pdf.read_bytes()[:100]),
        "record rewritten for a replaced svg": lambda: (
            svg.write_bytes(evil), record.write_text(record.read_text().rsplit(" ", 1)[0] + " "
                                                     + __import__("hashlib").sha256(evil)
                                                     .hexdigest() + "\n"),
            os.chmod(record, 0o666)),
        "record of another key": lambda: record.write_text(
            "0" * 32 + record.read_text()[32:]),
        "svg a FIFO": lambda: (svg.unlink(), os.mkfifo(svg)),
        "record missing": lambda: record.unlink(),
    }


@pytest.mark.parametrize("how", list(_tampered(Path("."), "k")))
def test_a_tampered_cache_entry_is_drawn_again(figures, own_cache, how):
    figure, drawn = figures["q3-identity"]
    plots.drawn_figure(figure)
    _tampered(own_cache, figure_key(figure))[how]()
    assert plots.cached_figure(figure) is None
    batch = FigureBatch([figure])
    assert batch.from_cache == 0 and batch.drawn("svg") == [drawn["svg"]]


def test_the_key_changes_with_what_is_drawn(figures):
    figure, _ = figures["q2-scaling"]
    keys = {figure_key(figure), figure_key(figures["extreme-scaling"][0]),
            figure_key(plots.Figure(figure.name, figure.draw, figure.width + 1, figure.height))}
    assert len(keys) == 3
    assert figure_key(plots.Figure("another-name", figure.draw, figure.width,
                                   figure.height)) == figure_key(figure)


def test_each_label_is_parsed_once_and_sharing_the_parses_changes_no_byte(figures, tmp_path):
    """The layout and the save share matplotlib's mathtext parses (plots._share_mathtext_
    parses); without the sharing every figure comes out the same, parsing each label 3x."""
    script = (
        "import sys, collections; from pathlib import Path; import generator.plots as p\n"
        "if sys.argv[2] == 'plain': p._share_mathtext_parses = lambda cls: None\n"
        "p._matplotlib()\n"
        "from matplotlib import _mathtext\n"
        "real, seen = _mathtext.Parser.parse, collections.Counter()\n"
        "_mathtext.Parser.parse = lambda self, s, *a: seen.update([(s, *a[1:])]) or "
        "real(self, s, *a)\n"
        "from generator.solve import load_specs, solve_spec\n"
        "for r in solve_spec(load_specs(['specs/ift6135-a1.yaml'])[0]):\n"
        "    for name, f in zip(r.figure_names, r.solution.figures):\n"
        "        Path(sys.argv[1], name + '.svg').write_bytes(p.render_figure(f)['svg'])\n"
        "print(max(seen.values()), len(seen))\n")
    counts = {}
    for how in ("shared", "plain"):
        (tmp_path / how).mkdir()
        out = subprocess.run([sys.executable, "-c", script, str(tmp_path / how), how], cwd=ROOT,
                             check=True, capture_output=True, text=True).stdout.split()
        counts[how] = tuple(map(int, out))
        for svg in (tmp_path / how).iterdir():
            assert svg.read_bytes() == figures[svg.stem][1]["svg"], (how, svg.stem)
    assert counts["shared"][0] == 1 and counts["plain"][0] == 3, counts
    assert counts["shared"][1] == counts["plain"][1] > 10, counts


def test_pages_need_no_rsvg_convert_and_pdfs_say_they_do(tmp_path):
    """Without rsvg-convert (nothing on PATH): the page and its SVGs build; a .tex, whose
    figures are PDFs, fails with one line naming the Debian package."""
    from helpers import run_cli, write_spec

    spec = write_spec(tmp_path, "title: F\nquestions:\n  - {id: q1, kind: activations}\n")
    env = dict(os.environ, PATH=str(tmp_path / "no-programs"),
               ANSWERKEY_CACHE=str(tmp_path / "cache"))
    page = run_cli("build", spec, "-o", tmp_path / "html", "--to", "html", env=env)
    assert page.returncode == 0, page.stderr
    assert (tmp_path / "html/spec/figures/q1-relu-sigmoid.svg").read_bytes().startswith(b"<?xml")
    assert not list((tmp_path / "cache").rglob("*.sha256"))  # half an entry is not kept
    tex = run_cli("build", spec, "-o", tmp_path / "tex", "--to", "tex", env=env)
    assert tex.returncode == 1 and tex.stderr == (
        "error: a figure's PDF needs rsvg-convert, which is not installed: on Debian, "
        "apt-get install librsvg2-bin (or build --to html,json)\n"), tex.stderr
    assert not (tmp_path / "tex").exists() or not list((tmp_path / "tex").rglob("*.tex"))
