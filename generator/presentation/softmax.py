"""softmax: the four parts asked, each softmax computed stably, S(cx) tabled and plotted."""

from __future__ import annotations

from ..doc import (
    Equations,
    Figure,
    Math,
    Table,
    align,
    columns,
    equation,
    heading,
    inlines,
    items,
    join,
    para,
    row,
)
from ..kinds.softmax import TABLE_WIDTH, VECTOR_LINE

X = r"\mathbf{x}"


def _tvec(q, xs) -> str:
    """A column vector as a transposed row, VECTOR_LINE entries to a printed line."""
    if len(xs) <= VECTOR_LINE:
        return f"{q.vec(xs)}^\\top"
    lines = [", ".join(q.n(v) for v in xs[i:i + VECTOR_LINE])
             for i in range(0, len(xs), VECTOR_LINE)]
    return r"\begin{array}{l}[" + r", \\ \quad ".join(lines) + r"]^\top\end{array}"


def _cset(q, scales) -> str:
    return ", ".join(q.n(c) for c in scales)


def _steps(q, s) -> Equations:
    """v, its maximum, v − m, e^(v − m) and their sum, S(v): aligned at the equals signs."""
    v, compact = s.name, q.work.compact
    top, m = f"= {_tvec(q, s.v)}", rf"m = \max_i ({v})_i = {q.n(s.max)}"
    exps, total = f"= {_tvec(q, s.exp)}", rf"\textstyle\sum_i e^{{({v})_i - m}} = {q.n(s.sum)}"
    rows = ([(v, rf"{top}, \qquad {m}")] if compact else [(v, top), ("", m)])
    rows.append((f"{v} - m", f"= {_tvec(q, s.z)}"))
    rows += ([(f"e^{{{v} - m}}", rf"{exps}, \qquad {total}")] if compact
             else [(f"e^{{{v} - m}}", exps), ("", total)])
    rows.append((f"S({v})", f"= {_tvec(q, s.S)}"))
    return align(rows)


def statement(q) -> list:
    w = q.work
    parts, labels = [], []
    if w.translation:
        labels.append(w.translation.label)
        parts.append(["Show that softmax is translation-invariant, that is: ",
                      Math(rf"S({X} + c) = S({X})"), ", where ", Math("c"),
                      " is a scalar constant. Check it with ",
                      Math(f"c = {q.n(w.translation.shift)}"), "."])
    if w.scaling:
        labels.append(w.scaling.label)
        parts.append(["Show that softmax is not invariant under scalar multiplication. Let ",
                      Math(rf"S_c({X}) = S(c{X})"), " where ", Math(r"c \geq 0"),
                      ". What are the effects of taking ", Math("c"), " to be ", Math("0"),
                      " and arbitrarily large? Compute ", Math(rf"S(c{X})"), " for ",
                      Math(rf"c \in \{{{_cset(q, [r.c for r in w.scaling.rows])}\}}"),
                      " and plot it against ", Math("c"), "."])
    if w.two_class:
        labels.append(w.two_class.label)
        parts.append(["Let ", Math(X), " be a 2-dimensional vector. One can represent a "
                      "2-class categorical probability using softmax ", Math(rf"S({X})"),
                      ". Show that ", Math(rf"S({X})"), " can be reparameterized using the "
                      "sigmoid function, i.e., ",
                      Math(rf"S({X}) = [\sigma(z), 1 - \sigma(z)]^\top"), " where ", Math("z"),
                      " is a scalar function of ", Math(X), ". Evaluate both sides at ",
                      Math(rf"{X} = {q.vec(w.two_class.x)}^\top"), "."])
    if w.reduced:
        labels.append(w.reduced.label)
        parts.append(["Let ", Math(X), " be a ", Math("K"), "-dimensional vector (",
                      Math(r"K \geq 2"), "). Show that ", Math(rf"S({X})"),
                      " can be represented using ", Math("K - 1"), " parameters, i.e., ",
                      Math(rf"S({X}) = S([0, y_1, y_2, \ldots, y_{{K-1}}]^\top)"), " where ",
                      Math("y_i"), " is a scalar function of ", Math(X), " for ",
                      Math(r"i \in \{1, \ldots, K - 1\}"), ". Give the ", Math("y_i"),
                      " for the ", Math(X), " above."])
    return [para("Recall the definition of the softmax function: ",
                 Math(rf"S({X})_i = e^{{x_i}} / \sum_j e^{{x_j}}"),
                 ". Illustrate each part with ", Math(f"{X} = {_tvec(q, q.params['x'])}"),
                 " (", Math(f"K = {w.K}"), ")."),
            items(parts, labels)]


