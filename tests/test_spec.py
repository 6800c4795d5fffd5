"""Spec loading and validation: one located line per problem, all problems in one run."""

import pytest

from generator.spec import parse_override_path, parse_spec
from helpers import spec_problems

CONV = "  - {id: q5, kind: convolution, input: [1, 2, 3, 4], kernel: [1, 0, 2]}\n"
CONV3 = "  - {id: q5, kind: convolution, input: [1, 2, 3, 4], kernel: [1, 0, 2], modes: [full, valid, same]}\n"


def test_valid_spec_defaults():
    spec = parse_spec("title: T\nquestions:\n" + CONV, "a.yaml")
    q = spec.questions[0]
    assert (spec.decimals, spec.seed, q.decimals, q.number) == (4, 0, 4, 1)
    assert q.params == {"input": [1, 2, 3, 4], "kernel": [1, 0, 2],
                        "modes": ["full", "valid", "same"], "flip": True}


@pytest.mark.parametrize("text,expected", [
    ("", "s.yaml:1:1: the file is empty"),
    ("# only a comment\n", "s.yaml:1:1: the file is empty"),
    ("- a\n- b\n", "s.yaml:1:1: the spec must be a mapping of keys to values, got a list of 2"),
    ("title: [unclosed\n", "s.yaml:2:1: invalid YAML: while parsing a flow sequence"),
    ("title: T\nquestions:\n\t- {id: q}\n", "s.yaml:3:1: invalid YAML:"),
    ("title: T\n", "s.yaml:1:1: missing required key 'questions'"),
    ("title: T\nquestions: []\n", "s.yaml:2:12: questions: must list at least one question"),
    ("title: T\nquestion: []\n", ["s.yaml:2:1: question: unknown key 'question' (did you mean 'questions'?)",
                                  "s.yaml:1:1: missing required key 'questions'"]),
    ("questions:\n" + CONV, "s.yaml:1:1: missing required key 'title'"),
    ("title: T\ndecimals: 16\nquestions:\n" + CONV, "s.yaml:2:11: decimals: must be at most 15, got 16"),
    ("title: T\ndecimals: -1\nquestions:\n" + CONV, "s.yaml:2:11: decimals: must be at least 0, got -1"),
    ("title: T\ndecimals: 2.5\nquestions:\n" + CONV, "s.yaml:2:11: decimals: expected a whole number, got 2.5"),
    ("title: T\nquestions:\n  - 5\n", "s.yaml:3:5: questions[0]: expected a question (a mapping with id and kind), got 5"),
    ("title: T\nquestions:\n  - {id: q1}\n", "s.yaml:3:5: q1: missing required key 'kind'"),
    ("title: T\nquestions:\n  - {id: q1, kind: convolutoin}\n",
     "s.yaml:3:20: q1.kind: unknown kind 'convolutoin' (did you mean 'convolution'?)"),
    ("title: T\nquestions:\n  - {kind: text, statement: a, solution: b}\n", "s.yaml:3:5: questions[0]: missing required key 'id'"),
    ("title: T\nquestions:\n  - {id: 'q 1', kind: text, statement: a, solution: b}\n",
     "s.yaml:3:10: questions[0].id: 'q 1' is not a valid name"),
    ("title: T\nquestions:\n" + CONV + CONV, "s.yaml:4:10: q5.id: duplicate question id 'q5' (also questions[0])"),
    ("title: T\nquestions:\n  - {id: q5, kind: convolution, input: [1, 2], kernel: three}\n",
     "s.yaml:3:56: q5.kernel: expected a list of numbers, got 'three'"),
    ("title: T\nquestions:\n  - {id: q5, kind: convolution, input: [1, two], kernel: [1]}\n",
     "s.yaml:3:44: q5.input[1]: expected a number, got 'two'"),
    ("title: T\nquestions:\n  - {id: q5, kind: convolution, input: [], kernel: [1]}\n",
     "s.yaml:3:40: q5.input: must not be empty"),
    ("title: T\nquestions:\n  - {id: q5, kind: convolution, input: [.nan], kernel: [1]}\n",
     "s.yaml:3:41: q5.input[0]: expected a finite number, got .nan"),
    ("title: T\nquestions:\n  - {id: q5, kind: convolution, input: [.inf], kernel: [1]}\n",
     "s.yaml:3:41: q5.input[0]: expected a finite number, got .inf"),
    ("title: T\nquestions:\n  - {id: q5, kind: convolution, input: [1e300], kernel: [1]}\n",
     "s.yaml:3:41: q5.input[0]: 1e+300 is too large"),
    ("title: T\nquestions:\n  - {id: q5, kind: convolution, input: [1], kernel: [1], flip: yes please}\n",
     "s.yaml:3:64: q5.flip: expected true or false, got 'yes please'"),
    ("title: T\nquestions:\n  - {id: q5, kind: convolution, input: [1], kernel: [1], mode: [full]}\n",
     "s.yaml:3:58: q5.mode: unknown key 'mode' (did you mean 'modes'?)"),
    ("title: T\nquestions:\n  - {id: q5, kind: convolution, input: [1], kernel: [1], modes: [full, ful]}\n",
     "s.yaml:3:72: q5.modes[1]: expected one of full, valid, same, got 'ful' (did you mean 'full'?)"),
    ("title: T\nquestions:\n  - {id: q5, kind: convolution, input: [1], kernel: [1], modes: [full, full]}\n",
     "s.yaml:3:65: q5.modes: must not repeat an entry"),
    ("title: T\nquestions:\n  - {id: q5, kind: convolution, kernel: [1]}\n", "s.yaml:3:5: q5: missing required key 'input'"),
    ("title: !!python/object/apply:os.system [echo hi]\nquestions: []\n",
     "s.yaml:1:8: YAML tag '!!python/object/apply:os.system' is not allowed"),
    ("title: T\ntitle: U\nquestions:\n" + CONV, "s.yaml:2:1: duplicate key 'title' (first given on line 1)"),
    ("title: T\nquestions:\n  - {id: q, kind: text, statement: 'a $\\input{/etc/passwd}$', solution: b}\n",
     "s.yaml:3:36: q.statement: unknown or disallowed macro '\\input' in math"),
    ("title: T\nquestions:\n  - {id: q, kind: text, solution: b}\n", "s.yaml:3:5: q: missing required key 'statement'"),
])
def test_each_rule_gives_one_located_line(text, expected):
    expected = [expected] if isinstance(expected, str) else expected
    problems = spec_problems(text)
    assert len(problems) == len(expected), problems
    assert all(p.startswith(e) for p, e in zip(problems, expected)), problems


