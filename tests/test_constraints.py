"""Constraints: every misuse is a located ConstraintError, never a Python exception."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator import constraints
from generator.constraints import ConstraintError
from helpers import params_of, spec_problems

QUESTIONS = """
title: T
questions:
  - {id: c, kind: convolution, input: [1, -2, 3.5, 4], kernel: [1, 0, 2], modes: [full, same]}
  - id: n
    kind: cnn_shapes
    input: [3, 32, 32]
    layers: [{type: conv, filters: 8, kernel: [3, 5], padding: 1}, {type: maxpool, kernel: 2}]
  - {id: a, kind: autodiff, function: "x1 * x2", at: {x1: 3, x2: -0.5}, reverse: true}
  - id: d
    kind: conv_design
    parts: [{input: [3, 8, 8], output: [4, 4, 4], given: {d: 1}}]
"""
PARAMS = {qid: params_of(QUESTIONS, qid) for qid in "cnad"}


def value_paths(value, prefix: str = "") -> list[str]:
    """Every way to name a value or a part of it: `layers[0].kernel[1]`, `at.x1`..."""
    paths = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, item in value.items():
            paths += value_paths(item, f"{prefix}.{key}" if prefix else key)
    elif isinstance(value, list):
        for i, item in enumerate(value[:3]):
            paths += value_paths(item, f"{prefix}[{i}]")
        paths.append(f"{prefix}[{len(value)}]")  # one past the end
    return paths


NUMBERS = st.one_of(st.integers(-3, 3), st.sampled_from([0, 1e308, 1e-320, 2**70, 64, 0.5]))


def expressions(names: list[str]):
    atoms = st.one_of(st.sampled_from(names + ["len", "min", "nothing", "at.zz"]),
                      NUMBERS.map(repr))
    unary = st.sampled_from(["-", "+", "not "])
    binary = st.sampled_from(["+", "-", "*", "/", "//", "%", "**", "==", "!=", "<", "<=", ">",
                              ">=", "and", "or"])
    calls = st.sampled_from(constraints._FUNCTIONS)
    return st.recursive(atoms, lambda inner: st.one_of(
        st.tuples(inner, binary, inner).map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
        st.tuples(unary, inner).map(lambda t: f"({t[0]}{t[1]})"),
        st.tuples(calls, st.lists(inner, max_size=3)).map(lambda t: f"{t[0]}({', '.join(t[1])})"),
        st.tuples(inner, inner).map(lambda t: f"{t[0]}[{t[1]}]"),
        st.tuples(inner, st.sampled_from(["x1", "kernel", "stride"])).map(".".join)),
        max_leaves=12)


@pytest.mark.parametrize("qid", list(PARAMS))
@given(data=st.data())
def test_random_constraints_give_a_bool_or_a_constraint_error(qid, data):
    params = PARAMS[qid]
    text = data.draw(expressions(value_paths(params)))
    try:
        result = constraints.holds(constraints.parse(text), params)
    except ConstraintError as exc:
        assert str(exc) and "\n" not in str(exc)
    else:
        assert isinstance(result, bool)


MISUSES = [
    ("max()", "calls 'max()': max takes one list of numbers or several numbers, got nothing"),
    ("len(5) > 0", "calls 'len(5)': len takes one list, got a number"),
    ("kernel < 3", "compares 'kernel < 3': < needs numbers, got a list and a number"),
    ("-kernel", "computes '-kernel': '-' needs numbers, got a list"),
    ("sum(5) > 0", "calls 'sum(5)': sum takes one list, got a number"),
    ("min(kernel, 3) > 0", "calls 'min(kernel, 3)': min takes one list of numbers or several "
                           "numbers, got a list and a number"),
    ("len(at) > 0", "reads 'at', which is not a value of this question"),
    ("abs(kernel) > 0", "calls 'abs(kernel)': abs needs numbers, got a list"),
    ("kernel + 1 > 0", "computes 'kernel + 1': arithmetic needs numbers, got a list and a number"),
    ("modes[0] == 1", "compares 'modes[0] == 1': text is never equal to a number"),
    ("modes[0] < modes[1]", "compares 'modes[0] < modes[1]': < needs numbers, got text and text"),
    ("not kernel", "computes 'not kernel': and, or, not need conditions, got a list"),
    ("flip + 1 > 0", "computes 'flip + 1': arithmetic needs numbers, got true or false and a "
                     "number"),
    ("kernel", "is a list, not a condition (write a comparison)"),
    ("len < 3", "uses 'len' without calling it, e.g. len(kernel)"),
    ("min(modes) > 0", "calls 'min(modes)': min needs numbers, got a list holding text"),
    ("kernel[5] > 0", "reads 'kernel[5]', but the list has 3 entries"),
    ("kernel[0.5] > 0", "reads 'kernel[0.5]', which is not an entry of a list"),
    ("(-8) ** 0.5 > 0", "computes '(-8) ** 0.5': not a real number"),
    ("1e300 ** 2 > 0", "computes '1e+300 ** 2': the result is too large"),
    ("2 ** 60 ** 2 > 0", "computes '2 ** 60 ** 2': the result is too large"),
    ("9 ** 64 * 9 ** 64 * 9 ** 64 * 9 ** 64 * 9 ** 64 * 9 ** 64 / 3 > 0",
     "computes '9 ** 64 * 9 ** 64 * 9 ** 64 * 9 ** 64 * 9 ** 64 * 9 ** 64 / 3': integer division "
     "result too large for a float"),
    ("True", "writes True: only numbers can be written in a constraint"),
    ("input[0] or kernel", "computes 'input[0] or kernel': and, or, not need conditions, got a "
                           "list"),
]


@pytest.mark.parametrize("text,message", MISUSES, ids=[t for t, _ in MISUSES])
def test_misuse_is_one_located_line_at_the_constraint(text, message):
    spec = ("title: T\nquestions:\n  - id: q\n    kind: convolution\n    input: [1, 2, 3]\n"
            f"    kernel: [1, 0, 2]\n    constraints:\n      - \"{text}\"\n")
    assert spec_problems(spec) == [f"s.yaml:8:9: q.constraints[0]: constraint '{text}' "
                                   f"{message}"]


@pytest.mark.parametrize("text,expected", [
    ("input == kernel", False), ("input != kernel", True), ("modes[0] != modes[1]", True),
    ("kernel[1] == 0 or 1 / kernel[1] > 2", True),  # the division is never needed
    ("kernel[1] != 0 and 1 / kernel[1] > 2", False),
    ("max(kernel) == 2 and min(input) == 1 and max(1, 5, 2) == 5", True),
    ("sum(input) == 6 and len(kernel) <= len(input) and abs(-3) == 3", True),
    ("not flip", False), ("flip", True), ("0 < input[1] < 3", True), ("input[-1] == 3", True),
])
def test_well_typed_constraints_evaluate(text, expected):
    params = {"input": [1, 2, 3], "kernel": [1, 0, 2], "modes": ["full", "same"], "flip": True}
    assert constraints.holds(constraints.parse(text), params) is expected


def test_a_type_error_in_an_unneeded_operand_is_still_reported():
    params = {"input": [1, 2, 3], "kernel": [1, 0, 2]}
    with pytest.raises(ConstraintError, match="got a list and a number"):
        constraints.holds(constraints.parse("input[0] > 0 or kernel < 3"), params)
