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
from ..i18n import _
from ..kinds.softmax import TABLE_WIDTH, VECTOR_LINE
from .words import sentence

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
        parts.append(sentence(
            _("Show that softmax is translation-invariant, that is: {invariance}, where {c} is a "
              "scalar constant. Check it with {shift}."),
            invariance=Math(rf"S({X} + c) = S({X})"), c=Math("c"),
            shift=Math(f"c = {q.n(w.translation.shift)}")))
    if w.scaling:
        labels.append(w.scaling.label)
        parts.append(sentence(
            _("Show that softmax is not invariant under scalar multiplication. Let {scaled} "
              "where {positive}. What are the effects of taking {c} to be {zero} and arbitrarily "
              "large? Compute {S} for {scales} and plot it against {c}."),
            scaled=Math(rf"S_c({X}) = S(c{X})"), positive=Math(r"c \geq 0"), c=Math("c"),
            zero=Math("0"), S=Math(rf"S(c{X})"),
            scales=Math(rf"c \in \{{{_cset(q, [r.c for r in w.scaling.rows])}\}}")))
    if w.two_class:
        labels.append(w.two_class.label)
        parts.append(sentence(
            _("Let {x} be a 2-dimensional vector. One can represent a 2-class categorical "
              "probability using softmax {S}. Show that {S} can be reparameterized using the "
              "sigmoid function, i.e., {form} where {z} is a scalar function of {x}. Evaluate "
              "both sides at {value}."),
            x=Math(X), S=Math(rf"S({X})"), form=Math(rf"S({X}) = [\sigma(z), 1 - \sigma(z)]^\top"),
            z=Math("z"), value=Math(rf"{X} = {q.vec(w.two_class.x)}^\top")))
    if w.reduced:
        labels.append(w.reduced.label)
        parts.append(sentence(
            _("Let {x} be a {K}-dimensional vector ({least}). Show that {S} can be represented "
              "using {fewer} parameters, i.e., {form} where {y} is a scalar function of {x} for "
              "{i}. Give the {y} for the {x} above."),
            x=Math(X), K=Math("K"), least=Math(r"K \geq 2"), S=Math(rf"S({X})"),
            fewer=Math("K - 1"), form=Math(rf"S({X}) = S([0, y_1, y_2, \ldots, y_{{K-1}}]^\top)"),
            y=Math("y_i"), i=Math(r"i \in \{1, \ldots, K - 1\}")))
    return [para(sentence(_("Recall the definition of the softmax function: {definition}. "
                            "Illustrate each part with {x} ({K})."),
                          definition=Math(rf"S({X})_i = e^{{x_i}} / \sum_j e^{{x_j}}"),
                          x=Math(f"{X} = {_tvec(q, q.params['x'])}"), K=Math(f"K = {w.K}"))),
            items(parts, labels)]


def _translation(q, t) -> list:
    return [heading(t.label, " ", _("Translation invariance")),
            align([(rf"S({X})_i", r"= \frac{e^{x_i}}{\sum_j e^{x_j}}"),
                   (rf"S({X} + c)_i", r"= \frac{e^{x_i + c}}{\sum_j e^{x_j + c}} = "
                    r"\frac{e^{x_i} \cdot e^{c}}{\sum_j e^{x_j} \cdot e^{c}} = "
                    r"\frac{e^{c} \cdot e^{x_i}}{e^{c} \cdot \sum_j e^{x_j}} = "
                    r"\frac{e^{x_i}}{\sum_j e^{x_j}}"),
                   (rf"S({X} + c)", rf"= S({X})")]),
            para(_("Hence softmax is translation-invariant. With the numbers, computed "
                   "stably:")),
            _steps(q, q.work.base),
            para(sentence(_("and with {shift}:"), shift=Math(f"c = {q.n(t.shift)}"))),
            _steps(q, t.steps),
            para(sentence(_("Subtracting the maximum removes the shift, and {difference}."),
                          difference=Math(rf"\max_i |S({X} + c)_i - S({X})_i| = "
                                          rf"{q.n(t.max_difference)}")))]


def _table(q, rows, entries) -> Table:
    """S(cx) for every c, the entries `entries` (0-based) as columns."""
    return Table(columns("r" * (1 + len(entries))),
                 (row(Math("c"), *[Math(rf"S(c{X})_{{{i + 1}}}") for i in entries]),),
                 tuple(row(Math(q.n(r.c)), *[Math(q.n(r.S[i])) for i in entries])
                       for r in rows))


