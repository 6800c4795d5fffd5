"""activations: ReLU's derivative from the limit, ReLU through H, the sigmoid gaps and plot."""

from __future__ import annotations

from ..doc import (
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
    strong,
)
from ..i18n import _
from .words import sentence

DERIVATIVE = r"\frac{d}{dx}f(x) = \lim_{\epsilon \to 0} \frac{f(x + \epsilon) - f(x)}{\epsilon}"
SIGMOID_LIMIT = r"\displaystyle\lim_{k \to \infty} \frac{1}{1 + e^{-kx}}"
GAP = r"\max_{|x| \geq \delta} |\sigma(kx) - H(x)|"


def _heaviside() -> str:
    """The definition of H (its cases' words in the active language)."""
    # Translators: the condition of a case in a formula, "1 if x > 0".
    if_ = _("if")
    return (rf"H(x) = \begin{{cases}} 1 & \text{{{if_} }} x > 0 \\ \tfrac{{1}}{{2}} & "
            rf"\text{{{if_} }} x = 0 \\ 0 & \text{{{if_} }} x < 0 \end{{cases}}")


def _ks(q) -> str:
    """The steepnesses as given, "1, 5, 50"."""
    return ", ".join(q.n(k) for k in q.params["sigmoid_k"])


def statement(q) -> list:
    asked = q.work.labels
    lo, hi = q.params["x_range"]
    parts = {
        "derivative": sentence(
            _("Show that the derivative of the rectified linear unit {g}, {where}, is equal to "
              "the Heaviside step function."),
            g=Math(r"g(x) = \max\{0, x\}"), where=strong(_("wherever it exists"))),
        "definitions": sentence(
            _("Give two alternative definitions of {g} using {H}."),
            g=Math("g(x)"), H=Math("H(x)")),
        "sigmoid": sentence(
            _("Show that {H} can be well approximated by the sigmoid function {sigmoid} "
              "asymptotically (i.e.\u00a0for large {k}), where {k} is a parameter. For {ks}, "
              "give the largest value of {gap} over {band} and the value of {at} at {zero}, and "
              "plot {g}, {step} and {at} for {range}."),
            H=Math("H(x)"), sigmoid=Math(r"\sigma(kx) = \frac{1}{1 + e^{-kx}}"), k=Math("k"),
            ks=Math(rf"k \in \{{{_ks(q)}\}}"), gap=Math(r"|\sigma(kx) - H(x)|"),
            band=Math(rf"|x| \geq \delta = {q.n(q.params['delta'])}"), at=Math(r"\sigma(kx)"),
            zero=Math("x = 0"), g=Math("g"), step=Math("H"),
            range=Math(rf"x \in [{q.n(lo)}, {q.n(hi)}]")),
    }
    with_derivative = "derivative" in asked
    return [para(_("Using the following definition of the derivative and the definition of the "
                   "Heaviside step function:") if with_derivative else
                 _("Using the definition of the Heaviside step function:")),
            equation((DERIVATIVE + r" \qquad " if with_derivative else "") + _heaviside()),
            items([parts[name] for name in asked], list(asked.values()))]


