"""conv2d: hand-checked cases, PyTorch's conv2d on random cases, located errors, the key."""

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator import doc
from generator.errors import VerificationError
from generator.escape import html_escape, latex_escape
from generator.kinds import conv2d, conv2d_layout
from generator.kinds.base import Solution
from generator.presentation import conv2d as present
from generator.render import QuestionView
from generator.writers import HtmlWriter, LatexWriter
from helpers import ROOT, doc_texts, params_of, pdf_text, run_cli, spec_problems

NINE = [[1, 2, 3], [4, 5, 6], [7, 8, 9]]


def spec(body: str) -> str:
    return "title: T\nquestions:\n  - id: q\n    kind: conv2d\n" + "".join(
        f"    {line}\n" for line in body.strip().splitlines())


def solve(body: str):
    params = params_of(spec(body))
    solution = conv2d.solve(params)
    assert len(conv2d.verify(params, solution)) == 2
    return params, solution


def test_cross_correlation_by_hand():
    # [[1, 0], [0, -1]] over 1..9: each entry is its top-left minus its bottom-right, 1 - 5 = -4
    _, s = solve("input: [[1, 2, 3], [4, 5, 6], [7, 8, 9]]\nkernels: [[[1, 0], [0, -1]]]")
    assert s.answers == {"output": [[[-4, -4], [-4, -4]]], "shape": [1, 2, 2],
                         "padded_shape": [1, 3, 3]}
    entry = s.work.filter_work[0].blocks[0][0]
    assert entry.lines == (((1, 1), (2, 0), (4, 0), (5, -1)),)  # (input, weight), row by row


def test_flip_reverses_rows_and_columns():
    # flipped, the kernel is [[-1, 0], [0, 1]]: bottom-right minus top-left, 5 - 1 = 4
    _, s = solve("input: [[1, 2, 3], [4, 5, 6], [7, 8, 9]]\nkernels: [[[1, 0], [0, -1]]]\n"
                 "flip: true")
    assert s.answers["output"] == [[[4, 4], [4, 4]]]
    assert s.work.filter_work[0].used == [[[-1, 0], [0, 1]]]
    _, s = solve("input: [[1, 2, 3], [4, 5, 6], [7, 8, 9]]\nkernels: [[[1, 2], [3, 4]]]\n"
                 "flip: true")
    # 1·4 + 2·3 + 4·2 + 5·1 = 23
    assert s.answers["output"][0][0][0] == 23


def test_padding_with_a_one_by_one_kernel_gives_the_padded_input():
    _, s = solve("input: [[1, 2], [3, 4]]\nkernels: [[[2]]]\npadding: [1, 2]")
    assert s.answers["shape"] == [1, 4, 6] and s.answers["padded_shape"] == [1, 4, 6]
    assert s.answers["output"][0] == [[0] * 6, [0, 0, 2, 4, 0, 0], [0, 0, 6, 8, 0, 0], [0] * 6]
    assert s.work.padded == [[[0] * 6, [0, 0, 1, 2, 0, 0], [0, 0, 3, 4, 0, 0], [0] * 6]]


def test_stride_and_dilation_by_hand():
    # x[r][c] = 5r + c; a 2×2 kernel of ones dilated by 2 spans 3×3, stride 2: 2×2 windows,
    # Y[i][j] = x[2i][2j] + x[2i][2j+2] + x[2i+2][2j] + x[2i+2][2j+2] = 40i + 8j + 24
    rows = [[5 * r + c for c in range(5)] for r in range(5)]
    _, s = solve(f"input: {rows}\nkernels: [[[1, 1], [1, 1]]]\nstride: 2\ndilation: 2")
    assert s.answers["output"] == [[[24, 32], [64, 72]]]
    assert (s.work.height.numerator, s.work.height.out, s.work.height.dropped) == (2, 2, 0)


