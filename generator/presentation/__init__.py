"""One presentation per question kind: what its statement and its worked answer say, written
once as a format-neutral document (generator/doc.py) and turned into LaTeX and HTML by the
two writers (generator/writers/). A presentation formats and arranges; it never computes: every
number and every decision it shows comes from the kind's solve().

A presentation module is named after its kind and defines
  statement(q) -> list of blocks     the question as the handout asks it
  answer(q) -> list of blocks        the worked answer of the key
where q is the question's render.QuestionView (its params, its typed work, its answers, and
the number formatters q.n, q.np, q.vec, ...).

Their words come from the message catalogue (generator/i18n.py) in the spec's language: each
sentence is one message with named placeholders for its math, `sentence(_("Input {x} ({n})."),
x=Math(...), n=Math(...))` (words.py), so that a translation may put the math where its
language does; a count's plural comes from ngettext. Math is never translated, apart from the
few words a formula writes in \\text{} ("if", "so"), each a message of its own.
"""