def _derivative(q) -> list:
    w = q.work
    quotients = {side: join([Math(q.n(getattr(r, side))) for r in w.quotients])
                 for side in ("right", "left")}
    keeps = _("For {side}, every {epsilon} keeps {sum}:")
    # Translators: words in the formula "g'(x) = 1 if x > 0, undefined if x = 0, ... so
    # g'(x) = H(x) for all x ≠ 0".
    if_, undefined, so, for_all = _("if"), _("undefined"), _("so"), _("for all")
    return [
        para(_("By the definition of the derivative,")),
        equation(r"\frac{d}{dx}g(x) = \lim_{\epsilon \to 0} \frac{g(x + \epsilon) - g(x)}"
                 r"{\epsilon} = \lim_{\epsilon \to 0} \frac{\max\{0, x + \epsilon\} - "
                 r"\max\{0, x\}}{\epsilon}."),
        para(sentence(keeps, side=Math("x > 0"), epsilon=Math(r"|\epsilon| < x"),
                      sum=Math(r"x + \epsilon > 0"))),
        equation(r"\frac{d}{dx}g(x) = \lim_{\epsilon \to 0} \frac{(x + \epsilon) - x}{\epsilon}"
                 r" = 1 = H(x)."),
        para(sentence(keeps, side=Math("x < 0"), epsilon=Math(r"|\epsilon| < -x"),
                      sum=Math(r"x + \epsilon < 0"))),
        equation(r"\frac{d}{dx}g(x) = \lim_{\epsilon \to 0} \frac{0 - 0}{\epsilon} = 0 = H(x)."),
        para(sentence(_("For {zero}, the two one-sided limits differ:"), zero=Math("x = 0"))),
        equation(r"\lim_{\epsilon \to 0^-} \frac{\max\{0, \epsilon\} - 0}{\epsilon} = "
                 r"\lim_{\epsilon \to 0^-} \frac{0}{\epsilon} = 0, \qquad "
                 r"\lim_{\epsilon \to 0^+} \frac{\max\{0, \epsilon\} - 0}{\epsilon} = "
                 r"\lim_{\epsilon \to 0^+} \frac{\epsilon}{\epsilon} = 1."),
        para(sentence(_("{steps} give the quotients {right} from the right and {left} from the "
                        "left. Since the left and right limits are not equal, {g} has no "
                        "derivative at {zero} (and neither limit is {half}). Wherever it exists, "
                        "the derivative is the Heaviside step:"),
                      steps=join([Math(rf"\epsilon = \pm{q.n(r.eps)}") for r in w.quotients]),
                      right=quotients["right"], left=quotients["left"], g=Math("g"),
                      zero=Math("0"), half=Math(r"H(0) = \tfrac{1}{2}"))),
        equation(rf"g'(x) = \begin{{cases}} 1 & \text{{{if_} }} x > 0 \\ \text{{{undefined}}} & "
                 rf"\text{{{if_} }} x = 0 \\ 0 & \text{{{if_} }} x < 0 \end{{cases}} "
                 rf"\qquad\text{{{so}}}\qquad g'(x) = H(x) \text{{ {for_all} }} x \neq 0."),
    ]


def _definitions(q) -> list:
    w = q.work
    label = {d.key: d.label for d in w.definitions}
    table = Table(columns("rrr" + "r" * len(w.definitions)),
                  (row(Math("x"), Math("H(x)"), Math(r"\max\{0, x\}"),
                       *[d.label for d in w.definitions]),),
                  tuple(row(*[Math(q.n(v)) for v in (s.x, s.heaviside, s.relu, *s.values)])
                        for s in w.samples))
    errors = join([sentence(_("{error} for {definition}"), error=Math(q.n(d.max_abs_error)),
                            definition=d.label) for d in w.definitions])
    return [
        para(sentence(_("Alternative definitions of {g} through {H} (any two answer the "
                        "question):"), g=Math("g"), H=Math("H"))),
        items([sentence(_("{definition}; at {zero}: {value}."),
                        definition=Math(f"g(x) = {d.formula}"), zero=Math("x = 0"),
                        value=Math(d.at_zero)) for d in w.definitions],
              [d.label for d in w.definitions]),
        # Translators: {integral} and {sgn} are the labels of two definitions, "(iii)".
        para(sentence(_("For {nonzero} each one is {x} when {positive} and {zero} when "
                        "{negative} ({integral}: {area}; {sgn}: {sign} is the sign of {x}). At "
                        "{at} all of them hold, and none depends on the value {half}: it is "
                        "multiplied by {at}, or integrated over a single point. Some values:"),
                      nonzero=Math(r"x \neq 0"), x=Math("x"), positive=Math("x > 0"),
                      zero=Math("0"), negative=Math("x < 0"), integral=label["integral"],
                      area=Math(r"\int_0^x 1\,dt = x"), sgn=label["sgn"],
                      sign=Math("2H(x) - 1"), at=Math("x = 0"),
                      half=Math(r"H(0) = \tfrac{1}{2}"))),
        table,
        para(sentence(_("Checked numerically on a grid of {points} points over {interval} that "
                        "includes {zero} (the integral by the midpoint rule): the largest "
                        "difference from {relu} is {errors}."),
                      points=str(w.grid_points),
                      interval=Math(f"[{q.n(w.grid_lo)}, {q.n(w.grid_hi)}]"),
                      zero=Math("x = 0"), relu=Math(r"\max\{0, x\}"), errors=errors)),
    ]


def _gap(q, g) -> str:
    """The gap for one k: 1/(1 + e^(kδ)) = 1/(1 + its value) = the gap, or only the gap when
    e^(kδ) overflows."""
    steps = (rf"\frac{{1}}{{1 + e^{{{q.n(g.k_delta)}}}}} = "
             rf"\frac{{1}}{{1 + {q.n(g.exp_k_delta)}}} = " if g.exp_k_delta is not None else "")
    return steps + rf"\mathbf{{{q.n(g.gap)}}}"


