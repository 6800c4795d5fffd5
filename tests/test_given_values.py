"""Values the user gave are printed as given in statements, handouts, keys and pages; only
computed values are rounded to `decimals`, half away from zero on their shortest decimal."""

from __future__ import annotations

import json
import re
from decimal import ROUND_HALF_UP, Decimal

import pytest

from generator.cli import main
from helpers import pdf_text, write_spec

# decimals: 2, so that every value below would have been printed rounded before.
SPEC = """
title: Given values
decimals: 2
questions:
  - id: act
    kind: activations
    sigmoid_k: [1.25, 5]
    delta: 0.00005
    x_range: [-1.125, 2.5]
  - id: soft
    kind: softmax
    x: [0.12345, -1.5, 2.675]
    shift: 0.375
    scales: [0, 0.125, 1]
    pair: [0.12345, -0.6789]
  - id: conv
    kind: convolution
    input: [0.12345, 2, -0.3333, -0.5]
    kernel: [1.005, 0.25]
    modes: [full]
  - id: ad
    kind: autodiff
    function: "x*y + sin(x)"
    at: {x: 1.23456, y: -0.00015}
  - id: net
    kind: sigmoid_tanh
    weights:
      w1: [[1.23456, -2], [0.5, 3]]
      b1: [0.001, 1]
      w2: [[2.675, -4]]
      b2: [0.12345]
"""

# Each statement as the .tex writes it: (question id, the given values as LaTeX).
STATEMENTS = [
    ("act", r"k \in \{1.25, 5\}"),
    ("act", r"\delta = 0.00005"),
    ("act", r"x \in [-1.125, 2.5]"),
    ("soft", r"\mathbf{x} = [0.12345, -1.5, 2.675]^\top"),
    ("soft", r"c = 0.375"),
    ("soft", r"c \in \{0, 0.125, 1\}"),
    ("conv", r"[0.12345, 2, -0.3333, -0.5] * [1.005, 0.25]"),
]
# Statements that print given values through what their kind computed (work or answers):
# the kind must keep the given numbers (numbers.Given) rather than floats of them.
LOST_IN_KIND = [
    ("soft", r"\mathbf{x} = [0.12345, -0.6789]^\top"),
    ("ad", r"= (1.23456,\allowbreak -0.00015)"),
    ("net", r"\begin{bmatrix}1.23456 & -2 \\ 0.5 & 3\end{bmatrix}"),
]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("given")
    spec = write_spec(tmp, SPEC, "given.yaml")
    assert main(["build", str(spec), "-o", str(tmp / "out")]) == 0
    return tmp / "out" / "given"


NUMBER = {"act": 1, "soft": 2, "conv": 3, "ad": 4, "net": 5}  # the order of SPEC


def statement_text(tex: str, qid: str) -> str:
    """The LaTeX of one question, from its anchor to the next question's."""
    start = tex.index(f"\\hypertarget{{question-{NUMBER[qid]}}}")
    following = tex.find("\\hypertarget{question-", start + 1)
    return tex[start:following if following > 0 else len(tex)]


@pytest.mark.parametrize(("qid", "latex"), STATEMENTS + LOST_IN_KIND)
@pytest.mark.parametrize("document", ["handout.tex", "answer-key.tex"])
def test_statements_print_given_values_as_given(built, document, qid, latex):
    tex = (built / document).read_text(encoding="utf-8")
    assert latex in statement_text(tex, qid)


# In the handout PDF and in the page's statements: (question, shown as given, no longer rounded).
SHOWN = [
    ("act", ["1.25", "0.00005", "1.125", "2.5"], ["1.12,", "1.13,", "1 × 10", "5 × 10"]),
    ("soft", ["0.12345", "2.675", "0.375", "0.125"], ["2.68", "0.38", "0.13"]),
    ("conv", ["0.12345", "0.3333", "1.005", "0.25"], ["0.33,", "1.01", "0.12,"]),
]


@pytest.mark.parametrize(("qid", "shown", "rounded"), SHOWN)
def test_the_handout_pdf_shows_the_given_values(built, qid, shown, rounded):
    text = pdf_text(built / "handout.pdf").replace("\u2212", "-")
    start = text.index(f"Question {NUMBER[qid]}")
    end = text.find(f"Question {NUMBER[qid] + 1}", start)
    chunk = text[start:end]
    assert all(value in chunk for value in shown), chunk
    assert not any(value in chunk for value in rounded), chunk


