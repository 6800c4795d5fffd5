"""Typed spec fields that validate themselves and collect every problem (never raise)."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

from .errors import Location, Problem
from .numbers import Given
from .richtext import rich_problems
from .yamlsource import Marks


class _Invalid:
    def __repr__(self) -> str:
        return "INVALID"


INVALID: Any = _Invalid()  # a value that failed validation (its problem is already recorded)


@dataclass(frozen=True)
class Loc:
    """Where a value is: its raw path in the YAML document and its dotted display name."""

    path: tuple
    name: str

    def key(self, key: str) -> Loc:
        return Loc(self.path + (key,), f"{self.name}.{key}" if self.name else key)

    def index(self, i: int) -> Loc:
        return Loc(self.path + (i,), f"{self.name}[{i}]")


@dataclass
class Ctx:
    """Collects problems while validating; knows where every value came from."""

    marks: Marks
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)  # reported, but the spec builds

    def error(self, loc: Loc, message: str, at_key: bool = False) -> Any:
        """Record a problem at `loc`; returns INVALID so validators can `return ctx.error(...)`."""
        self.problems.append(Problem(self.marks.locate(loc.path, loc.name, at_key), message))
        return INVALID

    def warn(self, loc: Loc, message: str) -> None:
        """Record a warning at `loc`: printed as 'path:line:col: field: warning: ...', exit 0."""
        self.warnings.append(Problem(self.marks.locate(loc.path, loc.name), f"warning: {message}"))

    def location(self, loc: Loc) -> Location:
        return self.marks.locate(loc.path, loc.name)


def show(value: Any) -> str:
    """A short description of a YAML value for error messages."""
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return repr(value if len(value) <= 40 else value[:37] + "...")
    if isinstance(value, list):
        return f"a list of {len(value)}"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, float) and not math.isfinite(value):
        return {math.inf: ".inf", -math.inf: "-.inf"}.get(value, ".nan")
    text = repr(value)
    return text if len(text) <= 40 else text[:20] + f"... ({len(text)} digits)"


def did_you_mean(word: str, choices) -> str:
    """' (did you mean 'x'?)' when a close match exists, else ''."""
    import difflib  # for mistakes only: a valid spec never needs it

    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def unknown_key(key, valid) -> str:
    """The message for a key not among `valid`: a close match, then every valid key."""
    hint = did_you_mean(key, valid) if isinstance(key, str) else ""
    return f"unknown key {show(key)}{hint}; valid keys here: {', '.join(map(str, valid))}"


def number_text(x: float) -> str:
    """A bound as the reference and the schema write it: 1000000, not 1e+06."""
    n = _json_number(x)
    return str(n) if isinstance(n, int) else f"{x:g}"


def _json_number(x: float):
    """A whole bound as an int (below 1e16, where floats are still whole numbers exactly)."""
    return int(x) if isinstance(x, int) or float(x).is_integer() and abs(x) < 1e16 else x


def _count(min_len: int, max_len: int, limit: int) -> str:
    """'2 to 1000 ', 'up to 8 ', or '' for the default bounds (1 to `limit`)."""
    if min_len > 1:
        return f"{min_len} to {max_len} "
    return "" if max_len == limit else f"up to {max_len} "


class Validator:
    """Checks one value; returns it (possibly normalised) or INVALID after recording a problem."""

    expects = "a value"

    def __call__(self, value: Any, loc: Loc, ctx: Ctx) -> Any:
        return self.check(value, loc, ctx)

    def check(self, value: Any, loc: Loc, ctx: Ctx) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError

    def wrong_type(self, value: Any, loc: Loc, ctx: Ctx) -> Any:
        return ctx.error(loc, f"expected {self.expects}, got {show(value)}")

    def describe(self, plural: bool = False) -> str:
        """The accepted values in words, for the reference ('list of numbers (up to 8
        entries)'); `plural` for the entries of a list."""
        return f"entries, each {self.expects}" if plural else self.expects.removeprefix(
            "an ").removeprefix("a ")

    def json_schema(self, sub) -> dict:
        """The JSON Schema of the values this accepts; `sub(validator)` is the schema of a
        value nested in it (which may add the random-parameter forms)."""
        raise NotImplementedError(f"{type(self).__name__} has no JSON Schema")


