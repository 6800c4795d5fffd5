"""Question kinds: one module each, with its presentation; adding a kind is one line in _REGISTRY.

A kind module (generator/kinds/NAME.py) defines:
  NAME, SUMMARY      its spec name and the one-line description `answerkey kinds` prints
  FIELDS             {key: schema.Field} of its own spec keys (common keys live in spec.py)
  check(params, loc, ctx)   cross-field rules, reported through ctx like any other problem
  shown_lines(params) -> int   about how many lines the key shows, for the spec's display
                               budget (spec.MAX_SHOWN_LINES)
  part_labels(params) -> [str]   the labels of the parts asked ('(a)', ...; [''] for none)
  solve(params) -> Solution          pure: the answers, the typed work shown, the figures wanted
  verify(params, solution) -> [Check]   a second, independent computation of every answer;
                                         raises VerificationError on any disagreement
and its presentation (generator/presentation/NAME.py) statement(q) and answer(q), which build
the key's document tree once for both formats (see generator/presentation/__init__.py).
tests/test_kind_contract.py checks that every registered kind has all of it.
"""

from dataclasses import dataclass
from importlib import import_module


@dataclass(frozen=True)
class Entry:
    """A registered kind: its module's name, and whether its solve() returns figures (whose
    draw functions must pickle: module functions or partials of them; the build starts its
    figure workers before solving and sends them the figures)."""

    name: str
    plots: bool = False


_REGISTRY = (  # one line per kind
    Entry("activations", plots=True),
    Entry("softmax", plots=True),
    Entry("sigmoid_tanh", plots=True),
    Entry("autodiff"),
    Entry("convolution"),
    Entry("cnn_shapes"),
    Entry("conv_design"),
    Entry("conv2d"),
    Entry("text"),
)
KINDS = {e.name: import_module(f"{__name__}.{e.name}") for e in _REGISTRY}
PLOTTING = frozenset(e.name for e in _REGISTRY if e.plots)
