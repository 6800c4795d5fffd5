"""conv_design: each layer to configure, the search's bounds and pick rule, each part's
configurations (the picked one in bold) and its output size worked out, then a summary."""

from __future__ import annotations

from ..doc import Code, Math, Table, cell, columns, equation, heading, items, join, para, row
from .layer_formula import filled_in, shape

# The bounds of the search (kinds/conv_design._candidates), each changeable per part.
RULES = [
    ["padding at most half the effective kernel: ", Math(r"p \le \lfloor k'/2 \rfloor")],
    ["pooling padding at most half the kernel, ", Math(r"p \le \lfloor k/2 \rfloor"),
     " (PyTorch's rule)"],
    ["stride at most the effective kernel (", Math(r"s \le k'"), "), so no input row is skipped"],
    ["a dilated kernel is at least 2 wide (", Math("d > 1"), " needs ", Math(r"k \ge 2"), ")"],
    ["the effective kernel is no wider than the input (", Math(r"k' \le i"), ")"],
]
# The order of kinds/conv_design._rank.
PICK_RULE = ("exact division first (every input row and column is covered), then the smallest "
             "kernel, then the smallest padding, then the largest stride, then the smallest "
             "dilation")


def _layer(P) -> str:
    return "pooling layer" if P.layer == "pool" else "convolutional layer"


def _given(P) -> list:
    return join([Math(f"{name} = {value}") for name, value in P.given.items()])


def _windows(P) -> list:
    """The non-overlapping condition a part asks for, if it does."""
    if not P.non_overlapping:
        return []
    if P.stride_is_span:
        condition = "s = k" if P.undilated else "s = d(k - 1) + 1"
    else:
        condition = r"s \geq d(k - 1) + 1"
    return [", non-overlapping windows (", Math(condition), ")"]


def statement(q) -> list:
    entries = []
    for P in q.work.parts:
        if P.find:
            ask = [" Its output shape is ", Math(shape(P.output)),
                   ["; assume ", _given(P)] if P.given else "", ". Give the remaining values."]
        else:
            ask = [" What is the output shape if ", _given(P), "?"]
        entries.append([f"A {_layer(P)} with input ", Math(shape(P.input)), _windows(P), ".",
                        ask])
    return [para("Provide a configuration of each layer below: window size of the kernel (",
                 Math("k"), "), stride (", Math("s"), "), padding (", Math("p"),
                 ") and dilation (", Math("d"), ", with ", Math("d = 1"),
                 " for no dilation). Use square windows only."),
            items(entries, [P.label for P in q.work.parts])]


def _candidates(P) -> Table:
    """The configurations found, the picked one first and in bold."""
    body = [row(str(c.k), str(c.s), str(c.p), str(c.d), str(c.span),
                ("yes" if c.exact else "no") + (" (picked)" if n == 0 else ""), picked=n == 0)
            for n, c in enumerate(P.listed)]
    return Table(columns("rrrrrl"),
                 (row(Math("k"), Math("s"), Math("p"), Math("d"), Math("k'"), "exact division"),),
                 tuple(body))


def _part(P) -> list:
    """A part's answer: the output size it computes, or the configurations it asks for."""
    title = heading(f"{P.label} {_layer(P)[0].upper()}{_layer(P)[1:]}")
    given = ["Input ", Math(shape(P.input)), [", given ", _given(P)] if P.given else "", "."]
    if not P.find:
        return [title, para(given), equation("o = " + filled_in(P.formula)),
                para("Output shape ", Math(rf"\mathbf{{{shape(P.output)}}}"),
                     f" (pooling keeps the {P.input[0]} channels)" if P.layer == "pool" else "",
                     ".")]
    if P.channel_mismatch:
        return [title, para(given, f" No configuration exists: pooling keeps the {P.input[0]} "
                            f"channels, but the output has {P.output[0]}.")]
    if P.config is None:
        return [title, para(given, " No configuration within the bounds maps ",
                            Math(f"i = {P.input[1]}"), " to ", Math(f"o = {P.output[1]}"),
                            " with the given values.")]
    c = P.config
    found = (f" {P.count} configuration{'s' if P.count != 1 else ''} within the bounds "
             f"give{'s' if P.count == 1 else ''} ")
    listed = (f" (the first {len(P.listed)} by the rule are listed; answers.json has all)"
              if len(P.listed) < P.count else "")
    if P.layer == "conv":
        params = [f"It has {P.output[0]} filters (one per output channel): ",
                  Math(rf"{P.input[0]}\cdot{c.k}\cdot{c.k}\cdot{P.output[0]} = {P.weights}"),
                  f" weights and {P.biases} biases."]
    else:
        params = ["Pooling has no parameters."]
    return [title, para(given, found, Math(f"o = {P.output[1]}"), listed, ":"), _candidates(P),
            para("Answer: ", join([Math(f"{n} = {v}") for n, v in
                                   (("k", c.k), ("s", c.s), ("p", c.p), ("d", c.d))]),
                 " (", Math(f"k' = {c.span}"), "):"),
            equation("o = " + filled_in(P.formula)), para(params)]


def _summary(parts) -> Table:
    """Each part's input size, configuration and output size."""
    body = []
    for P in parts:
        c = P.config
        middle = ([str(c.p), str(c.d), str(c.k), str(c.s)] if c
                  else [cell("no configuration", span=4, align="c")])
        body.append(row(P.label, str(P.input[1]), *middle, str(P.output[1])))
    return Table(columns("lrrrrrr"),
                 (row("Part", *(Math(x) for x in "ipdkso")),), tuple(body))


def answer(q) -> list:
    out = [para("For input size ", Math("i"), ", ",
                Math(r"o = \left\lfloor \frac{i + 2p - k'}{s} \right\rfloor + 1"),
                " with the effective (dilated) kernel ", Math("k' = d(k-1) + 1"),
                ". Configurations are searched within these bounds (each can be changed per "
                "part with ", Code("bounds"), "):"),
           items(RULES),
           para(f"When several configurations work, the one shown first is picked by: "
                f"{PICK_RULE}.")]
    for P in q.work.parts:
        out += _part(P)
    return out + [_summary(q.work.parts)]
