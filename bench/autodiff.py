"""Benchmark: the autodiff trace, forward and reverse mode stay linear in the expression size.

Generates expressions whose traces have exactly N rows (distinct leaves, so hash-consing
merges nothing; a seeded mix of + - * and bounded functions over three variables), then times
parse + trace + forward mode + reverse mode in one run, best of 7 rounds that interleave the
sizes (a shared machine's slow spells then hit every size alike), and prints the time per
operation and its ratio to the smallest size (a linear engine keeps it near 1).
Usage: python bench/autodiff.py [N ...]   (default: 1000 5000 10000)

Last run (2 cores, shared, 2026-11-29), `bench/autodiff.py 1000 5000 10000 50000`:
11.1, 11.4, 11.9, 13.0 µs per operation (10k: 119 ms = parse 46 + trace 54 + forward 9 +
reverse 10); ratio 10k/1k = 1.07 (1.01-1.12 over three runs), 50k/1k = 1.2: linear. (An
earlier tokenizer sliced the text at every token and was quadratic: 45 µs per row at 50k.)
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from generator.numeric import ad  # noqa: E402
from generator.numeric.expr import parse  # noqa: E402

VARIABLES = ["x1", "x2", "x3"]
POINT = {"x1": 0.7, "x2": 1.3, "x3": -0.4}


def expression(operations: int, seed: int = 1) -> str:
    """An expression whose trace has exactly `operations` rows, values bounded.

    Leaves are `x_i * c` with distinct constants c (so hash-consing merges nothing), merged
    pairwise level by level (depth ~ log2 N, no deep nesting): some merges as `f(a op b)`
    (two rows, f bounded), the others as `(a + b)` (one row)."""
    rng = random.Random(seed)
    leaves = -(-(operations + 2) // 3)  # L leaves + (L - 1) merges + F wrappers = N
    wrapped = operations - (2 * leaves - 1)
    terms = [f"{rng.choice(VARIABLES)} * {(k + 1) / (leaves + 1)!r}" for k in range(leaves)]
    functions = ["sin", "cos", "tanh", "sigmoid"]
    merges = rng.sample(range(leaves - 1), wrapped)  # which merges get a function
    wrap, count = set(merges), 0
    while len(terms) > 1:
        merged = []
        for a, b in zip(terms[::2], terms[1::2]):
            if count in wrap:
                merged.append(f"{rng.choice(functions)}({a} {rng.choice('+-*')} {b})")
            else:
                merged.append(f"({a} + {b})")
            count += 1
        terms = merged + (terms[-1:] if len(terms) % 2 else [])
    return terms[0]


def run(text: str) -> tuple[int, list[float]]:
    """Rows of the trace and the seconds of: parse, trace, forward mode, reverse mode."""
    marks = [time.perf_counter()]
    graph = parse(text, VARIABLES)
    marks.append(time.perf_counter())
    rows, y = ad.build(graph, VARIABLES, POINT)
    marks.append(time.perf_counter())
    ad.forward(rows, {-2: 1.0, -1: 0.0, 0: 0.0})
    marks.append(time.perf_counter())
    ad.reverse(rows, y, len(VARIABLES))
    marks.append(time.perf_counter())
    return len(rows), [b - a for a, b in zip(marks, marks[1:])]


def main() -> None:
    """Time every size given on the command line and print the table."""
    sizes = [int(a) for a in sys.argv[1:]] or [1000, 5000, 10000]
    texts = {n: expression(n) for n in sizes}
    run(texts[sizes[0]])  # warm-up: imports, allocator, CPU frequency
    timings: dict[int, list] = {n: [] for n in sizes}
    for _ in range(7):  # rounds over all sizes, so that a slow spell hits every size alike
        for n in sizes:
            rows, phases = run(texts[n])
            assert rows == n, f"{rows} rows for {n} operations"
            timings[n].append(phases)
    print("operations   total (best of 7)   per operation  ratio to smallest   "
          "parse / trace / forward / reverse")
    base = None
    for n in sizes:
        best = min(timings[n], key=sum)
        per_op = sum(best) / n
        base = base or per_op
        split = " / ".join(f"{p * 1000:.0f}" for p in best)
        print(f"{n:>10}   {sum(best) * 1000:8.1f} ms          {per_op * 1e6:6.2f} µs"
              f"       {per_op / base:5.2f}          {split} ms")


if __name__ == "__main__":
    main()
