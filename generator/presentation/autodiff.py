"""autodiff: the evaluation trace in the three-part notation of Baydin et al. (2018), the
forward table (a tangent column per seed) and the reverse table (the forward sweep read down
beside the adjoint sweep read up), the partials used, the gradient.

A long function or point must break over lines: every place a line may break (after a comma,
after a + or − outside groups: ad_formula's pieces) is marked \\allowbreak in the math, where
TeX breaks it; the page's writer drops the marks."""

from __future__ import annotations

from ..doc import Column, Math, Table, cell, heading, items, join, para, row
from ..i18n import _, ngettext
from .words import listing, sentence

COMMA = r",\allowbreak "
DOWN, UP = Math(r"\Downarrow"), Math(r"\Uparrow")


def _arguments(q) -> str:
    return COMMA.join(x.latex for x in q.work.inputs)


def _definition(q) -> Math:
    function = r" \allowbreak ".join(q.work.function)
    return Math(f"{q.work.out}({_arguments(q)}) = {function}")


def _point(q) -> Math:
    values = COMMA.join(q.n(x.value) for x in q.work.inputs)
    return Math(f"({_arguments(q)}) = ({values})")


def _seed(q, s) -> str:
    """The seed's nonzero input tangents: \\dot x = 1, \\dot z = -1."""
    return ", ".join(rf"\dot {q.work.inputs[i].latex} = {q.n(s.tangents[i])}" for i in s.nonzero)


def _computes(q, s) -> Math | tuple:
    if s.partial_of:
        return Math(rf"\partial {q.work.out} / \partial {s.partial_of}")
    return sentence(_("the derivative along {seed}"), seed=Math(_seed(q, s)))


def _forward_part(q) -> tuple:
    seeds = q.work.forward.seeds
    f, point = _definition(q), _point(q)
    if len(seeds) > 1:
        each = join([sentence(_("seed {j}, {seed}, to compute {computes}"), j=str(j),
                              seed=Math(_seed(q, s)), computes=_computes(q, s))
                     for j, s in enumerate(seeds, 1)], "; ")
        return sentence(_("Forward AD, with {f} at {point}, once for each seed, one tangent "
                          "column each: {seeds}."), f=f, point=point, seeds=each)
    s = seeds[0]
    if s.partial_of:
        return sentence(_("Forward AD, with {f} at {point}, setting {seed} to compute "
                          "{computes}."), f=f, point=point, seed=Math(_seed(q, s)),
                        computes=_computes(q, s))
    return sentence(_("Forward AD, with {f} at {point}, setting {seed}."), f=f, point=point,
                    seed=Math(_seed(q, s)))


def _reverse_part(q) -> tuple:
    w = q.work
    partials = [Math(rf"\partial {w.out} / \partial {x.latex}") for x in w.inputs]
    return sentence(_("Reverse AD, with {f} at {point}. Setting {seed}, {partials} can be "
                      "computed together."), f=_definition(q), point=_point(q),
                    seed=Math(rf"\bar {w.out} = 1"), partials=listing(partials))


def statement(q) -> list:
    w = q.work
    # Translators: the traces asked, in "the derivative (tangent and adjoint) trace".
    traces = listing([name for name, asked in ((_("tangent"), w.forward),
                                               (_("adjoint"), w.reverse)) if asked])
    parts = [(w.forward.label, _forward_part(q))] if w.forward else []
    parts += [(w.reverse.label, _reverse_part(q))] if w.reverse else []
    message = ngettext("Represent the evaluation trace and the derivative ({traces}) trace of "
                       "the following in the three-part notation of Baydin et al.\u00a0(2018); "
                       "in the last columns, evaluate every value to {n} decimal place.",
                       "Represent the evaluation trace and the derivative ({traces}) trace of "
                       "the following in the three-part notation of Baydin et al.\u00a0(2018); "
                       "in the last columns, evaluate every value to {n} decimal places.",
                       q.decimals)
    return [para(sentence(message, traces=traces, n=str(q.decimals))),
            items([p for _label, p in parts], [label for label, _p in parts])]


def _bold(q, x) -> Math:
    return Math(rf"= \mathbf{{{q.n(x)}}}")


