"""conv2d: the padded input, the output size filled in, each entry as its sum of products,
then the output maps."""

from __future__ import annotations

from ..doc import Math, align, equation, heading, join, para
from ..kinds.conv2d import MAX_WRITTEN


def _x(w, c, pad=False) -> str:
    """The name of input channel c (padded: X^pad)."""
    return "X" + (r"^{\mathrm{pad}}" if pad else "") + (f"_{{{c}}}" if w.channels > 1 else "")


def _w(w, f, c, tilde=False) -> str:
    """The name of filter f's kernel for channel c (tilde: as flipped)."""
    return ((r"\tilde{W}" if tilde else "W") + (f"^{{({f})}}" if w.filters > 1 else "")
            + (f"_{{{c}}}" if w.channels > 1 else ""))


def _y(w, f) -> str:
    return "Y" + (f"^{{({f})}}" if w.filters > 1 else "")


def _shape(*sizes) -> str:
    return r" \times ".join(str(s) for s in sizes)


def _matrices(q, rows, name, matrix) -> list:
    """Rows of matrices side by side (the layout solve() chose), each as `name = [...]`; one
    display per row, so that the PDF may break the page between them."""
    return [align([[cell for unit in r for cell in (name(unit), "= " + q.mat(matrix(unit)))]])
            for r in rows]


def _few(names: list) -> list:
    """Names to list: all of three, else the first two, dots and the last."""
    return names if len(names) <= 3 else names[:2] + [r"\ldots"] + names[-1:]


def _setting(q, key, symbol, word) -> list:
    """A stride, padding or dilation as the spec gave it: one number or a pair."""
    value = q.params[key]
    if isinstance(value, list):
        return [word, " ", Math(rf"({symbol}_h, {symbol}_w) = ({value[0]}, {value[1]})")]
    return [word, " ", Math(f"{symbol} = {value}")]


def statement(q) -> list:
    w = q.work
    k_h, k_w = w.kernel
    shape = (_shape(w.channels, w.height.i, w.width.i) if w.channels > 1
             else _shape(w.height.i, w.width.i))
    kernel = _shape(w.channels, k_h, k_w) if w.channels > 1 else _shape(k_h, k_w)
    filters = (["the filter ", Math("W"), " (", Math(kernel), ")"] if w.filters == 1
               else [f"the {w.filters} filters ", Math(", ".join(_few(
                         [f"W^{{({f})}}" for f, _ in enumerate(w.filter_work)]))),
                     " (each ", Math(kernel), ")"])
    operation = (["2-D convolution (each kernel flipped in both axes)"] if w.flip else
                 ["2-D cross-correlation (no kernel flipping, as deep-learning frameworks "
                  "compute it)"])
    settings = join([_setting(q, "stride", "s", "stride"), _setting(q, "padding", "p", "padding"),
                     _setting(q, "dilation", "d", "dilation")], ", ", " and ")
    bias = [" and the bias ", Math("b")] if q.params["bias"] is not None else []
    out = [para("Compute the ", operation, " of the input ", Math("X"), " (", Math(shape),
                ") with ", filters, bias, "; ", settings,
                ". Give the output shape and the output maps.")]
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
        out = [para("Convolution flips each kernel in both axes (rows and columns reversed), ",
                    Math(rf"\tilde{{W}}{f}_{{{c}m,n}} = W{f}_{{{c}\,k_h - 1 - m,\,k_w - 1 - n}}"),
                    ", and slides it over the padded input (indices start at 0):")]
    else:
        out = [para("Cross-correlation slides each kernel over the padded input as it is (no "
                    "flipping), as deep-learning frameworks compute it (indices start at 0):")]
    return out + [equation(formula)]


def _size(name: str, dim, sub: str) -> list:
    """The output size along one dimension: the rule, then the rule filled in."""
    return [(f"{name}'", rf"= \left\lfloor \frac{{{name} + 2p_{sub} - d_{sub}(k_{sub} - 1) - 1}}"
                         rf"{{s_{sub}}} \right\rfloor + 1"),
            ("", rf"= \left\lfloor \frac{{{dim.i} + 2 \cdot {dim.p} - {dim.d} \cdot ({dim.k} - 1)"
                 rf" - 1}}{{{dim.s}}} \right\rfloor + 1 = \left\lfloor \frac{{{dim.numerator}}}"
                 rf"{{{dim.s}}} \right\rfloor + 1 = {dim.out}")]


def _uncovered(dim, sub: str, what: str) -> list:
    """A note when the stride does not divide evenly: what no window reaches."""
    if not dim.uncovered:
        return []
    last = ([f" {what} of the padded input lies"] if dim.uncovered == 1 else
            [" ", Math(str(dim.uncovered)), f" {what}s of the padded input lie"])
    return [para("The division by ", Math(f"s_{sub} = {dim.s}"), " is not exact: the last",
                 last, " in no window.")]


def _padding(q) -> list:
    w = q.work
    sides = [[Math(f"p_h = {w.height.p}"), " zero row" + "s" * (w.height.p > 1),
              " above and below"] if w.height.p else [],
             [Math(f"p_w = {w.width.p}"), " zero column" + "s" * (w.width.p > 1),
              " on the left and right"] if w.width.p else []]
    sides = [s for s in sides if s]
    if not sides:
        return [para("No padding: ", Math(r"X^{\mathrm{pad}} = X"), ".")]
    c, h, wd = q.answers["padded_shape"]
    shape = _shape(c, h, wd) if w.channels > 1 else _shape(h, wd)
    return [para("Padding adds ", join(sides, ", and "), ": ", Math(r"X^{\mathrm{pad}}"),
                 " is ", Math(shape), "."),
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
    out += [heading("Output shape"), para("Per dimension, by PyTorch's rule:"),
            align(_size("H", w.height, "h") + _size("W", w.width, "w")),
            *_uncovered(w.height, "h", "row"), *_uncovered(w.width, "w", "column"),
            heading("Padded input"), *_padding(q)]
    if w.flip:
        out += [heading("Flipped kernels"), para("Each kernel with its rows and columns reversed:"),
                *_matrices(q, w.kernel_rows, lambda u: _w(w, *u, tilde=True),
                           lambda u: w.filter_work[u[0]].used[u[1]])]
    if not w.written:
        out.append(para("The sums of all the entries hold ", Math(str(w.products)),
                        f" products, more than the key writes out (at most {MAX_WRITTEN:,}): "
                        "the first entry of each filter is worked out, the others are "
                        "computed the same way (the output maps below give them all).",
                        role="note"))
    for f, fw in enumerate(w.filter_work):
        out.append(heading(f"Filter {f}" if w.filters > 1 else "Output entries"))
        bias = ([" plus the bias ", Math(f"b{f'_{{{f}}}' if w.filters > 1 else ''} = "
                                         f"{q.n(fw.bias)}")] if fw.bias is not None else [])
        out.append(para("Each entry is the sum of its products", bias, ":"))
        out += [align(row for e in block for row in _sum(q, w, f, e)) for block in fw.blocks]
    shape = q.answers["shape"]
    out += [heading("Output"),
            para("Output shape ", Math(f"[F, H', W'] = {q.vec(shape)}"), ":"),
            *_matrices(q, w.output_rows, lambda f: _y(w, f), lambda f: w.filter_work[f].output)]
    return out
