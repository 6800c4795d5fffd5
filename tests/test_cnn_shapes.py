"""cnn_shapes: the reference network, PyTorch's rules, and verification by sliding windows."""

import textwrap
from dataclasses import replace

import pytest

from generator.errors import VerificationError
from generator.kinds import cnn_shapes
from generator.numeric.conv import count_windows
from generator.numeric.layers import output_size as conv_output_size
from generator.render import render_latex
from generator.solve import solve_spec
from generator.spec import parse_spec
from helpers import params_of, spec_problems

REFERENCE = """
title: t
questions:
  - id: q6
    kind: cnn_shapes
    input: [3, 256, 256]
    bias: false
    layers:
      - {type: conv, filters: 64, kernel: 8, stride: 2, padding: 0}
      - {type: maxpool, kernel: 5, stride: 5}
      - {type: conv, filters: 128, kernel: 4, stride: 1, padding: 1}
"""


def test_reference_network():
    params = params_of(REFERENCE)
    a = cnn_shapes.solve(params).answers
    assert [L["output"] for L in a["layers"]] == [[64, 125, 125], [64, 25, 25], [128, 24, 24]]
    assert a["size"] == 73728 == 24 * 24 * 128
    assert a["last_layer_params"] == 131072 == 64 * 4 * 4 * 128
    assert a["layers"][1]["params"] == 0
    assert a["total_params"] == 3 * 8 * 8 * 64 + 131072
    assert len(cnn_shapes.verify(params, cnn_shapes.solve(params))) == 2


def test_biases_counted_when_asked():
    params = params_of(REFERENCE.replace("bias: false", "bias: true"))
    a = cnn_shapes.solve(params).answers
    assert a["last_layer_params"] == 131072 + 128
    assert a["layers"][0]["biases"] == 64


def test_rectangular_kernel_dilation_and_inexact_division():
    params = params_of("""
        title: t
        questions:
          - id: q
            kind: cnn_shapes
            input: [1, 28, 30]
            layers:
              - {type: conv, filters: 4, kernel: [3, 5], stride: 2, dilation: 2}
    """)
    s = cnn_shapes.solve(params)
    # hand-checked: h = floor((28 - 2*(3-1) - 1)/2) + 1 = 12; w = floor((30 - 2*(5-1) - 1)/2) + 1 = 11
    assert s.answers["output"] == [4, 12, 11]
    assert s.answers["layers"][0]["weights"] == 1 * 3 * 5 * 4
    height = s.work.layers[0].height
    assert not height.exact and height.dropped == 1 and height.numerator == 28 - 4 - 1


@pytest.mark.parametrize("i,k,s,p,d,ceil,expected", [
    (7, 3, 2, 0, 1, True, 3),   # torch.nn.MaxPool1d(3, 2, ceil_mode=True)(7 values) -> 3
    (8, 2, 2, 1, 1, True, 5),
    (6, 3, 2, 1, 1, True, 4),
    (5, 2, 2, 0, 1, True, 3),
    (10, 3, 3, 0, 1, False, 3),
    (10, 3, 3, 0, 1, True, 4),
])
def test_pytorch_ceil_mode(i, k, s, p, d, ceil, expected):
    assert conv_output_size(i, k, s, p, d, ceil) == expected == count_windows(i, k, s, p, d, ceil)


def test_impossible_layer_is_a_located_error():
    problems = spec_problems("""
        title: t
        questions:
          - id: q6
            kind: cnn_shapes
            input: [3, 8, 8]
            layers:
              - {type: conv, filters: 4, kernel: 5}
              - {type: conv, filters: 4, kernel: 5}
    """)
    assert problems == ["s.yaml:8:9: q6.layers[1]: layer 2 (conv) is impossible: its height "
                        "window of 5 is larger than the padded input of 4 (4 + 2·0)"]


