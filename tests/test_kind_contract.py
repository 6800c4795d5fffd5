"""Every registered kind has everything a kind needs, so a new kind cannot skip a step: its
module's interface, one presentation (and no per-format templates), an example spec, a bad-input
case, its own test module, figures that draw when it says it plots, and a key in both formats."""

import re
from importlib import import_module
from pathlib import Path

import matplotlib
import pytest
import yaml

matplotlib.use("Agg")
from matplotlib.figure import Figure as MplFigure  # noqa: E402

from generator import TEMPLATES, doc  # noqa: E402
from generator.kinds import KINDS, PLOTTING  # noqa: E402
from generator.kinds.base import Solution  # noqa: E402
from generator.render import question_views  # noqa: E402
from generator.solve import load_specs, solve_spec  # noqa: E402
from generator.style import SHELLS  # noqa: E402
from generator.writers import HtmlWriter, LatexWriter  # noqa: E402
from helpers import ROOT  # noqa: E402

NAMES = sorted(KINDS)
SPECS = sorted((ROOT / "specs").glob("*.yaml"))
BAD = sorted((ROOT / "tests" / "bad_specs").glob("*.yaml"))


def _kinds_in(path: Path) -> set:
    return set(re.findall(r"^\s*-?\s*kind:\s*([a-z_0-9]+)", path.read_text(encoding="utf-8"), re.M)
               + re.findall(r"\bkind:\s*([a-z_0-9]+)\s*[,}]", path.read_text(encoding="utf-8")))


@pytest.fixture(scope="module")
def solved():
    """Every example spec solved once: {kind: [(view, result), ...]}."""
    out: dict = {name: [] for name in NAMES}
    for path in SPECS:
        spec = load_specs([path])[0]
        results = solve_spec(spec)
        for view, result in zip(question_views(spec, results), results):
            out[view.kind].append((view, result))
    return out


@pytest.mark.parametrize("name", NAMES)
def test_the_module_has_the_kind_interface(name):
    kind = KINDS[name]
    assert kind.NAME == name and kind.SUMMARY.strip()
    for function in ("check", "shown_lines", "solve", "verify", "part_labels"):
        assert callable(getattr(kind, function, None)), f"{name} lacks {function}()"
    assert kind.FIELDS and all(hasattr(f, "validator") for f in kind.FIELDS.values())


@pytest.mark.parametrize("name", NAMES)
def test_one_presentation_and_no_template_pair(name):
    present = import_module(f"generator.presentation.{name}")
    assert callable(present.statement) and callable(present.answer)
    for fmt, ext in (("latex", "tex"), ("html", "html")):
        assert not (TEMPLATES / fmt / f"{name}.{ext}.j2").exists(), \
            f"{name} has a {fmt} template: a kind is presented once, in its presentation"


def test_no_kind_template_is_left():
    assert {p.name for p in TEMPLATES.glob("*/*.j2")} == set(SHELLS)


@pytest.mark.parametrize("name", NAMES)
def test_an_example_spec_uses_the_kind(name):
    assert any(name in _kinds_in(p) for p in SPECS), f"no spec in specs/ has a {name} question"


@pytest.mark.parametrize("name", NAMES)
def test_a_bad_input_case_exists(name):
    expected = yaml.safe_load((ROOT / "tests" / "bad_specs" / "expected.yaml").read_text())
    cases = [p for p in BAD if p.stem in expected and name in _kinds_in(p)]
    assert cases, f"tests/bad_specs/ has no case with a {name} question"


@pytest.mark.parametrize("name", NAMES)
def test_the_kind_has_its_own_test_module(name):
    path = ROOT / "tests" / f"test_{name}.py"
    assert path.exists(), f"tests/test_{name}.py is missing"
    assert re.search(rf"\bkinds\.{name}\b|\bkinds import (.*, )?{name}\b|\bkind: {name}\b",
                     path.read_text(encoding="utf-8")), f"{path.name} does not solve a {name}"


@pytest.mark.parametrize("name", NAMES)
def test_figures_draw_and_the_registry_says_who_plots(name, solved):
    examples = solved[name]
    assert examples, f"no example of {name}"
    drawn = 0
    for _, result in examples:
        assert isinstance(result.solution, Solution)
        for figure in result.solution.figures:
            fig = MplFigure(figsize=(figure.width, figure.height))
            figure.draw(fig)
            assert fig.axes, f"{name}: figure {figure.name} drew no axes"
            drawn += 1
    if name in PLOTTING:
        assert drawn, f"{name} is registered as plotting but its examples drew no figure"
    else:
        assert not drawn, f"{name} returns figures but is not registered as plotting"


@pytest.mark.parametrize("name", NAMES)
def test_the_presentation_renders_in_both_formats_from_nodes_only(name, solved):
    present = import_module(f"generator.presentation.{name}")
    for view, _ in solved[name]:
        for blocks in (present.statement(view), present.answer(view)):
            assert blocks and all(isinstance(b, LatexWriter.BLOCK) for b in blocks)
            assert LatexWriter().write(blocks).strip() and HtmlWriter().write(blocks).strip()
        figures = [b for b in present.answer(view) if isinstance(b, doc.Figure)]
        assert {f.name for f in figures} <= set(view.figures)
        assert all(f.caption and f.alt for f in figures)


@pytest.mark.parametrize("name", NAMES)
def test_work_is_typed(name, solved):
    for _, result in solved[name]:
        work = result.solution.work
        assert work is None or hasattr(work, "__dataclass_fields__"), \
            f"{name}: Solution.work is a {type(work).__name__}, not the kind's dataclass"
