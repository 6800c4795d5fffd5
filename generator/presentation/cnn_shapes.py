"""cnn_shapes: the network described layer by layer, each output size worked out, the table
of shapes and parameters, then the parts asked."""

from __future__ import annotations

from ..doc import Math, Table, align, columns, equation, heading, items, join, para, row
from .layer_formula import filled_in, shape

TYPES = {"conv": "convolution", "maxpool": "max pooling", "avgpool": "average pooling"}


def _hw(h: int, w: int) -> str:
    """One value when height and width share it, else height × width."""
    return str(h) if h == w else rf"{h}\times{w}"


def _describe(L) -> list:
    """What a layer does, as the statement says it: 'convolves 64 kernels of size 8×8 ...'."""
    h, w = L.height, L.width
    if L.type == "conv":
        return [f"convolves {L.filters} kernels of size ", Math(rf"{h.k}\times{w.k}"),
                " with its input, with a stride of ", Math(_hw(h.s, w.s)),
                [" and a zero-padding of ", Math(_hw(h.p, w.p)), " on each border"]
                if L.padded else " and no padding",
                [", dilation ", Math(_hw(h.d, w.d))] if L.dilated else ""]
    return ["downsamples its input with a ", Math(rf"{h.k}\times{w.k}"),
            " max pooling" if L.type == "maxpool" else " average pooling",
            [" (non-overlapping windows, stride ", Math(_hw(h.s, w.s)), ")"]
            if L.non_overlapping else [" with a stride of ", Math(_hw(h.s, w.s))],
            [" and a padding of ", Math(_hw(h.p, w.p))] if L.padded else "",
            " (ceil mode)" if L.ceil_mode else ""]


def statement(q) -> list:
    w = q.work
    c, height, width = w.input
    if w.rgb:
        given = ["a colour image of size ", Math(rf"{height}\times{width}"),
                 " in the RGB representation (3 channels)"]
    else:
        given = ["a ", Math(rf"{height}\times{width}"),
                 f" input with {c} channel{'s' if c != 1 else ''}"]
    layers = [[" ", L.title, " ", _describe(L), "."] for L in w.layers]
    parts, labels = [], []
    if w.output_label:
        parts.append(f"What is the dimensionality (a scalar) of the output of {w.name}?")
        labels.append(w.output_label)
    if w.params_label:
        whom = "does the whole network need" if w.about_all else f"are needed for {w.name}"
        parts.append(f"{'Including' if w.bias else 'Not including'} the biases, how many "
                     f"parameters {whom}?")
        labels.append(w.params_label)
    return [para("Consider a convolutional neural network whose input is ", given, ".", layers),
            items(parts, labels)]


def _layer(L, bias: bool) -> list:
    """A layer's heading, its size formulas (with why a division is not exact), its output
    and its parameters."""
    out = [heading(f"Layer {L.number}: {TYPES[L.type]}")]
    if L.same_axes:
        dims = [("", L.height)]
        out += [para("Input ", Math(shape(L.input)), ". Height and width:"),
                equation("o = " + filled_in(L.height))]
    else:
        dims = [("Height: ", L.height), ("Width: ", L.width)]
        out += [para("Input ", Math(shape(L.input)), "."),
                align([("o_h", "= " + filled_in(L.height)), ("o_w", "= " + filled_in(L.width))])]
    for axis, f in dims:
        if f.exact:
            continue
        if f.ceil:
            why = ["ceil mode rounds up, keeping a last partial window",
                   [", except that PyTorch drops a window that would start in the right "
                    "padding (", Math("-1"), ")"] if f.last_window_dropped else "", "."]
        else:
            lines = "row or column" if f.dropped == 1 else "rows or columns"
            why = [f"the floor drops the last {f.dropped} {lines} of the padded input, which no "
                   "window covers."]
        out.append(para(axis, Math(f"{f.numerator}/{f.s}"), " is not exact; ", why, role="note"))
    c, h, w = L.output
    if L.type == "conv":
        channels = f" ({L.filters} filters give {L.filters} channels)"
        counted = (f", plus {L.biases} biases: {L.params} in all" if bias
                   else " (biases not counted)")
        weights = ["Parameters: weights ",
                   Math(rf"C_\text{{in}}\cdot k_h \cdot k_w \cdot \text{{filters}} = "
                        rf"{L.input[0]}\cdot{L.height.k}\cdot{L.width.k}\cdot{L.filters} = "
                        f"{L.weights}"), counted, "."]
    else:
        channels, weights = " (pooling keeps the channels)", "Pooling has no parameters."
    out.append(para("Output ", Math(shape(L.output)), channels, ", of size ",
                    Math(rf"{c}\cdot{h}\cdot{w} = {L.size}"), ". ", weights))
    return out


def _table(w) -> Table:
    """Every layer's output shape, size, weights and biases, after the input's."""
    body = [row("", "input", Math(shape(w.input)), str(w.input_size), "", "")]
    body += [row(str(L.number), L.type, Math(shape(L.output)), str(L.size), str(L.weights),
                 str(L.biases)) for L in w.layers]
    return Table(columns("clcrrr"), (row("Layer", "Type", "Output", "Size", "Weights", "Biases"),),
                 tuple(body))


def _parts(w) -> list:
    """The answers to the parts asked, labelled as in the statement."""
    parts, labels = [], []
    counted = "weights and biases" if w.bias else "biases not included"
    if w.output_label:
        if w.about_all:
            parts.append([join([["Layer" if L.number == 1 else "layer", f" {L.number} outputs ",
                                 Math(rf"{shape(L.output)} = \mathbf{{{L.size}}}"), " values"]
                                for L in w.layers], "; "), "."])
        else:
            parts.append([f"The output of {w.name} has ",
                          Math(rf"{shape(w.layer.output)} = \mathbf{{{w.layer.size}}}"),
                          " values."])
        labels.append(w.output_label)
    if w.params_label:
        if w.about_all:
            total = " + ".join(str(L.params) for L in w.layers)
            parts.append(["The whole network needs ",
                          Math(rf"{total} = \mathbf{{{w.total_params}}}"),
                          f" parameters ({counted})."])
        else:
            parts.append([f"{w.name[0].upper()}{w.name[1:]} needs ",
                          Math(rf"\mathbf{{{w.layer.params}}}"),
                          f" parameters ({counted}); the whole network has {w.total_params}."])
        labels.append(w.params_label)
    return [items(parts, labels)]


def answer(q) -> list:
    w = q.work
    out = [para("Each spatial dimension of size ", Math("i"), " becomes ",
                Math(r"o = \left\lfloor \frac{i + 2p - d(k-1) - 1}{s} \right\rfloor + 1"),
                " (kernel ", Math("k"), ", stride ", Math("s"), ", padding ", Math("p"),
                ", dilation ", Math("d"), "; with ", Math("d = 1"), " this is ",
                Math(r"\lfloor (i + 2p - k)/s \rfloor + 1"),
                "); shapes are written channels × height × width.")]
    for L in w.layers:
        out += _layer(L, w.bias)
    return out + [_table(w)] + _parts(w)
