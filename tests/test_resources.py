"""Work is bounded up front: per-kind display limits, conv_design's search, the spec budget."""

import itertools

import pytest

from generator.kinds import KINDS, conv_design
from generator.numeric.conv import count_windows
from generator.spec import MAX_SHOWN_LINES
from helpers import params_of, spec_problems


def design(part: str) -> str:
    return f"title: T\nquestions:\n  - id: d\n    kind: conv_design\n    parts:\n      - {part}\n"


def test_a_search_over_too_many_kernels_is_refused_with_the_limit():
    assert spec_problems(design("{input: [3, 100000, 100000], output: [64, 100000, 100000]}")) == [
        "s.yaml:6:9: d.parts[0]: the search would try 1166715 kernel sizes and dilations (k, d); "
        "at most 100000: give k or d in `given`, or a smaller bounds.max_kernel"]


def test_too_many_configurations_are_refused_with_the_limit():
    assert spec_problems(design("{input: [3, 2000, 2000], output: [64, 3, 3]}")) == [
        "s.yaml:6:9: d.parts[0]: more than 50000 configurations map 2000 to 3 within the bounds "
        "(answers.json lists them all): give more of k, s, p, d in `given`, or narrower `bounds`"]


@pytest.mark.parametrize("part,count", [
    ("{input: [3, 100000, 100000], output: [64, 100000, 100000], given: {k: 3}}", 49999),
    ("{input: [3, 100000, 100000], output: [64, 50000, 50000], given: {k: 1001, d: 1}}", 1),
    ("{input: [3, 100000, 100000], output: [64, 100000, 100000], bounds: {max_kernel: 50}}", 134),
    ("{input: [3, 2000, 2000], output: [64, 1000, 1000]}", 21483),
])
def test_huge_inputs_within_the_limits_solve_and_verify(part, count):
    params = params_of(design(part))
    solution = conv_design.solve(params)
    assert len(solution.answers["parts"][0]["solutions"]) == count
    conv_design.verify(params, solution)


def brute_force(i: int, o: int, given: dict, bounds: dict) -> set:
    """Every (k, s, p, d) by trying all, with the documented default bounds."""
    found = set()
    for k, s, p, d in itertools.product(range(1, i + 1), range(1, i + 1), range(i), range(1, i)):
        span = d * (k - 1) + 1
        if any(given.get(n, v) != v for n, v in zip("kspd", (k, s, p, d))):
            continue
        if (span > bounds.get("max_kernel", i) or (d > 1 and k < 2)
                or p > bounds.get("max_padding", span // 2) or s > bounds.get("max_stride", span)):
            continue
        if len(range(0, i + 2 * p - span + 1, s)) == o:
            found.add((k, s, p, d))
    return found


@pytest.mark.parametrize("i,o,given,bounds", [
    (9, 3, {}, {}), (12, 1, {}, {}), (12, 12, {}, {}), (10, 4, {"d": 2}, {}),
    (11, 5, {"p": 1}, {"max_stride": 3}), (8, 2, {"k": 3}, {"max_padding": 3}),
    (13, 6, {}, {"max_kernel": 5}), (7, 7, {"s": 1}, {}),
])
def test_the_interval_search_finds_exactly_what_brute_force_finds(i, o, given, bounds):
    part = {"given": given, "bounds": bounds, "non_overlapping": False}
    found = {(c["k"], c["s"], c["p"], c["d"]) for c in conv_design._candidates(i, o, part)}
    assert found == brute_force(i, o, given, bounds)


def test_window_counting_needs_no_memory_for_huge_inputs():
    assert count_windows(10**12, 3, 2, 1, 5) == (10**12 + 2 - 11) // 2 + 1
    assert count_windows(10**12, 10**6, 10**5, 0, 1, ceil_mode=True) == 10**7 - 9


def convolution(n: int, k: int, modes: str = "[full, valid, same]") -> str:
    return (f"title: T\nquestions:\n  - {{id: q1, kind: convolution, input: [{', '.join(['1'] * n)}], "
            f"kernel: [{', '.join(['2'] * k)}], modes: {modes}}}\n")


@pytest.mark.parametrize("n,k,modes,products", [
    (2000, 2000, "[full, valid, same]", 2000 * (3999 + 1 + 2000)),
    (2000, 3, "[full, valid, same]", 3 * (2002 + 1998 + 2000)),
    (20, 400, "[full]", 400 * 419),
])
def test_a_convolution_too_big_to_show_is_refused_with_the_reason(n, k, modes, products):
    shown = modes.strip("[]")
    assert spec_problems(convolution(n, k, modes)) == [
        f"s.yaml:3:5: q1: {n} inputs and a kernel of {k} show {products} products in {shown}; "
        "at most 10000, because each output is shown as its sum of products"]


def test_the_largest_convolutions_are_accepted():
    assert spec_problems(convolution(1666, 2)) == []
    assert spec_problems(convolution(1, 100, "[full]")) == []


def test_the_whole_spec_has_a_display_budget_on_the_questions_line():
    question = ("  - {{id: q{n}, kind: autodiff, function: \"{f}\", at: {{x1: 0.5}}, "
                "reverse: true}}\n")
    function = "x1" + "".join(f" + sin(x1 * {j + 2})" for j in range(133))  # 400 operations
    spec = "title: T\nquestions:\n" + "".join(question.format(n=n, f=function) for n in range(13))
    problems = spec_problems(spec)
    assert len(problems) == 1 and problems[0].startswith(
        "s.yaml:2:1: questions: the key would show about 15730 lines of tables and equations; "
        f"at most {MAX_SHOWN_LINES} (about 170 pages)")
    fewer = "title: T\nquestions:\n" + "".join(question.format(n=n, f=function) for n in range(10))
    assert spec_problems(fewer) == []


def test_every_kind_estimates_its_shown_lines():
    for name, kind in KINDS.items():
        assert callable(getattr(kind, "shown_lines", None)), name