@dataclass
class Number(Validator):
    """A finite number, optionally whole, with inclusive bounds (`gt` for a strict lower bound).
    A whole number stays an int; any other is a numbers.Given, which the key prints as given."""

    min: float | None = None
    max: float | None = None
    integer: bool = False
    gt: float | None = None
    max_abs: float = 1e12

    @property
    def expects(self) -> str:  # type: ignore[override]
        return "a whole number" if self.integer else "a number"

    def check(self, value, loc, ctx):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return self.wrong_type(value, loc, ctx)
        if isinstance(value, float) and not math.isfinite(value):
            return ctx.error(loc, f"expected a finite number, got {show(value)}")
        if abs(value) > self.max_abs:
            return ctx.error(loc, f"{show(value)} is too large (the limit is ±{self.max_abs:g})")
        if self.integer:
            if isinstance(value, float) and not value.is_integer():
                return ctx.error(loc, f"expected a whole number, got {show(value)}")
            value = int(value)
        if self.min is not None and value < self.min:
            return ctx.error(loc, f"must be at least {self.min:g}, got {show(value)}")
        if self.gt is not None and value <= self.gt:
            return ctx.error(loc, f"must be greater than {self.gt:g}, got {show(value)}")
        if self.max is not None and value > self.max:
            return ctx.error(loc, f"must be at most {self.max:g}, got {show(value)}")
        return Given(value) if isinstance(value, float) else value  # printed as given

    def _range(self) -> tuple[float, float]:
        low = -self.max_abs if self.min is None else max(self.min, -self.max_abs)
        return low, self.max_abs if self.max is None else min(self.max, self.max_abs)

    def describe(self, plural=False):
        noun = ("whole number" if self.integer else "number") + ("s" if plural else "")
        low, high = self._range()
        if self.gt is not None:
            return f"{noun} greater than {number_text(self.gt)}, at most {number_text(high)}"
        if low == -high:
            return noun if high == 1e12 else f"{noun} within ±{number_text(high)}"
        return f"{noun} from {number_text(low)} to {number_text(high)}"

    def json_schema(self, sub):
        low, high = self._range()
        out = {"type": "integer" if self.integer else "number",
               "minimum": _json_number(low), "maximum": _json_number(high)}
        if self.gt is not None:
            out["exclusiveMinimum"] = _json_number(self.gt)
        return out


def Int(min: float | None = None, max: float | None = None) -> Number:  # noqa: N802
    """A whole number within inclusive bounds."""
    limit = 1e12 if max is None or abs(max) <= 1e12 else abs(max)
    return Number(min=min, max=max, integer=True, max_abs=limit)


@dataclass
class Bool(Validator):
    expects = "true or false"

    def check(self, value, loc, ctx):
        return value if isinstance(value, bool) else self.wrong_type(value, loc, ctx)

    def describe(self, plural=False):
        return "booleans (true or false)" if plural else self.expects

    def json_schema(self, sub):
        return {"type": "boolean"}


