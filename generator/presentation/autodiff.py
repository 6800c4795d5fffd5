"""autodiff: the evaluation trace in the three-part notation of Baydin et al. (2018), the
forward table (a tangent column per seed) and the reverse table (the forward sweep read down
beside the adjoint sweep read up), the partials used, the gradient.

A long function or point must break over lines: every place a line may break (after a comma,
after a + or − outside groups: ad_formula's pieces) is marked \\allowbreak in the math, where
TeX breaks it; the page's writer drops the marks."""

from __future__ import annotations

from ..doc import Column, Math, Table, cell, heading, items, join, para, row

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


def _computes(q, s) -> list:
    if s.partial_of:
        return [Math(rf"\partial {q.work.out} / \partial {s.partial_of}")]
    return ["the derivative along ", Math(_seed(q, s))]


def _forward_part(q) -> list:
    seeds = q.work.forward.seeds
    out = ["Forward AD, with ", _definition(q), " at ", _point(q), ", "]
    if len(seeds) == 1:
        s = seeds[0]
        out += ["setting ", Math(_seed(q, s)), [" to compute ", _computes(q, s)]
                if s.partial_of else ""]
    else:
        out += ["once for each seed, one tangent column each: ", join(
            [[f"seed {j}, ", Math(_seed(q, s)), ", to compute ", _computes(q, s)]
             for j, s in enumerate(seeds, 1)], "; ")]
    return out + ["."]


def _reverse_part(q) -> list:
    w = q.work
    partials = [Math(rf"\partial {w.out} / \partial {x.latex}") for x in w.inputs]
    return ["Reverse AD, with ", _definition(q), " at ", _point(q), ". Setting ",
            Math(rf"\bar {w.out} = 1"), ", ", join(partials, ", ", " and "),
            " can be computed together."]


def statement(q) -> list:
    w = q.work
    traces = " and ".join(name for name, asked in (("tangent", w.forward), ("adjoint", w.reverse))
                          if asked)
    parts = [(w.forward.label, _forward_part(q))] if w.forward else []
    parts += [(w.reverse.label, _reverse_part(q))] if w.reverse else []
    return [para(f"Represent the evaluation trace and the derivative ({traces}) trace of the "
                 "following in the three-part notation of Baydin et al.\u00a0(2018); in the "
                 f"last columns, evaluate every value to {q.decimals} decimal places."),
            items([p for _, p in parts], [label for label, _ in parts])]


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
        tangent_head = [cell("Forward derivative trace", span=2)] + [
            f"seed {j}" for j in range(1, len(seeds) + 1)]
    else:
        tangent_head = [cell("Forward derivative trace", span=4)]
    head = row(empty, cell("Forward evaluation trace", span=4), empty, *tangent_head)

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
    side = (Column("c"), Column("l", "thin"), *(Column("l", "space") for _ in range(left - 1)))
    other = (Column("c", "quad"), Column("l", "thin"),
             *(Column("l", "space") for _ in range(right - 1)))
    return side + other


def _reverse_table(q) -> Table:
    """The forward sweep (v_k, its operation, its value) beside the reverse sweep (v̄_j, the
    step, its numbers, its value), the inputs' adjoints above, y and ȳ = 1 below."""
    w = q.work
    empty = cell()
    head = row(empty, cell("Forward evaluation trace", span=3), empty,
               cell("Reverse adjoint trace", span=4))
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
    given = (join([[f"seed {j}: ", Math(_seed(q, s))] for j, s in enumerate(seeds, 1)], "; ")
             if many else [Math(_seed(q, seeds[0]))])
    results = join([[f"along seed {j} " if many else "the derivative along the seed is ",
                     Math(rf"\dot {w.out} = " + (f"{q.terms(s.along)} = " if s.along else "")
                          + rf"\mathbf{{{q.n(s.derivative)}}}")]
                    for j, s in enumerate(seeds, 1)], "; ")
    return [heading(w.forward.label, " " if w.forward.label else "", "Forward mode"),
            para("With " if many else "Seed ", given, " (other input tangents ", Math("0"),
                 "). Each row carries its value ", Math("v_i"), " and its tangent ",
                 Math(r"\dot v_i = \sum_j \frac{\partial v_i}{\partial v_j} \dot v_j"),
                 ", one column per seed" if many else "", ", read downwards (", DOWN, ")."),
            _forward_table(q),
            para("So ", Math(f"{w.out} = {q.n(w.value)}"), " and ", results, ".")]


def _reverse_answer(q) -> list:
    w = q.work
    out = [heading(w.reverse.label, " " if w.reverse.label else "", "Reverse mode"),
           para("The forward sweep (left, ", DOWN, ") stores every primal value; the reverse "
                "sweep (right, ", UP, ") starts at the bottom from ",
                Math(rf"\bar v_{{{w.y}}} = \bar {w.out} = 1"), " and hands each adjoint back "
                "to the operands of its row, ", Math(r"\bar v_j = \bar v_i \, \partial v_i / "
                                                     r"\partial v_j"),
                ". An operand used by several rows collects its adjoint in steps, ",
                Math(r"\bar v_j = \bar v_j + \bar v_i \, \partial v_i / \partial v_j"), "."),
           _reverse_table(q)]
    if w.reverse.partials:
        out.append(para("The partial derivatives used, each from its row of the evaluation "
                        "trace: ", join([Math(rf"\frac{{\partial v_{{{p.source}}}}}"
                                              rf"{{\partial v_{{{p.target}}}}} = {p.latex}")
                                         for p in w.reverse.partials], "; "), "."))
    gradient = [Math(rf"\partial {w.out} / \partial {x.latex} = \bar {x.latex} = "
                     rf"\mathbf{{{q.n(g)}}}") for x, g in zip(w.inputs, w.reverse.gradient)]
    out.append(para("Gradient: ", join(gradient), "."))
    return out


def answer(q) -> list:
    w = q.work
    out = [para("The trace evaluates ", _definition(q), " one elementary operation at a time: "
                "the inputs ", Math(rf"v_{{{w.inputs[0].k}}}, \dots, v_0"), ", then ",
                Math(rf"v_1, \dots, v_{{{w.m}}}"), " in evaluation order (innermost first, left "
                "operand first); a subexpression used twice is one row. Values are rounded to "
                f"{q.decimals} decimals for display only.")]
    if w.forward:
        out += _forward_answer(q)
    if w.reverse:
        out += _reverse_answer(q)
    return out