@pytest.mark.parametrize(("qid", "shown", "rounded"), SHOWN)
def test_the_page_shows_the_given_values(built, qid, shown, rounded):
    page = (built / "index.html").read_text(encoding="utf-8")
    section = page[page.index(f'<section class="question" id="{qid}">'):]
    statement = section[:section.index('<div class="answer">')]
    numbers = re.findall(r"<mn>([^<]*)</mn>", statement)
    assert all(value in numbers for value in shown), numbers
    assert not any(value.rstrip(",") in numbers for value in rounded), numbers


def half_up(x: float, decimals: int) -> str:
    """The shortest decimal of x rounded half away from zero (the oracle)."""
    exact = Decimal(repr(x))
    rounded = exact.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    return format(exact if rounded == exact else rounded, "f")


def test_computed_values_are_rounded_half_up_in_key_and_page(built):
    full = json.loads((built / "answers.json").read_text())["questions"]["conv"]["answers"]["full"]
    assert full[-1] == -0.125  # -0.5 * 0.25: a decimal tie, printed -0.13 as by hand
    tex = (built / "answer-key.tex").read_text(encoding="utf-8")
    page = (built / "index.html").read_text(encoding="utf-8")
    shown = [half_up(v, 2) for v in full]
    assert shown == ["0.12", "2.04", "0.17", "-0.59", "-0.13"]
    assert f"Full: $[{', '.join(shown)}]$" in tex
    for text in shown:
        assert f"<mn>{text.lstrip('-')}</mn>" in page


def test_answers_json_keeps_the_given_values(built):
    questions = json.loads((built / "answers.json").read_text())["questions"]
    assert questions["soft"]["params"]["x"] == [0.12345, -1.5, 2.675]
    assert questions["act"]["params"]["delta"] == 0.00005
    assert questions["conv"]["params"]["input"] == [0.12345, 2, -0.3333, -0.5]
    assert questions["ad"]["params"]["at"] == {"x": 1.23456, "y": -0.00015}
    assert '"delta": 5e-05' in (built / "answers.json").read_text()


ACTIVATIONS = """
title: Drawn and set values
decimals: 2
seed: 7
questions:
  - id: act
    kind: activations
    sigmoid_k: [{uniform: [1, 2], decimals: 5}, 5]
    delta: 0.1
"""


@pytest.mark.parametrize("decimals", [3, 5, 7])
def test_drawn_values_are_printed_as_drawn(tmp_path, decimals):
    spec = write_spec(tmp_path, ACTIVATIONS.replace("decimals: 5", f"decimals: {decimals}"))
    assert main(["build", str(spec), "-o", str(tmp_path / "out"), "--to", "tex,json"]) == 0
    out = tmp_path / "out" / "spec"
    k = json.loads((out / "answers.json").read_text())["questions"]["act"]["params"]["sigmoid_k"]
    assert len(repr(k[0]).split(".")[1]) == decimals  # these seeds draw no trailing zero
    assert f"k \\in \\{{{k[0]!r}, 5\\}}" in (out / "handout.tex").read_text(encoding="utf-8")


@pytest.mark.parametrize(("setting", "latex"), [
    ("act.delta=0.00005", r"\delta = 0.00005"),
    ("act.delta=1e-3", r"\delta = 0.001"),
    ("act.delta=2.50", r"\delta = 2.5"),
    ("act.sigmoid_k=[1.23456, 7]", r"k \in \{1.23456, 7\}"),
])
def test_values_set_on_the_command_line_are_printed_as_given(tmp_path, setting, latex):
    spec = write_spec(tmp_path, ACTIVATIONS)
    args = ["build", str(spec), "-o", str(tmp_path / "out"), "--to", "tex", "--set", setting]
    assert main(args) == 0
    assert latex in (tmp_path / "out" / "spec" / "handout.tex").read_text(encoding="utf-8")


def test_a_default_is_printed_as_given_too(tmp_path):
    """activations' default delta 0.1 at decimals 0 is 0.1, not 1 × 10^-1 or 0."""
    from helpers import params_of

    params = params_of("title: D\ndecimals: 0\nquestions:\n  - {id: q1, kind: activations}\n")
    from generator.numbers import Given, fmt

    assert isinstance(params["delta"], Given) and str(fmt(params["delta"], 0)) == "0.1"
