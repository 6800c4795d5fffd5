"""Question kinds, one module each; adding a kind is one line in _MODULES.

A kind module defines:
  NAME, SUMMARY      its spec name and the one-line description `answerkey kinds` prints
  FIELDS             {key: schema.Field} of its own spec keys (common keys live in spec.py)
  check(params, loc, ctx)   cross-field rules, reported through ctx like any other problem
  shown_lines(params) -> int   about how many lines the key shows, for the spec's display
                               budget (spec.MAX_SHOWN_LINES)
  solve(params) -> Solution          pure: the answers, the work shown, the figures wanted
  verify(params, solution) -> [Check]   a second, independent computation of every answer;
                                         raises VerificationError on any disagreement
  PLOTS (optional)   True when solve() returns figures; their draw functions must pickle
                     (module functions or partials of them): figure workers start before
                     solving and receive them
and two templates named after it: generator/templates/latex/NAME.tex.j2 and .../html/NAME.html.j2,
each with the macros statement(q) and answer(q).
"""

from importlib import import_module

_MODULES = (  # one line per kind
    "activations",
    "softmax",
    "sigmoid_tanh",
    "autodiff",
    "convolution",
    "cnn_shapes",
    "conv_design",
    "conv2d",
    "text",
)
KINDS = {module.NAME: module for module in (import_module(f"{__name__}.{m}") for m in _MODULES)}
