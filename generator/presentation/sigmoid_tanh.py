"""sigmoid_tanh: σ through tanh, the mapping Θ → Θ', then Θ' with the numbers and a check."""

from __future__ import annotations

from ..doc import Code, Figure, Math, align, equation, heading, inlines, para, strong

NETWORK = (r"y(x, \Theta, \sigma)_k = \sum_{j=1}^{M} \omega_{kj}^{(2)} \, \sigma\left( "
           r"\sum_{i=1}^{D} \omega_{ji}^{(1)} x_i + \omega_{j0}^{(1)} \right) + \omega_{k0}^{(2)}")
NAMES = (Math(r"W^{(1)} = (\omega^{(1)}_{ji})"), Math(r"b^{(1)} = (\omega^{(1)}_{j0})"),
         Math(r"W^{(2)} = (\omega^{(2)}_{kj})"), Math(r"b^{(2)} = (\omega^{(2)}_{k0})"))
IDENTITY = (
    (r"\tanh(a)", r"= \frac{e^{a} - e^{-a}}{e^{a} + e^{-a}}"),
    (r"\tanh\left(\frac{a}{2}\right)", r"= \frac{e^{a/2} - e^{-a/2}}{e^{a/2} + e^{-a/2}}"),
    (r"\tanh\left(\frac{a}{2}\right) + 1",
     r"= \frac{e^{a/2} - e^{-a/2} + e^{a/2} + e^{-a/2}}{e^{a/2} + e^{-a/2}} "
     r"= \frac{2 e^{a/2}}{e^{a/2} + e^{-a/2}}"),
    (r"\frac{1}{2}\left(\tanh\left(\frac{a}{2}\right) + 1\right)",
     r"= \frac{e^{a/2}}{e^{a/2} + e^{-a/2}} = \frac{1}{1 + e^{-a}} = \sigma(a) "
     r"\qquad \text{(dividing by } e^{a/2}\text{)}"),
    (r"\therefore\ \sigma(a)", r"= \frac{1}{2}\left(1 + \tanh\left(\frac{a}{2}\right)\right)"),
)
SUBSTITUTION = (
    (r"y(x, \Theta, \sigma)_k",
     r"= \sum_{j=1}^{M} \omega_{kj}^{(2)} \, \sigma(a_j) + \omega_{k0}^{(2)} "
     r"= \sum_{j=1}^{M} \frac{\omega_{kj}^{(2)}}{2} \left( \tanh\left(\frac{a_j}{2}\right) + 1 "
     r"\right) + \omega_{k0}^{(2)}"),
    ("", r"= \sum_{j=1}^{M} \frac{\omega_{kj}^{(2)}}{2} \tanh\left( \sum_{i=1}^{D} "
         r"\frac{\omega_{ji}^{(1)}}{2} x_i + \frac{\omega_{j0}^{(1)}}{2} \right) + \left( "
         r"\omega_{k0}^{(2)} + \sum_{j=1}^{M} \frac{\omega_{kj}^{(2)}}{2} \right)"),
    ("", r"= \sum_{j=1}^{M} \tilde{\omega}_{kj}^{(2)} \tanh\left( \sum_{i=1}^{D} "
         r"\tilde{\omega}_{ji}^{(1)} x_i + \tilde{\omega}_{j0}^{(1)} \right) + "
         r"\tilde{\omega}_{k0}^{(2)} = y(x, \Theta', \tanh)_k"),
)
MAPPING = (
    (r"\tilde{\omega}_{ji}^{(1)}", r"= \frac{\omega_{ji}^{(1)}}{2},",
     r"\tilde{\omega}_{j0}^{(1)}", r"= \frac{\omega_{j0}^{(1)}}{2},"),
    (r"\tilde{\omega}_{kj}^{(2)}", r"= \frac{\omega_{kj}^{(2)}}{2},",
     r"\tilde{\omega}_{k0}^{(2)}", r"= \omega_{k0}^{(2)} + \frac{1}{2} \sum_{j=1}^{M} "
                                    r"\omega_{kj}^{(2)}."),
)


def _network(q, t, tilde: bool):
    """Θ or Θ' as matrices, aligned at their equals signs: a layer's weights and bias on one
    line, or on two when the weights are wide."""
    w, b = (r"\tilde{W}", r"\tilde{b}") if tilde else ("W", "b")
    rows: list = []
    for layer, weights, bias, split, end in ((1, t.w1, t.b1, q.work.split_layer1, ","),
                                              (2, t.w2, t.b2, q.work.split_layer2, "")):
        w_name, b_name = f"{w}^{{({layer})}}", f"{b}^{{({layer})}}"
        w_value, b_value = f"= {q.mat(weights)},", f"= {q.mat(bias)}{end}"
        rows += ([(w_name, w_value), (b_name, b_value)] if split
                 else [(w_name, rf"{w_value} \qquad {b_name} {b_value}")])
    return align(rows)


def _sizes(w) -> list:
    return [Math(f"D = {w.D}"), ", ", Math(f"M = {w.M}"), ", ", Math(f"K = {w.K}")]