def _limit_words(q, s) -> list:
    """Why S(cx) tends to 1/T on the T maximal entries, then which entries those are here."""
    base = q.work.base
    out = [sentence(
        _("For {large}: write {S}. If {below}, the term of a maximal {xj} is {grows}, so "
          "{vanishes}. If {xi} is one of the {T} entries equal to the maximum, those {T} terms "
          "are {one} and all others tend to {zero}, so {shares}: the arg max gets all the "
          "probability, shared equally by ties."),
        large=Math(r"c \to \infty"),
        S=Math(rf"\displaystyle S(c{X})_i = \frac{{1}}{{\sum_j e^{{c(x_j - x_i)}}}}"),
        below=Math(r"x_i < \max_j x_j"), xj=Math("x_j"),
        grows=Math(r"e^{c(\max_j x_j - x_i)} \to \infty"), vanishes=Math(rf"S(c{X})_i \to 0"),
        xi=Math("x_i"), T=Math("T"), one=Math("e^{0} = 1"), zero=Math("0"),
        shares=Math(rf"S(c{X})_i \to 1/T")), " "]
    if s.unique_max:
        out.append(sentence(_("Here the maximum {max} is unique ({T}):"),
                            max=Math(f"x_{{{s.argmax[0]}}} = {q.n(base.max)}"),
                            T=Math("T = 1")))
    else:
        out.append(sentence(_("Here the maximum {max} is shared by {entries} ({T}), each of "
                              "which gets {share}:"), max=Math(q.n(base.max)),
                            entries=join([Math(f"x_{{{i}}}") for i in s.argmax]),
                            T=Math(f"T = {s.ties}"), share=Math(f"1/{s.ties}")))
    return out


def _scaling(q, s) -> list:
    w = q.work
    # Translators: the words closing the formula "S(cx)_i ≠ S(x)_i   in general:".
    general = _("in general:")
    out = [heading(s.label, " ", _("Scaling")),
           equation(rf"S(c{X})_i = \frac{{e^{{c x_i}}}}{{\sum_j e^{{c x_j}}}} \neq "
                    rf"\frac{{e^{{x_i}}}}{{\sum_j e^{{x_j}}}} = S({X})_i"
                    rf" \quad\text{{{general}}}")]
    out += [_table(q, s.rows, range(i, min(i + TABLE_WIDTH, w.K)))
            for i in range(0, w.K, TABLE_WIDTH)]
    if s.counter:
        c = q.n(s.counter.c)
        out += [para(sentence(_("For example {c} changes it:"), c=Math(f"c = {c}"))),
                align([(rf"S({c}\,{X})", f"= {_tvec(q, s.counter.S)}"),
                       (rf"\neq S({X})", f"= {_tvec(q, w.base.S)}")])]
    if s.all_equal:
        out.append(para(sentence(
            _("Here all entries of {x} are equal, so {S} is uniform for every {c}: this "
              "particular {x} is unchanged by scaling, but any {x} with two different entries is "
              "not; e.g., {uniform} while {skewed}."),
            x=Math(X), S=Math(rf"S(c{X})"), c=Math("c"),
            uniform=Math(r"S(0 \cdot [0, 1]^\top) = [\tfrac{1}{2}, \tfrac{1}{2}]^\top"),
            skewed=Math(r"S([0, 1]^\top) = [\frac{1}{1 + e}, \frac{e}{1 + e}]^\top"))))
    underflow = [" ", sentence(_("(Entries printed as {zero} are below the smallest positive "
                                 "double, about {tiny}.)"), zero=Math("0"),
                               tiny=Math("10^{-308}"))]
    out += [para(sentence(_("For {zero}: {S} for every {i}: the uniform distribution, whatever "
                            "{x}."), zero=Math("c = 0"),
                          S=Math(rf"\displaystyle S(0 \cdot {X})_i = \frac{{e^{{0}}}}"
                                 rf"{{\sum_j e^{{0}}}} = \frac{{1}}{{K}} = \frac{{1}}{{{w.K}}}"),
                          i=Math("i"), x=Math(X))),
            para(_limit_words(q, s)),
            equation(rf"\lim_{{c \to \infty}} S(c{X}) = {_tvec(q, s.c_infinity)}, \qquad "
                     rf"S(0 \cdot {X}) = {_tvec(q, s.c_zero)}."),
            para(sentence(_("Hence softmax is not invariant under scalar multiplication: {c} "
                            "acts as an inverse temperature, from uniform ({zero}) to the arg "
                            "max ({large})."), c=Math("c"), zero=Math("c = 0"),
                          large=Math(r"c \to \infty")),
                 underflow if s.underflow else None)]
    scales = _cset(q, [r.c for r in s.rows])
    repeats = [" ", sentence(_("Equal entries of {x} have the same curve."), x=Math(X))]
    caption = inlines(sentence(
        _("Each entry of {S} against {c} for {x}; the markers are {scales}. The axis is linear "
          "near {zero} and logarithmic beyond."),
        S=Math(rf"S(c{X})"), c=Math("c"), x=Math(f"{X} = {_tvec(q, q.params['x'])}"),
        scales=Math(rf"c \in \{{{scales}\}}"), zero=Math("c = 0")),
        repeats if s.repeats else None)
    alt = _("Each entry of S(cx) plotted against c for x = {x}, from the uniform value at c = 0 "
            "towards the arg max").format(x=q.vec(q.params["x"]))
    return out + [Figure(name, caption, alt) for name in q.figures]


