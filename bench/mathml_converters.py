"""Benchmark: the page's LaTeX -> MathML converter, latex2mathml (generator/mathml.py) against
pandoc's texmath, on every formula answerkey hands the page.

The formulas are those given to generator.mathml.page_mathml while each example spec's key
page is rendered (the handout's are a subset), and the accepted user math of
tests/test_math.py with one use of every allowed macro and environment, read as the page reads
it (escape.math_source). Per formula: does it convert, does TeX leak into the MathML (a
backslash, or `&` read as an identifier), does the result pass the page's allow-list
(generator.mathml._serialise; pandoc's <semantics> wrapper and its TeX <annotation> are
unwrapped first, as an adapter would). Pandoc runs once per page, all formulas in one LaTeX
document. Usage:
  python bench/mathml_converters.py [--look DIR]
--look writes side-by-side pages (the reference key's formulas, the user math and every
formula either converter gets wrong) to DIR and screenshots them with headless Chromium.
"""

from __future__ import annotations

import argparse
import html
import html.entities
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]  # tests/test_math.py imports its helpers

from latex2mathml.converter import convert_to_element  # noqa: E402
from test_math import ACCEPTED, _macro_uses  # noqa: E402

from generator import mathml, render, rich_writers  # noqa: E402
from generator.escape import math_source  # noqa: E402
from generator.solve import load_specs, solve_spec  # noqa: E402
from generator.writers import html as html_writer  # noqa: E402

REFERENCE = "ift6135-a1"
USER_PAGE = "user math"
ROWS_PER_SHOT = 60
CHROMIUM = ["chromium", "--headless", "--no-sandbox", "--disable-gpu",
            "--disable-background-networking", "--user-data-dir=/tmp/chr-mathml",
            "--window-size=1200,4000"]


@dataclass(frozen=True)
class Formula:
    tex: str
    display: bool


@dataclass(frozen=True)
class Page:
    name: str
    formulas: list[Formula]


@dataclass(frozen=True)
class Outcome:
    """What one converter made of one formula; `shown` is what the side-by-side page shows."""

    converts: bool
    leak: str | None  # the TeX that reached the MathML, if any
    rejection: str | None  # why the allow-list refuses it, if it does
    shown: str


@dataclass
class Run:
    """One converter over every page."""

    name: str
    outcomes: dict[Formula, Outcome]
    seconds: float = 0.0


def collect_pages() -> list[Page]:
    """Every example spec's key page with the formulas it converts, and the user math."""
    seen: list[Formula] = []
    original = mathml.page_mathml

    def recording(tex: str, display: bool = False) -> str:
        seen.append(Formula(tex, display))
        return original(tex, display)

    # page_mathml is imported by name into each module that converts the page's math
    patched = ((mathml, "page_mathml"), (html_writer, "page_mathml"), (render, "mathml"),
               (rich_writers, "page_mathml"))
    for module, name in patched:
        setattr(module, name, recording)
    try:
        pages = []
        for path in sorted((ROOT / "specs").glob("*.yaml")):
            [spec] = load_specs([path])
            seen.clear()
            render.render_html(spec, solve_spec(spec), key=True)
            pages.append(Page(path.stem, list(dict.fromkeys(seen))))
    finally:
        for module, name in patched:
            setattr(module, name, original)
    user = [Formula(math_source(m, for_latex=False), False) for m in ACCEPTED + _macro_uses()]
    return pages + [Page(USER_PAGE, list(dict.fromkeys(user)))]


def run_latex2mathml(pages: list[Page]) -> Run:
    """latex2mathml as the project calls it, one formula at a time."""
    run = Run("latex2mathml", {})
    for formula in {f: None for page in pages for f in page.formulas}:
        start = time.perf_counter()
        try:
            tree = convert_to_element(formula.tex, display="block" if formula.display else "inline")
        except Exception as exc:  # the converter raises many types on bad input
            run.seconds += time.perf_counter() - start
            run.outcomes[formula] = Outcome(False, None, None, f"{type(exc).__name__}: {exc}")
            continue
        rejection, shown = _allow(tree)
        run.seconds += time.perf_counter() - start
        if rejection is None:
            shown = mathml.page_mathml(formula.tex, formula.display)
        run.outcomes[formula] = Outcome(True, _leak(tree), rejection, shown)
    return run


