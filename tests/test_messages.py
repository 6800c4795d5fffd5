"""Messages that help: valid keys listed, enum typos, scalars for lists, warnings."""

import warnings

import pytest

from generator.spec import SpecWarning, parse_spec
from helpers import params_of, run_cli, spec_problems, write_spec

CONV = "{id: q5, kind: convolution, input: [1, 2, 3, 4], kernel: [1, 0, 2]"
CNN = "{id: q6, kind: cnn_shapes, input: %s, layers: [{type: conv, filters: 2, kernel: 1}]}"


@pytest.mark.parametrize("text, expected", [
    ("title: T\ndecimal: 3\nquestions:\n  - " + CONV + "}\n",
     "s.yaml:2:1: decimal: unknown key 'decimal' (did you mean 'decimals'?); valid keys here: "
     "title, subtitle, course, due, author, decimals, seed, language, questions, style"),
    ("title: T\nquestions:\n  - " + CONV + ", mode: [full]}\n",
     "q5.mode: unknown key 'mode' (did you mean 'modes'?); valid keys here: id, kind, title, "
     "points, statement, decimals, answer_space, constraints, input, kernel, modes, flip"),
    ("title: T\nquestions:\n  - " + CONV + ", zzz: 1}\n",
     "q5.zzz: unknown key 'zzz'; valid keys here: id, kind, title,"),
    ("title: T\nquestions:\n  - {id: q6, kind: cnn_shapes, input: [3, 8, 8], layers: "
     "[{type: maxpool, kernel: 2, strid: 2}]}\n",
     "q6.layers[0].strid: unknown key 'strid' (did you mean 'stride'?); valid keys here: type, "
     "kernel, stride"),
])
def test_unknown_keys_list_the_valid_keys_of_their_place(text, expected):
    problems = spec_problems(text)
    assert len(problems) == 1 and expected in problems[0], problems


@pytest.mark.parametrize("modes, expected", [
    ("full", ["full"]), ("same", ["same"]), ("[valid]", ["valid"]), ("[full, same]", ["full", "same"]),
])
def test_a_single_enum_value_stands_for_a_list_of_one(modes, expected):
    assert params_of("title: T\nquestions:\n  - " + CONV + f", modes: {modes}}}\n")["modes"] == expected


@pytest.mark.parametrize("modes, expected", [
    ("sames", "q5.modes: expected one of full, valid, same, got 'sames' (did you mean 'same'?)"),
    ("[full, sames]", "q5.modes[1]: expected one of full, valid, same, got 'sames' "
                      "(did you mean 'same'?)"),
    ("[fulll]", "(did you mean 'full'?)"),
    ("3", "q5.modes: expected a list of full, valid, same, got 3"),
])
def test_enum_typos_get_a_did_you_mean(modes, expected):
    problems = spec_problems("title: T\nquestions:\n  - " + CONV + f", modes: {modes}}}\n")
    assert len(problems) == 1 and expected in problems[0], problems
    assert "sames" not in problems[0].split("got")[0]  # never a plural made of an option


@pytest.mark.parametrize("qid, ok", [
    ("q-1", True), ("q_1", True), ("Q1a", True), ("q-", True), ("1q", False), ("-q", False),
    ("q 1", False), ("q.1", False), ("_q", False),
])
def test_the_id_rule_in_the_message_is_the_rule_applied(qid, ok):
    problems = spec_problems(f"title: T\nquestions:\n  - {{id: '{qid}', kind: text, "
                             "statement: a, solution: b}\n")
    assert (problems == []) == ok, problems
    if not ok:
        assert problems[0].endswith(f"'{qid}' is not a valid name (a letter, then letters, "
                                    "digits, '_' or '-'; at most 32 characters)")


def test_an_unknown_kind_lists_the_kinds():
    problems = spec_problems("title: T\nquestions:\n  - {id: q, kind: softmx}\n")
    assert "unknown kind 'softmx' (did you mean 'softmax'?); the kinds are activations, " \
           "autodiff, cnn_shapes," in problems[0]


def located_warnings(text: str) -> list[str]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        spec = parse_spec(text, "s.yaml")
    assert [str(w.message) for w in caught if w.category is SpecWarning] == \
        [str(p) for p in spec.warnings]
    return [str(p) for p in spec.warnings]


@pytest.mark.parametrize("shape, warned", [
    ("[224, 224, 3]", True), ("[32, 32, 1]", True), ("[64, 16, 4]", True),
    ("[3, 224, 224]", False), ("[1, 28, 28]", False), ("[64, 8, 4]", False),
    ("[8, 32, 3]", False), ("[16, 16, 5]", False), ("[256, 4, 4]", False),
])
def test_a_channels_last_input_gets_a_warning(shape, warned):
    found = located_warnings("title: T\nquestions:\n  - " + CNN % shape + "\n")
    if warned:
        c, h, w = (int(v) for v in shape.strip("[]").split(","))
        assert found == [f"s.yaml:3:39: q6.input: warning: {shape} is read as [C, H, W] ({c} "
                         f"channels of {h}×{w}); for a {c}×{h} image with {w} channel{'s' * (w > 1)} write "
                         f"[{w}, {c}, {h}]"]
    else:
        assert found == []


def test_warnings_are_printed_located_with_exit_zero_by_check_and_build(tmp_path):
    spec = write_spec(tmp_path, "title: T\nquestions:\n  - " + CNN % "[224, 224, 3]" + "\n")
    line = f"{spec}:3:39: q6.input: warning: [224, 224, 3] is read as [C, H, W]"
    result = run_cli("check", spec)
    assert result.returncode == 0
    assert result.stderr.startswith(line) and len(result.stderr.splitlines()) == 1
    assert "ok (1 question solved" in result.stdout
    result = run_cli("build", spec, "-o", tmp_path / "out", "--to", "json")
    assert result.returncode == 0 and result.stderr.startswith(line)
    assert len(result.stderr.splitlines()) == 1


def test_a_warning_is_printed_along_with_the_errors(tmp_path):
    spec = write_spec(tmp_path, "title: T\nquestions:\n  - " + CNN % "[224, 224, 3]" +
                      "\n  - " + CONV + ", modes: sames}\n")
    result = run_cli("check", spec)
    assert result.returncode == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 2 and "warning: [224, 224, 3]" in lines[0] and "'sames'" in lines[1]


def test_variants_print_a_warning_once_and_succeed(tmp_path):
    spec = write_spec(tmp_path, "title: T\nquestions:\n  - " + CNN % "[224, 224, 3]" + "\n")
    result = run_cli("variants", spec, "-n", "3", "-j", "2", "--to", "json", "-o", tmp_path)
    assert result.returncode == 0, result.stderr
    assert [line for line in result.stderr.splitlines() if "warning:" in line] == [
        f"{spec}:3:39: q6.input: warning: [224, 224, 3] is read as [C, H, W] (224 channels of "
        "224×3); for a 224×224 image with 3 channels write [3, 224, 224]"]
