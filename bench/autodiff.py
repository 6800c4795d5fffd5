"""Benchmark: the autodiff trace, forward and reverse mode stay linear in the expression size.

Generates expressions of N elementary operations (a random mix of the grammar over three
variables, seeded), then measures, in one run, parsing + evaluating the trace + forward mode +
reverse mode, and prints the time per operation and its ratio to the smallest size (a linear
engine keeps it near 1).
Usage: python bench/autodiff.py [N ...]   (default: 1000 5000 10000)

Last run (2 cores, 2026-11-29): 11.5, 13.2, 16.6, 16.1 µs per trace row at 1k, 5k, 10k and
50k operations: flat from 10k to 50k, i.e. linear (the first version's tokenizer sliced the
text at every token and was quadratic: 45 µs per row at 50k).
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from generator.numeric import ad  # noqa: E402
from generator.numeric.expr import parse  # noqa: E402

VARIABLES = ["x1", "x2", "x3"]
POINT = {"x1": 0.7, "x2": 1.3, "x3": -0.4}


def expression(operations: int, seed: int = 1) -> str:
    """A balanced expression with exactly `operations` operations, bounded in value."""
    rng = random.Random(seed)
    terms = [rng.choice(VARIABLES) for _ in range(operations // 2 + 1)]
    functions, made = ["sin", "cos", "tanh", "sigmoid"], 0
    while len(terms) > 1:  # pair terms up level by level: depth ~ log2(N), no deep nesting
        merged = []
        for a, b in zip(terms[::2], terms[1::2]):
            if made < operations:
                merged.append(f"{rng.choice(functions)}({a} {rng.choice('+-*')} {b})")
                made += 2
            else:
                merged.append(f"({a} + {b})")
                made += 1
        terms = merged + (terms[-1:] if len(terms) % 2 else [])
    return terms[0]


def run(text: str) -> tuple[int, float]:
    start = time.perf_counter()
    graph = parse(text, VARIABLES)
    rows, y = ad.build(graph, VARIABLES, POINT)
    ad.forward(rows, {-2: 1.0, -1: 0.0, 0: 0.0})
    ad.reverse(rows, y, len(VARIABLES))
    return len(rows), time.perf_counter() - start


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:]] or [1000, 5000, 10000]
    base = None
    print("operations  rows   time (median of 5)  per operation   ratio to smallest")
    for n in sizes:
        text = expression(n)
        results = [run(text) for _ in range(5)]
        rows, seconds = results[0][0], statistics.median(r[1] for r in results)
        per_op = seconds / rows
        base = base or per_op
        print(f"{n:>10}  {rows:>5}   {seconds * 1000:8.1f} ms         {per_op * 1e6:6.2f} µs"
              f"        {per_op / base:5.2f}")


if __name__ == "__main__":
    main()
