"""activations `parts` and cnn_shapes `ask`/`about`: what is asked is what the key, the handout,
the checks and answers.json hold, each part labelled (a), (b), ...; typos and points refused."""

import json

import pytest

from generator.answers import render_json
from generator.kinds import activations, cnn_shapes
from generator.render import render_html, render_latex
from generator.solve import solve_spec
from generator.spec import parse_spec
from helpers import spec_problems

NET = ("input: [3, 32, 32], bias: true, layers: [{type: conv, filters: 8, kernel: 3}, "
       "{type: maxpool, kernel: 2}, {type: conv, filters: 16, kernel: 3, padding: 1}]")
STATEMENTS = {"derivative": "Show that the derivative of the rectified linear unit",
              "definitions": "Give two alternative definitions",
              "sigmoid": "can be well approximated by the sigmoid"}


def build(question: str):
    """(key .tex, handout .tex, key page, handout page, answers.json) of a one-question spec."""
    spec = parse_spec(f"title: T\nquestions:\n  - {question}\n", "s.yaml")
    results = solve_spec(spec)
    return (render_latex(spec, results, True)[0], render_latex(spec, results, False)[0],
            render_html(spec, results, True), render_html(spec, results, False),
            next(iter(json.loads(render_json(spec, results))["questions"].values())))


@pytest.mark.parametrize("parts", [["sigmoid"], ["definitions"], ["derivative"],
                                   ["sigmoid", "derivative"], ["definitions", "sigmoid"],
                                   list(activations.PARTS)])
def test_activations_parts_choose_what_is_asked(parts):
    key, handout, page, sheet, record = build(f"{{id: q1, kind: activations, parts: {parts}}}")
    asked = [p for p in activations.PARTS if p in parts]  # PARTS order, whatever the spec's
    labels = [f"({chr(97 + n)})" for n in range(len(asked))]
    for name in activations.PARTS:
        for text in (key, handout, page, sheet):
            assert (STATEMENTS[name] in text) == (name in asked), (name, parts)
    for label, name in zip(labels, asked):
        line = next(x for x in handout.splitlines() if STATEMENTS[name] in x)
        assert line.lstrip().startswith(rf"\item[{label}]")
        assert f"\\answerpart{{{label} " in key
    assert f"\\answerpart{{({chr(97 + len(asked))})" not in key
    # the parts, and the definitions (i)-(iv) inside theirs, are labelled lists
    assert page.count('<ol class="parts">') == 1 + ("definitions" in asked)
    assert len(labels) == page.count("<h3>(")
    answers = record["answers"]
    assert ("derivative" in answers) == ("derivative" in asked)
    assert ("definitions" in answers) == ("definitions" in asked)
    assert ("sigmoid_gap" in answers) == ("sigmoid_at_zero" in answers) == ("sigmoid" in asked)
    assert answers["heaviside_at_zero"] == 0.5
    # the inner definitions are (i)-(iv), never a part's letter
    assert (r"\item[(iv)] $g(x)" in key) == ("definitions" in asked)
    assert r"\item[(d)]" not in key
    assert ("figures/q1-relu-sigmoid" in key) == ("figures/q1-relu-sigmoid" in page) \
        == ("sigmoid" in asked)


@pytest.mark.parametrize("parts", [["sigmoid"], ["definitions"], ["derivative"],
                                   list(activations.PARTS)])
def test_activations_checks_follow_the_parts(parts):
    params = {"parts": parts, "sigmoid_k": [1, 5], "delta": 0.1, "x_range": [-3, 3]}
    solution = activations.solve(params)
    whats = " ".join(c.what for c in activations.verify(params, solution))
    assert ("sigmoid gaps" in whats) == ("sigmoid" in parts)
    assert ("definitions of $g$" in whats) == ("definitions" in parts)
    assert ("derivative of $g$" in whats) == ("derivative" in parts)
    assert bool(solution.figures) == ("sigmoid" in parts)
    assert activations.part_labels(params) == ["(a)", "(b)", "(c)"][:len(parts)]


@pytest.mark.parametrize("answer", [{"negative": 1}, {"positive": 0}, {"at_zero": 1},
                                    {"left_limit_at_zero": 1}, {"right_limit_at_zero": 0.5}])
def test_a_wrong_derivative_is_caught(answer):
    from generator.errors import VerificationError

    params = {"parts": ["derivative"], "sigmoid_k": [1], "delta": 0.1, "x_range": [-3, 3]}
    solution = activations.solve(params)
    solution.answers["derivative"].update(answer)
    with pytest.raises(VerificationError, match="difference quotients"):
        activations.verify(params, solution)


@pytest.mark.parametrize("extra, message", [
    ("parts: [derivativ]", "q1.parts[0]: expected one of derivative, definitions, sigmoid, got "
                           "'derivativ' (did you mean 'derivative'?)"),
    ("parts: [sigmoid, sigmoid]", "q1.parts: must not repeat an entry"),
    ("parts: []", "q1.parts: must not be empty"),
    ("parts: sigmoid, points: [2, 2]", "q1.points: has 2 entries, but the question has one part"),
    ("parts: [sigmoid, definitions], points: [1, 2, 3]",
     "q1.points: has 3 entries, but the question has 2 parts: (a), (b)"),
])
def test_activations_bad_parts(extra, message):
    problems = spec_problems(f"title: t\nquestions:\n  - {{id: q1, kind: activations, {extra}}}\n")
    assert len(problems) == 1 and message in problems[0], problems