def _two_class(q, t) -> list:
    return [heading(t.label, " ", _("Two classes: the sigmoid")),
            para(sentence(_("For a 2-dimensional {x}:"), x=Math(X))),
            align([(rf"S({X})_1", r"= \frac{e^{x_1}}{e^{x_1} + e^{x_2}} = "
                    r"\frac{1}{1 + e^{x_2 - x_1}} = \frac{1}{1 + e^{-(x_1 - x_2)}} = "
                    r"\sigma(x_1 - x_2)"),
                   (rf"S({X})_2", rf"= 1 - S({X})_1 = 1 - \sigma(x_1 - x_2)")]),
            para(sentence(_("so {form} with {z}. At {x}: {value} and"),
                          form=Math(rf"S({X}) = [\sigma(z), 1 - \sigma(z)]^\top"),
                          z=Math("z = x_1 - x_2"), x=Math(rf"{X} = {q.vec(t.x)}^\top"),
                          value=Math(f"z = {q.n(t.x[0])} - {q.np(t.x[1])} = {q.n(t.z)}"))),
            equation(r"\sigma(z) = \frac{1}{1 + e^{-z}} = "
                     + ("" if t.exp_minus_z is None
                        else rf"\frac{{1}}{{1 + {q.n(t.exp_minus_z)}}} = ")
                     + rf"{q.n(t.sigma)}, \qquad 1 - \sigma(z) = {q.n(t.one_minus_sigma)},"),
            para(_("the same as the softmax computed directly:")),
            _steps(q, t.steps)]


def _reduced(q, r) -> list:
    dots = r"e^{0} + e^{x_2 - x_1} + \cdots + e^{x_K - x_1}"
    whole = r"e^{x_1} + e^{x_2} + \cdots + e^{x_K}"
    return [heading(r.label, " ", sentence(_("{fewer} parameters"), fewer=Math("K - 1"))),
            para(sentence(_("Multiply the numerator and the denominator of {S} by {factor}:"),
                          S=Math(rf"S({X})_i"), factor=Math("e^{-x_1}"))),
            align([(rf"S({X})_1", rf"= \frac{{e^{{x_1}}}}{{{whole}}} = \frac{{e^{{0}}}}{{{dots}}}"),
                   (rf"S({X})_{{i+1}}", rf"= \frac{{e^{{x_{{i+1}}}}}}{{{whole}}} = "
                    rf"\frac{{e^{{x_{{i+1}} - x_1}}}}{{{dots}}}, \qquad i = 1, \ldots, K - 1")]),
            para(sentence(_("So {form} with {y} for {i}. Here"),
                          form=Math(rf"S({X}) = S([0, y_1, y_2, \ldots, y_{{K-1}}]^\top)"),
                          y=Math("y_i = x_{i+1} - x_1"), i=Math(r"i \in \{1, \ldots, K - 1\}"))),
            equation(rf"\mathbf{{y}} = [x_2 - x_1, \ldots, x_K - x_1]^\top = {_tvec(q, r.y)}"),
            para(_("and")),
            _steps(q, r.steps),
            para(sentence(_("equal to {S}."), S=Math(rf"S({X})")))]


def answer(q) -> list:
    w = q.work
    out = [para(sentence(_("Every softmax below is computed as {form}, which translation "
                           "invariance justifies: the largest exponent is then {one}, so nothing "
                           "overflows, even for a large {c}."),
                         form=Math(r"S(\mathbf{v}) = S(\mathbf{v} - \max_j v_j)"),
                         one=Math("e^0 = 1"), c=Math("c")))]
    if w.translation:
        out += _translation(q, w.translation)
    else:
        out += [para(_("With the numbers, computed stably:")), _steps(q, w.base)]
    for part, present in ((w.scaling, _scaling), (w.two_class, _two_class),
                          (w.reduced, _reduced)):
        if part:
            out += present(q, part)
    return out
