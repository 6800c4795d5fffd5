"""`cnn_shapes`: a stack of conv / pooling layers, each output shape and parameter count."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import VerificationError
from ..numeric.conv import count_windows
from ..numeric.layers import (
    SizeFormula,
    layer_problem,
    non_overlapping,
    output_size,
    size_formula,
)
from ..schema import (
    INVALID,
    Bool,
    Choice,
    Field,
    Int,
    ListOf,
    NumberOrPair,
    Record,
    Tuple,
    Validator,
    did_you_mean,
    pair,
    show,
)
from .base import Check, Solution, lettered

NAME = "cnn_shapes"
SUMMARY = "output shape, size and parameter count of each layer of a CNN (PyTorch's rules)"

SIZE = Int(1, 1_000_000)
MAX_COUNT = 2**53  # weights or output values of one layer: counts stay exact in float64
SHAPE = Tuple((("channels", SIZE), ("height", SIZE), ("width", SIZE)))


def _geometry(stride_default):
    return {
        "kernel": Field(NumberOrPair(Int(1, 100_000)), required=True,
                        doc="the window size, one number or [height, width]"),
        "stride": Field(NumberOrPair(Int(1, 100_000)), default=stride_default,
                        doc="the step between windows (default: 1 for conv, the kernel for "
                            "pooling)"),
        "padding": Field(NumberOrPair(Int(0, 100_000)), default=0,
                         doc="the padding added on each side (zeros for conv)"),
        "dilation": Field(NumberOrPair(Int(1, 100_000)), default=1,
                          doc="the spacing of window entries (1: adjacent; avgpool has none)"),
    }


_TYPE_DOC = "the layer: conv, maxpool or avgpool"
_CEIL_DOC = "true: round the output size up, as PyTorch's ceil_mode (a last partial window)"
LAYER_FIELDS = {
    "conv": {"type": Field(Choice(("conv",)), doc=_TYPE_DOC),
             "filters": Field(Int(1, 100_000), required=True,
                              doc="the output channels (one filter each)"),
             **_geometry(1)},
    "maxpool": {"type": Field(Choice(("maxpool",)), doc=_TYPE_DOC), **_geometry(None),
                "ceil_mode": Field(Bool(), default=False, doc=_CEIL_DOC)},
    "avgpool": {"type": Field(Choice(("avgpool",)), doc=_TYPE_DOC), **_geometry(None),
                "ceil_mode": Field(Bool(), default=False, doc=_CEIL_DOC)},
}


class Layer(Record):
    """A layer mapping, validated by the fields of its `type` (`tag`); `variants` are the
    fields of each type (the reference and the schema describe one table per type)."""

    tag = "type"
    variants = LAYER_FIELDS

    def __init__(self):
        super().__init__({})

    def json_schema(self, sub) -> dict:
        return {"type": "object", "required": [self.tag],
                "properties": {self.tag: sub(Choice(tuple(self.variants)))},
                "allOf": [{"if": {"properties": {self.tag: {"const": name}},
                                  "required": [self.tag]},
                           "then": Record(fields).json_schema(sub)}
                          for name, fields in self.variants.items()]}

    def check(self, value, loc, ctx):
        if not isinstance(value, dict):
            return self.wrong_type(value, loc, ctx)
        kind = Choice(tuple(LAYER_FIELDS))(value.get("type"), loc.key("type"), ctx)
        if kind is INVALID:
            return INVALID
        return Record(LAYER_FIELDS[kind]).check(value, loc, ctx)


class About(Validator):
    """Which layer the questions are about: last, all, or a layer number (1 is the first)."""

    expects = "last, all or a layer number (1 is the first layer)"
    NUMBER = Int(1, 100)

    def check(self, value, loc, ctx):
        if isinstance(value, str) and value not in ABOUT:
            return ctx.error(loc, f"expected {self.expects}, got {show(value)}"
                                  f"{did_you_mean(value, ABOUT)}")
        if isinstance(value, str):
            return value
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return self.wrong_type(value, loc, ctx)
        return self.NUMBER(value, loc, ctx)

    def json_schema(self, sub) -> dict:
        return {"anyOf": [{"enum": list(ABOUT)}, self.NUMBER.json_schema(sub)]}


ASK = ("output", "params")  # asked in this order
ABOUT = ("last", "all")
FIELDS = {
    "input": Field(SHAPE, required=True, doc="the input shape [channels, height, width]"),
    "layers": Field(ListOf(Layer(), max_len=100), required=True,
                    doc="the layers in order, each a mapping of its type and that type's keys"),
    "bias": Field(Bool(), default=True, doc="whether conv layers have biases (one per filter)"),
    "ask": Field(ListOf(Choice(ASK), unique=True), default=list(ASK),
                 doc="the parts asked, (a), (b) in this order: output (the dimensionality of "
                     "the output), params (the parameter count)"),
    "about": Field(About(), default="last",
                   doc="what the parts ask about: last (the last layer), all (every layer's "
                       "output and the whole network's parameters) or a layer number"),
}


def _dims(layer: dict) -> list[dict]:
    """Per dimension (height, width): k, s, p, d of a layer (pool stride defaults to kernel)."""
    k = pair(layer["kernel"])
    s = pair(layer["stride"] if layer["stride"] is not None else layer["kernel"])
    p, d = pair(layer["padding"]), pair(layer["dilation"])
    return [{"k": k[i], "s": s[i], "p": p[i], "d": d[i]} for i in range(2)]


def shown_lines(params: dict) -> int:
    """About how many lines the key shows (the spec's display budget): a walkthrough per layer."""
    return 10 + 8 * len(params["layers"])


def check(params, loc, ctx) -> None:
    """Every layer must be one PyTorch accepts (numeric.layers); counts exact in float64."""
    c, h, w = params["input"]
    about, count = params["about"], len(params["layers"])
    if not isinstance(about, str) and about > count:
        ctx.error(loc.key("about"), f"is layer {about}, but the network has {count} "
                  f"layer{'s' * (count > 1)}: a number from 1 to {count}, last or all")
    if w <= 4 and c >= 16 and h >= 16:  # [224, 224, 3]: an image written channels-last
        ctx.warn(loc.key("input"), f"[{c}, {h}, {w}] is read as [C, H, W] ({c} channels of "
                 f"{h}×{w}); for a {c}×{h} image with {w} channel{'s' * (w > 1)} write "
                 f"[{w}, {c}, {h}]")
    for n, layer in enumerate(params["layers"]):
        where = loc.key("layers").index(n)
        ceil = layer.get("ceil_mode", False)
        sizes = []
        for axis, i, g in zip(("height", "width"), (h, w), _dims(layer)):
            problem = layer_problem(layer["type"], i, g["k"], g["s"], g["p"], g["d"], ceil, axis)
            if problem:
                field, reason = problem
                if field is None:
                    reason = f"layer {n + 1} ({layer['type']}) is impossible: {reason}"
                ctx.error(where.key(field) if field else where, reason)
                return
            sizes.append(output_size(i, g["k"], g["s"], g["p"], g["d"], ceil))
        if layer["type"] == "conv":
            k_h, k_w = pair(layer["kernel"])
            for what, count in (("weights", c * k_h * k_w * layer["filters"]),
                                ("output values", layer["filters"] * sizes[0] * sizes[1])):
                if count > MAX_COUNT:
                    ctx.error(where, f"layer {n + 1} (conv) has {count:.3g} {what}; at most "
                              f"2^53 ≈ {MAX_COUNT:.2g}, the largest count shown exactly")
                    return
        c = layer["filters"] if layer["type"] == "conv" else c
        h, w = sizes


@dataclass(frozen=True)
class LayerWork:
    """One layer: its geometry, the output size worked out per dimension, its parameters."""

    number: int
    type: str  # conv, maxpool or avgpool
    filters: int | None  # conv only
    input: list  # C, H, W
    output: list
    size: int  # values in the output
    height: SizeFormula
    width: SizeFormula
    same_axes: bool  # height and width worked out alike: one formula shown
    padded: bool  # some padding on either axis
    dilated: bool
    non_overlapping: bool  # a pool's windows share no input position
    ceil_mode: bool
    weights: int
    biases: int
    params: int


@dataclass(frozen=True)
class ShapesWork:
    """What the key shows of a CNN's shapes and parameter counts."""

    input: list  # C, H, W
    input_size: int
    rgb: bool  # 3 channels: a colour image
    bias: bool  # biases counted
    layers: list  # of LayerWork
    about_all: bool  # the parts ask about every layer
    layer: LayerWork  # the layer asked about (the last one for about: all)
    output_label: str  # the output part's label, "(a)"; "" when not asked
    params_label: str
    total_params: int


def _layer(n: int, layer: dict, shape: list, bias: bool) -> LayerWork:
    """Layer n (1 is the first) on an input of shape C, H, W."""
    c_in, ceil = shape[0], layer.get("ceil_mode", False)
    height, width = (size_formula(i, g["k"], g["s"], g["p"], g["d"], ceil)
                     for i, g in zip(shape[1:], _dims(layer)))
    if layer["type"] == "conv":
        c_out = layer["filters"]
        weights, biases = c_in * height.k * width.k * c_out, c_out if bias else 0
    else:
        c_out, weights, biases = c_in, 0, 0
    output = [c_out, height.out, width.out]
    geometry = [(f.i, f.k, f.s, f.p, f.d) for f in (height, width)]
    return LayerWork(n, layer["type"], layer.get("filters"),
                     list(shape), output, c_out * height.out * width.out, height, width,
                     geometry[0] == geometry[1], bool(height.p or width.p),
                     height.d != 1 or width.d != 1,
                     all(non_overlapping(f.k, f.s, f.d) for f in (height, width)), ceil,
                     weights, biases, weights + biases)


def solve(params: dict) -> Solution:
    """Walk the stack: each layer's output shape, the division behind it, its parameters."""
    shape, layers = list(params["input"]), []
    for n, layer in enumerate(params["layers"], 1):
        layers.append(_layer(n, layer, shape, params["bias"]))
        shape = layers[-1].output
    total = sum(L.params for L in layers)
    output, counts = _asked(params, layers)
    answers = {"layers": [{"type": L.type, "input": L.input, "output": L.output,
                           "weights": L.weights, "biases": L.biases, "params": L.params}
                          for L in layers], **output, "total_params": total, **counts}
    asked = [name for name in ASK if name in params["ask"]]
    labels = dict(zip(asked, lettered(len(asked))))
    c, h, w = params["input"]
    about = params["about"]
    work = ShapesWork(list(params["input"]), c * h * w, c == 3, params["bias"], layers,
                      about == "all", layers[-1 if about in ABOUT else about - 1],
                      labels.get("output", ""),
                      labels.get("params", ""), total)
    return Solution(answers, work)


def _asked(params: dict, layers: list) -> tuple[dict, dict]:
    """The answers asked by ask and about: (output, parameters); about: last gives the keys the
    reference key always had, about: all's parameter count is total_params."""
    about, ask = params["about"], params["ask"]
    if about == "last":
        last = layers[-1]
        return ({"output": last.output, "size": last.size} if "output" in ask else {},
                {"last_layer_params": last.params} if "params" in ask else {})
    if about == "all":
        return ({"about": "all"} | ({"sizes": [L.size for L in layers]}
                                   if "output" in ask else {}), {})
    layer = layers[about - 1]
    return ({"about": about} | ({"layer_output": layer.output, "layer_size": layer.size}
                                if "output" in ask else {}),
            {"layer_params": layer.params} if "params" in ask else {})


def verify(params: dict, solution: Solution) -> list[Check]:
    """Sliding-window counts on real arrays for every shape; weight arrays for every count."""
    windows = 0
    for n, (layer, L) in enumerate(zip(params["layers"], solution.work.layers), 1):
        for axis, i, g, out in zip(("height", "width"), L.input[1:], _dims(layer), L.output[1:]):
            counted = count_windows(i, g["k"], g["s"], g["p"], g["d"], L.ceil_mode)
            if counted != out:
                raise VerificationError(f"layer {n} {axis}: the formula gives {out}, "
                                        f"sliding a window over the input gives {counted}")
            windows += 1
        if L.type == "conv":
            k = pair(layer["kernel"])
            shape = (L.filters, L.input[0], k[0], k[1])
            weight = np.broadcast_to(np.zeros((), np.bool_), shape)  # a view: no memory
            if weight.size != L.weights:
                raise VerificationError(f"layer {n}: {L.weights} weights by formula, "
                                        f"{weight.size} in a weight array")
    return [Check(f"{len(params['layers'])} layer shapes ({windows} dimensions)",
                  "closed-form size = the window starts counted over the padded input"),
            Check("parameter counts", r"$C_\text{in} k_h k_w \cdot \text{filters}$ = the size of "
                  r"a weight array of shape $(\text{filters}, C_\text{in}, k_h, k_w)$")]


def part_labels(params: dict) -> list[str]:
    """(a) the output's dimensionality, (b) the parameter count: those asked."""
    return lettered(len(params.get("ask") or ASK))