def run_math_core(pages: list[Page]) -> Run | None:
    """math-core (a pip wheel, Rust) one formula at a time; None when it is not installed."""
    try:
        import math_core
    except ImportError:
        return None
    converter = math_core.LatexToMathML(fancy_error=False)
    run = Run("math-core", {})
    for formula in {f: None for page in pages for f in page.formulas}:
        start = time.perf_counter()
        try:
            text = converter.convert_with_local_state(formula.tex, displaystyle=formula.display)
        except math_core.LatexError as exc:
            run.seconds += time.perf_counter() - start
            run.outcomes[formula] = Outcome(False, None, None, str(exc))
            continue
        # its output is HTML: named references (&ApplyFunction;) become numeric ones for XML
        tree = ElementTree.fromstring(_NAMED_REF.sub(_numeric_ref, text))
        rejection, shown = _allow(tree)
        run.seconds += time.perf_counter() - start
        run.outcomes[formula] = Outcome(True, _leak(tree), rejection, shown)
    return run


_NAMED_REF = re.compile(r"&([A-Za-z][A-Za-z0-9]*;)")


def _numeric_ref(m: re.Match) -> str:
    if m.group(1) in ("lt;", "gt;", "amp;", "quot;", "apos;"):
        return m.group(0)
    return "".join(f"&#x{ord(ch):X};" for ch in html.entities.html5[m.group(1)])


def run_pandoc(pages: list[Page]) -> Run:
    """pandoc -f latex -t html5 --mathml, once per page; a page pandoc cannot read at all is
    converted again one formula at a time (that time is not counted)."""
    run = Run("pandoc", {})
    for page in pages:
        todo = [f for f in page.formulas if f not in run.outcomes]
        start = time.perf_counter()
        chunks = _pandoc(todo)
        if chunks is not None:
            for formula, chunk in zip(todo, chunks):
                run.outcomes[formula] = _pandoc_outcome(chunk)
            run.seconds += time.perf_counter() - start
            continue
        print(f"pandoc cannot read the page {page.name!r} as one document", file=sys.stderr)
        for formula in todo:
            [chunk] = _pandoc([formula]) or [None]
            run.outcomes[formula] = _pandoc_outcome(chunk)
    return run


_MARK = "answerkeyformula"
_SPLIT = re.compile(rf"<p>{_MARK}(\d+)</p>")
_MATH = re.compile(r"<math\b.*?</math>", re.S)


def _pandoc(formulas: list[Formula]) -> list[str] | None:
    """Each formula's part of pandoc's page, or None when pandoc refuses the page."""
    source = "".join(f"{_MARK}{i}\n\n" + (rf"\[{f.tex}\]" if f.display else rf"\({f.tex}\)")
                     + "\n\n" for i, f in enumerate(formulas))
    result = subprocess.run(["pandoc", "-f", "latex", "-t", "html5", "--mathml"],
                            input=source, capture_output=True, text=True)
    if result.returncode:
        return None
    parts = _SPLIT.split(result.stdout)[1:]
    chunks = dict(zip(map(int, parts[::2]), parts[1::2]))
    return [chunks.get(i, "") for i in range(len(formulas))]


def _pandoc_outcome(chunk: str | None) -> Outcome:
    if chunk is None:
        return Outcome(False, None, None, "pandoc refused it")
    found = _MATH.search(chunk)
    if not found:  # pandoc writes what texmath cannot read as TeX in a <span>
        raw = html.unescape(re.sub(r"<[^>]*>", "", chunk)).strip()
        return Outcome(False, raw or None, None, raw or "pandoc wrote nothing")
    tree = ElementTree.fromstring(found.group(0))
    for element in tree.iter():
        element.tag = element.tag.rpartition("}")[2]
    for semantics in tree.findall("semantics"):  # <semantics><mrow/><annotation/></semantics>
        tree.remove(semantics)
        tree.extend(e for e in semantics if e.tag not in ("annotation", "annotation-xml"))
    rejection, shown = _allow(tree)
    return Outcome(True, _leak(tree), rejection, shown)


def _allow(tree: ElementTree.Element) -> tuple[str | None, str]:
    """(None, MathML) when the allow-list passes the tree, else (why not, the reason)."""
    try:
        return None, mathml._serialise(tree)
    except mathml.MathMLError as exc:
        return str(exc), f"allow-list: {exc}"


def _leak(tree: ElementTree.Element) -> str | None:
    for element in tree.iter():
        for text in (element.text, element.tail, *element.attrib.values()):
            if text and "\\" in text:
                return text.strip()
        if element.tag in ("mi", "mn") and element.text and element.text.strip() == "&":
            return "& as an identifier"
    return None