@dataclass
class Str(Validator):
    """Text; one line unless `multiline`."""

    max_len: int = 20_000
    multiline: bool = True
    expects = "text"

    def check(self, value, loc, ctx):
        if not isinstance(value, (str, list, dict)):  # YAML read a number, boolean or null
            typed = ctx.marks.text_of(loc.path)  # `due: 0755` is the text 0755, not 755
            if typed is not None:
                value = typed
            elif isinstance(value, (int, float)) and not isinstance(value, bool):
                value = str(value)  # a number drawn at random: its shortest form
        if not isinstance(value, str):
            return self.wrong_type(value, loc, ctx)
        if not value.strip():
            return ctx.error(loc, "must not be empty")
        if len(value) > self.max_len:
            return ctx.error(loc, f"is too long ({len(value)} characters; at most {self.max_len})")
        if not self.multiline and "\n" in value.strip():
            return ctx.error(loc, "must be a single line")
        return value

    def describe(self, plural=False):
        noun = ("texts" if plural else "text") if self.multiline else \
            ("lines of text" if plural else "one line of text")
        return noun if self.max_len == 20_000 else f"{noun} (at most {self.max_len} characters)"

    def json_schema(self, sub):
        # A number or boolean is its typed text (`due: 0755` is the text 0755).
        return {"type": ["boolean", "number", "string"], "minLength": 1,
                "maxLength": self.max_len,
                "pattern": r"\S" if self.multiline else r"^\s*\S(?:[^\n]*\S)?\s*$"}


@dataclass
class Identifier(Validator):
    """A name matching `pattern`; `rule` says the same in words, for the message."""

    pattern: str = r"[A-Za-z][A-Za-z0-9_]*"
    rule: str = "a letter, then letters, digits or '_'"
    max_len: int = 32
    expects = "a name"

    def check(self, value, loc, ctx):
        if not isinstance(value, str):
            return self.wrong_type(value, loc, ctx)
        if len(value) > self.max_len or not re.fullmatch(self.pattern, value):
            return ctx.error(loc, f"{show(value)} is not a valid name ({self.rule}; at most "
                                  f"{self.max_len} characters)")
        return value

    def describe(self, plural=False):
        return f"{'names' if plural else 'name'} ({self.rule}; at most {self.max_len} characters)"

    def json_schema(self, sub):
        return {"type": "string", "maxLength": self.max_len, "pattern": f"^(?:{self.pattern})$"}


@dataclass
class Choice(Validator):
    options: tuple

    @property
    def expects(self) -> str:  # type: ignore[override]
        return "one of " + ", ".join(str(o) for o in self.options)

    def check(self, value, loc, ctx):
        if isinstance(value, bool) or value not in self.options:
            hint = did_you_mean(value, map(str, self.options)) if isinstance(value, str) else ""
            return ctx.error(loc, f"expected {self.expects}, got {show(value)}{hint}")
        return value

    def describe(self, plural=False):
        options = ", ".join(str(o) for o in self.options)
        return f"entries from {options}" if plural else f"one of {options}"

    def json_schema(self, sub):
        return {"enum": list(self.options)}


@dataclass
class TexLength(Validator):
    """A length for LaTeX and CSS alike: a positive number and a unit ('4cm', '1.5in')."""

    max_cm: float = 25.0  # more than a page's text height is never meant
    expects = "a length such as 4cm (a number, then cm, mm, in, pt or em)"
    CM_PER_UNIT = {"cm": 1.0, "mm": 0.1, "in": 2.54, "pt": 2.54 / 72.27, "em": 0.39}

    def check(self, value, loc, ctx):
        match = re.fullmatch(r"(\d{1,3}(?:\.\d{1,3})?)(cm|mm|in|pt|em)", value.strip()) \
            if isinstance(value, str) else None
        if match is None:
            return self.wrong_type(value, loc, ctx)
        number, unit = float(match[1]), match[2]
        if number <= 0:
            return ctx.error(loc, f"must be more than zero, got {show(value)}")
        if number * self.CM_PER_UNIT[unit] > self.max_cm:
            return ctx.error(loc, f"{show(value)} is longer than a page (at most "
                                  f"{self.max_cm:g}cm)")
        return f"{number:g}{unit}"  # one spelling: 4.0cm and 4cm are the same length

    def describe(self, plural=False):
        noun = "lengths" if plural else "length"
        return f"{noun} such as 4cm (cm, mm, in, pt or em; at most {self.max_cm:g}cm)"

    def json_schema(self, sub):
        return {"type": "string", "pattern": r"^\s*\d{1,3}(?:\.\d{1,3})?(?:cm|mm|in|pt|em)\s*$"}