def test_activations_points_per_chosen_part():
    assert spec_problems("title: t\nquestions:\n  - {id: q1, kind: activations, "
                         "parts: [sigmoid, derivative], points: [2, 3]}\n") == []


CNN_CASES = [  # about, ask, the statement's words, the answers' keys beside layers/total_params
    ("last", ["output", "params"], ["output of the last layer", "needed for the last layer"],
     {"output", "size", "last_layer_params"}),
    ("last", ["params"], ["needed for the last layer"], {"last_layer_params"}),
    (2, ["output", "params"], ["output of the second layer", "needed for the second layer"],
     {"about", "layer_output", "layer_size", "layer_params"}),
    (1, ["output"], ["output of the first layer"], {"about", "layer_output", "layer_size"}),
    (3, ["params"], ["needed for the last layer"], {"about", "layer_params"}),
    ("all", ["output", "params"], ["output of each layer", "does the whole network need"],
     {"about", "sizes"}),
    ("all", ["params"], ["does the whole network need"], {"about"}),
]


@pytest.mark.parametrize("about, ask, words, keys", CNN_CASES)
def test_cnn_shapes_ask_and_about(about, ask, words, keys):
    key, handout, page, sheet, record = build(f"{{id: n, kind: cnn_shapes, {NET}, "
                                              f"ask: {ask}, about: {about}}}")
    for text in (key, handout, page, sheet):
        for phrase in words:
            assert phrase in text, (phrase, about, ask)
        assert ("dimensionality" in text) == ("output" in ask)
        assert ("how many parameters" in text) == ("params" in ask)
    items = [x.strip() for x in handout.splitlines() if x.strip().startswith(r"\item[")]
    assert [x[:9] for x in items] == [r"\item[(a)", r"\item[(b)"][:len(ask)]
    answers = record["answers"]
    assert set(answers) == keys | {"layers", "total_params"}
    layers = answers["layers"]  # hand-checked: 8×30×30, 8×15×15, 16×15×15
    assert [L["output"] for L in layers] == [[8, 30, 30], [8, 15, 15], [16, 15, 15]]
    assert answers["total_params"] == (3 * 9 * 8 + 8) + (8 * 9 * 16 + 16) == 1392
    if about not in ("last", "all"):
        assert answers["about"] == about
        layer = layers[about - 1]
        if "output" in ask:
            assert answers["layer_output"] == layer["output"]
            assert answers["layer_size"] == layer["output"][0] * layer["output"][1] \
                * layer["output"][2]
            assert rf"= \mathbf{{{answers['layer_size']}}}$ values" in key
        if "params" in ask:
            assert answers["layer_params"] == layer["params"]
            assert rf"$\mathbf{{{layer['params']}}}$ parameters" in key
    if about == "all" and "output" in ask:
        assert answers["sizes"] == [7200, 1800, 3600]
    if about == "all" and "params" in ask:
        assert r"$224 + 0 + 1168 = \mathbf{1392}$ parameters" in key


@pytest.mark.parametrize("extra, message", [
    ("about: lats", "n.about: expected last, all or a layer number (1 is the first layer), got "
                    "'lats' (did you mean 'last'?)"),
    ("about: 4", "n.about: is layer 4, but the network has 3 layers: a number from 1 to 3, "
                 "last or all"),
    ("about: 0", "n.about: must be at least 1, got 0"),
    ("about: 1.5", "n.about: expected a whole number, got 1.5"),
    ("about: true", "n.about: expected last, all or a layer number (1 is the first layer), "
                    "got true"),
    ("about: [1, 2]", "n.about: expected last, all or a layer number"),
    ("ask: [outptu]", "n.ask[0]: expected one of output, params, got 'outptu' (did you mean "
                      "'output'?)"),
    ("ask: [params, params]", "n.ask: must not repeat an entry"),
    ("ask: params, points: [5, 5]", "n.points: has 2 entries, but the question has one part"),
    ("points: [1, 2, 3]", "n.points: has 3 entries, but the question has 2 parts: (a), (b)"),
])
def test_cnn_shapes_bad_choices(extra, message):
    problems = spec_problems(f"title: t\nquestions:\n  - {{id: n, kind: cnn_shapes, {NET}, "
                             f"{extra}}}\n")
    assert len(problems) == 1 and message in problems[0], problems


def test_cnn_shapes_part_labels():
    assert cnn_shapes.part_labels({"ask": ["params"]}) == ["(a)"]
    assert cnn_shapes.part_labels({"ask": ["output", "params"]}) == ["(a)", "(b)"]
    assert spec_problems(f"title: t\nquestions:\n  - {{id: n, kind: cnn_shapes, {NET}, "
                         "ask: [params], about: all, points: [4]}\n") == []
