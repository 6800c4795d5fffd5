"""Figures as the build draws them: picklable for the early-started workers, the same from a
worker as in-process, and unchanged on the page by the lighter font subsets."""

from __future__ import annotations

import pickle
import subprocess
import sys
from pathlib import Path

import pytest

from generator.kinds import KINDS
from generator.plots import FigureBatch, FigurePool, render_figure
from generator.solve import load_specs, solve_spec

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def figures():
    results = solve_spec(load_specs([ROOT / "specs/ift6135-a1.yaml"])[0])
    found = {name: f for r in results for name, f in zip(r.figure_names, r.solution.figures)}
    assert set(found) == {"q1-relu-sigmoid", "q2-scaling", "q3-identity"}
    return found


def test_kinds_that_plot_say_so(figures):
    plotting = {name for name, kind in KINDS.items() if getattr(kind, "PLOTS", False)}
    assert plotting == {"activations", "softmax", "sigmoid_tanh"}


def test_figures_pickle_and_draw_the_same_after(figures):
    for figure in figures.values():
        copy = pickle.loads(pickle.dumps(figure))
        assert render_figure(copy, ("pdf",)) == render_figure(figure, ("pdf",))


def test_pool_draws_what_the_process_draws(figures):
    ordered = list(figures.values())
    pool = FigurePool(2)
    try:
        batch = FigureBatch(ordered, pool)
        pooled = list(zip(batch.svgs(), batch.pdfs()))
    finally:
        pool.close()
    assert pooled == [render_figure(f) for f in ordered]


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
        "        Path(sys.argv[1], name + '.pdf').write_bytes(p.render_figure(f, ('pdf',))[0])\n")
    default = tmp_path / "default"
    default.mkdir()
    subprocess.run([sys.executable, "-c", script, str(default)], cwd=ROOT, check=True)
    for name, figure in figures.items():
        (light,) = render_figure(figure, ("pdf",))
        reference = (default / f"{name}.pdf").read_bytes()
        assert len(light) < len(reference), name  # the tables really are gone
        (tmp_path / f"{name}.pdf").write_bytes(light)
        assert _pixels(tmp_path / f"{name}.pdf") == _pixels(default / f"{name}.pdf"), name


def test_figure_files_do_not_depend_on_the_number_of_workers(tmp_path):
    from generator.build import build_specs

    spec = load_specs([ROOT / "specs/activations-softmax.yaml"])[0]
    files = []
    for jobs in (1, 2):
        out = tmp_path / f"j{jobs}"
        build_specs([spec], [out], ("html", "tex"), force=True, latex_jobs=jobs)
        figures = sorted((out / "figures").iterdir())
        assert {p.suffix for p in figures} == {".svg", ".pdf"}
        files.append({p.name: p.read_bytes() for p in figures})
    assert files[0] == files[1]