def _translation(q, t) -> list:
    return [heading(t.label, " Translation invariance"),
            align([(rf"S({X})_i", r"= \frac{e^{x_i}}{\sum_j e^{x_j}}"),
                   (rf"S({X} + c)_i", r"= \frac{e^{x_i + c}}{\sum_j e^{x_j + c}} = "
                    r"\frac{e^{x_i} \cdot e^{c}}{\sum_j e^{x_j} \cdot e^{c}} = "
                    r"\frac{e^{c} \cdot e^{x_i}}{e^{c} \cdot \sum_j e^{x_j}} = "
                    r"\frac{e^{x_i}}{\sum_j e^{x_j}}"),
                   (rf"S({X} + c)", rf"= S({X})")]),
            para("Hence softmax is translation-invariant. With the numbers, computed stably:"),
            _steps(q, q.work.base),
            para("and with ", Math(f"c = {q.n(t.shift)}"), ":"),
            _steps(q, t.steps),
            para("Subtracting the maximum removes the shift, and ",
                 Math(rf"\max_i |S({X} + c)_i - S({X})_i| = {q.n(t.max_difference)}"), ".")]


def _table(q, rows, entries) -> Table:
    """S(cx) for every c, the entries `entries` (0-based) as columns."""
    return Table(columns("r" * (1 + len(entries))),
                 (row(Math("c"), *[Math(rf"S(c{X})_{{{i + 1}}}") for i in entries]),),
                 tuple(row(Math(q.n(r.c)), *[Math(q.n(r.S[i])) for i in entries])
                       for r in rows))


def _limit_words(q, s) -> list:
    """Why S(cx) tends to 1/T on the T maximal entries, then which entries those are here."""
    base = q.work.base
    out = ["For ", Math(r"c \to \infty"), ": write ",
           Math(rf"\displaystyle S(c{X})_i = \frac{{1}}{{\sum_j e^{{c(x_j - x_i)}}}}"),
           ". If ", Math(r"x_i < \max_j x_j"), ", the term of a maximal ", Math("x_j"), " is ",
           Math(r"e^{c(\max_j x_j - x_i)} \to \infty"), ", so ", Math(rf"S(c{X})_i \to 0"),
           ". If ", Math("x_i"), " is one of the ", Math("T"), " entries equal to the maximum, "
           "those ", Math("T"), " terms are ", Math("e^{0} = 1"), " and all others tend to ",
           Math("0"), ", so ", Math(rf"S(c{X})_i \to 1/T"), ": the arg max gets all the "
           "probability, shared equally by ties. "]
    if s.unique_max:
        out += ["Here the maximum ", Math(f"x_{{{s.argmax[0]}}} = {q.n(base.max)}"),
                " is unique (", Math("T = 1"), "):"]
    else:
        out += ["Here the maximum ", Math(q.n(base.max)), " is shared by ",
                join([Math(f"x_{{{i}}}") for i in s.argmax]), " (", Math(f"T = {s.ties}"),
                "), each of which gets ", Math(f"1/{s.ties}"), ":"]
    return out


def _scaling(q, s) -> list:
    w = q.work
    out = [heading(s.label, " Scaling"),
           equation(rf"S(c{X})_i = \frac{{e^{{c x_i}}}}{{\sum_j e^{{c x_j}}}} \neq "
                    rf"\frac{{e^{{x_i}}}}{{\sum_j e^{{x_j}}}} = S({X})_i"
                    r" \quad\text{in general:}")]
    out += [_table(q, s.rows, range(i, min(i + TABLE_WIDTH, w.K)))
            for i in range(0, w.K, TABLE_WIDTH)]
    if s.counter:
        c = q.n(s.counter.c)
        out += [para("For example ", Math(f"c = {c}"), " changes it:"),
                align([(rf"S({c}\,{X})", f"= {_tvec(q, s.counter.S)}"),
                       (rf"\neq S({X})", f"= {_tvec(q, w.base.S)}")])]
    if s.all_equal:
        out.append(para("Here all entries of ", Math(X), " are equal, so ", Math(rf"S(c{X})"),
                        " is uniform for every ", Math("c"), ": this particular ", Math(X),
                        " is unchanged by scaling, but any ", Math(X), " with two different "
                        "entries is not; e.g., ",
                        Math(r"S(0 \cdot [0, 1]^\top) = [\tfrac{1}{2}, \tfrac{1}{2}]^\top"),
                        " while ",
                        Math(r"S([0, 1]^\top) = [\frac{1}{1 + e}, \frac{e}{1 + e}]^\top"), "."))
    out += [para("For ", Math("c = 0"), ": ",
                 Math(rf"\displaystyle S(0 \cdot {X})_i = \frac{{e^{{0}}}}{{\sum_j e^{{0}}}} = "
                      rf"\frac{{1}}{{K}} = \frac{{1}}{{{w.K}}}"),
                 " for every ", Math("i"), ": the uniform distribution, whatever ", Math(X), "."),
            para(_limit_words(q, s)),
            equation(rf"\lim_{{c \to \infty}} S(c{X}) = {_tvec(q, s.c_infinity)}, \qquad "
                     rf"S(0 \cdot {X}) = {_tvec(q, s.c_zero)}."),
            para("Hence softmax is not invariant under scalar multiplication: ", Math("c"),
                 " acts as an inverse temperature, from uniform (", Math("c = 0"),
                 ") to the arg max (", Math(r"c \to \infty"), ").",
                 [" (Entries printed as ", Math("0"), " are below the smallest positive "
                  "double, about ", Math("10^{-308}"), ".)"] if s.underflow else None)]
    scales = _cset(q, [r.c for r in s.rows])
    caption = inlines(
        "Each entry of ", Math(rf"S(c{X})"), " against ", Math("c"), " for ",
        Math(f"{X} = {_tvec(q, q.params['x'])}"), "; the markers are ",
        Math(rf"c \in \{{{scales}\}}"), ". The axis is linear near ", Math("c = 0"),
        " and logarithmic beyond.",
        [" Equal entries of ", Math(X), " have the same curve."] if s.repeats else None)
    alt = (f"Each entry of S(cx) plotted against c for x = {q.vec(q.params['x'])}, from the "
           "uniform value at c = 0 towards the arg max")
    return out + [Figure(name, caption, alt) for name in q.figures]