def test_channels_filters_and_bias_by_hand():
    # one output entry per filter: the sum over both channels of input times kernel, plus bias
    _, s = solve("input: [[[1, 2], [3, 4]], [[0, 1], [1, 0]]]\n"
                 "kernels:\n  - [[[1, 1], [1, 1]], [[2, 0], [0, 2]]]\n"
                 "  - [[[0, 0], [0, 1]], [[0, 3], [0, 0]]]\nbias: [0.5, -2]")
    assert s.answers["output"] == [[[10.5]], [[5]]]  # 10 + 0 + 0.5; 4 + 3 - 2
    assert s.answers["shape"] == [2, 1, 1]
    entry = s.work.filter_work[1].blocks[0][0]
    assert entry.lines == (((1, 0), (2, 0), (3, 0), (4, 1)), ((0, 0), (1, 3), (1, 0), (0, 0)))
    assert entry.bias == -2 and entry.value == 5


def test_an_uncovered_row_is_counted():
    _, s = solve("input: [[1, 2, 3, 4, 5], [1, 2, 3, 4, 5]]\nkernels: [[[1, 1]]]\nstride: 3")
    # width: floor((5 - 2)/3) + 1 = 2 windows, at columns 0-1 and 3-4; none reaches column 5
    assert (s.work.width.numerator, s.work.width.out, s.work.width.dropped) == (3, 2, 0)
    _, s = solve("input: [[1, 2, 3, 4, 5, 6]]\nkernels: [[[1, 1]]]\nstride: 3")
    assert (s.work.width.numerator, s.work.width.out, s.work.width.dropped) == (4, 2, 1)
    assert s.answers["output"] == [[[3, 9]]]
    params, s = solve("input: [[1, 2, 3, 4, 5, 6, 7]]\nkernels: [[[1, 1]]]\nstride: 3")
    words = [doc.text_of(b.children) for b in present.answer(_view(params, s))
             if isinstance(b, doc.Para)]
    assert "The division by s_w = 3 is not exact: the last 2 columns of the padded input lie " \
           "in no window." in words


def test_full_precision_in_the_answers():
    _, s = solve("input: [[0.1, 0.2]]\nkernels: [[[0.3, 0.7]]]")
    assert s.answers["output"][0][0][0] == 0.1 * 0.3 + 0.2 * 0.7 == 0.16999999999999998


def _case(draw):
    """A random question PyTorch accepts: per axis a kernel, stride, padding and dilation,
    then an input size the dilated kernel fits (padded at most 10, as the key shows)."""
    axes = []
    for _ in range(2):
        k, s, p, d = (draw(st.integers(lo, hi)) for lo, hi in ((1, 3), (1, 3), (0, 2), (1, 3)))
        low = max(1, d * (k - 1) + 1 - 2 * p)
        axes.append((draw(st.integers(low, max(low, min(6, 10 - 2 * p)))), k, s, p, d))
    (h, k_h, *geometry_h), (w, k_w, *geometry_w) = axes
    c, f = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    number = st.one_of(st.integers(-9, 9), st.floats(-5, 5).map(lambda v: round(v, 2)))

    def tensor(*shape):
        return st.lists(tensor(*shape[1:]) if shape[1:] else number, min_size=shape[0],
                        max_size=shape[0])

    geometry = {key: a if a == b and draw(st.booleans()) else [a, b] for key, a, b in
                zip(("stride", "padding", "dilation"), geometry_h, geometry_w)}
    x = draw(tensor(c, h, w))
    return {"input": x[0] if c == 1 and draw(st.booleans()) else x,
            "kernels": draw(tensor(f, c, k_h, k_w)),
            "bias": draw(st.one_of(st.none(), tensor(f))), "flip": draw(st.booleans()),
            **geometry}


