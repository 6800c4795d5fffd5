"""Benchmark of regeneration at speed, measured in one run as ratios (see README, "Speed").

  build / bare        full `answerkey build` of SPEC / `latexmk -pdf` by hand on the same two
                      .tex files, one after the other (target <= 1.05; below 1 via concurrency)
  N variants / bare   `answerkey variants -n N -j 2` / N x the same bare latexmk of a key and
                      its handout (target <= 0.6)
  unchanged / full    rebuilding an unchanged spec / its full build (target <= 0.05)
  -j 2 over -j 1      N variants with -j 1 / with -j 2 (target >= 1.7)
Usage: python bench/variants.py [--spec SPEC] [--variants-spec SPEC] [-n N]
(defaults: specs/ift6135-a1.yaml for the build ratios, specs/variants-demo.yaml and N = 50)
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ANSWERKEY = Path(sys.executable).parent / "answerkey"
BARE = ["latexmk", "-pdf", "-interaction=nonstopmode"]  # what a person types by hand


def timed(cmd, cwd=ROOT) -> float:
    start = time.perf_counter()
    subprocess.run([str(c) for c in cmd], cwd=cwd, check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--spec", default="specs/ift6135-a1.yaml")
    parser.add_argument("--variants-spec", default="specs/variants-demo.yaml")
    parser.add_argument("-n", type=int, default=50)
    args = parser.parse_args()
    spec, vspec, n = Path(args.spec), Path(args.variants_spec), args.n
    work = Path(tempfile.mkdtemp(prefix="ak-bench-"))
    try:
        for s in (spec, vspec):
            timed([ANSWERKEY, "build", s, "-o", work / "tex", "--to", "tex"])

        def bare(s: Path = spec) -> float:
            folder = work / "bare"
            shutil.rmtree(folder, ignore_errors=True)
            shutil.copytree(work / "tex" / s.stem, folder)
            return sum(timed([*BARE, tex], folder) for tex in ("answer-key.tex", "handout.tex"))

        def full() -> float:
            shutil.rmtree(work / "out", ignore_errors=True)
            return timed([ANSWERKEY, "build", spec, "-o", work / "out"])

        bares, fulls, unchanged = [], [], []
        for _ in range(3):
            bares.append(bare())
            fulls.append(full())
            unchanged.append(timed([ANSWERKEY, "build", spec, "-o", work / "out"]))
        t_bare, t_full, t_same = (statistics.median(x) for x in (bares, fulls, unchanged))
        t_vbare = statistics.median(bare(vspec) for _ in range(3))
        t_j2 = timed([ANSWERKEY, "variants", vspec, "-n", n, "-j", 2, "-o", work / "j2"])
        t_j1 = timed([ANSWERKEY, "variants", vspec, "-n", n, "-j", 1, "-o", work / "j1"])
        print(f"{spec}: bare latexmk of key + handout {t_bare:.2f} s (median of 3)")
        print(f"  full build           {t_full:6.2f} s   build / bare      = "
              f"{t_full / t_bare:.2f}  (target <= 1.05)")
        print(f"{vspec}: bare latexmk of key + handout {t_vbare:.2f} s (median of 3)")
        print(f"  {n} variants, -j 2   {t_j2:6.2f} s   variants / {n}xbare = "
              f"{t_j2 / (n * t_vbare):.2f}  (target <= 0.6)")
        print(f"  unchanged rebuild    {t_same:6.2f} s   unchanged / full  = "
              f"{t_same / t_full:.3f} (target <= 0.05)")
        print(f"  {n} variants, -j 1   {t_j1:6.2f} s   -j 1 / -j 2       = "
              f"{t_j1 / t_j2:.2f}  (target >= 1.7)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
