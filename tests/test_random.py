"""Random parameters and constraints: validated like any value, reproducible, independent."""

import numpy as np

from generator.randomize import question_rng
from generator.spec import parse_spec
from helpers import spec_problems

SPEC = """
title: R
seed: 11
questions:
  - id: a
    kind: convolution
    input: [{randint: [-9, 9]}, {uniform: [0, 1], decimals: 3}, 4]
    kernel: {choice: [[1, 0, -1], [2, 1]]}
  - id: b
    kind: convolution
    input: [{randint: [1, 1000]}, 2]
    kernel: [1]
"""


def params(text, variant=0, student=None):
    spec = parse_spec(text, "r.yaml", variant=variant, student=student)
    return {q.id: q.params for q in spec.questions}


def test_values_are_drawn_in_range_and_typed():
    for k in range(50):
        a = params(SPEC, k)["a"]
        assert isinstance(a["input"][0], int) and -9 <= a["input"][0] <= 9
        assert 0 <= a["input"][1] <= 1 and round(a["input"][1], 3) == a["input"][1]
        assert a["kernel"] in ([1, 0, -1], [2, 1])


def test_same_seed_and_variant_same_values_and_variants_differ():
    assert params(SPEC, 3) == params(SPEC, 3)
    drawn = {str(params(SPEC, k)) for k in range(20)}
    assert len(drawn) == 20


def test_the_generator_is_documented_sha256_of_seed_variant_and_id():
    import hashlib

    digest = hashlib.sha256(b"answerkey:11:3:b").digest()
    rng = np.random.Generator(np.random.PCG64(int.from_bytes(digest[:16], "big")))
    assert params(SPEC, 3)["b"]["input"][0] == int(rng.integers(1, 1000, endpoint=True))
    again = np.random.Generator(np.random.PCG64(int.from_bytes(digest[:16], "big")))
    assert question_rng(11, "3", "b").integers(10**9) == again.integers(10**9)


def test_adding_a_question_leaves_the_others_alone():
    extra = SPEC.replace("questions:\n", "questions:\n  - {id: new, kind: convolution, "
                         "input: [{randint: [0, 9]}], kernel: [1]}\n")
    for k in range(5):
        before, after = params(SPEC, k), params(extra, k)
        assert before["a"] == after["a"] and before["b"] == after["b"]


def test_a_student_variant_depends_only_on_id_and_seed():
    assert params(SPEC, 0, "s123") == params(SPEC, 17, "s123")
    assert params(SPEC, 0, "s123") != params(SPEC, 0, "s124")


def test_constraints_redraw_until_satisfied():
    text = SPEC.replace("    kernel: [1]\n", "    kernel: [1]\n    constraints: ['input[0] % 7 == 0']\n")
    for k in range(10):
        assert params(text, k)["b"]["input"][0] % 7 == 0


def test_unsatisfiable_and_fixed_constraints():
    text = SPEC.replace("    kernel: [1]\n", "    kernel: [1]\n    constraints: ['input[0] > 5000']\n")
    assert spec_problems(text) == [
        "s.yaml:12:18: b.constraints: no draw in 100 satisfied constraint 'input[0] > 5000'; "
        "widen the random ranges or relax the constraint"]
    fixed = "title: T\nquestions:\n  - {id: q, kind: convolution, input: [1], kernel: [1], constraints: ['input[0] > 1']}\n"
    assert spec_problems(fixed) == [
        "s.yaml:3:70: q.constraints: constraint 'input[0] > 1' is false for these values "
        "(and none of them is random)"]


