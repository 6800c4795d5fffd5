"""YAML mistakes a first-time author makes get a hint that says what to write instead."""

from __future__ import annotations

import pytest

from generator.yamlsource import load_yaml

QUOTE = "(a ': ' inside a value starts another key: put the value in quotes"


def only_problem(text: str):
    data, _, problems = load_yaml(text, "a.yaml")
    assert data is None and len(problems) == 1
    return problems[0]


@pytest.mark.parametrize(("text", "where", "example"), [
    ("title: DL101: Assignment 1\n", (1, 13), 'title: "DL101: Assignment 1"'),
    ("title: a: b: c\n", (1, 9), 'title: "a: b: c"'),
    ("title: DL101: x  # a comment\n", (1, 13), 'title: "DL101: x"'),
    ('title: the "best": one\n', (1, 18), "title: 'the \"best\": one'"),
    ("questions:\n  - id: q1\n    statement: Compute: the value\n", (3, 23),
     'statement: "Compute: the value"'),
    ("questions:\n  - {id: q1, title: Part A: sums, kind: text}\n", (2, 27),
     'title: "Part A: sums"'),
])
def test_a_colon_inside_a_value_gets_a_hint_to_quote_it(text, where, example):
    problem = only_problem(text)
    assert (problem.location.line, problem.location.column) == where
    assert problem.message.endswith(f"{QUOTE}, {example})")


def test_a_value_with_both_quotes_gets_the_hint_without_an_example():
    problem = only_problem("title: it's \"x\": y\n")
    assert problem.message.endswith(QUOTE + ")")


@pytest.mark.parametrize("text", [
    "title: T\n  questions: x\n bad: 1\n",  # the first colon of its line: indentation
    "title: [a, b\n",
])
def test_other_mistakes_get_no_quoting_hint(text):
    assert "quotes" not in only_problem(text).message


def test_quoted_values_with_colons_are_fine():
    data, _, problems = load_yaml('title: "DL101: Assignment 1"\nsub: \'a: b\'\n', "a.yaml")
    assert problems == [] and data == {"title": "DL101: Assignment 1", "sub": "a: b"}
