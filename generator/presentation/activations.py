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

DERIVATIVE = r"\frac{d}{dx}f(x) = \lim_{\epsilon \to 0} \frac{f(x + \epsilon) - f(x)}{\epsilon}"
HEAVISIDE = (r"H(x) = \begin{cases} 1 & \text{if } x > 0 \\ \tfrac{1}{2} & \text{if } x = 0 \\ "
             r"0 & \text{if } x < 0 \end{cases}")
SIGMOID_LIMIT = r"\displaystyle\lim_{k \to \infty} \frac{1}{1 + e^{-kx}}"
GAP = r"\max_{|x| \geq \delta} |\sigma(kx) - H(x)|"


def _ks(q) -> str:
    """The steepnesses as given, "1, 5, 50"."""
    return ", ".join(q.n(k) for k in q.params["sigmoid_k"])


def statement(q) -> list:
    asked = q.work.labels
    lo, hi = q.params["x_range"]
    parts = {
        "derivative": ["Show that the derivative of the rectified linear unit ",
                       Math(r"g(x) = \max\{0, x\}"), ", ", strong("wherever it exists"),
                       ", is equal to the Heaviside step function."],
        "definitions": ["Give two alternative definitions of ", Math("g(x)"), " using ",
                        Math("H(x)"), "."],
        "sigmoid": ["Show that ", Math("H(x)"), " can be well approximated by the sigmoid "
                    "function ", Math(r"\sigma(kx) = \frac{1}{1 + e^{-kx}}"),
                    " asymptotically (i.e.\u00a0for large ", Math("k"), "), where ", Math("k"),
                    " is a parameter. For ", Math(rf"k \in \{{{_ks(q)}\}}"), ", give the largest "
                    "value of ", Math(r"|\sigma(kx) - H(x)|"), " over ",
                    Math(rf"|x| \geq \delta = {q.n(q.params['delta'])}"), " and the value of ",
                    Math(r"\sigma(kx)"), " at ", Math("x = 0"), ", and plot ", Math("g"), ", ",
                    Math("H"), " and ", Math(r"\sigma(kx)"), " for ",
                    Math(rf"x \in [{q.n(lo)}, {q.n(hi)}]"), "."],
    }
    with_derivative = "derivative" in asked
    return [para("Using ", "the following definition of the derivative and "
                 if with_derivative else "", "the definition of the Heaviside step function:"),
            equation((DERIVATIVE + r" \qquad " if with_derivative else "") + HEAVISIDE),
            items([parts[name] for name in asked], list(asked.values()))]


def _derivative(q) -> list:
    w = q.work
    quotients = {side: join([Math(q.n(getattr(r, side))) for r in w.quotients])
                 for side in ("right", "left")}
    return [
        para("By the definition of the derivative,"),
        equation(r"\frac{d}{dx}g(x) = \lim_{\epsilon \to 0} \frac{g(x + \epsilon) - g(x)}"
                 r"{\epsilon} = \lim_{\epsilon \to 0} \frac{\max\{0, x + \epsilon\} - "
                 r"\max\{0, x\}}{\epsilon}."),
        para("For ", Math("x > 0"), ", every ", Math(r"|\epsilon| < x"), " keeps ",
             Math(r"x + \epsilon > 0"), ":"),
        equation(r"\frac{d}{dx}g(x) = \lim_{\epsilon \to 0} \frac{(x + \epsilon) - x}{\epsilon}"
                 r" = 1 = H(x)."),
        para("For ", Math("x < 0"), ", every ", Math(r"|\epsilon| < -x"), " keeps ",
             Math(r"x + \epsilon < 0"), ":"),
        equation(r"\frac{d}{dx}g(x) = \lim_{\epsilon \to 0} \frac{0 - 0}{\epsilon} = 0 = H(x)."),
        para("For ", Math("x = 0"), ", the two one-sided limits differ:"),
        equation(r"\lim_{\epsilon \to 0^-} \frac{\max\{0, \epsilon\} - 0}{\epsilon} = "
                 r"\lim_{\epsilon \to 0^-} \frac{0}{\epsilon} = 0, \qquad "
                 r"\lim_{\epsilon \to 0^+} \frac{\max\{0, \epsilon\} - 0}{\epsilon} = "
                 r"\lim_{\epsilon \to 0^+} \frac{\epsilon}{\epsilon} = 1."),
        para(join([Math(rf"\epsilon = \pm{q.n(r.eps)}") for r in w.quotients]),
             " give the quotients ", quotients["right"], " from the right and ",
             quotients["left"], " from the left. Since the left and right limits are not "
             "equal, ", Math("g"), " has no derivative at ", Math("0"), " (and neither limit is ",
             Math(r"H(0) = \tfrac{1}{2}"), "). Wherever it exists, the derivative is the "
             "Heaviside step:"),
        equation(r"g'(x) = \begin{cases} 1 & \text{if } x > 0 \\ \text{undefined} & \text{if } "
                 r"x = 0 \\ 0 & \text{if } x < 0 \end{cases} \qquad\text{so}\qquad "
                 r"g'(x) = H(x) \text{ for all } x \neq 0."),
    ]