def _forward_table(q) -> Table:
    """Inputs, then one row per operation: v_k, its operation, the numbers put in, its value;
    \\dot v_k, its rule, and the rule's numbers (one seed) or a tangent per seed."""
    w = q.work
    seeds = w.forward.seeds
    many = len(seeds) > 1
    empty = cell()
    if many:
        tangent_head = [cell(_("Forward derivative trace"), span=2)] + [
            _("seed {j}").format(j=j) for j in range(1, len(seeds) + 1)]
    else:
        tangent_head = [cell(_("Forward derivative trace"), span=4)]
    head = row(empty, cell(_("Forward evaluation trace"), span=4), empty, *tangent_head)

    def tangents(values) -> list:
        shown = [Math(f"= {q.n(t)}") for t in values]
        return shown if many else [empty, *shown]

    body = [row(empty, Math(f"v_{{{x.k}}}"), Math(f"= {x.latex}"), empty,
                Math(f"= {q.n(x.value)}"), empty, Math(rf"\dot v_{{{x.k}}}"),
                Math(rf"= \dot {x.latex}"), *tangents([s.tangents[i] for s in seeds]))
            for i, x in enumerate(w.inputs)]
    for j, r in enumerate(w.rows):
        arrow = DOWN if r.arrow else empty
        numbers = ([Math(f"= {q.n(t)}") for t in r.tangents] if many else
                   [Math(f"= {q.terms(r.rule_numbers)}"), Math(f"= {q.n(r.tangents[0])}")])
        body.append(row(arrow, Math(f"v_{{{r.k}}}"), Math(f"= {r.expr}"),
                        Math(f"= {q.terms(r.primal)}"), Math(f"= {q.n(r.value)}"), arrow,
                        Math(rf"\dot v_{{{r.k}}}"), Math(f"= {r.rule}"), *numbers, rule=j == 0))
    derivatives = [_bold(q, s.derivative) for s in seeds]
    body.append(row(empty, Math(w.out), Math(f"= v_{{{w.y}}}"), empty, _bold(q, w.value), empty,
                    Math(rf"\dot {w.out}"), Math(rf"= \dot v_{{{w.y}}}"),
                    *(derivatives if many else [empty, derivatives[0]]), rule=True))
    extra = len(seeds) if many else 2
    return Table(_columns(4, 2 + extra), (head,), tuple(body), size="footnote", long=True,
                 wide=True, role="trace")


def _columns(left: int, right: int) -> tuple:
    """An arrow, `left` columns of the forward sweep; a wider gap, an arrow, `right` columns:
    the rows' names close to their arrows, the cells after them a space apart."""
    side = (Column("c"), Column("l", "thin"), *(Column("l", "space") for _gap in range(left - 1)))
    other = (Column("c", "quad"), Column("l", "thin"),
             *(Column("l", "space") for _gap in range(right - 1)))
    return side + other


def _reverse_table(q) -> Table:
    """The forward sweep (v_k, its operation, its value) beside the reverse sweep (v̄_j, the
    step, its numbers, its value), the inputs' adjoints above, y and ȳ = 1 below."""
    w = q.work
    empty = cell()
    head = row(empty, cell(_("Forward evaluation trace"), span=3), empty,
               cell(_("Reverse adjoint trace"), span=4))
    body = [row(empty, Math(f"v_{{{x.k}}}"), Math(f"= {x.latex}"), Math(f"= {q.n(x.value)}"),
                empty, Math(rf"\bar {x.latex}"), Math(rf"= \bar v_{{{x.k}}}"), empty,
                _bold(q, gradient))
            for x, gradient in zip(w.inputs, w.reverse.gradient)]
    for j, line in enumerate(w.reverse.lines):
        left = ([Math(f"v_{{{line.row.k}}}"), Math(f"= {line.row.expr}"),
                 Math(f"= {q.n(line.row.value)}")] if line.row else [empty] * 3)
        right = _step(q, line.step) if line.step else [empty] * 4
        body.append(row(DOWN if line.arrow else empty, *left, UP if line.arrow else empty,
                        *right, rule=j == 0))
    body.append(row(empty, Math(w.out), Math(f"= v_{{{w.y}}}"), Math(f"= {q.n(w.value)}"), empty,
                    Math(rf"\bar v_{{{w.y}}}"), Math(rf"= \bar {w.out}"), empty, Math("= 1"),
                    rule=True))
    return Table(_columns(3, 4), (head,), tuple(body), size="footnote", long=True, wide=True,
                 role="trace", stretch=1.3)  # room for the fractions


def _step(q, s) -> list:
    """v̄_j = [v̄_j +] v̄_i ∂v_i/∂v_j = [previous +] adjoint · partial = value."""
    term = (rf"\bar v_{{{s.source}}} \, \frac{{\partial v_{{{s.source}}}}}"
            rf"{{\partial v_{{{s.target}}}}}")
    numbers = f"{q.np(s.source_adjoint)} \\cdot {q.np(s.partial)}"
    if s.previous is not None:
        term, numbers = rf"\bar v_{{{s.target}}} + {term}", f"{q.n(s.previous)} + {numbers}"
    return [Math(rf"\bar v_{{{s.target}}}"), Math(f"= {term}"), Math(f"= {numbers}"),
            Math(f"= {q.n(s.value)}")]


