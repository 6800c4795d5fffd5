"""numeric.layers against PyTorch (nn.Conv2d / MaxPool2d / AvgPool2d), a brute-force window
count, and cnn_shapes against conv_design: one set of size and validity rules."""

import itertools
import random

import pytest

from generator.errors import SpecError
from generator.kinds import cnn_shapes, conv_design
from generator.numeric.layers import effective_kernel, layer_problem, non_overlapping, output_size
from helpers import params_of, spec_problems


def accepted(layer, i, k, s, p, d, ceil):
    """Our verdict: the output size, or None where PyTorch is said to refuse."""
    if layer_problem(layer, i, k, s, p, d, ceil):
        return None
    return output_size(i, k, s, p, d, ceil)


def random_configs(n, seed):
    rng = random.Random(seed)
    for _ in range(n):
        layer = rng.choice(("conv", "maxpool", "avgpool"))
        d = 1 if layer == "avgpool" and rng.random() < 0.8 else rng.randint(1, 4)
        yield (layer, rng.randint(1, 14), rng.randint(1, 7), rng.randint(1, 6),
               rng.randint(0, 4), d, layer != "conv" and rng.random() < 0.5)


def torch_verdict(torch, layer, i, k, s, p, d, ceil):
    """PyTorch's output size of the layer on an i×i input, or None when it raises."""
    x = torch.zeros(1, 1, i, i)
    try:
        if layer == "conv":
            y = torch.nn.Conv2d(1, 1, k, s, p, d)(x)
        elif layer == "maxpool":
            y = torch.nn.MaxPool2d(k, s, p, d, ceil_mode=ceil)(x)
        elif d != 1:
            return None  # AvgPool2d takes no dilation at all
        else:
            y = torch.nn.AvgPool2d(k, s, p, ceil_mode=ceil)(x)
    except (RuntimeError, ValueError):
        return None
    assert y.shape[-1] == y.shape[-2]
    return y.shape[-1]


def test_pytorch_agrees_on_thousands_of_layers():
    torch = pytest.importorskip("torch")
    refused = 0
    with torch.no_grad():
        for config in random_configs(4000, seed=11):
            expected = torch_verdict(torch, *config)
            assert accepted(*config) == expected, config
            refused += expected is None
    assert 400 < refused < 3600  # both verdicts are exercised


@pytest.mark.parametrize("config,size", [
    (("maxpool", 2, 3, 2, 0, 1, True), 1),  # the case: a window wider than the input
    (("maxpool", 1, 3, 3, 0, 1, True), 1),
    (("maxpool", 5, 2, 2, 1, 3, False), 2),  # p = 1 ≤ ⌊k/2⌋ although the dilated kernel is 4
    (("avgpool", 7, 3, 2, 1, 1, True), 4),
    (("conv", 3, 3, 1, 5, 2, False), 9),  # conv padding is not bounded by the kernel
])
def test_cases_pytorch_accepts(config, size):
    assert accepted(*config) == size
    torch = pytest.importorskip("torch")
    assert torch_verdict(torch, *config) == size


@pytest.mark.parametrize("config,field", [
    (("maxpool", 8, 2, 2, 2, 3, False), "padding"),  # 2 > ⌊2/2⌋, even though d(k-1)+1 = 4
    (("avgpool", 8, 2, 2, 0, 2, False), "dilation"),
    (("maxpool", 1, 3, 1, 0, 1, True), None),  # 3 − 1 ≥ 1: no window even in ceil mode
    (("conv", 4, 3, 1, 0, 2, False), None),
])
def test_cases_pytorch_refuses(config, field):
    assert layer_problem(*config)[0] == field
    torch = pytest.importorskip("torch")
    assert torch_verdict(torch, *config) is None


def brute_force(i, k, s, p, d, ceil):
    """Windows from the definition: starts 0, s, 2s, ... over the padded input; a window fits
    inside it, or (ceil mode) starts inside the input or the left padding while the window
    before it left something of the padded input uncovered."""
    span, padded, count = effective_kernel(k, d), i + 2 * p, 0
    for start in range(0, padded + s + 1, s):
        if ceil:
            keep = start < i + p and start - s + span < padded
        else:
            keep = start + span <= padded
        count += keep
    return count


