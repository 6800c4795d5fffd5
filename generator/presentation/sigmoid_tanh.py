"""sigmoid_tanh: σ through tanh, the mapping Θ → Θ', then Θ' with the numbers and a check."""

from __future__ import annotations

from ..doc import Code, Figure, Math, align, equation, heading, inlines, para, strong
from ..i18n import _
from .words import sentence

NETWORK = (r"y(x, \Theta, \sigma)_k = \sum_{j=1}^{M} \omega_{kj}^{(2)} \, \sigma\left( "
           r"\sum_{i=1}^{D} \omega_{ji}^{(1)} x_i + \omega_{j0}^{(1)} \right) + \omega_{k0}^{(2)}")
NAMES = (Math(r"W^{(1)} = (\omega^{(1)}_{ji})"), Math(r"b^{(1)} = (\omega^{(1)}_{j0})"),
         Math(r"W^{(2)} = (\omega^{(2)}_{kj})"), Math(r"b^{(2)} = (\omega^{(2)}_{k0})"))


def _identity() -> tuple:
    """σ through tanh, step by step (the words of its one aside in the active language)."""
    # Translators: in a formula, "σ(a)   (dividing by e^(a/2))".
    dividing = _("dividing by")
    return (
        (r"\tanh(a)", r"= \frac{e^{a} - e^{-a}}{e^{a} + e^{-a}}"),
        (r"\tanh\left(\frac{a}{2}\right)", r"= \frac{e^{a/2} - e^{-a/2}}{e^{a/2} + e^{-a/2}}"),
        (r"\tanh\left(\frac{a}{2}\right) + 1",
         r"= \frac{e^{a/2} - e^{-a/2} + e^{a/2} + e^{-a/2}}{e^{a/2} + e^{-a/2}} "
         r"= \frac{2 e^{a/2}}{e^{a/2} + e^{-a/2}}"),
        (r"\frac{1}{2}\left(\tanh\left(\frac{a}{2}\right) + 1\right)",
         r"= \frac{e^{a/2}}{e^{a/2} + e^{-a/2}} = \frac{1}{1 + e^{-a}} = \sigma(a) "
         rf"\qquad \text{{({dividing} }} e^{{a/2}}\text{{)}}"),
        (r"\therefore\ \sigma(a)",
         r"= \frac{1}{2}\left(1 + \tanh\left(\frac{a}{2}\right)\right)"),
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
    checks = sentence(_("check the equivalence on {n} random inputs."),
                      n=str(q.params["checks"]))
    show = sentence(
        _("for {k}, with parameters {theta} and the logistic sigmoid activation function "
          "{sigma}. Show that there exists an equivalent network of the same form, with "
          "parameters {theta_prime} and the {tanh} activation function, such that {same} for "
          "all {x}, and express {prime} as a function of {plain}."),
        k=Math(r"1 \leq k \leq K"), theta=Math(r"\Theta = (\omega^{(1)}, \omega^{(2)})"),
        sigma=Math(r"\sigma"),
        theta_prime=Math(r"\Theta' = (\tilde{\omega}^{(1)}, \tilde{\omega}^{(2)})"),
        tanh=Math(r"\tanh"), same=Math(r"y(x, \Theta', \tanh) = y(x, \Theta, \sigma)"),
        x=Math(r"x \in \mathbb{R}^{D}"), prime=Math(r"\Theta'"), plain=Math(r"\Theta"))
    if w.drawn:
        # Translators: {checks} is "check the equivalence on 1000 random inputs."
        compute = sentence(
            _("Then compute {prime} for the network with {sizes} whose weights and biases are "
              "drawn from a standard normal distribution by numpy's {rng} (in the order {W1}, "
              "{b1}, {W2}, {b2}, where {W1_is}, {b1_is}, {W2_is}, {b2_is}), and {checks}"),
            prime=Math(r"\Theta'"), sizes=_sizes(w), rng=Code(f"default_rng({seed})"),
            W1=Math("W^{(1)}"), b1=Math("b^{(1)}"), W2=Math("W^{(2)}"), b2=Math("b^{(2)}"),
            W1_is=NAMES[0], b1_is=NAMES[1], W2_is=NAMES[2], b2_is=NAMES[3], checks=checks)
    else:
        compute = sentence(_("Then compute {prime} for the network with {sizes} whose weights "
                             "{W1_is}, {W2_is} and biases {b1_is}, {b2_is} are"),
                           prime=Math(r"\Theta'"), sizes=_sizes(w), W1_is=NAMES[0],
                           b1_is=NAMES[1], W2_is=NAMES[2], b2_is=NAMES[3])
    ask = [para(show, " ", compute)]
    if not w.drawn:
        ask += [_network(q, w.theta, tilde=False),
                para(sentence(_("and {checks}"), checks=checks))]
    return [para(sentence(_("Consider a 2-layer neural network {y} of the form"),
                          y=Math(r"y : \mathbb{R}^{D} \to \mathbb{R}^{K}"))),
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
    caption = inlines(sentence(
        _("{sigma} (wide grey) and {half_tanh} (dashed) coincide; {tanh} (dotted) for "
          "comparison."), sigma=Math(r"\sigma(a)"),
        half_tanh=Math(r"\frac{1}{2}(1 + \tanh(a/2))"), tanh=Math(r"\tanh(a)")))
    alt = _("The curves sigma(a) and (1 + tanh(a/2))/2 lie on top of each other for a from -6 "
            "to 6; tanh(a) runs from -1 to 1")
    theta, rng = Math(r"\Theta"), Code(f"default_rng({q.params['seed']})")
    check = (_("On {n} inputs {x} drawn from a standard normal distribution (by the same "
               "generator, after {theta}), {gap}: the two networks agree up to rounding. For "
               "instance, for the first input:") if w.drawn else
             _("On {n} inputs {x} drawn from a standard normal distribution (by the same "
               "generator), {gap}: the two networks agree up to rounding. For instance, for the "
               "first input:"))
    return [
        para(sentence(_("We can express the sigmoid through {tanh}:"), tanh=Math(r"\tanh"))),
        align(_identity()),
        *(Figure(name, caption, alt, width=0.77) for name in q.figures),
        para(sentence(_("Replacing {sigma} by this expression in the network, with {a}:"),
                      sigma=Math(r"\sigma"),
                      a=Math(r"a_j = \sum_{i=1}^{D} \omega_{ji}^{(1)} x_i + \omega_{j0}^{(1)}"))),
        align(SUBSTITUTION),
        para(sentence(_("for every {x}, with the equivalent network {prime} given by"),
                      x=Math(r"x \in \mathbb{R}^{D}"), prime=Math(r"\Theta'"))),
        align(MAPPING),
        heading(_("With the numbers")),
        para(sentence(_("{sizes}; {theta} drawn by {rng}. {theta} is") if w.drawn else
                      _("{sizes}. {theta} is"), sizes=_sizes(w), theta=theta, rng=rng)),
        _network(q, w.theta, tilde=False),
        para(sentence(_("Halving {W1}, {b1} and {W2}, and shifting each output bias by half the "
                        "row sum {sum} of {W2}:"), W1=Math("W^{(1)}"), b1=Math("b^{(1)}"),
                      W2=Math("W^{(2)}"), sum=Math(r"\sum_j \omega_{kj}^{(2)}"))),
        align(_bias_steps(q)),
        para(sentence(_("so {prime} is"), prime=Math(r"\Theta'"))),
        _network(q, w.theta_prime, tilde=True),
        para(strong(_("Check.")), " ", sentence(
            check, n=str(a["checks"]), x=Math("x"), theta=theta,
            gap=Math(r"\max_{x, k} |y(x, \Theta, \sigma)_k - y(x, \Theta', \tanh)_k| = "
                     f"{q.n(a['max_abs_error'])}"))),
        align([("x", rf"= {q.vec(example['x'])}^\top"),
               (r"y(x, \Theta, \sigma)", rf"= {q.vec(example['y_sigma'])}^\top"),
               (r"y(x, \Theta', \tanh)", rf"= {q.vec(example['y_tanh'])}^\top")]),
    ]