def _forward_answer(q) -> list:
    w = q.work
    seeds = w.forward.seeds
    many = len(seeds) > 1
    derivatives = [Math(rf"\dot {w.out} = " + (f"{q.terms(s.along)} = " if s.along else "")
                        + rf"\mathbf{{{q.n(s.derivative)}}}") for s in seeds]
    if many:
        given = join([sentence(_("seed {j}: {seed}"), j=str(j), seed=Math(_seed(q, s)))
                      for j, s in enumerate(seeds, 1)], "; ")
        results = join([sentence(_("along seed {j} {derivative}"), j=str(j), derivative=d)
                        for j, d in enumerate(derivatives, 1)], "; ")
        carries = _("With {seeds} (other input tangents {zero}). Each row carries its value {v} "
                    "and its tangent {tangent}, one column per seed, read downwards ({down}).")
    else:
        given = Math(_seed(q, seeds[0]))
        results = sentence(_("the derivative along the seed is {derivative}"),
                           derivative=derivatives[0])
        carries = _("Seed {seeds} (other input tangents {zero}). Each row carries its value {v} "
                    "and its tangent {tangent}, read downwards ({down}).")
    tangent = Math(r"\dot v_i = \sum_j \frac{\partial v_i}{\partial v_j} \dot v_j")
    return [heading(w.forward.label, " " if w.forward.label else "", _("Forward mode")),
            para(sentence(carries, seeds=given, zero=Math("0"), v=Math("v_i"), tangent=tangent,
                          down=DOWN)),
            _forward_table(q),
            para(sentence(_("So {value} and {results}."), value=Math(f"{w.out} = {q.n(w.value)}"),
                          results=results))]


def _reverse_answer(q) -> list:
    w = q.work
    out = [heading(w.reverse.label, " " if w.reverse.label else "", _("Reverse mode")),
           para(sentence(_("The forward sweep (left, {down}) stores every primal value; the "
                           "reverse sweep (right, {up}) starts at the bottom from {start} and "
                           "hands each adjoint back to the operands of its row, {step}. An "
                           "operand used by several rows collects its adjoint in steps, "
                           "{collect}."),
                         down=DOWN, up=UP, start=Math(rf"\bar v_{{{w.y}}} = \bar {w.out} = 1"),
                         step=Math(r"\bar v_j = \bar v_i \, \partial v_i / \partial v_j"),
                         collect=Math(r"\bar v_j = \bar v_j + \bar v_i \, \partial v_i / "
                                      r"\partial v_j"))),
           _reverse_table(q)]
    if w.reverse.partials:
        partials = join([Math(rf"\frac{{\partial v_{{{p.source}}}}}"
                              rf"{{\partial v_{{{p.target}}}}} = {p.latex}")
                         for p in w.reverse.partials], "; ")
        out.append(para(sentence(_("The partial derivatives used, each from its row of the "
                                   "evaluation trace: {partials}."), partials=partials)))
    gradient = [Math(rf"\partial {w.out} / \partial {x.latex} = \bar {x.latex} = "
                     rf"\mathbf{{{q.n(g)}}}") for x, g in zip(w.inputs, w.reverse.gradient)]
    out.append(para(sentence(_("Gradient: {gradient}."), gradient=join(gradient))))
    return out


def answer(q) -> list:
    w = q.work
    message = ngettext("The trace evaluates {f} one elementary operation at a time: the inputs "
                       "{inputs}, then {rows} in evaluation order (innermost first, left operand "
                       "first); a subexpression used twice is one row. Values are rounded to {n} "
                       "decimal for display only.",
                       "The trace evaluates {f} one elementary operation at a time: the inputs "
                       "{inputs}, then {rows} in evaluation order (innermost first, left operand "
                       "first); a subexpression used twice is one row. Values are rounded to {n} "
                       "decimals for display only.", q.decimals)
    out = [para(sentence(message, f=_definition(q),
                         inputs=Math(rf"v_{{{w.inputs[0].k}}}, \dots, v_0"),
                         rows=Math(rf"v_1, \dots, v_{{{w.m}}}"), n=str(q.decimals)))]
    if w.forward:
        out += _forward_answer(q)
    if w.reverse:
        out += _reverse_answer(q)
    return out