def test_bad_random_specs_are_located_errors():
    base = "title: T\nquestions:\n  - {id: q, kind: convolution, input: [1, 2], kernel: KERNEL}\n"
    cases = {
        "{randint: [5, 1]}": "s.yaml:3:61: q.kernel.randint: the range [5, 1] is empty (low is above high)",
        "{randint: [1, 2.5]}": "s.yaml:3:65: q.kernel.randint[1]: expected a whole number, got 2.5",
        "{randint: 3}": "s.yaml:3:61: q.kernel.randint: expected a list [low, high], got 3",
        "{choice: []}": "s.yaml:3:60: q.kernel.choice: expected a non-empty list to choose from, got a list of 0",
        "{uniform: [0, 1], decimals: 99}": "s.yaml:3:79: q.kernel.decimals: must be at most 15, got 99",
        "{randint: [1, 2], extra: 1}": "s.yaml:3:69: q.kernel.extra: unexpected key 'extra' in a random 'randint' value",
        "{randint: [1, 2]}": "s.yaml:3:51: q.kernel: expected a list of numbers, got 2",
    }
    for kernel, expected in cases.items():
        problems = spec_problems(base.replace("KERNEL", kernel))
        assert len(problems) == 1, (kernel, problems)
        assert problems[0].startswith("s.yaml:3:")
        assert problems[0].split(": ", 1)[1] == expected.split(": ", 1)[1], (kernel, problems)


def test_malformed_constraints_are_refused_without_evaluating():
    base = "title: T\nquestions:\n  - {id: q, kind: convolution, input: [1], kernel: [1], constraints: [C]}\n"
    for text, message in [
        ("\"__import__('os').system('echo hi')\"", "only len, abs, min, max, sum can be called"),
        ("'input.__class__'", "reads 'input.__class__', which is not a value of this question"),
        ("'lambda: 1'", "is not allowed in a constraint"),
        ("'input[0] >'", "is not a valid expression"),
        ("'input * 10**9 > 1'", "arithmetic needs numbers"),
        ("'2 ** 10 ** 10 > 1'", "the result is too large"),
        ("'((9 ** 64) ** 64) ** 64 > 1'", "computes '(9 ** 64) ** 64': the result is too large"),
    ]:
        problems = spec_problems(base.replace("C", text))
        assert len(problems) == 1 and message in problems[0], (text, problems)


def test_every_option_and_range_end_is_validated_at_the_option():
    """What check accepts builds in every variant: an option variant 0 does not draw is
    checked too, with its field's validator, and located where it is written."""
    base = "title: T\nquestions:\n  - {id: q, kind: convolution, input: [1, 2, 3], kernel: [1], "
    cases = {
        'statement: {choice: ["$x$", "$\\\\input{x}$"]}}':
            ["s.yaml:3:91: q.statement.choice[1]: unknown or disallowed macro '\\input' in math"],
        "title: {choice: [a, b, [c]]}}": ["s.yaml:3:86: q.title.choice[2]: expected text, got a list of 1"],
        "decimals: {randint: [2, 16]}}": ["s.yaml:3:87: q.decimals.randint[1]: must be at most 15, got 16"],
        "points: {uniform: [-1, 3]}}": ["s.yaml:3:82: q.points.uniform[0]: must be at least 0, got -1.0"],
    }
    for extra, expected in cases.items():
        assert spec_problems(base + extra + "\n") == expected, extra
    nested = ("title: T\nquestions:\n  - {id: q, kind: convolution, kernel: [1],\n"
              "     input: [1, {choice: [2, x, 3]}, {randint: [1, 2]}]}\n")
    assert spec_problems(nested) == ["s.yaml:4:30: q.input[1].choice[1]: expected a number, got 'x'"]
    fine = base + "title: {choice: [0x1F, 1e3]}, decimals: {randint: [0, 15]}}\n"
    assert spec_problems(fine) == []


def test_drawn_values_are_recorded_as_the_question_uses_them():
    text = ("title: T\nquestions:\n  - id: d\n    kind: conv_design\n    parts:\n"
            "      - {input: [3, 32, 32], output: [8, 16, 16], label: {choice: [0x1F, 1e3, yes]}}\n"
            "  - {id: c, kind: convolution, input: [1, {choice: [0x10, 2]}], kernel: [1]}\n")
    seen = set()
    for k in range(30):
        spec = parse_spec(text, "r.yaml", variant=k)
        d, c = spec.questions
        label = d.drawn["parts[0].label"]
        assert label == d.params["parts"][0]["label"] and label in ("0x1F", "1e3", "yes")
        assert c.drawn["input[1]"] in (16, 2) and c.drawn["input[1]"] == c.params["input"][1]
        seen.add(label)
    assert seen == {"0x1F", "1e3", "yes"}
