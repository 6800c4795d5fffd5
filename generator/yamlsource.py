"""Safe YAML reading that keeps the line and column of every value."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

import yaml

from .errors import Location, Problem
from .safeio import MAX_SPEC_BYTES

MAX_BYTES = MAX_SPEC_BYTES
MAX_VALUES = 200_000  # bound on values after alias expansion (alias bombs)
MAX_DEPTH = 64

_TAG = "tag:yaml.org,2002:"
_SCALAR_TAGS = {_TAG + t for t in ("str", "int", "float", "bool", "null")}
_TIMESTAMP = _TAG + "timestamp"


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """The safe loader with YAML 1.2 core-schema scalars: `23:59` and `yes` are text, `0755` is
    755 (PyYAML follows YAML 1.1: sexagesimal 1439, octal 493, booleans yes/no/on/off)."""

    yaml_implicit_resolvers: dict = {}


# YAML 1.2.2, section 10.3.2 (the core schema), plus merge keys so that `<<` is refused.
_CORE = {
    "null": r"null|Null|NULL|~|",
    "bool": r"true|True|TRUE|false|False|FALSE",
    "int": r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+",
    "float": r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
             r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)",
    "merge": r"<<",
}
_PATTERNS = {name: re.compile(f"^(?:{pattern})$") for name, pattern in _CORE.items()}
for _name, _first in (("null", ["~", "n", "N", ""]), ("bool", list("tTfF")),
                      ("int", list("-+0123456789")), ("float", list("-+0123456789.")),
                      ("merge", ["<"])):
    _Loader.add_implicit_resolver(_TAG + _name, _PATTERNS[_name], _first)


def core_scalar(tag: str, text: str):
    """The value of a scalar of a core-schema tag; ValueError when the text is not one."""
    name = tag[len(_TAG):]
    if name == "str":
        return text
    if not _PATTERNS[name].match(text):
        raise ValueError(text)
    if name == "null":
        return None
    if name == "bool":
        return text.lower() == "true"
    if name == "int":
        base = {"0o": 8, "0x": 16}.get(text[:2], 10)
        return int(text[2:] if base != 10 else text, base)
    if text.lstrip("+-").lower() == ".inf":
        return -math.inf if text.startswith("-") else math.inf
    return math.nan if text.lower() == ".nan" else float(text)


Path = tuple  # keys (str) and indices (int) from the document root


@dataclass
class Marks:
    """Line/column of every value and every mapping key, by path from the root."""

    source: str
    values: dict = field(default_factory=dict)
    keys: dict = field(default_factory=dict)
    overrides: dict = field(default_factory=dict)  # path -> the `--set` text that replaced it
    texts: dict = field(default_factory=dict)  # path -> source text of a plain non-text scalar

    def text_of(self, path: Path) -> str | None:
        """What the author typed for a scalar YAML read as a number, boolean or null."""
        return self.texts.get(tuple(path))

    def graft(self, other: Marks, path: Path) -> None:
        """Take the scalar texts of a value parsed on its own (`--set`) that now sits at path."""
        prefix = tuple(path)
        for p in [p for p in self.texts if p[:len(prefix)] == prefix]:
            del self.texts[p]
        self.texts.update({prefix + p: text for p, text in other.texts.items()})

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
    except yaml.reader.ReaderError as exc:
        return None, marks, [_reader_problem(exc, source, text)]
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
    elif mark is not None and document[mark.index : mark.index + 1] == ":":
        text += _colon_hint(document, mark.index)
    loc = Location(source, mark.line + 1, mark.column + 1) if mark else Location(source)
    return Problem(loc, f"invalid YAML: {text}")


def _reader_problem(exc: yaml.reader.ReaderError, source: str, document: str) -> Problem:
    """A character YAML refuses (NUL, ESC, U+FFFE), located at its line and column."""
    char = exc.character if isinstance(exc.character, str) else chr(exc.character)
    # libyaml counts the position in UTF-8 bytes, PyYAML's own reader in characters
    index = len(document.encode("utf-8")[:exc.position].decode("utf-8", "ignore"))
    if document[index:index + 1] != char:
        index = exc.position if document[exc.position:exc.position + 1] == char else \
            document.find(char)
    line = document.count("\n", 0, index) + 1
    column = index - (document.rfind("\n", 0, index) + 1) + 1
    return Problem(Location(source, line, column), f"invalid YAML: character U+{ord(char):04X} "
                   "is not allowed in YAML (a control or non-character)")


def _colon_hint(document: str, colon: int) -> str:
    """A hint when a value holds ': ' (`title: DL101: Assignment 1`): YAML reads a second key."""
    line_start = document.rfind("\n", 0, colon) + 1
    separator = document.rfind(": ", line_start, colon)
    if separator < 0:  # the first colon of its line: an indentation problem, not this one
        return ""
    before = document[line_start:separator]
    key = re.split(r"[{,]", before)[-1].strip().removeprefix("- ").strip()
    rest = document[separator + 2 :].split("\n", 1)[0]
    in_flow = "{" in before
    value = re.split(r"[,}]" if in_flow else r"\s#", rest, maxsplit=1)[0].strip()
    if '"' not in value and "\\" not in value:
        example = f', {key}: "{value}"'
    elif "'" not in value:
        example = f", {key}: '{value}'"
    else:
        example = ""
    return f" (a ': ' inside a value starts another key: put the value in quotes{example})"


class _Converter:
    """Node tree -> plain values (dict, list, str, int, float, bool, None), recording marks."""

    def __init__(self, marks: Marks, problems: list[Problem]):
        self.marks = marks
        self.problems = problems
        self.count = 0

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
            value = self._scalar(node)
            if not isinstance(value, str) and not node.style:  # plain: None or ""
                self.marks.texts[path] = node.value
            return value
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
        try:
            return core_scalar(node.tag, node.value)
        except ValueError:  # only an explicit tag can disagree with the text: `!!int abc`
            self._problem(node, f"'{node.value}' is not a valid {_short(node.tag)}")
            return None

    def _mapping(self, node, path: Path) -> dict:
        result: dict = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == _TAG + "merge":
                self._problem(key_node, "only plain keys are allowed (no merge or complex keys)")
                continue
            key = key_node.value  # a key is a name: as written, even `0755:` or `null:`
            if key_node.tag not in _SCALAR_TAGS:
                self._problem(key_node, f"YAML tag '{_short(key_node.tag)}' is not allowed")
                continue
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
