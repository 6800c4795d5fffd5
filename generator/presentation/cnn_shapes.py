"""cnn_shapes: the network described layer by layer, each output size worked out, the table
of shapes and parameters, then the parts asked."""

from __future__ import annotations

from ..doc import Math, Table, align, columns, equation, heading, items, join, para, row
from ..i18n import _, ngettext
from .layer_formula import filled_in, shape
from .words import sentence


def _type(name: str) -> str:
    """A layer type in words, as a layer's heading names it."""
    return {"conv": _("convolution"), "maxpool": _("max pooling"),
            "avgpool": _("average pooling")}[name]


def _name(about, count: int) -> str:
    """How the statement names a layer of `count` (about: its number, 'last' or 'all')."""
    if about == "all":
        return _("each layer")
    if about == "last" or (about == count and count > 1):
        return _("the last layer")
    ordinals = (_("the first layer"), _("the second layer"), _("the third layer"),
                _("the fourth layer"), _("the fifth layer"), _("the sixth layer"),
                _("the seventh layer"), _("the eighth layer"), _("the ninth layer"),
                _("the tenth layer"))
    # Translators: how a sentence names layer 11 and on ("the output of layer 11").
    return ordinals[about - 1] if about <= len(ordinals) else _("layer {n}").format(n=about)


def _capital(words: str) -> str:
    return words[0].upper() + words[1:]


def _hw(h: int, w: int) -> str:
    """One value when height and width share it, else height × width."""
    return str(h) if h == w else rf"{h}\times{w}"


def _describe(L, count: int) -> list:
    """What a layer does, as the statement says it: 'The first layer convolves 64 kernels of
    size 8×8 ...'."""
    h, w = L.height, L.width
    layer, k, s = _capital(_name(L.number, count)), Math(rf"{h.k}\times{w.k}"), Math(_hw(h.s, w.s))
    p, d = Math(_hw(h.p, w.p)), Math(_hw(h.d, w.d))
    if L.type == "conv":
        message = (_("{layer} convolves {filters} kernels of size {k} with its input, with a "
                     "stride of {s} and a zero-padding of {p} on each border") if L.padded else
                   _("{layer} convolves {filters} kernels of size {k} with its input, with a "
                     "stride of {s} and no padding"))
        # Translators: added to "... convolves 64 kernels of size 8×8 ..." (a dilated kernel).
        dilated = sentence(_(", dilation {d}"), d=d) if L.dilated else ""
        return [sentence(message, layer=layer, filters=str(L.filters), k=k, s=s, p=p), dilated]
    message = (_("{layer} downsamples its input with a {k} max pooling") if L.type == "maxpool"
               else _("{layer} downsamples its input with a {k} average pooling"))
    # Translators: the following four are added in turn to "The second layer downsamples its
    # input with a 2×2 max pooling".
    stride = (sentence(_(" (non-overlapping windows, stride {s})"), s=s) if L.non_overlapping
              else sentence(_(" with a stride of {s}"), s=s))
    return [sentence(message, layer=layer, k=k), stride,
            sentence(_(" and a padding of {p}"), p=p) if L.padded else "",
            _(" (ceil mode)") if L.ceil_mode else ""]


def statement(q) -> list:
    w = q.work
    c, height, width = w.input
    size = Math(rf"{height}\times{width}")
    if w.rgb:
        given = sentence(_("a colour image of size {size} in the RGB representation "
                           "(3 channels)"), size=size)
    else:
        given = sentence(ngettext("a {size} input with {c} channel",
                                  "a {size} input with {c} channels", c), size=size, c=str(c))
    layers = [[" ", _describe(L, len(w.layers)), "."] for L in w.layers]
    name = _name(q.params["about"], len(w.layers))
    parts, labels = [], []
    if w.output_label:
        parts.append(sentence(_("What is the dimensionality (a scalar) of the output of "
                                "{layer}?"), layer=name))
        labels.append(w.output_label)
    if w.params_label:
        if w.about_all:
            message = (_("Including the biases, how many parameters does the whole network "
                         "need?") if w.bias else
                       _("Not including the biases, how many parameters does the whole network "
                         "need?"))
        else:
            message = (_("Including the biases, how many parameters are needed for {layer}?")
                       if w.bias else
                       _("Not including the biases, how many parameters are needed for "
                         "{layer}?"))
        parts.append(sentence(message, layer=name))
        labels.append(w.params_label)
    return [para(sentence(_("Consider a convolutional neural network whose input is {input}."),
                          input=given), layers),
            items(parts, labels)]


def _why(f) -> tuple:
    """Why an output size is not an exact division."""
    if f.ceil and f.last_window_dropped:
        return sentence(_("ceil mode rounds up, keeping a last partial window, except that "
                          "PyTorch drops a window that would start in the right padding "
                          "({minus_one})."), minus_one=Math("-1"))
    if f.ceil:
        return sentence(_("ceil mode rounds up, keeping a last partial window."))
    return sentence(ngettext("the floor drops the last {n} row or column of the padded input, "
                             "which no window covers.",
                             "the floor drops the last {n} rows or columns of the padded input, "
                             "which no window covers.", f.dropped), n=str(f.dropped))


