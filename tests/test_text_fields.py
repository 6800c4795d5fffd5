"""Text fields show what the author typed, even where YAML would read a number or a boolean."""

import html
import json
import re

import pytest

from generator.cli import main
from helpers import params_of, spec_problems, write_spec

# (YAML as typed, what YAML 1.1 made of it): each must reach the documents as typed.
TYPED = [("23:59", "1439"), ("0755", "493"), ("0x1F", "31"), ("1e3", "1000.0"),
         ("yes", "True"), ("on", "True"), ("~", "None"), ("null", "None"), ("0o17", "15"),
         ("1_000", "1000"), ("12.50", "12.5"), ("+7", "7"), (".inf", "inf"), ("FALSE", "False")]
TEXT_FIELDS = ("title", "subtitle", "course", "due", "author")


def spec_with(value: str) -> str:
    top = "\n".join(f"{name}: {value}" for name in TEXT_FIELDS)
    return (f"{top}\nquestions:\n"
            f"  - {{id: q1, kind: convolution, title: {value}, input: [1, 2], kernel: [1]}}\n"
            "  - id: q2\n    kind: conv_design\n    parts:\n"
            f"      - {{label: {value}, input: [3, 8, 8], given: {{k: 3}}, filters: 2}}\n")


def built(tmp_path, text: str, *extra: str) -> tuple[str, str]:
    spec = write_spec(tmp_path, text)
    assert main(["build", str(spec), "-o", str(tmp_path / "out"), "--to", "tex,html",
                 *extra]) == 0
    folder = tmp_path / "out" / "spec"
    page = html.unescape((folder / "index.html").read_text(encoding="utf-8"))
    return (folder / "answer-key.tex").read_text(encoding="utf-8"), page


@pytest.mark.parametrize("typed,yaml11", TYPED, ids=[t for t, _ in TYPED])
def test_every_text_field_shows_what_was_typed(tmp_path, typed, yaml11):
    tex, page = built(tmp_path, spec_with(typed))
    shown = typed.replace("~", r"\textasciitilde{}").replace("_", r"\_")
    for document, text in ((tex, shown), (page, typed)):
        # 5 top-level fields, a question title and a part label, each at least once
        assert document.count(text) >= 7, (typed, document.count(text))
    assert f"Due {typed}" in page and not re.search(f"Due {re.escape(yaml11)}(?![\\w.])", page)


def test_the_typed_text_is_also_what_params_hold():
    params = params_of("title: T\nquestions:\n  - {id: q2, kind: conv_design, parts: "
                       "[{label: 0755, input: [3, 8, 8], given: {k: 3}, filters: 2}]}\n")
    assert params["parts"][0]["label"] == "0755"


@pytest.mark.parametrize("typed", ["23:59", "0755", "0x1F", "1e3", "yes", "null"])
def test_an_override_of_a_text_field_shows_what_was_typed(tmp_path, typed):
    tex, page = built(tmp_path, spec_with("Plain"), "--set", f"due={typed}",
                      "--set", f"q1.title={typed}")
    assert f"Due {typed}" in page
    assert f"Question 1. {typed}" in page


def test_an_override_replacing_typed_text_forgets_the_old_text(tmp_path):
    tex, page = built(tmp_path, spec_with("0755"), "--set", "course=Deep learning")
    assert "Deep learning" in page


def test_a_text_field_drawn_by_choice_shows_the_choice_as_typed():
    params = params_of("title: T\nquestions:\n  - {id: q2, kind: conv_design, parts: "
                       "[{label: {choice: [0755, 0755]}, input: [3, 8, 8], given: {k: 3}, "
                       "filters: 2}]}\n")
    assert params["parts"][0]["label"] == "0755"


@pytest.mark.parametrize("typed,number", [("0755", 755), ("0o17", 15), ("0x1F", 31),
                                          ("1e3", 1000.0), ("-2", -2), (".5", 0.5)])
def test_number_fields_follow_the_yaml_1_2_core_schema(typed, number):
    params = params_of(f"title: T\nquestions:\n  - {{id: q1, kind: convolution, "
                       f"input: [{typed}], kernel: [1]}}\n")
    value = params["input"][0]  # a float arrives as a numbers.Given (printed as given)
    assert params["input"] == [number] and isinstance(value, type(number))
    assert isinstance(value, float) == isinstance(number, float)


@pytest.mark.parametrize("typed", ["23:59", "1_000", "yes"])
def test_yaml_1_1_numbers_are_text_in_number_fields(typed):
    assert spec_problems(f"title: T\nquestions:\n  - {{id: q1, kind: convolution, "
                         f"input: [{typed}], kernel: [1]}}\n") == [
        f"s.yaml:3:41: q1.input[0]: expected a number, got '{typed}'"]


@pytest.mark.parametrize("typed", ["yes", "on", "No", "off"])
def test_yaml_1_1_booleans_are_text_in_boolean_fields(typed):
    assert spec_problems(f"title: T\nquestions:\n  - {{id: q1, kind: convolution, "
                         f"input: [1], kernel: [1], flip: {typed}}}\n") == [
        f"s.yaml:3:64: q1.flip: expected true or false, got '{typed}'"]


def test_answers_json_keeps_typed_text(tmp_path):
    spec = write_spec(tmp_path, spec_with("0755"))
    assert main(["build", str(spec), "-o", str(tmp_path / "out"), "--to", "json"]) == 0
    answers = json.loads((tmp_path / "out" / "spec" / "answers.json").read_text())
    assert answers["title"] == "0755"
    assert answers["questions"]["q2"]["answers"]["parts"][0]["label"] == "0755"


def test_an_explicit_tag_that_does_not_fit_its_text_is_located():
    assert spec_problems("title: !!int abc\nquestions: []\n") == [
        "s.yaml:1:8: 'abc' is not a valid !!int"]