def _two_class(q, t) -> list:
    return [heading(t.label, " Two classes: the sigmoid"),
            para("For a 2-dimensional ", Math(X), ":"),
            align([(rf"S({X})_1", r"= \frac{e^{x_1}}{e^{x_1} + e^{x_2}} = "
                    r"\frac{1}{1 + e^{x_2 - x_1}} = \frac{1}{1 + e^{-(x_1 - x_2)}} = "
                    r"\sigma(x_1 - x_2)"),
                   (rf"S({X})_2", rf"= 1 - S({X})_1 = 1 - \sigma(x_1 - x_2)")]),
            para("so ", Math(rf"S({X}) = [\sigma(z), 1 - \sigma(z)]^\top"), " with ",
                 Math("z = x_1 - x_2"), ". At ", Math(rf"{X} = {q.vec(t.x)}^\top"), ": ",
                 Math(f"z = {q.n(t.x[0])} - {q.np(t.x[1])} = {q.n(t.z)}"), " and"),
            equation(r"\sigma(z) = \frac{1}{1 + e^{-z}} = "
                     + ("" if t.exp_minus_z is None
                        else rf"\frac{{1}}{{1 + {q.n(t.exp_minus_z)}}} = ")
                     + rf"{q.n(t.sigma)}, \qquad 1 - \sigma(z) = {q.n(t.one_minus_sigma)},"),
            para("the same as the softmax computed directly:"),
            _steps(q, t.steps)]


def _reduced(q, r) -> list:
    dots = r"e^{0} + e^{x_2 - x_1} + \cdots + e^{x_K - x_1}"
    whole = r"e^{x_1} + e^{x_2} + \cdots + e^{x_K}"
    return [heading(r.label, " ", Math("K - 1"), " parameters"),
            para("Multiply the numerator and the denominator of ", Math(rf"S({X})_i"), " by ",
                 Math("e^{-x_1}"), ":"),
            align([(rf"S({X})_1", rf"= \frac{{e^{{x_1}}}}{{{whole}}} = \frac{{e^{{0}}}}{{{dots}}}"),
                   (rf"S({X})_{{i+1}}", rf"= \frac{{e^{{x_{{i+1}}}}}}{{{whole}}} = "
                    rf"\frac{{e^{{x_{{i+1}} - x_1}}}}{{{dots}}}, \qquad i = 1, \ldots, K - 1")]),
            para("So ", Math(rf"S({X}) = S([0, y_1, y_2, \ldots, y_{{K-1}}]^\top)"), " with ",
                 Math("y_i = x_{i+1} - x_1"), " for ", Math(r"i \in \{1, \ldots, K - 1\}"),
                 ". Here"),
            equation(rf"\mathbf{{y}} = [x_2 - x_1, \ldots, x_K - x_1]^\top = {_tvec(q, r.y)}"),
            para("and"),
            _steps(q, r.steps),
            para("equal to ", Math(rf"S({X})"), ".")]


def answer(q) -> list:
    w = q.work
    out = [para("Every softmax below is computed as ",
                Math(r"S(\mathbf{v}) = S(\mathbf{v} - \max_j v_j)"), ", which translation "
                "invariance justifies: the largest exponent is then ", Math("e^0 = 1"),
                ", so nothing overflows, even for a large ", Math("c"), ".")]
    if w.translation:
        out += _translation(q, w.translation)
    else:
        out += [para("With the numbers, computed stably:"), _steps(q, w.base)]
    for part, present in ((w.scaling, _scaling), (w.two_class, _two_class),
                          (w.reduced, _reduced)):
        if part:
            out += present(q, part)
    return out
