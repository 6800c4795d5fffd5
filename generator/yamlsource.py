"""Safe YAML reading that keeps the line and column of every value."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import yaml

from .errors import Location, Problem

MAX_BYTES = 1_000_000  # a spec is hand-written; anything larger is refused before parsing
MAX_VALUES = 200_000  # bound on values after alias expansion (alias bombs)
MAX_DEPTH = 64

_TAG = "tag:yaml.org,2002:"
_SCALAR_TAGS = {_TAG + t for t in ("str", "int", "float", "bool", "null")}
_TIMESTAMP = _TAG + "timestamp"


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """The safe loader, also reading 1e-3 and 2E5 as numbers (YAML 1.2; PyYAML wants 1.0e-3)."""


_Loader.add_implicit_resolver(
    _TAG + "float",
    re.compile(r"^[-+]?(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9_]+)[eE][-+]?[0-9]+$"),
    list("-+0123456789."),
)

Path = tuple  # keys (str) and indices (int) from the document root


@dataclass
class Marks:
    """Line/column of every value and every mapping key, by path from the root."""

    source: str
    values: dict = field(default_factory=dict)
    keys: dict = field(default_factory=dict)
    overrides: dict = field(default_factory=dict)  # path -> the `--set` text that replaced it

    def locate(self, path: Path, name: str = "", at_key: bool = False) -> Location:
        """The location of `path` (its key when `at_key`), else of its nearest ancestor."""
        for n in range(len(path), 0, -1):
            if tuple(path[:n]) in self.overrides:
                return Location(self.overrides[tuple(path[:n])], None, None, name)
        table = self.keys if at_key else self.values
        p = tuple(path)
        while p not in table and p:
            p = p[:-1]
            table = self.values
        line, col = table.get(p, (None, None))
        return Location(self.source, line, col, name)


class _TooBig(Exception):
    pass


def load_yaml(text: str, source: str) -> tuple[object, Marks, list[Problem]]:
    """Parse YAML text into plain Python values with marks; never constructs Python objects."""
    marks = Marks(source)
    if len(text.encode("utf-8", "replace")) > MAX_BYTES:
        size = len(text.encode("utf-8", "replace")) / 1e6
        msg = f"the file is too large ({size:.1f} MB; a spec may be at most {MAX_BYTES // 1000} kB)"
        return None, marks, [Problem(Location(source, 1, 1), msg)]
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        return None, marks, [_yaml_problem(exc, source, text)]
    except yaml.YAMLError as exc:
        return None, marks, [Problem(Location(source), f"invalid YAML: {exc}")]
    if node is None:
        return None, marks, [Problem(Location(source, 1, 1), "the file is empty")]
    problems: list[Problem] = []
    converter = _Converter(marks, problems)
    try:
        data = converter.convert(node, ())
    except _TooBig as exc:
        return None, marks, [Problem(Location(source, 1, 1), str(exc))]
    return data, marks, problems


def _yaml_problem(exc: yaml.MarkedYAMLError, source: str, document: str) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    text = " ".join(s for s in (exc.context, exc.problem) if s)
    if mark is not None and document[mark.index : mark.index + 1] == "\t":
        text += " (a tab: YAML allows only spaces for indentation)"
    loc = Location(source, mark.line + 1, mark.column + 1) if mark else Location(source)
    return Problem(loc, f"invalid YAML: {text}")


class _Converter:
    """Node tree -> plain values (dict, list, str, int, float, bool, None), recording marks."""

    def __init__(self, marks: Marks, problems: list[Problem]):
        self.marks = marks
        self.problems = problems
        self.count = 0
        self.scalars = yaml.SafeLoader("")

    def _problem(self, node, message: str) -> None:
        m = node.start_mark
        where = Location(self.marks.source, m.line + 1, m.column + 1)
        self.problems.append(Problem(where, message))

    def convert(self, node, path: Path):
        self.count += 1
        if self.count > MAX_VALUES:
            raise _TooBig(f"the document has more than {MAX_VALUES} values "
                          "(after expanding aliases)")
        if len(path) > MAX_DEPTH:
            raise _TooBig(f"the document is nested more than {MAX_DEPTH} levels deep")
        m = node.start_mark
        self.marks.values[path] = (m.line + 1, m.column + 1)
        if isinstance(node, yaml.ScalarNode):
            return self._scalar(node)
        if isinstance(node, yaml.SequenceNode):
            if node.tag != _TAG + "seq":
                self._problem(node, f"YAML tag '{_short(node.tag)}' is not allowed")
                return None
            return [self.convert(child, path + (i,)) for i, child in enumerate(node.value)]
        if node.tag != _TAG + "map":
            self._problem(node, f"YAML tag '{_short(node.tag)}' is not allowed")
            return None
        return self._mapping(node, path)

    def _scalar(self, node):
        if node.tag == _TIMESTAMP:
            return node.value  # dates stay the text the author wrote
        if node.tag not in _SCALAR_TAGS:
            self._problem(node, f"YAML tag '{_short(node.tag)}' is not allowed")
            return None
        return self.scalars.construct_object(node)

    def _mapping(self, node, path: Path) -> dict:
        result: dict = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == _TAG + "merge":
                self._problem(key_node, "only plain keys are allowed (no merge or complex keys)")
                continue
            key = self._scalar(key_node)
            if not isinstance(key, str):
                key = str(key)
            km = key_node.start_mark
            if key in result:
                first = self.marks.keys[path + (key,)][0]
                self._problem(key_node, f"duplicate key '{key}' (first given on line {first})")
                continue
            self.marks.keys[path + (key,)] = (km.line + 1, km.column + 1)
            result[key] = self.convert(value_node, path + (key,))
        return result


def _short(tag: str) -> str:
    return "!!" + tag[len(_TAG):] if tag.startswith(_TAG) else tag