def _sigmoid(q) -> list:
    w = q.work
    table = Table(columns("rrlr"),
                  (row(Math("k"), Math(r"k\delta"),
                       Math(GAP + r" = 1/(1 + e^{k\delta})"), Math(r"\sigma(k \cdot 0)")),),
                  tuple(row(Math(q.n(g.k)), Math(q.n(g.k_delta)), Math(_gap(q, g)),
                            Math(q.n(g.at_zero))) for g in w.gaps),
                  stretch=1.2)
    caption = inlines(sentence(
        _("ReLU {g} and its derivative {H} (left); {H} and {sigmoid} for {ks}, the band {band} "
          "shaded (right)."), g=Math("g"), H=Math("H"), sigmoid=Math(r"\sigma(kx)"),
        ks=Math(rf"k \in \{{{_ks(q)}\}}"), band=Math(r"|x| < \delta")))
    lo, hi = q.params["x_range"]
    alt = _("Plot of ReLU g and the Heaviside step H over x from {lo} to {hi}, and of H with the "
            "sigmoids sigma(kx) for k = {ks}").format(lo=q.n(lo), hi=q.n(hi), ks=_ks(q))
    # Translators: the word in the formula "... → 0 as k → ∞".
    as_ = _("as")
    return [
        para(sentence(_("For {positive}, {one}, as {vanishes}. For {negative}, {zero}, as "
                        "{explodes}. For {at}, {half} for every {k}. So {limit} for every {x} as "
                        "{steep}; the value {h0} is exactly what makes it hold at {origin} too."),
                      positive=Math("x > 0"), one=Math(SIGMOID_LIMIT + " = 1"),
                      vanishes=Math(r"e^{-kx} \to 0"), negative=Math("x < 0"),
                      zero=Math(SIGMOID_LIMIT + " = 0"), explodes=Math(r"e^{-kx} \to \infty"),
                      at=Math("x = 0"),
                      half=Math(r"\sigma(k \cdot 0) = \frac{1}{1 + e^{0}} = \frac{1}{2} = H(0)"),
                      k=Math("k"), limit=Math(r"\sigma(kx) \to H(x)"), x=Math("x"),
                      steep=Math(r"k \to \infty"), h0=Math(r"H(0) = \tfrac{1}{2}"),
                      origin=Math("0"))),
        para(sentence(_("How fast: for {above} and for {below} ({positive}),"),
                      above=Math(r"x \geq \delta"), below=Math(r"x \leq -\delta"),
                      positive=Math(r"\delta > 0"))),
        align([(r"|\sigma(kx) - 1|", r"= 1 - \frac{1}{1 + e^{-kx}} = \frac{e^{-kx}}{1 + e^{-kx}}"
                r" = \frac{1}{1 + e^{kx}} \leq \frac{1}{1 + e^{k\delta}},"),
               (r"|\sigma(kx) - 0|", r"= \frac{1}{1 + e^{-kx}} = \frac{1}{1 + e^{k|x|}} \leq "
                r"\frac{1}{1 + e^{k\delta}},")]),
        para(sentence(_("with equality at {edges}; hence"), edges=Math(r"x = \pm\delta"))),
        equation(GAP + rf" = \frac{{1}}{{1 + e^{{k\delta}}}} \to 0 \text{{ {as_} }} k \to \infty."),
        para(sentence(_("Inside {band} the gap is not small: it tends to {half} as {x} for every "
                        "{k} (the convergence is not uniform). With {delta}:"),
                      band=Math(r"|x| < \delta"), half=Math(r"\tfrac{1}{2}"),
                      x=Math(r"x \to 0"), k=Math("k"),
                      delta=Math(rf"\delta = {q.n(q.params['delta'])}"))),
        table,
        *[Figure(name, caption, alt) for name in q.figures],
    ]


def _parts() -> dict:
    """Each part of the answer: its heading's words and its blocks."""
    return {"derivative": (_("The derivative of ReLU"), _derivative),
            "definitions": (_("ReLU through the step function"), _definitions),
            "sigmoid": (_("The sigmoid approaches the step"), _sigmoid)}


def answer(q) -> list:
    out, parts = [], _parts()
    for name, label in q.work.labels.items():
        title, part = parts[name]
        out += [heading(f"{label} {title}"), *part(q)]
    return out
