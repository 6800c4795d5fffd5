"""Benchmark of `answerkey variants --cluster` and of the memory of variants, in one run.

  1 worker / 2 workers   N variants (PDFs and all) on a Dask LocalCluster of one worker
                         process, then of two (one thread each), each into a new folder: the
                         speed-up (at most 2; close to it on two idle cores)
  cluster / -j 2         the same N with two workers / with -j 2 (local processes): what
                         going through a Dask scheduler costs
  --memory               peak RSS of `variants -n K --to json`, for each K of --sizes: with
                         -j 2, the command's (VmHWM) and its largest worker's (getrusage: a
                         forked worker counts the pages it shares with the command), and the
                         command's on two Dask workers. Flat memory: the same at every K
Each cluster runs a small warm-up first (its workers import answerkey, LaTeX's preamble
format is made); the speed ratios are of medians of --repeat runs, interleaved.
Usage: python bench/cluster.py [-n N] [--repeat R] [--memory] [--sizes 1000,10000]
Defaults: N = 20 of specs/variants-demo.yaml, R = 1: about 30 s on two cores; --memory
adds about 8 min (10,000 JSON variants: 1.5 to 3 min with -j 2, 3 to 4 on the cluster).
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from distributed import LocalCluster

ROOT = Path(__file__).resolve().parent.parent
ANSWERKEY = Path(sys.executable).parent / "answerkey"
SPEC = "specs/variants-demo.yaml"

# Runs the command line and reports its peak RSS and its largest child's. Its own is VmHWM:
# getrusage's would count the pages of this bench, which the child had until its exec.
MEASURED = """
import json, resource, sys
from generator.cli import main
code = main(sys.argv[1:])
with open("/proc/self/status") as status:
    own = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
print(json.dumps({"code": code, "self_kb": own, "children_kb":
                  resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}), file=sys.stderr)
"""


def variants(work: Path, n: int, *options) -> float:
    """Seconds taken by `answerkey variants SPEC -n N OPTIONS` into a new folder."""
    out = work / f"out-{time.monotonic_ns()}"
    start = time.perf_counter()
    subprocess.run([str(ANSWERKEY), "variants", SPEC, "-n", str(n), "-o", str(out),
                    *map(str, options)], cwd=ROOT, check=True, capture_output=True)
    elapsed = time.perf_counter() - start
    shutil.rmtree(out)
    return elapsed


def peak_rss(work: Path, n: int, *options) -> dict:
    """The peak RSS (kB) of `variants -n N --to json OPTIONS` and of its largest child."""
    out = work / f"mem-{n}"
    result = subprocess.run([sys.executable, "-c", MEASURED, "variants", SPEC, "-n", str(n),
                             "-o", str(out), "--to", "json", *map(str, options)],
                            cwd=ROOT, capture_output=True, text=True)
    shutil.rmtree(out, ignore_errors=True)
    report = json.loads(result.stderr.strip().splitlines()[-1])
    if report["code"] != 0:
        raise SystemExit(f"variants -n {n} failed: {result.stderr.strip()}")
    return report


def say(line: str) -> None:
    print(line, flush=True)


def speed(work: Path, n: int, repeat: int) -> None:
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=True,
                      dashboard_address=":0") as one, \
            LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                         dashboard_address=":0") as two:
        for cluster in (one, two):
            variants(work, 2, "--cluster", cluster.scheduler_address)  # warm-up
        times: dict[str, list[float]] = {"1 worker": [], "2 workers": [], "-j 2": []}
        for r in range(repeat):
            say(f"run {r + 1} of {repeat}: {n} variants on 1 worker, on 2, with -j 2 ...")
            times["1 worker"].append(variants(work, n, "--cluster", one.scheduler_address))
            times["2 workers"].append(variants(work, n, "--cluster", two.scheduler_address))
            times["-j 2"].append(variants(work, n, "-j", 2))
    t1, t2, tj = (statistics.median(times[k]) for k in ("1 worker", "2 workers", "-j 2"))
    say(f"{SPEC}, {n} variants (median of {repeat}):")
    say(f"  1 Dask worker   {t1:6.1f} s")
    say(f"  2 Dask workers  {t2:6.1f} s   1 worker / 2 workers = {t1 / t2:.2f}  (at most 2)")
    say(f"  -j 2            {tj:6.1f} s   cluster / -j 2       = {t2 / tj:.2f}")


def memory(work: Path, sizes: list[int]) -> None:
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=":0") as two:
        say("peak RSS of `variants -n K --to json` (MB):")
        say(f"  {'K':>6}  {'-j 2 command':>12}  {'-j 2 worker':>11}  {'cluster command':>15}")
        for n in sizes:
            say(f"  ... -n {n} with -j 2, then on 2 Dask workers")
            local = peak_rss(work, n, "-j", 2)
            client = peak_rss(work, n, "--cluster", two.scheduler_address)
            say(f"  {n:>6}  {local['self_kb'] / 1024:12.0f}  "
                f"{local['children_kb'] / 1024:11.0f}  {client['self_kb'] / 1024:15.0f}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("-n", type=int, default=20, help="variants per speed run")
    parser.add_argument("--repeat", type=int, default=1, help="speed runs (median)")
    parser.add_argument("--memory", action="store_true", help="also measure peak RSS")
    parser.add_argument("--sizes", default="1000,10000", help="-n of the memory runs")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="ak-bench-cluster-"))
    try:
        speed(work, args.n, args.repeat)
        if args.memory:
            memory(work, [int(k) for k in args.sizes.split(",")])
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