@dataclass
class ListOf(Validator):
    """A list of items, with length bounds; `unique` forbids repeats."""

    item: Validator
    min_len: int = 1
    max_len: int = 10_000
    unique: bool = False

    @property
    def expects(self) -> str:  # type: ignore[override]
        if isinstance(self.item, Choice):
            return "a list of " + ", ".join(str(o) for o in self.item.options)
        return f"a list of {self.item.expects.removeprefix('a ').removeprefix('an ')}s"

    def check(self, value, loc, ctx):
        if isinstance(self.item, Choice) and isinstance(value, str) and self.min_len <= 1:
            item = self.item(value, loc, ctx)  # `modes: full` means [full]
            return INVALID if item is INVALID else [item]
        if not isinstance(value, list):
            return self.wrong_type(value, loc, ctx)
        if len(value) < self.min_len:
            if not value:
                return ctx.error(loc, "must not be empty")
            return ctx.error(loc, f"needs at least {self.min_len} entries, got {len(value)}")
        if len(value) > self.max_len:
            return ctx.error(loc, f"is too long ({len(value)} entries; at most {self.max_len})")
        items = [self.item(v, loc.index(i), ctx) for i, v in enumerate(value)]
        if INVALID in items:
            return INVALID
        if self.unique and len(set(map(repr, items))) != len(items):
            return ctx.error(loc, "must not repeat an entry")
        return items

    def describe(self, plural=False):
        distinct = "distinct " if self.unique else ""
        return (f"list{'s' if plural else ''} of {_count(self.min_len, self.max_len, 10_000)}"
                f"{distinct}{self.item.describe(plural=True)}")

    def json_schema(self, sub):
        out = {"type": "array", "items": sub(self.item), "minItems": self.min_len,
               "maxItems": self.max_len}
        if self.unique:
            out["uniqueItems"] = True
        if isinstance(self.item, Choice) and self.min_len <= 1:  # `modes: full` is [full]
            return {"anyOf": [out, self.item.json_schema(sub)]}
        return out


@dataclass
class Vector(ListOf):
    """A list of finite numbers."""

    item: Validator = field(default_factory=Number)

    expects = "a list of numbers"


_LEVELS = {1: "a list of numbers", 2: "a matrix (a list of rows of numbers)",
           3: "a list of matrices", 4: "a list of lists of matrices"}


@dataclass
class Array(Validator):
    """A rectangular nested list of numbers whose rank (nesting depth) is one of `ranks`: 2 is
    a matrix, 3 a list of matrices of one shape; each dimension 1 to `max_len` long."""

    ranks: tuple = (2,)
    expects: str = "a matrix (a list of rows of numbers)"
    item: Validator = field(default_factory=Number)
    max_len: int = 1_000

    def check(self, value, loc, ctx):
        shape, probe, where = [], value, loc
        while isinstance(probe, list):  # the shape is read along the first entries
            if not probe:
                return ctx.error(where, "must not be empty")
            if len(probe) > self.max_len:
                return ctx.error(where, f"is too long ({len(probe)} entries; at most "
                                        f"{self.max_len})")
            shape.append(len(probe))
            probe, where = probe[0], where.index(0)
        if len(shape) not in self.ranks:
            got = (_LEVELS.get(len(shape), f"lists nested {len(shape)} deep") if shape
                   else show(value))
            return ctx.error(loc, f"expected {self.expects}, got {got}")
        return self._walk(value, shape, 0, loc, loc, ctx)

    def _walk(self, value, shape, depth, loc, root, ctx):
        if depth == len(shape):
            return self.item(value, loc, ctx)
        if not isinstance(value, list):
            return ctx.error(loc, f"expected {_LEVELS[len(shape) - depth]}, got {show(value)}")
        if len(value) != shape[depth]:
            first = root
            for _ in range(depth):
                first = first.index(0)
            what, rule = ((("number", "numbers"), "the rows of a matrix all have the "
                                                   "same length")
                          if depth == len(shape) - 1 else
                          (("row", "rows"), "the matrices all have the same shape")
                          if depth == len(shape) - 2 else
                          (("entry", "entries"), "the lists at one level all have the same "
                                                 "length"))
            return ctx.error(loc, f"has {len(value)} {what[len(value) != 1]}, but {first.name} "
                                  f"has {shape[depth]}: {rule}")
        out = [self._walk(v, shape, depth + 1, loc.index(i), root, ctx)
               for i, v in enumerate(value)]
        return INVALID if INVALID in out else out

    def describe(self, plural=False):
        return f"{super().describe(plural)} (each dimension up to {self.max_len} entries)"

    def json_schema(self, sub):
        def rank(r: int) -> Validator:  # the nested lists as lists of lists, level by level
            return self.item if r == 0 else ListOf(rank(r - 1), max_len=self.max_len)
        forms = [rank(r).json_schema(sub) for r in sorted(self.ranks)]
        return forms[0] if len(forms) == 1 else {"anyOf": forms}