def _layer(L, bias: bool) -> list:
    """A layer's heading, its size formulas (with why a division is not exact), its output
    and its parameters."""
    out = [heading(_("Layer {n}: {type}").format(n=L.number, type=_type(L.type)))]
    if L.same_axes:
        dims = [(_("{fraction} is not exact; {why}"), L.height)]
        out += [para(sentence(_("Input {shape}. Height and width:"), shape=Math(shape(L.input)))),
                equation("o = " + filled_in(L.height))]
    else:
        dims = [(_("Height: {fraction} is not exact; {why}"), L.height),
                (_("Width: {fraction} is not exact; {why}"), L.width)]
        out += [para(sentence(_("Input {shape}."), shape=Math(shape(L.input)))),
                align([("o_h", "= " + filled_in(L.height)), ("o_w", "= " + filled_in(L.width))])]
    for message, f in dims:
        if not f.exact:
            out.append(para(sentence(message, fraction=Math(f"{f.numerator}/{f.s}"),
                                     why=_why(f)), role="note"))
    c, h, w = L.output
    size = Math(rf"{c}\cdot{h}\cdot{w} = {L.size}")
    if L.type == "conv":
        output = sentence(_("Output {shape} ({filters} filters give {filters} channels), of size "
                            "{size}."), shape=Math(shape(L.output)), filters=str(L.filters),
                          size=size)
        # Translators: a word in the formula "C_in · k_h · k_w · filters".
        filters = _("filters")
        formula = Math(rf"C_\text{{in}}\cdot k_h \cdot k_w \cdot \text{{{filters}}} = "
                       rf"{L.input[0]}\cdot{L.height.k}\cdot{L.width.k}\cdot{L.filters} = "
                       f"{L.weights}")
        weights = (sentence(_("Parameters: weights {formula}, plus {biases} biases: {params} in "
                              "all."), formula=formula, biases=str(L.biases),
                            params=str(L.params)) if bias else
                   sentence(_("Parameters: weights {formula} (biases not counted)."),
                            formula=formula))
    else:
        output = sentence(_("Output {shape} (pooling keeps the channels), of size {size}."),
                          shape=Math(shape(L.output)), size=size)
        weights = _("Pooling has no parameters.")
    out.append(para(output, " ", weights))
    return out


def _table(w) -> Table:
    """Every layer's output shape, size, weights and biases, after the input's."""
    body = [row("", _("input"), Math(shape(w.input)), str(w.input_size), "", "")]
    body += [row(str(L.number), L.type, Math(shape(L.output)), str(L.size), str(L.weights),
                 str(L.biases)) for L in w.layers]
    return Table(columns("clcrrr"),
                 (row(_("Layer"), _("Type"), _("Output"), _("Size"), _("Weights"),
                      _("Biases")),),
                 tuple(body))


def _parts(q) -> list:
    """The answers to the parts asked, labelled as in the statement."""
    w = q.work
    name = _capital(_name(q.params["about"], len(w.layers)))
    parts, labels = [], []
    if w.output_label:
        if w.about_all:
            outputs = [sentence(_("Layer {n} outputs {size} values") if L.number == 1 else
                                _("layer {n} outputs {size} values"), n=str(L.number),
                                size=Math(rf"{shape(L.output)} = \mathbf{{{L.size}}}"))
                       for L in w.layers]
            parts.append([join(outputs, "; "), "."])
        else:
            parts.append(sentence(_("The output of {layer} has {size} values."),
                                  layer=_name(q.params["about"], len(w.layers)),
                                  size=Math(rf"{shape(w.layer.output)} = "
                                            rf"\mathbf{{{w.layer.size}}}")))
        labels.append(w.output_label)
    if w.params_label:
        if w.about_all:
            total = " + ".join(str(L.params) for L in w.layers)
            message = (_("The whole network needs {total} parameters (weights and biases).")
                       if w.bias else
                       _("The whole network needs {total} parameters (biases not included)."))
            parts.append(sentence(message, total=Math(rf"{total} = \mathbf{{{w.total_params}}}")))
        else:
            message = (_("{layer} needs {params} parameters (weights and biases); the whole "
                         "network has {total}.") if w.bias else
                       _("{layer} needs {params} parameters (biases not included); the whole "
                         "network has {total}."))
            parts.append(sentence(message, layer=name,
                                  params=Math(rf"\mathbf{{{w.layer.params}}}"),
                                  total=str(w.total_params)))
        labels.append(w.params_label)
    return [items(parts, labels)]


def answer(q) -> list:
    w = q.work
    out = [para(sentence(_("Each spatial dimension of size {i} becomes {formula} (kernel {k}, "
                           "stride {s}, padding {p}, dilation {d}; with {undilated} this is "
                           "{simple}); shapes are written channels × height × width."),
                         i=Math("i"),
                         formula=Math(r"o = \left\lfloor \frac{i + 2p - d(k-1) - 1}{s} "
                                      r"\right\rfloor + 1"),
                         k=Math("k"), s=Math("s"), p=Math("p"), d=Math("d"),
                         undilated=Math("d = 1"),
                         simple=Math(r"\lfloor (i + 2p - k)/s \rfloor + 1")))]
    for L in w.layers:
        out += _layer(L, w.bias)
    return out + [_table(w)] + _parts(q)
