"""Figures as the build draws them: deterministic, picklable for the early-started workers,
the same from a worker as in-process, unchanged on the page by the lighter font subsets, and
matplotlib never imported by solving."""

from __future__ import annotations

import pickle
import subprocess
import sys
from pathlib import Path

import pytest

from generator.kinds import PLOTTING, softmax
from generator.plots import FigureBatch, FigurePool, render_figure
from generator.solve import load_specs, solve_spec
from helpers import ROOT, params_of


@pytest.fixture(scope="module")
def figures():
    """The reference spec's figures (one per kind that plots) and a softmax figure at an
    extreme scale, each with its {"svg": ..., "pdf": ...} drawn once in this process."""
    results = solve_spec(load_specs([ROOT / "specs/ift6135-a1.yaml"])[0])
    found = {name: f for r in results for name, f in zip(r.figure_names, r.solution.figures)}
    assert set(found) == {"q1-relu-sigmoid", "q2-scaling", "q3-identity"}
    extreme = params_of("title: t\nquestions:\n  - {id: q2, kind: softmax, x: [3, 3, -1, 0.5], "
                        "scales: [0, 0.1, 1, 1000]}\n")
    (found["extreme-scaling"],) = softmax.solve(extreme).figures
    return {name: (figure, render_figure(figure)) for name, figure in found.items()}


def test_kinds_that_plot_say_so():
    assert PLOTTING == {"activations", "softmax", "sigmoid_tanh"}


def test_solving_does_not_import_matplotlib():
    code = ("import sys; from generator.solve import load_specs, solve_spec; "
            "solve_spec(load_specs(['specs/ift6135-a1.yaml'])[0]); "
            "assert 'matplotlib' not in sys.modules, 'matplotlib imported'")
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)


def test_figures_are_svg_and_pdf_and_the_same_when_drawn_again(figures):
    for name, (figure, drawn) in figures.items():
        assert list(drawn) == ["svg", "pdf"], name
        assert drawn["svg"].startswith(b"<?xml") and drawn["pdf"].startswith(b"%PDF"), name
        assert render_figure(figure) == drawn, name


def test_figures_pickle_and_draw_the_same_after(figures):
    for name, (figure, drawn) in figures.items():
        again = render_figure(pickle.loads(pickle.dumps(figure)), ("pdf",))
        assert again == {"pdf": drawn["pdf"]}, name


def test_pool_draws_what_the_process_draws(figures):
    pool = FigurePool(2)
    try:
        batch = FigureBatch([figure for figure, _ in figures.values()], pool)
        pooled = [{"svg": svg, "pdf": pdf} for svg, pdf in zip(batch.svgs(), batch.pdfs())]
    finally:
        pool.close()
    assert pooled == [drawn for _, drawn in figures.values()]


def _pixels(pdf: Path) -> bytes:
    out = subprocess.run(["pdftoppm", "-r", "120", "-gray", str(pdf)], check=True,
                         capture_output=True).stdout
    assert len(out) > 100_000
    return out


def test_dropping_layout_tables_changes_no_pixel(figures, tmp_path):
    """The figure PDFs embed fonts without GSUB/GPOS (see plots._UNUSED_IN_PDF); rendered
    by poppler they must look exactly like PDFs made with fontTools' default subsets."""
    script = (
        "import sys; from pathlib import Path; import generator.plots as p\n"
        "p._lighter_font_subsets = lambda: None\n"
        "from generator.solve import load_specs, solve_spec\n"
        "for r in solve_spec(load_specs(['specs/ift6135-a1.yaml'])[0]):\n"
        "    for name, f in zip(r.figure_names, r.solution.figures):\n"
        "        Path(sys.argv[1], name + '.pdf').write_bytes(p.render_figure(f, ('pdf',))['pdf'])\n")
    default = tmp_path / "default"
    default.mkdir()
    subprocess.run([sys.executable, "-c", script, str(default)], cwd=ROOT, check=True)
    for reference in sorted(default.iterdir()):
        light = figures[reference.stem][1]["pdf"]
        assert len(light) < len(reference.read_bytes()), reference.stem  # tables really gone
        (tmp_path / reference.name).write_bytes(light)
        assert _pixels(tmp_path / reference.name) == _pixels(reference), reference.stem