def statement(q) -> list:
    """The network, what to show, and Θ given or the seed it is drawn from."""
    w, seed = q.work, q.params["seed"]
    checks = f"check the equivalence on {q.params['checks']} random inputs."
    ask = [para("for ", Math(r"1 \leq k \leq K"), ", with parameters ",
                Math(r"\Theta = (\omega^{(1)}, \omega^{(2)})"), " and the logistic sigmoid "
                "activation function ", Math(r"\sigma"), ". Show that there exists an equivalent "
                "network of the same form, with parameters ",
                Math(r"\Theta' = (\tilde{\omega}^{(1)}, \tilde{\omega}^{(2)})"), " and the ",
                Math(r"\tanh"), " activation function, such that ",
                Math(r"y(x, \Theta', \tanh) = y(x, \Theta, \sigma)"), " for all ",
                Math(r"x \in \mathbb{R}^{D}"), ", and express ", Math(r"\Theta'"),
                " as a function of ", Math(r"\Theta"), ". Then compute ", Math(r"\Theta'"),
                " for the network with ", _sizes(w),
                [" whose weights and biases are drawn from a standard normal distribution by "
                 "numpy's ", Code(f"default_rng({seed})"), " (in the order ",
                 Math("W^{(1)}"), ", ", Math("b^{(1)}"), ", ", Math("W^{(2)}"), ", ",
                 Math("b^{(2)}"), ", where ", NAMES[0], ", ", NAMES[1], ", ", NAMES[2], ", ",
                 NAMES[3], "), and ", checks] if w.drawn else
                [" whose weights ", NAMES[0], ", ", NAMES[2], " and biases ", NAMES[1], ", ",
                 NAMES[3], " are"])]
    if not w.drawn:
        ask += [_network(q, w.theta, tilde=False), para("and ", checks)]
    return [para("Consider a 2-layer neural network ",
                 Math(r"y : \mathbb{R}^{D} \to \mathbb{R}^{K}"), " of the form"),
            equation(NETWORK), *ask]


def _bias_steps(q) -> list:
    """Each output bias of Θ' as b2_k + ½ (the row sum of W2), the sum's terms on a first
    line when there are few."""
    rows = []
    for s in q.work.bias_steps:
        name, b2 = rf"\tilde{{\omega}}_{{{s.k}0}}^{{(2)}}", q.n(s.b2)
        rest = (rf"= {b2} + \tfrac{{1}}{{2}} \cdot {q.np(s.row_sum)} = {b2} + "
                rf"{q.np(s.half_sum)} = {q.n(s.b2_prime)}")
        if q.work.terms_shown:
            terms = " + ".join(q.np(v) for v in s.w2)
            rows += [(name, rf"= {b2} + \tfrac{{1}}{{2}}\left({terms}\right)"), ("", rest)]
        else:
            rows.append((name, rest))
    return rows


def answer(q) -> list:
    """The identity, the mapping Θ → Θ', Θ' with the numbers, and the check on random inputs."""
    w, a = q.work, q.answers
    example = a["example"]
    caption = inlines(Math(r"\sigma(a)"), " (wide grey) and ",
                      Math(r"\frac{1}{2}(1 + \tanh(a/2))"), " (dashed) coincide; ",
                      Math(r"\tanh(a)"), " (dotted) for comparison.")
    alt = ("The curves sigma(a) and (1 + tanh(a/2))/2 lie on top of each other for a from -6 "
           "to 6; tanh(a) runs from -1 to 1")
    return [
        para("We can express the sigmoid through ", Math(r"\tanh"), ":"),
        align(IDENTITY),
        *(Figure(name, caption, alt, width=0.77) for name in q.figures),
        para("Replacing ", Math(r"\sigma"), " by this expression in the network, with ",
             Math(r"a_j = \sum_{i=1}^{D} \omega_{ji}^{(1)} x_i + \omega_{j0}^{(1)}"), ":"),
        align(SUBSTITUTION),
        para("for every ", Math(r"x \in \mathbb{R}^{D}"), ", with the equivalent network ",
             Math(r"\Theta'"), " given by"),
        align(MAPPING),
        heading("With the numbers"),
        para(_sizes(w), ["; ", Math(r"\Theta"), " drawn by ",
                         Code(f"default_rng({q.params['seed']})")] if w.drawn else "",
             ". ", Math(r"\Theta"), " is"),
        _network(q, w.theta, tilde=False),
        para("Halving ", Math("W^{(1)}"), ", ", Math("b^{(1)}"), " and ", Math("W^{(2)}"),
             ", and shifting each output bias by half the row sum ",
             Math(r"\sum_j \omega_{kj}^{(2)}"), " of ", Math("W^{(2)}"), ":"),
        align(_bias_steps(q)),
        para("so ", Math(r"\Theta'"), " is"),
        _network(q, w.theta_prime, tilde=True),
        para(strong("Check."), " On ", str(a["checks"]), " inputs ", Math("x"), " drawn from a "
             "standard normal distribution (by the same generator",
             [", after ", Math(r"\Theta")] if w.drawn else "", "), ",
             Math(r"\max_{x, k} |y(x, \Theta, \sigma)_k - y(x, \Theta', \tanh)_k| = "
                  f"{q.n(a['max_abs_error'])}"),
             ": the two networks agree up to rounding. For instance, for the first input:"),
        align([("x", rf"= {q.vec(example['x'])}^\top"),
               (r"y(x, \Theta, \sigma)", rf"= {q.vec(example['y_sigma'])}^\top"),
               (r"y(x, \Theta', \tanh)", rf"= {q.vec(example['y_tanh'])}^\top")]),
    ]
