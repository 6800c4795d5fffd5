"""autodiff against PyTorch's float64 autograd on random expressions (a test-only oracle)."""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.errors import EvaluationError
from generator.kinds import autodiff
from generator.numeric.expr import parse
from helpers import expressions

torch = pytest.importorskip("torch")

BINARY = {"add": torch.add, "sub": torch.sub, "mul": torch.mul, "div": torch.div,
          "pow": torch.pow}


def torch_gradient(function: str, at: dict[str, float]) -> tuple[float, dict[str, float]]:
    """The value and gradient by PyTorch: the parsed graph evaluated with torch operations,
    differentiated by torch.autograd (constants as tensors that need no gradient)."""
    graph = parse(function, list(at))
    inputs = {k: torch.tensor(v, dtype=torch.float64, requires_grad=True) for k, v in at.items()}
    value = []
    for node in graph.nodes:
        op, args = node[0], [value[a] for a in node[1:] if isinstance(a, int)]
        if op == "var":
            value.append(inputs[node[1]])
        elif op == "const":
            value.append(torch.tensor(node[1], dtype=torch.float64))
        elif op in BINARY:
            value.append(BINARY[op](*args))
        else:
            value.append({"neg": torch.neg, "sin": torch.sin, "cos": torch.cos,
                          "tan": torch.tan, "exp": torch.exp, "log": torch.log,
                          "sqrt": torch.sqrt, "tanh": torch.tanh, "sigmoid": torch.sigmoid,
                          "abs": torch.abs}[op](args[0]))
    y = value[graph.root]
    grads = torch.autograd.grad(y, list(inputs.values()), allow_unused=True)
    return y.item(), {k: 0.0 if g is None else g.item() for k, g in zip(inputs, grads)}


POINT = st.floats(-3, 3).filter(lambda v: abs(v) > 0.05)


@settings(max_examples=300, deadline=None)
@given(expressions(), POINT, POINT, POINT)
def test_random_expressions_match_torch_autograd(function, x, y, z):
    at = {"x": x, "y": y, "z": z}
    p = {"function": function, "at": at, "forward": None, "reverse": True, "output": None}
    try:
        solution = autodiff.solve(p)
    except EvaluationError:
        return  # outside the domain: refused (tests/test_autodiff.py checks the refusals)
    value, gradient = torch_gradient(function, at)
    if not (math.isfinite(value) and all(math.isfinite(g) for g in gradient.values())):
        return  # torch differentiates through a kink or pole the engine refuses
    a = solution.answers
    assert a["value"] == pytest.approx(value, rel=1e-12, abs=1e-12)
    for k in at:
        assert a["gradient"][k] == pytest.approx(gradient[k], rel=1e-9, abs=1e-9), k
    assert a["forward"]["derivative"] == pytest.approx(gradient["x"], rel=1e-9, abs=1e-9)


@pytest.mark.parametrize("function,at", [
    ("x^(1+1) * y", {"x": -3.0, "y": 0.5}),
    ("sigmoid(3*x) * tanh(y/2) + x^-(2)", {"x": -1.5, "y": 2.0}),
    ("sqrt(abs(x - y)) / (1 + exp(-x*y))", {"x": 0.3, "y": -2.0}),
])
def test_hand_picked_expressions_match_torch_autograd(function, at):
    p = {"function": function, "at": at, "forward": None, "reverse": True, "output": None}
    a = autodiff.solve(p).answers
    value, gradient = torch_gradient(function, at)
    assert a["value"] == pytest.approx(value, rel=1e-13)
    assert a["gradient"] == pytest.approx(gradient, rel=1e-12)
