"""convolution: the padded input, each output as its sum of products, then the results."""

from __future__ import annotations

from ..doc import Math, align, emph, equation, heading, join, para, strong
from ..i18n import _, ngettext
from .words import listing, sentence


def _mode(name: str) -> str:
    """A mode's heading: Full, Valid, Same (numpy's names)."""
    return {"full": _("Full"), "valid": _("Valid"), "same": _("Same")}[name]


def statement(q) -> list:
    w = q.work
    modes = listing([emph(m.name) for m in w.modes], serial_comma=True)
    sign = "*" if w.flip else r"\star"
    # Translators: {modes} lists numpy's mode names as they are, in italics: "full, valid,
    # and same".
    message = (_("Compute the {modes} convolution (with kernel flipping) of the following 1-D "
                 "signals:") if w.flip else
               _("Compute the {modes} cross-correlation (without kernel flipping) of the "
                 "following 1-D signals:"))
    return [para(sentence(message, modes=modes)),
            equation(f"{q.vec(q.params['input'])} {sign} {q.vec(q.params['kernel'])}")]


def _padding(q, m) -> list:
    """How a mode pads the input, a clause the answer's sentences go on from."""
    if m.name == "full":
        return sentence(_("Length {length}: pad with {zeros} zeros on each side"),
                        length=Math(f"n + k - 1 = {m.length}"), zeros=Math(f"k - 1 = {m.left}"))
    if m.name == "valid":
        length = "n - k + 1" if m.windows else r"\max(n - k + 1, 0)"
        return sentence(_("Length {length}: no padding; only windows that lie entirely inside "
                          "the input"), length=Math(f"{length} = {m.length}"))
    even = [" ", _("(for an even kernel the extra zero goes on the left, numpy's convention)")]
    return [sentence(ngettext("Length {length}: pad so that the output is as long as the "
                              "input: {left} zero on the left and {right} on the right",
                              "Length {length}: pad so that the output is as long as the "
                              "input: {left} zeros on the left and {right} on the right",
                              m.left),
                     length=Math(f"n = {m.length}"), left=Math(str(m.left)),
                     right=Math(str(m.right))),
            even if q.work.even_kernel else ""]


def _products(q, window) -> str:
    return " + ".join(f"{q.np(a)} \\cdot {q.np(b)}" for a, b in window.pairs)


def answer(q) -> list:
    w = q.work
    out = [para(sentence(_("Input {x} ({n}), kernel {w} ({k})."),
                         x=Math(f"x = {q.vec(q.params['input'])}"), n=Math(f"n = {w.n}"),
                         w=Math(f"w = {q.vec(q.params['kernel'])}"), k=Math(f"k = {w.k}")))]
    if w.flip:
        out.append(para(sentence(
            _("Convolution slides the {flipped} kernel over the input: {used}, and {rule}."),
            flipped=emph(_("flipped")), used=Math(rf"\tilde w = {q.vec(w.used_kernel)}"),
            rule=Math(r"y_j = \sum_{m} x^{\mathrm{pad}}_{j+m}\,\tilde w_m"))))
    else:
        out.append(para(sentence(
            _("Cross-correlation slides the kernel as it is (no flipping): {rule}."),
            rule=Math(r"y_j = \sum_{m} x^{\mathrm{pad}}_{j+m}\,w_m"))))
    for m in w.modes:
        out.append(heading(_mode(m.name)))
        if m.windows:
            padded = Math(rf"x^{{\mathrm{{pad}}}} = {q.vec(m.padded)}")
            # Translators: {padding} is one of the "Length ...: pad ..." clauses.
            out.append(para(sentence(_("{padding}: {padded}."), padding=_padding(q, m),
                                     padded=padded)))
            out.append(align((f"y_{{{j}}}", f"= {_products(q, win)} = {q.n(win.value)}")
                             for j, win in enumerate(m.windows)))
        else:
            out.append(para(sentence(
                _("{padding}, but the kernel ({k}) is longer than the input ({n}): no window "
                  "fits, so there is {none}."),
                padding=_padding(q, m), k=Math(f"k = {w.k}"), n=Math(f"n = {w.n}"),
                none=strong(_("no valid output")))))
    results = join([sentence(_("{mode}: {output}"), mode=_mode(m.name),
                             output=Math(q.vec(q.answers[m.name]))) for m in w.modes], "; ")
    out.append(para(strong(_("Result.")), " ", results, "."))
    return out
