"""conv_design: each layer to configure, the search's bounds and pick rule, each part's
configurations (the picked one in bold) and its output size worked out, then a summary."""

from __future__ import annotations

from ..doc import Code, Math, Table, cell, columns, equation, heading, items, join, para, row
from ..i18n import _, ngettext
from .layer_formula import filled_in, shape
from .words import sentence


def _rules() -> list:
    """The bounds of the search (kinds/conv_design._candidates), each changeable per part."""
    return [
        sentence(_("padding at most half the effective kernel: {rule}"),
                 rule=Math(r"p \le \lfloor k'/2 \rfloor")),
        sentence(_("pooling padding at most half the kernel, {rule} (PyTorch's rule)"),
                 rule=Math(r"p \le \lfloor k/2 \rfloor")),
        sentence(_("stride at most the effective kernel ({rule}), so no input row is skipped"),
                 rule=Math(r"s \le k'")),
        sentence(_("a dilated kernel is at least 2 wide ({dilated} needs {wide})"),
                 dilated=Math("d > 1"), wide=Math(r"k \ge 2")),
        sentence(_("the effective kernel is no wider than the input ({rule})"),
                 rule=Math(r"k' \le i")),
    ]


def _pick_rule() -> str:
    """The order of kinds/conv_design._rank."""
    return _("exact division first (every input row and column is covered), then the smallest "
             "kernel, then the smallest padding, then the largest stride, then the smallest "
             "dilation")


def _layer(P) -> str:
    """The heading's name of the part's layer."""
    return _("Pooling layer") if P.layer == "pool" else _("Convolutional layer")


def _given(P) -> list:
    return join([Math(f"{name} = {value}") for name, value in P.given.items()])


def _windows(P) -> tuple | str:
    """The non-overlapping condition a part asks for, if it does."""
    if not P.non_overlapping:
        return ""
    if P.stride_is_span:
        condition = "s = k" if P.undilated else "s = d(k - 1) + 1"
    else:
        condition = r"s \geq d(k - 1) + 1"
    # Translators: added to "A convolutional layer with input 3 × 32 × 32".
    return sentence(_(", non-overlapping windows ({condition})"), condition=Math(condition))


def statement(q) -> list:
    entries = []
    for P in q.work.parts:
        if not P.find:
            ask = sentence(_("What is the output shape if {given}?"), given=_given(P))
        elif P.given:
            ask = sentence(_("Its output shape is {shape}; assume {given}. Give the remaining "
                             "values."), shape=Math(shape(P.output)), given=_given(P))
        else:
            ask = sentence(_("Its output shape is {shape}. Give the remaining values."),
                           shape=Math(shape(P.output)))
        layer = (_("A pooling layer with input {shape}{windows}.") if P.layer == "pool" else
                 _("A convolutional layer with input {shape}{windows}."))
        entries.append([sentence(layer, shape=Math(shape(P.input)), windows=_windows(P)), " ",
                        ask])
    return [para(sentence(_("Provide a configuration of each layer below: window size of the "
                            "kernel ({k}), stride ({s}), padding ({p}) and dilation ({d}, with "
                            "{undilated} for no dilation). Use square windows only."),
                          k=Math("k"), s=Math("s"), p=Math("p"), d=Math("d"),
                          undilated=Math("d = 1"))),
            items(entries, [P.label for P in q.work.parts])]


def _candidates(P) -> Table:
    """The configurations found, the picked one first and in bold."""
    body = []
    for n, c in enumerate(P.listed):
        exact = _("yes") if c.exact else _("no")
        body.append(row(str(c.k), str(c.s), str(c.p), str(c.d), str(c.span),
                        _("{exact} (picked)").format(exact=exact) if n == 0 else exact,
                        picked=n == 0))
    return Table(columns("rrrrrl"),
                 (row(Math("k"), Math("s"), Math("p"), Math("d"), Math("k'"),
                      _("exact division")),),
                 tuple(body))


def _part(P) -> list:
    """A part's answer: the output size it computes, or the configurations it asks for."""
    title = heading(f"{P.label} {_layer(P)}")
    given = (sentence(_("Input {shape}, given {given}."), shape=Math(shape(P.input)),
                      given=_given(P)) if P.given else
             sentence(_("Input {shape}."), shape=Math(shape(P.input))))
    if not P.find:
        size = Math(rf"\mathbf{{{shape(P.output)}}}")
        output = (sentence(_("Output shape {shape} (pooling keeps the {c} channels)."),
                           shape=size, c=str(P.input[0])) if P.layer == "pool" else
                  sentence(_("Output shape {shape}."), shape=size))
        return [title, para(given), equation("o = " + filled_in(P.formula)), para(output)]
    if P.channel_mismatch:
        return [title, para(given, " ", sentence(
            _("No configuration exists: pooling keeps the {c} channels, but the output has "
              "{out}."), c=str(P.input[0]), out=str(P.output[0])))]
    if P.formula is None:
        return [title, para(given, " ", sentence(
            _("No configuration within the bounds maps {i} to {o} with the given values."),
            i=Math(f"i = {P.input[1]}"), o=Math(f"o = {P.output[1]}")))]
    c = P.formula
    # Translators: added to "2 configurations within the bounds give o = 16" when not all of
    # them are shown.
    listed = (sentence(_(" (the first {n} by the rule are listed; answers.json has all)"),
                       n=str(len(P.listed))) if len(P.listed) < P.count else "")
    found = sentence(ngettext("{count} configuration within the bounds gives {o}{listed}:",
                              "{count} configurations within the bounds give {o}{listed}:",
                              P.count),
                     count=str(P.count), o=Math(f"o = {P.output[1]}"), listed=listed)
    if P.layer == "conv":
        params = sentence(_("It has {filters} filters (one per output channel): {weights} "
                            "weights and {biases} biases."), filters=str(P.output[0]),
                          weights=Math(rf"{P.input[0]}\cdot{c.k}\cdot{c.k}\cdot{P.output[0]} = "
                                       f"{P.weights}"), biases=str(P.biases))
    else:
        params = _("Pooling has no parameters.")
    config = join([Math(f"{n} = {v}") for n, v in (("k", c.k), ("s", c.s), ("p", c.p),
                                                      ("d", c.d))])
    return [title, para(given, " ", found), _candidates(P),
            para(sentence(_("Answer: {config} ({span}):"), config=config,
                          span=Math(f"k' = {c.span}"))),
            equation("o = " + filled_in(P.formula)), para(params)]


def _summary(parts) -> Table:
    """Each part's input size, configuration and output size."""
    body = []
    for P in parts:
        c = P.formula
        middle = ([str(c.p), str(c.d), str(c.k), str(c.s)] if c
                  else [cell(_("no configuration"), span=4, align="c")])
        body.append(row(P.label, str(P.input[1]), *middle, str(P.output[1])))
    return Table(columns("lrrrrrr"),
                 (row(_("Part"), *(Math(x) for x in "ipdkso")),), tuple(body))


def answer(q) -> list:
    out = [para(sentence(_("For input size {i}, {formula} with the effective (dilated) kernel "
                           "{k}. Configurations are searched within these bounds (each can be "
                           "changed per part with {bounds}):"),
                         i=Math("i"),
                         formula=Math(r"o = \left\lfloor \frac{i + 2p - k'}{s} \right\rfloor + 1"),
                         k=Math("k' = d(k-1) + 1"), bounds=Code("bounds"))),
           items(_rules()),
           para(sentence(_("When several configurations work, the one shown first is picked "
                           "by: {rule}."), rule=_pick_rule()))]
    for P in q.work.parts:
        out += _part(P)
    return out + [_summary(q.work.parts)]
