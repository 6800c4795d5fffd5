"""Property-based fuzzing of the spec loader: any input gives a Spec or located problems.

The suite runs the default hypothesis profile; `make fuzz` runs many more examples.
"""

import copy

import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from generator.errors import SpecError
from generator.solve import solve_spec
from generator.spec import parse_spec
from helpers import ROOT, expressions

YAML_CHARS = st.sampled_from(list("abcqxyz0123456789 -:[]{},'\"#&*!|>%@`\t\n\\.$^~_") +
                             ["title", "questions", "id", "kind", "convolution", "cnn_shapes",
                              "conv_design", "text", "input", "kernel", "  - ", ": ", "\n  ",
                              "randint", "choice", "!!python/object", "&a", "*a", "<<", "---",
                              ".nan", ".inf", "1e400", "é", "中", "😀"])

SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-10**20, 10**20),
                    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=20))
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)),
    max_leaves=20)
REFERENCE = yaml.safe_load((ROOT / "specs" / "cnn-workshop.yaml").read_text())


def outcome(text: str):
    """A validated spec or the problems; anything else propagates and fails the test."""
    try:
        spec = parse_spec(text, "fuzz.yaml")
    except SpecError as exc:
        assert exc.problems
        for problem in exc.problems:
            assert str(problem).startswith(("fuzz.yaml", "--set"))
        return exc
    return spec


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(YAML_CHARS, max_size=80).map("".join))
def test_fuzz_random_yaml_text(text):
    outcome(text)


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(VALUES)
def test_fuzz_random_documents(document):
    outcome(yaml.safe_dump(document))


def _value(node, path):
    for key in path:
        node = node[key]
    return copy.deepcopy(node)


def _paths(node, prefix=()):
    yield prefix
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _paths(v, prefix + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _paths(v, prefix + (i,))


PATHS = [p for p in _paths(REFERENCE) if p]
# Values like the spec's own (small counts, short vectors, its other values), so that some
# mutated specs stay valid and reach the solvers, besides arbitrary documents.
PLAUSIBLE = st.one_of(
    st.integers(0, 9), st.lists(st.integers(-3, 5), min_size=1, max_size=6),
    st.sampled_from([_value(REFERENCE, p) for p in PATHS]))


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(PATHS), st.one_of(PLAUSIBLE, VALUES)),
                min_size=1, max_size=3))
def test_fuzz_mutated_reference_spec(mutations):
    """Replace values deep inside a real spec: validation catches it, or solving works."""
    document = copy.deepcopy(REFERENCE)
    for path, value in mutations:
        node = document
        try:
            for key in path[:-1]:
                node = node[key]
            node[path[-1]] = value
        except (KeyError, IndexError, TypeError):
            continue
    result = outcome(yaml.safe_dump(document))
    if isinstance(result, SpecError):
        event("invalid spec")
        return
    event("valid spec")
    try:
        solve_spec(result)
    except SpecError as exc:  # a problem found at the evaluation point is located too
        assert all(str(p).startswith("fuzz.yaml") for p in exc.problems)


TOKENS = st.sampled_from(["x", "y", "1", "2.5", "1e3", "+", "-", "*", "/", "^", "**", "(", ")",
                          "sin", "log", "sqrt", "abs", "foo", ".", ",", "[", "]", "'", "_x",
                          "lambda", ":", " ", "__import__", "é", "0", "-1"])


@given(st.lists(TOKENS, max_size=40).map("".join))
def test_fuzz_expression_parser(text):
    """Random token strings: a graph, or an ExprError with a column inside the text."""
    from generator.numeric.expr import ExprError, parse

    try:
        graph = parse(text, ["x", "y"])
    except ExprError as exc:
        assert 1 <= exc.column <= len(text) + 1
        return
    assert 0 <= graph.root < len(graph.nodes)


@given(st.one_of(expressions(), st.lists(TOKENS, max_size=30).map("".join)),
       st.floats(-3, 3), st.floats(-3, 3), st.floats(-3, 3))
def test_fuzz_autodiff_solve(text, x, y, z):
    """Whatever parses either solves and verifies, or raises a located EvaluationError
    (grammatical expressions, so that most examples get that far, and token soup)."""
    from generator.errors import EvaluationError
    from generator.kinds import autodiff
    from generator.numeric.expr import ExprError, parse

    at = {"x": x, "y": y, "z": z}
    try:
        parse(text, list(at))
    except ExprError:
        event("does not parse")
        return
    params = {"function": text, "at": at, "forward": None, "reverse": True}
    try:
        solution = autodiff.solve(params)
    except EvaluationError as exc:
        event("outside the domain")
        assert exc.field == "function"
        return
    event("solved")
    autodiff.verify(params, solution)  # a VerificationError here is a bug