def _definitions(q) -> list:
    w = q.work
    label = {d.key: d.label for d in w.definitions}
    table = Table(columns("rrr" + "r" * len(w.definitions)),
                  (row(Math("x"), Math("H(x)"), Math(r"\max\{0, x\}"),
                       *[d.label for d in w.definitions]),),
                  tuple(row(*[Math(q.n(v)) for v in (s.x, s.heaviside, s.relu, *s.values)])
                        for s in w.samples))
    errors = join([[Math(q.n(d.max_abs_error)), f" for {d.label}"] for d in w.definitions])
    return [
        para("Alternative definitions of ", Math("g"), " through ", Math("H"),
             " (any two answer the question):"),
        items([[Math(f"g(x) = {d.formula}"), "; at ", Math("x = 0"), ": ", Math(d.at_zero), "."]
               for d in w.definitions], [d.label for d in w.definitions]),
        para("For ", Math(r"x \neq 0"), " each one is ", Math("x"), " when ", Math("x > 0"),
             " and ", Math("0"), " when ", Math("x < 0"), f" ({label['integral']}: ",
             Math(r"\int_0^x 1\,dt = x"), f"; {label['sgn']}: ", Math("2H(x) - 1"),
             " is the sign of ", Math("x"), "). At ", Math("x = 0"), " all of them hold, and "
             "none depends on the value ", Math(r"H(0) = \tfrac{1}{2}"), ": it is multiplied by ",
             Math("x = 0"), ", or integrated over a single point. Some values:"),
        table,
        para(f"Checked numerically on a grid of {w.grid_points} points over ",
             Math(f"[{q.n(w.grid_lo)}, {q.n(w.grid_hi)}]"), " that includes ", Math("x = 0"),
             " (the integral by the midpoint rule): the largest difference from ",
             Math(r"\max\{0, x\}"), " is ", errors, "."),
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
    caption = inlines("ReLU ", Math("g"), " and its derivative ", Math("H"), " (left); ",
                      Math("H"), " and ", Math(r"\sigma(kx)"), " for ",
                      Math(rf"k \in \{{{_ks(q)}\}}"), ", the band ", Math(r"|x| < \delta"),
                      " shaded (right).")
    lo, hi = q.params["x_range"]
    alt = (f"Plot of ReLU g and the Heaviside step H over x from {q.n(lo)} to {q.n(hi)}, and "
           f"of H with the sigmoids sigma(kx) for k = {_ks(q)}")
    return [
        para("For ", Math("x > 0"), ", ", Math(SIGMOID_LIMIT + " = 1"), ", as ",
             Math(r"e^{-kx} \to 0"), ". For ", Math("x < 0"), ", ", Math(SIGMOID_LIMIT + " = 0"),
             ", as ", Math(r"e^{-kx} \to \infty"), ". For ", Math("x = 0"), ", ",
             Math(r"\sigma(k \cdot 0) = \frac{1}{1 + e^{0}} = \frac{1}{2} = H(0)"),
             " for every ", Math("k"), ". So ", Math(r"\sigma(kx) \to H(x)"), " for every ",
             Math("x"), " as ", Math(r"k \to \infty"), "; the value ",
             Math(r"H(0) = \tfrac{1}{2}"), " is exactly what makes it hold at ", Math("0"),
             " too."),
        para("How fast: for ", Math(r"x \geq \delta"), " and for ", Math(r"x \leq -\delta"),
             " (", Math(r"\delta > 0"), "),"),
        align([(r"|\sigma(kx) - 1|", r"= 1 - \frac{1}{1 + e^{-kx}} = \frac{e^{-kx}}{1 + e^{-kx}}"
                r" = \frac{1}{1 + e^{kx}} \leq \frac{1}{1 + e^{k\delta}},"),
               (r"|\sigma(kx) - 0|", r"= \frac{1}{1 + e^{-kx}} = \frac{1}{1 + e^{k|x|}} \leq "
                r"\frac{1}{1 + e^{k\delta}},")]),
        para("with equality at ", Math(r"x = \pm\delta"), "; hence"),
        equation(GAP + r" = \frac{1}{1 + e^{k\delta}} \to 0 \text{ as } k \to \infty."),
        para("Inside ", Math(r"|x| < \delta"), " the gap is not small: it tends to ",
             Math(r"\tfrac{1}{2}"), " as ", Math(r"x \to 0"), " for every ", Math("k"),
             " (the convergence is not uniform). With ",
             Math(rf"\delta = {q.n(q.params['delta'])}"), ":"),
        table,
        *[Figure(name, caption, alt) for name in q.figures],
    ]


PARTS = {  # each part of the answer: its heading's words and its blocks
    "derivative": ("The derivative of ReLU", _derivative),
    "definitions": ("ReLU through the step function", _definitions),
    "sigmoid": ("The sigmoid approaches the step", _sigmoid),
}


def answer(q) -> list:
    out = []
    for name, label in q.work.labels.items():
        title, part = PARTS[name]
        out += [heading(f"{label} {title}"), *part(q)]
    return out
