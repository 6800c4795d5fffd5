"""Benchmark: `answerkey build` and `answerkey solve` against a bare latexmk of the same .tex.

Everything is measured in one run, on this machine, as ratios (medians of REPEATS runs):
  build / bare   full build (Python start-up, solve, verify, render, both PDFs) divided by
                 `latexmk -pdf` run by hand on the same two .tex files, one after the other;
  solve / bare   `answerkey solve` (the answers JSON, no TeX) divided by the same.
Usage: python bench/build.py [SPEC]   (default: specs/ift6135-a1.yaml)
"""

from __future__ import annotations

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


def run(cmd, cwd=ROOT) -> None:
    subprocess.run(cmd, cwd=cwd, check=True, capture_output=True)


def main() -> None:
    spec = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("specs/ift6135-a1.yaml")
    work = Path(tempfile.mkdtemp(prefix="ak-bench-"))
    try:
        run([ANSWERKEY, "build", spec, "-o", work / "ref", "--to", "tex"])
        sources = work / "ref" / spec.stem

        def bare() -> None:
            folder = work / "bare"
            shutil.rmtree(folder, ignore_errors=True)
            shutil.copytree(sources, folder)
            for tex in ("answer-key.tex", "handout.tex"):
                subprocess.run([*BARE, tex], cwd=folder, check=True, capture_output=True)

        def build() -> None:
            shutil.rmtree(work / "out", ignore_errors=True)
            run([ANSWERKEY, "build", spec, "-o", work / "out"])

        def solve() -> None:
            run([ANSWERKEY, "solve", spec])

        times = {name: [] for name in ("bare", "build", "solve")}
        for _ in range(REPEATS):  # interleaved so that drift hits all three alike
            for name, fn in (("bare", bare), ("build", build), ("solve", solve)):
                times[name].append(timed(fn))
        med = {name: statistics.median(ts) for name, ts in times.items()}
        print(f"spec: {spec}  (median of {REPEATS} runs)")
        print(f"  bare latexmk, key + handout: {med['bare']:.2f} s")
        print(f"  answerkey build:             {med['build']:.2f} s   "
              f"build / bare = {med['build'] / med['bare']:.2f}  (target <= 1.3)")
        print(f"  answerkey solve:             {med['solve']:.2f} s   "
              f"solve / bare = {med['solve'] / med['bare']:.3f} (target < 0.1)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
