"""Benchmark: `answerkey build` and `answerkey solve` against a bare latexmk of the same .tex.

Everything is measured in one run, on this machine, as ratios (medians of REPEATS runs,
interleaved so that drift hits all alike):
  build / bare        full cold build (Python start-up, solve, verify, render, figures, both
                      PDFs, the pages) / `latexmk -pdf` run by hand on the same two .tex files,
                      one after the other (target <= 1.05, stretch <= 0.9)
  html,json / bare    `build --to html,json`, figures drawn (target <= 0.5)
  solve / bare        `answerkey solve` (the answers JSON, no TeX) (target <= 0.1)
  warm / bare         the full build into a new folder with the figures in the user cache
"Cold" means a new output folder and an empty figure cache; the precompiled LaTeX preamble,
made once per TeX installation, is in the cache (the bench's own, in a temporary folder).
Usage: python bench/build.py [SPEC]   (default: specs/ift6135-a1.yaml)
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BARE = ["latexmk", "-pdf", "-interaction=nonstopmode"]  # what a person types by hand
REPEATS = 3
ANSWERKEY = Path(sys.executable).parent / "answerkey"


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> None:
    spec = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("specs/ift6135-a1.yaml")
    work = Path(tempfile.mkdtemp(prefix="ak-bench-"))
    env = dict(os.environ, ANSWERKEY_CACHE=str(work / "cache"))
    figures = work / "cache" / "answerkey" / "figures"

    def run(cmd, cwd=ROOT) -> None:
        subprocess.run([str(c) for c in cmd], cwd=cwd, check=True, capture_output=True, env=env)

    try:
        run([ANSWERKEY, "build", spec, "-o", work / "first"])  # the preamble format, once
        run([ANSWERKEY, "build", spec, "-o", work / "ref", "--to", "tex"])
        sources = work / "ref" / spec.stem

        def bare() -> None:
            folder = work / "bare"
            shutil.rmtree(folder, ignore_errors=True)
            shutil.copytree(sources, folder)
            for tex in ("answer-key.tex", "handout.tex"):
                subprocess.run([*BARE, tex], cwd=folder, check=True, capture_output=True)

        def build(*to: str, cold: bool = True):
            def go() -> None:
                shutil.rmtree(work / "out", ignore_errors=True)
                if cold:
                    shutil.rmtree(figures, ignore_errors=True)
                run([ANSWERKEY, "build", spec, "-o", work / "out", *to])
            return go

        cases = {"bare": bare, "build": build(), "html,json": build("--to", "html,json"),
                 "solve": lambda: run([ANSWERKEY, "solve", spec]),
                 "warm": build(cold=False)}
        times = {name: [] for name in cases}
        for _ in range(REPEATS):
            for name, fn in cases.items():
                times[name].append(timed(fn))
        med = {name: statistics.median(ts) for name, ts in times.items()}
        print(f"spec: {spec}  (median of {REPEATS} runs, {os.cpu_count()} cores)")
        print(f"  bare latexmk, key + handout: {med['bare']:5.2f} s")
        for name, label, target in (
                ("build", "full cold build", "<= 1.05, stretch <= 0.9"),
                ("html,json", "--to html,json", "<= 0.5"),
                ("solve", "solve", "<= 0.1"),
                ("warm", "build, figures cached", "")):
            print(f"  {label:<27}  {med[name]:5.2f} s   {name} / bare = "
                  f"{med[name] / med['bare']:.2f}" + (f"  (target {target})" if target else ""))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
