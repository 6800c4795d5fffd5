"""convolution: the padded input, each output as its sum of products, then the results."""

from __future__ import annotations

from ..doc import Math, align, emph, equation, heading, join, para, strong


def _modes(names) -> list:
    return join([emph(m) for m in names], ", ", ", and " if len(names) > 2 else " and ")


def statement(q) -> list:
    w = q.work
    operation = ("convolution (with kernel flipping)" if w.flip
                 else "cross-correlation (without kernel flipping)")
    sign = "*" if w.flip else r"\star"
    return [para("Compute the ", _modes([m.name for m in w.modes]), f" {operation} of the "
                 "following 1-D signals:"),
            equation(f"{q.vec(q.params['input'])} {sign} {q.vec(q.params['kernel'])}")]


def _padding(q, m) -> list:
    w = q.work
    if m.name == "full":
        return ["Length ", Math(f"n + k - 1 = {m.length}"), ": pad with ",
                Math(f"k - 1 = {m.left}"), " zeros on each side"]
    if m.name == "valid":
        length = "n - k + 1" if m.windows else r"\max(n - k + 1, 0)"
        return ["Length ", Math(f"{length} = {m.length}"), ": no padding; only windows "
                "that lie entirely inside the input"]
    return ["Length ", Math(f"n = {m.length}"), ": pad so that the output is as long as the "
            "input: ", Math(str(m.left)), " zero" + ("" if m.left == 1 else "s"),
            " on the left and ", Math(str(m.right)), " on the right",
            " (for an even kernel the extra zero goes on the left, numpy's convention)"
            if w.even_kernel else ""]


def _products(q, window) -> str:
    return " + ".join(f"{q.np(a)} \\cdot {q.np(b)}" for a, b in window.pairs)


def answer(q) -> list:
    w = q.work
    out = [para("Input ", Math(f"x = {q.vec(q.params['input'])}"), " (", Math(f"n = {w.n}"),
                "), kernel ", Math(f"w = {q.vec(q.params['kernel'])}"), " (",
                Math(f"k = {w.k}"), ").")]
    if w.flip:
        out.append(para("Convolution slides the ", emph("flipped"), " kernel over the input: ",
                        Math(rf"\tilde w = {q.vec(w.used_kernel)}"), ", and ",
                        Math(r"y_j = \sum_{m} x^{\mathrm{pad}}_{j+m}\,\tilde w_m"), "."))
    else:
        out.append(para("Cross-correlation slides the kernel as it is (no flipping): ",
                        Math(r"y_j = \sum_{m} x^{\mathrm{pad}}_{j+m}\,w_m"), "."))
    for m in w.modes:
        out.append(heading(m.name.capitalize()))
        if m.windows:
            padded = Math(rf"x^{{\mathrm{{pad}}}} = {q.vec(m.padded)}")
            out.append(para(_padding(q, m), ": ", padded, "."))
            out.append(align((f"y_{{{j}}}", f"= {_products(q, win)} = {q.n(win.value)}")
                             for j, win in enumerate(m.windows)))
        else:
            out.append(para(_padding(q, m), ", but the kernel (", Math(f"k = {w.k}"),
                            ") is longer than the input (", Math(f"n = {w.n}"),
                            "): no window fits, so there is ", strong("no valid output"), "."))
    results = join([[f"{m.name.capitalize()}: ", Math(q.vec(q.answers[m.name]))]
                    for m in w.modes], "; ")
    out.append(para(strong("Result."), " ", results, "."))
    return out
