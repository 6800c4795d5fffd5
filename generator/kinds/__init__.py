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

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from importlib import import_module
from types import ModuleType


@dataclass(frozen=True)
class Entry:
    """A registered kind: its module's name, and whether its solve() returns figures (whose
    draw functions must pickle, module functions or partials of them: the build sends them
    to its figure workers, and a figure's cache key is made from its pickle)."""

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
_NAMES = tuple(e.name for e in _REGISTRY)


class _Kinds(Mapping):
    """The kind modules by name, each imported on its first look-up: a spec loads only the
    kinds it uses (a kind's module, with its typed results, costs 5 to 30 ms of start-up)."""

    def __getitem__(self, name: str) -> ModuleType:
        if name not in _NAMES:
            raise KeyError(name)
        return import_module(f"{__name__}.{name}")

    def __contains__(self, name: object) -> bool:
        return name in _NAMES

    def __iter__(self) -> Iterator[str]:
        return iter(_NAMES)

    def __len__(self) -> int:
        return len(_NAMES)


KINDS = _Kinds()
PLOTTING = frozenset(e.name for e in _REGISTRY if e.plots)


def unknown_kind(name: object) -> str:
    """Why `name` is no kind: "unknown kind 'softmx'; did you mean 'softmax'?; the kinds are
    ..." (one wording for the spec's problems and the commands' usage errors)."""
    from ..schema import did_you_mean, show

    hint = did_you_mean(name, KINDS) if isinstance(name, str) else ""
    return f"unknown kind {show(name)}{hint}; the kinds are {', '.join(sorted(KINDS))}"