@settings(max_examples=80, deadline=None)
@given(st.composite(_case)())
def test_matches_pytorch(case):
    torch = pytest.importorskip("torch")
    params = params_of(spec("\n".join(f"{k}: {json.dumps(v)}" for k, v in case.items()
                                      if v is not None)))
    solution = conv2d.solve(params)
    conv2d.verify(params, solution)
    x = torch.tensor(np.asarray(conv2d._channels(params["input"]), float))
    weight = torch.tensor(np.asarray(params["kernels"], float))
    if params["flip"]:
        weight = torch.flip(weight, (2, 3))  # conv2d cross-correlates: flip to convolve
    bias = None if params["bias"] is None else torch.tensor(np.asarray(params["bias"], float))
    pair = lambda v: tuple(v) if isinstance(v, list) else (v, v)  # noqa: E731
    ref = torch.nn.functional.conv2d(x[None], weight, bias, stride=pair(params["stride"]),
                                     padding=pair(params["padding"]),
                                     dilation=pair(params["dilation"]))[0].numpy()
    assert solution.answers["shape"] == list(ref.shape)
    np.testing.assert_allclose(solution.answers["output"], ref, rtol=1e-12, atol=1e-12)


def test_a_kernel_pytorch_refuses_is_refused_here_too():
    """Refused with or without PyTorch (which, when installed, refuses it as well)."""
    assert spec_problems(spec("input: [[1, 2, 3], [4, 5, 6], [7, 8, 9]]\n"
                              "kernels: [[[1, 2], [3, 4], [5, 6]]]\ndilation: [2, 1]")) == [
        "s.yaml:6:14: q.kernels: the kernel does not fit: its height window of 5 is larger "
        "than the padded input of 3 (3 + 2·0)"]
    torch = pytest.importorskip("torch")
    with pytest.raises(RuntimeError):
        torch.nn.functional.conv2d(torch.zeros(1, 1, 3, 3), torch.zeros(1, 1, 3, 2),
                                   padding=0, dilation=(2, 1))


def test_verification_catches_a_wrong_answer():
    params = params_of(spec("input: [[1, 2, 3], [4, 5, 6], [7, 8, 9]]\n"
                            "kernels: [[[1, 0], [0, -1]]]"))
    bad = Solution({"output": [[[-4, -4], [-4, -3]]], "shape": [1, 2, 2]})
    with pytest.raises(VerificationError, match="differ by 1"):
        conv2d.verify(params, bad)
    bad = Solution({"output": [[[-4, -4, -4], [-4, -4, -4]]], "shape": [1, 2, 3]})
    with pytest.raises(VerificationError, match="output shape"):
        conv2d.verify(params, bad)


@pytest.mark.parametrize("body, expected", [
    ("input: [[1, 2, 3], [4, 5]]\nkernels: [[[1]]]",
     "5:24: q.input[1]: has 2 numbers, but q.input[0] has 3: the rows of a matrix all have "
     "the same length"),
    ("input: [[[1, 2], [3, 4]], [[1, 2]]]\nkernels: [[[1]]]",
     "5:31: q.input[1]: has 1 row, but q.input[0] has 2: the matrices all have the same "
     "shape"),
    ("input: [1, 2, 3]\nkernels: [[[1]]]",
     "5:12: q.input: expected an H×W matrix (one channel) or a C×H×W list of matrices, got a "
     "list of numbers"),
    ("input: [[1, 2], [3, 4]]\nkernels: [[1, 0], [0, 1]]",
     "6:14: q.kernels: is one matrix, but kernels is a list of filters: one 2×2 kernel is "
     "written [[[1, 0], [0, 1]]]"),
    ("input: [[[1, 2], [3, 4]], [[5, 6], [7, 8]]]\nkernels: [[[1, 0], [0, 1]]]",
     "6:15: q.kernels[0]: has 1 channel, but the input has 2: a filter holds one k_h×k_w "
     "kernel per input channel (2×2×2)"),
    ("input: [[1, 2], [3, 4]]\nkernels: [[[1, 0], [0, 1]], [[1]]]",
     "6:33: q.kernels[1]: is 1×1×1, but kernels[0] is 1×2×2: all filters have one shape"),
    ("input: [[1, 2], [3, 4]]\nkernels: [[[1]], [[2]]]\nbias: [1]",
     "7:11: q.bias: has 1 entry, but there are 2 filters: one bias per filter"),
    ("input: [[1, 2], [3, 4]]\nkernels: [[[1]]]\nstride: 0",
     "7:13: q.stride: must be at least 1, got 0"),
    ("input: [[1, 2], [3, 4]]\nkernels: [[[1]]]\ndilation: [1, 0]",
     "7:19: q.dilation[1]: must be at least 1, got 0"),
    ("input: [[1, 2], [3, 4]]\nkernels: [[[1]]]\npadding: -1",
     "7:14: q.padding: must be at least 0, got -1"),
    ("input: [[1, 2], [3, 4]]\nkernels: [[[1, 2, 3]]]",
     "6:14: q.kernels: the kernel does not fit: its width window of 3 is larger than the "
     "padded input of 2 (2 + 2·0)"),
    ("input: [[1, 2, 3, 4, 5, 6, 7, 8, 9]]\nkernels: [[[1]]]\npadding: 1",
     "7:14: q.padding: the padded input is 3×11 (1 + 2·1 by 9 + 2·1); at most 10×10, because "
     "the key shows it as matrices (amsmath's bmatrix holds 10 columns)"),
])
def test_bad_input_is_located(body, expected):
    assert spec_problems(spec(body)) == [f"s.yaml:{expected}"]