@dataclass
class Tuple(Validator):
    """A fixed-length list, each position with its own validator and name."""

    items: tuple  # ((name, validator), ...)

    @property
    def expects(self) -> str:  # type: ignore[override]
        return f"a list [{', '.join(n for n, _ in self.items)}]"

    def check(self, value, loc, ctx):
        if not isinstance(value, list) or len(value) != len(self.items):
            return self.wrong_type(value, loc, ctx)
        out = [v(x, loc.index(i), ctx) for i, ((_, v), x) in enumerate(zip(self.items, value))]
        return INVALID if INVALID in out else out

    def describe(self, plural=False):
        names = ", ".join(n for n, _ in self.items)
        kinds = {v.describe(plural=True) for _, v in self.items}
        noun = "lists" if plural else "list"
        if len(kinds) == 1:
            return f"{noun} [{names}] of {kinds.pop()}"
        return f"{noun} [{', '.join(f'{n}: {v.describe()}' for n, v in self.items)}]"

    def json_schema(self, sub):
        return {"type": "array", "prefixItems": [{**sub(v), "title": n} for n, v in self.items],
                "minItems": len(self.items), "maxItems": len(self.items)}


@dataclass
class NumberOrPair(Validator):
    """One whole number for both dimensions, or [height, width]; kept as written (see `pair`)."""

    number: Number

    @property
    def expects(self) -> str:  # type: ignore[override]
        return "a whole number or a list [height, width]"

    def check(self, value, loc, ctx):
        if isinstance(value, list):
            if len(value) != 2:
                return self.wrong_type(value, loc, ctx)
            hw = [self.number(v, loc.index(i), ctx) for i, v in enumerate(value)]
            return INVALID if INVALID in hw else hw
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return self.wrong_type(value, loc, ctx)
        return self.number(value, loc, ctx)

    def describe(self, plural=False):
        return f"{self.number.describe(plural)} or {'lists' if plural else 'a list'} " \
               "[height, width] of them"

    def json_schema(self, sub):
        pair_ = {"type": "array", "prefixItems": [{**sub(self.number), "title": n}
                                                  for n in ("height", "width")],
                 "minItems": 2, "maxItems": 2}
        return {"anyOf": [self.number.json_schema(sub), pair_]}


@dataclass
class OneOf(Validator):
    """The first alternative whose type matches (a number or a list of numbers, say)."""

    scalar: Validator
    sequence: Validator

    @property
    def expects(self) -> str:  # type: ignore[override]
        return f"{self.scalar.expects} or {self.sequence.expects}"

    def check(self, value, loc, ctx):
        return (self.sequence if isinstance(value, list) else self.scalar)(value, loc, ctx)

    def describe(self, plural=False):
        return f"{self.scalar.describe(plural)} or {self.sequence.describe(plural)}"

    def json_schema(self, sub):
        return {"anyOf": [self.scalar.json_schema(sub), self.sequence.json_schema(sub)]}


@dataclass
class Field:
    """A named key of a mapping: its validator, whether it is required, its default."""

    validator: Validator
    required: bool = False
    default: Any = None
    doc: str = ""