def table(pages: list[Page], runs: list[Run]) -> str:
    """The comparison, one row per converter."""
    formulas = {f for page in pages for f in page.formulas}
    lines = [f"{len(formulas)} distinct formulas ({sum(f.display for f in formulas)} display) "
             f"from {len(pages)} pages "
             f"({', '.join(f'{p.name}: {len(p.formulas)}' for p in pages)})",
             f"{'converter':<14}{'failures':>10}{'TeX leaks':>11}{'allow-list rejections':>23}"
             f"{'time (s)':>10}"]
    for run in runs:
        outcomes = [run.outcomes[f] for f in formulas]
        lines.append(f"{run.name:<14}{sum(not o.converts for o in outcomes):>10}"
                     f"{sum(o.leak is not None for o in outcomes):>11}"
                     f"{sum(o.rejection is not None for o in outcomes):>23}{run.seconds:>10.2f}")
    return "\n".join(lines)


def problems(runs: list[Run]) -> str:
    """Every formula some converter fails, leaks or gets rejected on, with what happened."""
    lines = []
    for run in runs:
        for formula, o in run.outcomes.items():
            what = ("fails" if not o.converts else "") + (f" leaks {o.leak!r}" if o.leak else "") \
                + (f" rejected: {o.rejection}" if o.rejection else "")
            if what:
                lines.append(f"{run.name}: {what.strip()}: {formula.tex!r}")
    return "\n".join(lines)


def wrong(runs: list[Run]) -> list[Formula]:
    """The formulas some converter fails, leaks or gets rejected on."""
    return list(dict.fromkeys(f for run in runs for f, o in run.outcomes.items()
                              if not o.converts or o.leak or o.rejection))


def look(folder: Path, pages: list[Page], runs: list[Run]) -> list[Path]:
    """Side-by-side pages of the reference key, the user math and the failures, screenshotted
    if Chromium is installed; returns the screenshots."""
    folder.mkdir(parents=True, exist_ok=True)
    shown = [f for p in pages if p.name in (REFERENCE, USER_PAGE) for f in p.formulas]
    sample = list(dict.fromkeys(shown + wrong(runs)))
    shots = []
    for n, first in enumerate(range(0, len(sample), ROWS_PER_SHOT)):
        rows = sample[first : first + ROWS_PER_SHOT]
        page = folder / f"sample-{n:02d}.html"
        page.write_text(_side_by_side(rows, runs, first), encoding="utf-8")
        if shutil.which("chromium"):
            shot = folder / f"sample-{n:02d}.png"
            subprocess.run([*CHROMIUM, f"--screenshot={shot}", page.as_uri()],
                           capture_output=True, check=True, timeout=120)
            shots.append(shot)
    return shots


_STYLE = """body { font-family: "Palatino Linotype", Palatino, Georgia, serif; font-size: 17px; }
table { border-collapse: collapse; width: 100%; table-layout: fixed; }
td, th { border-bottom: 1px solid #d0d4da; padding: .2rem .5rem; text-align: left;
overflow: hidden; } th.tex { width: 28%; }
td.tex { font: 11px monospace; overflow-wrap: anywhere; color: #5f6368; }
td.bad { color: #8b1e1e; font: 12px monospace; }
math[display="block"] { margin: .3rem 0; }
math [mathvariant="bold"] { font-weight: bold; }"""


def _side_by_side(formulas: list[Formula], runs: list[Run], first: int) -> str:
    head = "".join(f"<th>{run.name}</th>" for run in runs)
    rows = []
    for i, formula in enumerate(formulas, first):
        cells = []
        for run in runs:
            o = run.outcomes[formula]
            good = o.converts and o.rejection is None
            cells.append(f"<td>{o.shown}</td>" if good
                         else f'<td class="bad">{html.escape(o.shown)}</td>')
        rows.append(f'<tr><td class="tex">{i} {html.escape(formula.tex)}</td>{"".join(cells)}</tr>')
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8"><style>{_STYLE}</style></head>'
            f'<body><table><tr><th class="tex">TeX</th>{head}</tr>{"".join(rows)}</table>'
            "</body></html>")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--look", type=Path, help="write side-by-side pages and screenshots here")
    args = parser.parse_args(argv)
    if not shutil.which("pandoc"):
        print("pandoc is not installed (Debian: apt-get install pandoc): nothing to compare "
              "latex2mathml with")
        return 0
    pages = collect_pages()
    runs = [run_latex2mathml(pages), run_pandoc(pages)]
    core = run_math_core(pages)
    runs += [core] if core else []
    version = subprocess.run(["pandoc", "--version"], capture_output=True, text=True).stdout
    print(version.splitlines()[0] + "; " + version.splitlines()[1].removeprefix("Compiled with "))
    print(table(pages, runs))
    if not core:
        print("math-core is not installed (pip install math-core): not compared")
    print(problems(runs) or "no formula fails, leaks or is rejected")
    if args.look:
        for shot in look(args.look, pages, runs):
            print(shot)
    return 0


if __name__ == "__main__":
    sys.exit(main())
