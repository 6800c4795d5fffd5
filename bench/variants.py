"""Benchmark of regeneration at speed, measured in one run as ratios (see README, "Speed").

  N variants / bare   `answerkey variants -n N -j 2` / N x the bare latexmk of one variant's
                      key and handout (target <= 0.6), for SPEC and for a spec whose figures
                      change with the student (bench/specs/figure-variants.yaml, figure cache
                      empty at the start)
  unchanged / full    rebuilding an unchanged spec / its full build (target <= 0.05)
  -j 1 / -j 2         N variants with -j 1 / with -j 2 (target >= 1.7)
  R/exams             20 variants of a 1-D convolution exercise (bench/specs/conv1d-
                      exercise.yaml: key, handout, HTML and JSON each) at -j 2 / the 21 s that
                      R/exams' exams2pdf took for the exam and solution PDFs of the same 20
                      (the lower end of 21-24 s, measured for issue 14 on this machine type;
                      R/exams itself cannot be installed here: CRAN is out of reach and
                      Debian has no r-cran-exams) (target <= 0.2)
Usage: python bench/variants.py [--spec SPEC] [--variants-spec SPEC] [-n N]
(defaults: specs/ift6135-a1.yaml for the rebuild ratio, specs/variants-demo.yaml and N = 50)
"""

from __future__ import annotations

import argparse
import os
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
R_EXAMS_SECONDS = 21.0  # exams2pdf, 20 variants, exam + solution (issue 14: 21-24 s)
FIGURES = ROOT / "bench" / "specs" / "figure-variants.yaml"
CONV1D = ROOT / "bench" / "specs" / "conv1d-exercise.yaml"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--spec", default="specs/ift6135-a1.yaml")
    parser.add_argument("--variants-spec", default="specs/variants-demo.yaml")
    parser.add_argument("-n", type=int, default=50)
    args = parser.parse_args()
    spec, vspec, n = Path(args.spec), Path(args.variants_spec), args.n
    work = Path(tempfile.mkdtemp(prefix="ak-bench-"))
    env = dict(os.environ, ANSWERKEY_CACHE=str(work / "cache"))

    def timed(cmd, cwd=ROOT) -> float:
        start = time.perf_counter()
        subprocess.run([str(c) for c in cmd], cwd=cwd, check=True, capture_output=True, env=env)
        return time.perf_counter() - start

    def bare(s: Path) -> float:
        """latexmk by hand on the key and handout of one build of `s` (its first variant)."""
        folder = work / "bare"
        shutil.rmtree(folder, ignore_errors=True)
        shutil.copytree(work / "tex" / s.stem, folder)
        return sum(timed([*BARE, tex], folder) for tex in ("answer-key.tex", "handout.tex"))

    def variants(s: Path, count: int, jobs: int, name: str) -> float:
        shutil.rmtree(work / "cache" / "answerkey" / "figures", ignore_errors=True)
        return timed([ANSWERKEY, "variants", s, "-n", count, "-j", jobs, "-o", work / name])

    try:
        for s in (spec, vspec, FIGURES):
            timed([ANSWERKEY, "build", s, "-o", work / "tex", "--to", "tex"])
            timed([ANSWERKEY, "build", s, "-o", work / "first"])  # the preamble format, once

        def full() -> float:  # cold, as in bench/build.py: a new folder, no figure cached
            shutil.rmtree(work / "out", ignore_errors=True)
            shutil.rmtree(work / "cache" / "answerkey" / "figures", ignore_errors=True)
            return timed([ANSWERKEY, "build", spec, "-o", work / "out"])

        fulls, unchanged = [], []
        for _ in range(3):
            fulls.append(full())
            unchanged.append(timed([ANSWERKEY, "build", spec, "-o", work / "out"]))
        t_full, t_same = statistics.median(fulls), statistics.median(unchanged)
        t_vbare = statistics.median(bare(vspec) for _ in range(3))
        t_fbare = statistics.median(bare(FIGURES) for _ in range(3))
        t_j2 = variants(vspec, n, 2, "j2")
        t_j1 = variants(vspec, n, 1, "j1")
        t_fig = variants(FIGURES, n, 2, "fig")
        t_conv = statistics.median(variants(CONV1D, 20, 2, f"conv{k}") for k in range(3))
        print(f"{vspec}: bare latexmk of key + handout {t_vbare:.2f} s (median of 3)")
        print(f"  {n} variants, -j 2   {t_j2:6.2f} s   variants / {n}xbare = "
              f"{t_j2 / (n * t_vbare):.2f}  (target <= 0.6)")
        print(f"  {n} variants, -j 1   {t_j1:6.2f} s   -j 1 / -j 2       = "
              f"{t_j1 / t_j2:.2f}  (target >= 1.7)")
        print(f"{FIGURES.relative_to(ROOT)}: bare latexmk of key + handout {t_fbare:.2f} s")
        print(f"  {n} variants, -j 2   {t_fig:6.2f} s   variants / {n}xbare = "
              f"{t_fig / (n * t_fbare):.2f}  (target <= 0.6; figures drawn per variant)")
        print(f"{spec}: unchanged rebuild {t_same:.2f} s, full build {t_full:.2f} s")
        print(f"  unchanged / full = {t_same / t_full:.3f} (target <= 0.05)")
        print(f"{CONV1D.relative_to(ROOT)}: 20 variants, -j 2, key + handout + HTML + JSON "
              f"{t_conv:.2f} s (median of 3)")
        print(f"  against R/exams' {R_EXAMS_SECONDS:.0f} s for exam + solution PDFs = "
              f"{t_conv / R_EXAMS_SECONDS:.2f}  (target <= 0.2)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
