"""conv2d: the padded input, the output size filled in, each entry as its sum of products,
then the output maps."""

from __future__ import annotations

from ..doc import Math, align, equation, heading, para
from ..i18n import _, ngettext
from ..kinds.conv2d import MAX_WRITTEN
from .layer_formula import filled_in, shape
from .words import listing, sentence, thousands


def _x(w, c, pad=False) -> str:
    """The name of input channel c (padded: X^pad)."""
    return "X" + (r"^{\mathrm{pad}}" if pad else "") + (f"_{{{c}}}" if w.channels > 1 else "")


def _w(w, f, c, tilde=False) -> str:
    """The name of filter f's kernel for channel c (tilde: as flipped)."""
    return ((r"\tilde{W}" if tilde else "W") + (f"^{{({f})}}" if w.filters > 1 else "")
            + (f"_{{{c}}}" if w.channels > 1 else ""))


def _y(w, f) -> str:
    return "Y" + (f"^{{({f})}}" if w.filters > 1 else "")


def _matrices(q, rows, name, matrix) -> list:
    """Rows of matrices side by side (the layout solve() chose), each as `name = [...]`; one
    display per row, so that the PDF may break the page between them."""
    return [align([[cell for unit in r for cell in (name(unit), "= " + q.mat(matrix(unit)))]])
            for r in rows]


def _few(names: list) -> list:
    """Names to list: all of three, else the first two, dots and the last."""
    return names if len(names) <= 3 else names[:2] + [r"\ldots"] + names[-1:]


def _setting(q, key, symbol, message) -> tuple:
    """A stride, padding or dilation as the spec gave it: one number or a pair."""
    value = q.params[key]
    if isinstance(value, list):
        return sentence(message, value=Math(rf"({symbol}_h, {symbol}_w) = ({value[0]}, "
                                            rf"{value[1]})"))
    return sentence(message, value=Math(f"{symbol} = {value}"))


def statement(q) -> list:
    w = q.work
    k_h, k_w = w.kernel
    size = (shape([w.channels, w.height.i, w.width.i]) if w.channels > 1
            else shape([w.height.i, w.width.i]))
    kernel = shape([w.channels, k_h, k_w]) if w.channels > 1 else shape([k_h, k_w])
    if w.filters == 1:
        filters = sentence(_("the filter {W} ({shape})"), W=Math("W"), shape=Math(kernel))
    else:
        names = Math(", ".join(_few([f"W^{{({f})}}" for f in range(len(w.filter_work))])))
        filters = sentence(_("the {count} filters {names} (each {shape})"),
                           count=str(w.filters), names=names, shape=Math(kernel))
    operation = (_("2-D convolution (each kernel flipped in both axes)") if w.flip else
                 _("2-D cross-correlation (no kernel flipping, as deep-learning frameworks "
                   "compute it)"))
    settings = listing([_setting(q, "stride", "s", _("stride {value}")),
                        _setting(q, "padding", "p", _("padding {value}")),
                        _setting(q, "dilation", "d", _("dilation {value}"))])
    # Translators: {operation} is "2-D convolution (...)" or "2-D cross-correlation (...)";
    # {filters} "the filter W (3 × 3)" or "the 2 filters W^(0), W^(1) (each 3 × 3)";
    # {settings} "stride s = 1, padding p = 0 and dilation d = 1".
    message = (_("Compute the {operation} of the input {X} ({shape}) with {filters} and the "
                 "bias {b}; {settings}. Give the output shape and the output maps.")
               if q.params["bias"] is not None else
               _("Compute the {operation} of the input {X} ({shape}) with {filters}; "
                 "{settings}. Give the output shape and the output maps."))
    out = [para(sentence(message, operation=operation, X=Math("X"), shape=Math(size),
                         filters=filters, b=Math("b"), settings=settings))]
    out += _matrices(q, w.input_rows, lambda c: _x(w, c), lambda c: w.inputs[c])
    out += _matrices(q, w.kernel_rows, lambda u: _w(w, *u), lambda u: w.kernels[u[0]][u[1]])
    if q.params["bias"] is not None:
        out.append(equation(f"b = {q.vec(q.params['bias'])}"))
    return out


def _index(s: int, i: str, d: int, m: str) -> str:
    """A padded-input index s·i + d·m, with the numbers of the question."""
    return " + ".join(f"{a}{v}" if a != 1 else v for a, v in ((s, i), (d, m)))


def _rule(q) -> list:
    w = q.work
    f = "^{(f)}" if w.filters > 1 else ""
    c = "c," if w.channels > 1 else ""
    kernel = (r"\tilde{W}" if w.flip else "W") + f + f"_{{{c}m,n}}"
    rows = _index(w.height.s, "i", w.height.d, "m")
    cols = _index(w.width.s, "j", w.width.d, "n")
    sums = (r"\sum_{c} " if w.channels > 1 else "") + r"\sum_{m=0}^{k_h - 1} \sum_{n=0}^{k_w - 1}"
    bias = ("b_{f} + " if w.filters > 1 else "b + ") if q.params["bias"] is not None else ""
    formula = (f"Y{f}_{{i,j}} = {bias}{sums} X^{{\\mathrm{{pad}}}}_{{{c}\\,{rows},\\,{cols}}}"
               f"\\, {kernel}")
    if w.flip:
        flipped = Math(rf"\tilde{{W}}{f}_{{{c}m,n}} = W{f}_{{{c}\,k_h - 1 - m,\,k_w - 1 - n}}")
        out = [para(sentence(_("Convolution flips each kernel in both axes (rows and columns "
                               "reversed), {flipped}, and slides it over the padded input "
                               "(indices start at 0):"), flipped=flipped))]
    else:
        out = [para(_("Cross-correlation slides each kernel over the padded input as it is (no "
                      "flipping), as deep-learning frameworks compute it (indices start at 0):"))]
    return out + [equation(formula)]