def test_the_limits():
    eleven = [list(range(11))]
    assert spec_problems(spec(f"input: {eleven}\nkernels: [[[1]]]"))[0].startswith(
        "s.yaml:5:12: q.input: the padded input is 1×11")
    channels = [[[1]]] * 17
    assert spec_problems(spec(f"input: {channels}\nkernels: [{[[[1]]] * 17}]")) == [
        "s.yaml:5:12: q.input: has 17 channels; at most 16, because the key shows each channel "
        "as a matrix"]
    assert spec_problems(spec(f"input: [[1]]\nkernels: {[[[1]]] * 17}"))[0].endswith(
        "q.kernels: is too long (17 entries; at most 16)")
    # 16 channels of a 10×10 kernel: each entry a sum of 1600 products
    big = [[[1] * 10] * 10] * 16
    assert spec_problems(spec(f"input: {big}\nkernels: [{big}]")) == [
        "s.yaml:3:5: q: each output entry is a sum of 1600 products, about 160 lines; at most "
        "40 (a page): fewer channels or a smaller kernel"]


def test_a_six_by_six_input_and_a_three_by_three_kernel_are_written_out():
    six = [[r * 6 + c for c in range(6)] for r in range(6)]
    _, s = solve(f"input: {six}\nkernels: [[[1, 0, 1], [0, 1, 0], [1, 0, 1]]]\npadding: 1")
    assert s.work.written and s.work.products == 36 * 9
    entries = [e for block in s.work.filter_work[0].blocks for e in block]
    assert len(entries) == 36
    assert all(len(e.lines) == 1 for e in entries)  # nine small products fit one line
    assert all(sum(len(e.lines) for e in b) <= conv2d_layout.BLOCK_LINES for b in
               s.work.filter_work[0].blocks)


def test_above_the_limit_one_entry_per_filter_is_written():
    six = [[[c + r for c in range(6)] for r in range(6)]] * 3
    kernels = [[[[1, 0, 1], [0, 1, 0], [1, 0, 1]]] * 3] * 2
    params, s = solve(f"input: {six}\nkernels: {kernels}\npadding: 1")
    assert s.work.products == 2 * 36 * 27 > conv2d.MAX_WRITTEN and not s.work.written
    assert [[(e.i, e.j) for b in fw.blocks for e in b] for fw in s.work.filter_work] == [
        [(0, 0)], [(0, 0)]]
    assert len(s.answers["output"][1]) == 6  # every entry is still answered
    words = doc.text_of(next(b for b in present.answer(_view(params, s))
                             if isinstance(b, doc.Para) and b.role == "note").children)
    assert "1,944 products, more than the key writes out (at most 1,000)" in words