def test_alias_bomb_is_bounded():
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for n in range(1, 9):
        lines.append(f"{chr(97 + n)}: &{chr(97 + n)} [" + ", ".join([f"*{chr(96 + n)}"] * 10) + "]")
    problems = spec_problems("\n".join(lines) + "\n")
    assert problems == ["s.yaml:1:1: the document has more than 200000 values (after "
                        "expanding aliases)"]


def test_all_problems_are_collected():
    problems = spec_problems("""
        title: T
        decimals: 99
        questions:
          - {id: q1, kind: convolution, input: [1, x], kernel: []}
          - {id: q2, kind: nope}
          - {id: q1, kind: text, statement: a, solution: b, extra: 1}
    """)
    assert [p.split(": ")[1] for p in problems] == [
        "decimals", "q1.input[1]", "q1.kernel", "q2.kind", "q1.id", "q1.extra"]


@pytest.mark.parametrize("override,expected", [
    ("q5.kernel=[1, 2, 1]", None),
    ("q5.input[1]=7", None),
    ("decimals=2", None),
    ("q5.kernel=three", "--set q5.kernel=three: q5.kernel: expected a list of numbers, got 'three'"),
    ("q9.kernel=[1]", "--set q9.kernel=[1]: no question or top-level key 'q9'"),
    ("q5.kernel", "--set q5.kernel: expected PATH=VALUE"),
    ("q5..kernel=1", "--set q5..kernel=1: expected PATH=VALUE"),
    ("q5.input[9]=1", "--set q5.input[9]=1: 'input.9' is out of range (the list has 4 entries)"),
    ("q5.kernel=[1,", "--set q5.kernel=[1,: the value is not valid YAML"),
    ("q5.flip.x=1", "--set q5.flip.x=1: q5.flip: expected true or false, got a mapping"),
    ("q5.modes.x=1", "--set q5.modes.x=1: cannot set 'modes.x': its parent is a list of 3"),
    ("q5=1", "--set q5=1: give a field of the question"),
])
def test_overrides(override, expected):
    problems = spec_problems("title: T\nquestions:\n" + CONV3, [override])
    if expected is None:
        assert problems == []
    else:
        assert problems and problems[0].startswith(expected), problems


def test_override_values_are_applied():
    spec = parse_spec("title: T\nquestions:\n" + CONV, "a.yaml", ["q5.kernel=[1, 2, 1]",
                                                                   "decimals=2"])
    assert spec.questions[0].params["kernel"] == [1, 2, 1]
    assert spec.decimals == 2 and spec.questions[0].decimals == 2


def test_override_path_syntax():
    assert parse_override_path("q7.parts[0].given.k") == ["q7", "parts", 0, "given", "k"]
    assert parse_override_path("q7.parts.0.given.k") == ["q7", "parts", 0, "given", "k"]
    assert parse_override_path("") is None