def _size(name: str, dim, sub: str) -> list:
    """The output size along one dimension: the rule, then the rule filled in."""
    return [(f"{name}'", rf"= \left\lfloor \frac{{{name} + 2p_{sub} - d_{sub}(k_{sub} - 1) - 1}}"
                         rf"{{s_{sub}}} \right\rfloor + 1"),
            ("", "= " + filled_in(dim))]


def _uncovered(dim, sub: str) -> list:
    """A note when the stride does not divide evenly: the rows (sub h) or columns (w) no
    window reaches."""
    if not dim.dropped:
        return []
    message = (ngettext("The division by {s} is not exact: the last row of the padded input "
                        "lies in no window.",
                        "The division by {s} is not exact: the last {n} rows of the padded "
                        "input lie in no window.", dim.dropped) if sub == "h" else
               ngettext("The division by {s} is not exact: the last column of the padded input "
                        "lies in no window.",
                        "The division by {s} is not exact: the last {n} columns of the padded "
                        "input lie in no window.", dim.dropped))
    return [para(sentence(message, s=Math(f"s_{sub} = {dim.s}"), n=Math(str(dim.dropped))))]


def _padding(q) -> list:
    w = q.work
    rows = sentence(ngettext("{p} zero row above and below", "{p} zero rows above and below",
                             w.height.p), p=Math(f"p_h = {w.height.p}"))
    columns = sentence(ngettext("{p} zero column on the left and right",
                                "{p} zero columns on the left and right", w.width.p),
                       p=Math(f"p_w = {w.width.p}"))
    if not (w.height.p or w.width.p):
        return [para(sentence(_("No padding: {same}."), same=Math(r"X^{\mathrm{pad}} = X")))]
    sides = (sentence(_("{rows}, and {columns}"), rows=rows, columns=columns)
             if w.height.p and w.width.p else rows if w.height.p else columns)
    c, h, wd = q.answers["padded_shape"]
    size = shape([c, h, wd]) if w.channels > 1 else shape([h, wd])
    return [para(sentence(_("Padding adds {sides}: {padded} is {shape}."), sides=sides,
                          padded=Math(r"X^{\mathrm{pad}}"), shape=Math(size))),
            *_matrices(q, w.padded_rows, lambda c: _x(w, c, pad=True), lambda c: w.padded[c])]


def _sum(q, w, f, e) -> list:
    """One entry's rows: its name, its products line by line, the bias and the sum."""
    name = f"{_y(w, f)}_{{{e.i},{e.j}}}"
    lines = [" + ".join(f"{q.np(a)} \\cdot {q.np(b)}" for a, b in line) for line in e.lines]
    tail = (f" + {q.np(e.bias)}" if e.bias is not None else "") + f" = {q.n(e.value)}"
    lines[-1] += tail
    return [(name, "= " + lines[0])] + [("", r"\quad + " + line) for line in lines[1:]]


def answer(q) -> list:
    w = q.work
    out = _rule(q)
    out += [heading(_("Output shape")), para(_("Per dimension, by PyTorch's rule:")),
            align(_size("H", w.height, "h") + _size("W", w.width, "w")),
            *_uncovered(w.height, "h"), *_uncovered(w.width, "w"),
            heading(_("Padded input")), *_padding(q)]
    if w.flip:
        out += [heading(_("Flipped kernels")),
                para(_("Each kernel with its rows and columns reversed:")),
                *_matrices(q, w.kernel_rows, lambda u: _w(w, *u, tilde=True),
                           lambda u: w.filter_work[u[0]].used[u[1]])]
    if not w.written:
        out.append(para(sentence(
            _("The sums of all the entries hold {products} products, more than the key writes "
              "out (at most {most}): the first entry of each filter is worked out, the others "
              "are computed the same way (the output maps below give them all)."),
            products=thousands(w.products), most=thousands(MAX_WRITTEN)), role="note"))
    for f, fw in enumerate(w.filter_work):
        out.append(heading(_("Filter {f}").format(f=f) if w.filters > 1
                           else _("Output entries")))
        if fw.bias is None:
            out.append(para(_("Each entry is the sum of its products:")))
        else:
            bias = Math(f"b{f'_{{{f}}}' if w.filters > 1 else ''} = {q.n(fw.bias)}")
            out.append(para(sentence(_("Each entry is the sum of its products plus the bias "
                                       "{b}:"), b=bias)))
        out += [align(row for e in block for row in _sum(q, w, f, e)) for block in fw.blocks]
    shape = q.answers["shape"]
    out += [heading(_("Output")),
            para(sentence(_("Output shape {shape}:"), shape=Math(f"[F, H', W'] = {q.vec(shape)}"))),
            *_matrices(q, w.output_rows, lambda f: _y(w, f), lambda f: w.filter_work[f].output)]
    return out