@dataclass
class Record(Validator):
    """A mapping with known keys; unknown keys are errors with a 'did you mean' hint."""

    fields: dict
    expects = "a mapping"

    def check(self, value, loc, ctx):
        if not isinstance(value, dict):
            return self.wrong_type(value, loc, ctx)
        out: dict = {}
        for key in value:
            if key not in self.fields:
                ctx.error(loc.key(key), unknown_key(key, self.fields), at_key=True)
        for name, spec in self.fields.items():
            if name in value:
                out[name] = spec.validator(value[name], loc.key(name), ctx)
            elif spec.required:
                ctx.error(loc, f"missing required key '{name}'")
                out[name] = INVALID
            else:
                out[name] = _given(spec.default)
        return INVALID if any(v is INVALID for v in out.values()) else out

    def describe(self, plural=False):
        noun = "mappings" if plural else "mapping"
        return f"{noun} of {', '.join(self.fields)}" if self.fields else noun

    def json_schema(self, sub):
        properties = {}
        for name, spec in self.fields.items():
            extra = {"description": spec.doc} if spec.doc else {}
            if spec.default is not None:
                extra["default"] = spec.default
            properties[name] = {**sub(spec.validator), **extra}
        out = {"type": "object", "properties": properties, "additionalProperties": False}
        required = [name for name, spec in self.fields.items() if spec.required]
        return {**out, "required": required} if required else out


def _given(default):
    """A default as the validator would have returned it: its numbers are given values
    (printed as written: delta 0.1 is 0.1 at any `decimals`), its lists fresh copies."""
    if isinstance(default, float) and not isinstance(default, Given):
        return Given(default)
    if isinstance(default, list):
        return [_given(v) for v in default]
    if isinstance(default, dict):
        return {k: _given(v) for k, v in default.items()}
    return default


@dataclass
class MapOf(Validator):
    """A mapping from names to values, e.g. variable -> number."""

    value: Validator
    key: Validator = field(default_factory=Identifier)
    min_len: int = 1
    max_len: int = 1_000
    expects = "a mapping"

    def check(self, value, loc, ctx):
        if not isinstance(value, dict):
            return self.wrong_type(value, loc, ctx)
        if len(value) < self.min_len:
            return ctx.error(loc, "must not be empty")
        if len(value) > self.max_len:
            return ctx.error(loc, f"has too many entries ({len(value)}; at most {self.max_len})")
        out = {}
        for k, v in value.items():
            if self.key(k, loc.key(k), ctx) is not INVALID:
                out[k] = self.value(v, loc.key(k), ctx)
        return INVALID if len(out) != len(value) or INVALID in out.values() else out

    def describe(self, plural=False):
        return (f"{'mappings' if plural else 'mapping'} of "
                f"{_count(self.min_len, self.max_len, 1_000)}{self.key.describe(plural=True)} "
                f"to {self.value.describe(plural=True)}")

    def json_schema(self, sub):
        return {"type": "object", "propertyNames": self.key.json_schema(sub),
                "additionalProperties": sub(self.value), "minProperties": self.min_len,
                "maxProperties": self.max_len}


def pair(value) -> tuple:
    """A NumberOrPair value as (height, width)."""
    return tuple(value) if isinstance(value, list) else (value, value)


@dataclass
class RichText(Str):
    """Markdown with $inline$ and $$display$$ math from the allow-list (docs/text-and-math.md);
    with `placeholders`, {name} names one of the question's values (placeholders.bind)."""

    placeholders: bool = True

    def check(self, value, loc, ctx):
        value = super().check(value, loc, ctx)
        if value is INVALID:
            return INVALID
        problems = rich_problems(value, self.placeholders)
        for problem in problems:  # every one, each on its own line
            ctx.error(loc, problem)
        return INVALID if problems else value

    def describe(self, plural=False):
        text = f"Markdown {'texts' if plural else 'text'} with $math$"
        return text + (", {name} naming one of the question's values" if self.placeholders
                       else "")
