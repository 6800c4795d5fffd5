"""Points: headings "(4 points: 2 + 2)", the assignment's total, one entry per part."""

import pytest

from generator.kinds import KINDS
from generator.render import render_html, render_latex
from generator.solve import solve_spec
from generator.spec import parse_spec, part_groups
from helpers import spec_problems

SOFTMAX = "{id: q2, kind: softmax, x: [1, 2, 3]"
ACTIVATIONS = "{id: q1, kind: activations"
CONV = "{id: q5, kind: convolution, input: [1, 2, 3, 4], kernel: [1, 0, 2]"
AUTODIFF = "{id: q4, kind: autodiff, function: 'x*y', at: {x: 1, y: 2}"
DESIGN = ("{id: q7, kind: conv_design, parts: ["
          "{label: '1(a)', input: [3, 8, 8], output: [4, 8, 8], given: {k: 3, d: 1, s: 1}}, "
          "{label: '1(b)', input: [3, 8, 8], output: [4, 4, 4], given: {k: 2, d: 1, p: 0}}, "
          "{label: '2(a)', layer: pool, input: [4, 8, 8], given: {k: 2, s: 2, p: 0, d: 1}}]")


def spec_of(*questions: str):
    return parse_spec("title: T\nquestions:\n" + "".join(f"  - {q}\n" for q in questions),
                      "s.yaml")


@pytest.mark.parametrize("question, label", [
    (SOFTMAX + ", points: [3, 3, 3, 3]}", "12 points: 3 + 3 + 3 + 3"),
    (SOFTMAX + ", points: 6}", "6 points"),
    (SOFTMAX + ", points: 1}", "1 point"),
    (SOFTMAX + ", points: [1, 0.5, 0.5, 2]}", "4 points: 1 + 0.5 + 0.5 + 2"),
    (CONV + ", points: [6]}", "6 points"),
    (ACTIVATIONS + ", points: [2, 2, 0]}", "4 points: 2 + 2 + 0"),
    (DESIGN + ", points: [4, 6]}", "10 points: 4 + 6"),
    (DESIGN + ", points: [1, 2, 3]}", "6 points: 1 + 2 + 3"),
    (SOFTMAX + "}", ""),
])
def test_headings_show_the_total_and_its_parts(question, label):
    assert spec_of(question).questions[0].points_label == label


@pytest.mark.parametrize("question, message", [
    (SOFTMAX + ", points: [3, 3]}",
     "s.yaml:3:51: q2.points: has 2 entries, but the question has 4 parts: (a), (b), (c), (d); "
     "give one number per part, or one number for the whole question"),
    (SOFTMAX + ", points: [1, 1, 1, 1, 1]}", "q2.points: has 5 entries, but the question has 4 "
                                            "parts: (a), (b), (c), (d);"),
    (ACTIVATIONS + ", points: [4, 4]}", "q1.points: has 2 entries, but the question has 3 "
                                       "parts: (a), (b), (c);"),
    (CONV + ", points: [2, 2, 2]}", "q5.points: has 3 entries, but the question has one part: "
                                   "give one number (points: 6)"),
    (AUTODIFF + ", reverse: false, points: [5, 5]}", "q4.points: has 2 entries, but the "
                                                    "question has one part"),
    (AUTODIFF + ", reverse: true, points: [5]}", "q4.points: has 1 entry, but the question has 2 parts: "
                                  "(a), (b);"),
    (DESIGN + ", points: [1, 1, 1, 1]}", "q7.points: has 4 entries, but the question has 3 "
                                        "parts: 1(a), 1(b), 2(a) (or 2 groups: 1, 2);"),
])
def test_points_that_do_not_match_the_parts_are_refused_on_points(question, message):
    problems = spec_problems("title: T\nquestions:\n  - " + question + "\n")
    assert len(problems) == 1 and message in problems[0], problems
    assert ".points: " in problems[0]


def test_the_error_is_located_on_the_points_key():
    problems = spec_problems("title: T\nquestions:\n  - id: q2\n    kind: softmax\n"
                             "    x: [1, 2]\n    points: [1, 2]\n")
    assert problems[0].startswith("s.yaml:6:13: q2.points: has 2 entries")


@pytest.mark.parametrize("labels, groups", [
    (["1(a)", "1(b)", "2(a)", "2(b)", "3(a)"], ["1", "2", "3"]),
    (["1(a)", "2(a)", "1(b)"], []),            # a group split in two is no group
    (["(a)", "(b)"], []),
    (["1(a)", "2(a)"], []),                    # one part per group: nothing to group
    (["1(a)", "1(b)", "x"], []),
    ([""], []),
])
def test_part_groups(labels, groups):
    assert part_groups(labels) == groups


def test_every_kind_declares_its_part_labels():
    for name, kind in KINDS.items():
        assert callable(getattr(kind, "part_labels", None)), name


def test_the_assignment_total_is_on_the_first_page_of_every_output():
    spec = spec_of(SOFTMAX + ", points: [3, 3, 3, 3]}", CONV + ", points: 6}",
                   CONV.replace("q5", "q6") + "}")
    assert spec.points_label == "18 points"
    results = solve_spec(spec)
    for key in (True, False):
        tex = render_latex(spec, results, key)[0]
        first = tex.index("total 18 points")
        assert first < tex.index(r"\section*{Question 1")
        assert r"\section*{Question 1 (12 points: 3 + 3 + 3 + 3)}" in tex
        assert r"\section*{Question 2 (6 points)}" in tex
        assert r"\section*{Question 3}" in tex
        html = render_html(spec, results, key)
        assert html.index("total 18 points") < html.index('<section class="question')
        assert "Question 1 (12 points: 3 + 3 + 3 + 3)" in html


def test_no_total_without_points():
    spec = spec_of(CONV + "}")
    assert spec.points_label == ""
    assert "total" not in render_latex(spec, solve_spec(spec), False)[0]