def test_unknown_layer_type_and_key():
    problems = spec_problems("""
        title: t
        questions:
          - id: q6
            kind: cnn_shapes
            input: [3, 8, 8]
            layers:
              - {type: convv, filters: 4, kernel: 3}
              - {type: maxpool, kernel: 2, strid: 2}
    """)
    assert problems[0].startswith("s.yaml:7:16: q6.layers[0].type: expected one of conv, "
                                  "maxpool, avgpool, got 'convv' (did you mean 'conv'?)")
    assert problems[1].startswith("s.yaml:8:36: q6.layers[1].strid: unknown key 'strid' "
                                  "(did you mean 'stride'?)")


def test_pool_padding_more_than_half_kernel():
    problems = spec_problems("""
        title: t
        questions:
          - {id: q, kind: cnn_shapes, input: [1, 9, 9], layers: [{type: maxpool, kernel: 2, padding: 2}]}
    """)
    assert "pooling padding 2 is more than half the kernel 2" in problems[0]


def test_verification_catches_a_wrong_shape():
    params = params_of(REFERENCE)
    s = cnn_shapes.solve(params)
    layers = s.work.layers
    s.work = replace(s.work, layers=layers[:2] + [replace(layers[2], output=[128, 23, 23])])
    with pytest.raises(VerificationError, match="layer 3 height"):
        cnn_shapes.verify(params, s)


@pytest.mark.parametrize("input_,layer,message", [
    ("[1000000, 1000000, 1000000]", "{type: conv, filters: 100000, kernel: 100000, padding: 50000}",
     "layer 1 (conv) has 1e+21 weights"),
    ("[1, 1000000, 1000000]", "{type: conv, filters: 100000, kernel: 1}",
     "layer 1 (conv) has 1e+17 output values"),
])
def test_counts_beyond_exact_float64_are_refused_up_front(input_, layer, message):
    spec = (f"title: t\nquestions:\n  - id: q\n    kind: cnn_shapes\n    input: {input_}\n"
            f"    layers:\n      - {layer}\n")
    assert spec_problems(spec) == [f"s.yaml:7:9: q.layers[0]: {message}; at most 2^53 ≈ 9e+15, the largest "
                        "count shown exactly"]


def test_the_largest_sizes_solve_and_verify():
    params = params_of("""
        title: t
        questions:
          - id: q
            kind: cnn_shapes
            input: [100000, 1000000, 1000000]
            layers:
              - {type: conv, filters: 100, kernel: 9000, padding: 100000, dilation: 10}
              - {type: maxpool, kernel: 3, ceil_mode: true, stride: 100000}
              - {type: avgpool, kernel: [1, 100000], ceil_mode: true, stride: 99999, padding: [0, 50000]}
    """)
    solution = cnn_shapes.solve(params)
    assert solution.answers["layers"][0]["weights"] == 100000 * 9000 * 9000 * 100
    assert len(cnn_shapes.verify(params, solution)) == 2


def test_a_ceil_window_starting_in_the_padding_is_dropped_and_said():
    """MaxPool1d(2, 2, padding=1, ceil_mode=True) on 5 values gives 3 (PyTorch): rounding up
    gives 4 windows, the last would start in the right padding."""
    text = """
        title: t
        questions:
          - id: q
            kind: cnn_shapes
            input: [1, 5, 6]
            layers:
              - {type: maxpool, kernel: 2, padding: 1, ceil_mode: true}
    """
    work = cnn_shapes.solve(params_of(text)).work
    height, width = work.layers[0].height, work.layers[0].width
    assert (height.numerator, height.out, height.last_window_dropped) == (5, 3, True)
    assert (width.numerator, width.out, width.last_window_dropped) == (6, 4, False)
    assert height.out == count_windows(5, 2, 2, 1, 1, True)
    spec = parse_spec(textwrap.dedent(text), "s.yaml")
    key = render_latex(spec, solve_spec(spec), True)[0]
    assert r"\left\lceil \frac{5}{2} \right\rceil + 1 - 1 = 3" in key
    assert r"\left\lceil \frac{6}{2} \right\rceil + 1 = 4" in key
    assert "Height: $5/2$ is not exact; ceil mode rounds up, keeping a last partial window, " \
           "except that PyTorch drops a window that would start in the right padding" in key