def test_wide_factors_take_more_lines():
    _, narrow = solve("input: [[1, 2, 3], [4, 5, 6], [7, 8, 9]]\n"
                      "kernels: [[[1, 2, 3], [4, 5, 6], [7, 8, 9]]]")
    _, wide = solve("input: [[-1.125, 2, 3], [4, 5, 6], [7, 8, 9]]\n"
                    "kernels: [[[1, 2, 3], [4, 5, -6.375], [7, 8, 9]]]")
    assert len(narrow.work.filter_work[0].blocks[0][0].lines) == 1
    lines = wide.work.filter_work[0].blocks[0][0].lines
    assert [len(line) for line in lines] == [3, 3, 3]  # whole kernel rows on each line


def _view(params, solution) -> QuestionView:
    return QuestionView("q", 1, "conv2d", None, None, "", None, params, solution.answers,
                        solution.work, [], 3)


@pytest.mark.parametrize("body", [
    "input: [[1, 2, 3], [4, 5, 6], [7, 8, 9]]\nkernels: [[[1, 0], [0, -1]]]\npadding: [0, 1]",
    "input: [[[1, 2], [3, 4]], [[0, 1], [1, 0]]]\nkernels: [[[[1, 1], [1, 1]], [[2, 0], [0, 2]]],"
    " [[[0, 0], [0, 1]], [[0, 3], [0, 0]]]]\nbias: [0.5, -2]\nflip: true\nstride: [2, 1]",
])
def test_both_writers_show_the_same_words(body):
    params, s = solve(body)
    q = _view(params, s)
    for blocks in (present.statement(q), present.answer(q)):
        tex, html = LatexWriter().write(blocks), HtmlWriter().write(blocks)
        for t in doc_texts(blocks):
            assert latex_escape(t) in tex and str(html_escape(t)) in html, t
    words = " ".join(doc.text_of(b.children) for b in present.statement(q) + present.answer(q)
                     if isinstance(b, (doc.Para, doc.Heading)))
    if params["flip"]:
        assert "2-D convolution (each kernel flipped in both axes)" in words
        assert "Filter 1" in words and "plus the bias b_{1} = -2" in words
    else:
        assert "no kernel flipping, as deep-learning frameworks compute it" in words
        assert "p_w = 1 zero column on the left and right" in words


def test_the_example_spec_builds_to_pdf_and_html(tmp_path):
    result = run_cli("build", ROOT / "specs" / "conv2d-examples.yaml", "-o", tmp_path)
    assert result.returncode == 0, result.stderr
    out = tmp_path / "conv2d-examples"
    key = pdf_text(out / "answer-key.pdf")
    assert "Output entries" in key and "Flipped kernels" in key and "Filter 1" in key
    assert "Output entries" not in pdf_text(out / "handout.pdf")
    page = (out / "index.html").read_text()
    assert "Output entries" in page and "<math" in page and "\\frac" not in page
    answers = json.loads((out / "answers.json").read_text())["questions"]
    assert answers["edge"]["answers"]["shape"] == [1, 4, 5]


@pytest.mark.parametrize("channels, kernel", [(16, 2), (1, 10)])
def test_the_largest_questions_solve_verify_and_render_in_seconds(channels, kernel):
    import time

    from generator.render import render_html, render_latex
    from generator.solve import solve_spec
    from generator.spec import parse_spec

    x = [[[(c + 3 * r + k) % 7 - 3 for k in range(10)] for r in range(10)]
         for c in range(channels)]
    w = [[[[(f + c + m + n) % 5 - 2 for n in range(kernel)] for m in range(kernel)]
          for c in range(channels)] for f in range(16)]
    text = spec(f"input: {x}\nkernels: {w}\nbias: {[0.5] * 16}")
    start = time.perf_counter()
    parsed = parse_spec(text, "s.yaml")
    results = solve_spec(parsed)
    render_latex(parsed, results, key=True), render_html(parsed, results)
    assert time.perf_counter() - start < 10
    assert conv2d.shown_lines(parsed.questions[0].params) < 2_000