def test_brute_force_window_count_everywhere():
    for i, k, s, p, d in itertools.product(range(1, 10), range(1, 6), range(1, 5), range(0, 4),
                                           range(1, 4)):
        for layer, ceil in (("conv", False), ("maxpool", False), ("maxpool", True)):
            got = accepted(layer, i, k, s, p, d, ceil)
            count = brute_force(i, k, s, p, d, ceil)
            if layer == "maxpool" and p > k // 2:
                assert got is None
            else:
                assert got == (count or None), (layer, i, k, s, p, d, ceil)


def test_non_overlapping_means_the_dilated_windows_are_apart():
    assert non_overlapping(2, 2) and non_overlapping(3, 5, d=2)
    assert not non_overlapping(2, 2, d=27)  # the k=2, d=27, s=2: windows overlap
    for k, s, d in itertools.product(range(1, 5), range(1, 12), range(1, 4)):
        starts = [0, s, 2 * s]
        cells = [{t + j * d for j in range(k)} for t in starts]
        apart = all(not (a & b) and max(a) < min(b) for a, b in zip(cells, cells[1:]))
        assert non_overlapping(k, s, d) == apart, (k, s, d)


def _both_kinds(layer, i, k, s, p, d):
    """(cnn_shapes' verdict, conv_design's verdict): the output size or the refusal reason."""
    cnn_type = "conv" if layer == "conv" else "maxpool"
    extra = "filters: 4, " if layer == "conv" else ""
    cnn = f"""
        title: t
        questions:
          - id: q
            kind: cnn_shapes
            input: [2, {i}, {i}]
            layers:
              - {{type: {cnn_type}, {extra}kernel: {k}, stride: {s}, padding: {p}, dilation: {d}}}
    """
    design = f"""
        title: t
        questions:
          - id: q
            kind: conv_design
            parts:
              - {{layer: {layer}, input: [2, {i}, {i}], {extra}given: {{k: {k}, s: {s}, p: {p}, d: {d}}}}}
    """
    verdicts = []
    for kind, text in ((cnn_shapes, cnn), (conv_design, design)):
        problems = spec_problems(text)
        if problems:
            reason = problems[0].split(": ", 2)[2].split(": ", 1)[-1]
            verdicts.append(reason.replace("its height window", "its window"))
            continue
        answers = kind.solve(params_of(text)).answers
        verdicts.append(answers["output"][1] if kind is cnn_shapes
                        else answers["parts"][0]["output"][1])
    return verdicts


def test_cnn_shapes_and_conv_design_agree():
    rng = random.Random(5)
    refusals = 0
    for _ in range(300):
        layer = rng.choice(("conv", "pool"))
        config = (layer, rng.randint(1, 12), rng.randint(1, 6), rng.randint(1, 5),
                  rng.randint(0, 4), rng.randint(1, 3))
        cnn, design = _both_kinds(*config)
        assert cnn == design, config
        refusals += isinstance(cnn, str)
    assert 30 < refusals < 270


def test_conv_design_search_offers_only_what_pytorch_accepts():
    torch = pytest.importorskip("torch")
    params = params_of("""
        title: t
        questions:
          - id: q
            kind: conv_design
            parts:
              - {layer: pool, input: [4, 14, 14], output: [4, 7, 7]}
              - {layer: pool, input: [4, 12, 12], output: [4, 3, 3], non_overlapping: true,
                 bounds: {max_stride: 9}}
              - {layer: pool, input: [4, 9, 9], output: [4, 5, 5], bounds: {max_padding: 6}}
    """)
    parts = conv_design.solve(params).answers["parts"]
    assert all(part["solutions"] for part in parts)
    for part in parts:
        for c in part["solutions"]:
            config = ("maxpool", part["input"][1], c["k"], c["s"], c["p"], c["d"], False)
            assert torch_verdict(torch, *config) == part["output"][1], (part["label"], c)
    assert all(non_overlapping(c["k"], c["s"], c["d"]) for c in parts[1]["solutions"])
    assert any(c["s"] > effective_kernel(c["k"], c["d"]) for c in parts[1]["solutions"])


def test_refusals_name_the_rule():
    with pytest.raises(SpecError) as info:
        params_of("""
            title: t
            questions:
              - id: q
                kind: cnn_shapes
                input: [3, 8, 8]
                layers:
                  - {type: avgpool, kernel: 2, dilation: 2}
        """)
    assert [str(p) for p in info.value.problems] == [
        "s.yaml:7:46: q.layers[0].dilation: average pooling has no dilation (PyTorch's "
        "AvgPool2d takes none), got 2: use d = 1 or maxpool"]
