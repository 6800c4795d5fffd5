"""The field definitions as text: the one place they become words.

`answerkey kinds KIND`, `answerkey new` and the manual's per-kind pages all read a kind's keys
from here, so none of them can drift from what the validator checks. The stable interface:

  fields(kind_name) -> [FieldInfo]   a kind's own keys (KeyError for an unknown kind)
  top_fields() -> [FieldInfo]        the spec's top-level keys
  question_fields() -> [FieldInfo]   the keys every question has, whatever its kind
  yaml_text(value) -> str            a value as YAML writes it on one line ('[1, 5, 50]')
  kind_text(kind_name, width) -> str the `kinds KIND` page: summary and a table of the keys

A key nested in a mapping comes right after its parent, named by its path: `sizes.D`, or
`layers[].kernel` for the mappings of a list; `only` names the layer types a key belongs to
where it is not all of them.
"""

from __future__ import annotations

import shutil
import textwrap
from dataclasses import dataclass, replace
from itertools import zip_longest

import yaml

from .kinds import KINDS
from .schema import Choice, Field, ListOf, MapOf, OneOf, Record, Validator


@dataclass(frozen=True)
class FieldInfo:
    """One key of a spec as the reference shows it."""

    key: str  # 'kernel'; a nested key is its path: 'sizes.D', 'layers[].kernel'
    type: str  # the accepted values in words: 'list of numbers (up to 2000 entries)'
    required: bool
    default: str | None  # the default as YAML text ('[1, 5, 50]'); None: none
    doc: str
    choices: tuple = ()  # the allowed words, for a choice or a list of choices
    parent: str = ""  # the key of the mapping this one is in ('' at the top)
    only: str = ""  # the layer types this key belongs to, where not all ('conv')


def fields(name: str) -> list[FieldInfo]:
    """A kind's own keys, each nested key after its parent; KeyError for an unknown kind."""
    return _infos(KINDS[name].FIELDS)


def top_fields() -> list[FieldInfo]:
    """The spec's top-level keys."""
    from .spec import TOP_FIELDS

    size = TOP_FIELDS["questions"].validator.max_len  # each checked by its kind's fields
    return [replace(i, type=f"list of up to {size} questions") if i.key == "questions" else i
            for i in _infos(TOP_FIELDS)]


def question_fields() -> list[FieldInfo]:
    """The keys every question has, whatever its kind."""
    from .spec import QUESTION_FIELDS

    kinds = tuple(sorted(KINDS))  # the validator looks the kind up in the registry
    return [replace(i, type=f"one of {', '.join(kinds)}", choices=kinds) if i.key == "kind"
            else i for i in _infos(QUESTION_FIELDS)]


def yaml_text(value) -> str:
    """A value as YAML on one line: [1, 5, 50], {k: 3}, last, true."""
    text = yaml.safe_dump(value, default_flow_style=True, sort_keys=False, allow_unicode=True,
                          width=1_000_000)
    return text.removesuffix("\n").removesuffix("\n...").strip()


def tagged(validator: Validator) -> tuple[str, dict] | None:
    """(tag key, {tag: fields}) for a mapping whose keys depend on one of its values (a
    cnn_shapes layer: its `type`); None for any other validator."""
    variants = getattr(validator, "variants", None)
    return (validator.tag, variants) if variants is not None else None


def describe(validator: Validator) -> str:
    """The accepted values in words; a mapping's keys have rows of their own."""
    if isinstance(validator, ListOf) and tagged(validator.item):
        return (f"list of up to {validator.max_len} layers: "
                f"{', '.join(tagged(validator.item)[1])}")
    if isinstance(validator, ListOf) and type(validator.item) is Record:
        return f"list of up to {validator.max_len} mappings (keys below)"
    return "mapping (keys below)" if type(validator) is Record else validator.describe()


def _choices(validator: Validator) -> tuple:
    if isinstance(validator, ListOf):
        validator = validator.item
    return tuple(validator.options) if isinstance(validator, Choice) else ()


def _info(key: str, field: Field, parent: str, only: str = "") -> FieldInfo:
    return FieldInfo(key, describe(field.validator), field.required,
                     None if field.default is None else yaml_text(field.default), field.doc,
                     _choices(field.validator), parent, only)


def _infos(record: dict, parent: str = "") -> list[FieldInfo]:
    out = []
    for name, field in record.items():
        key = f"{parent}.{name}" if parent else name
        out.append(_info(key, field, parent))
        out.extend(_nested(field.validator, key))
    return out


def _nested(validator: Validator, key: str) -> list[FieldInfo]:
    """The keys of the mappings inside a value (a list's entries, a mapping's values)."""
    if isinstance(validator, OneOf):
        return _nested(validator.sequence, key) + _nested(validator.scalar, key)
    if isinstance(validator, ListOf):
        return _nested(validator.item, f"{key}[]")
    if isinstance(validator, MapOf):
        return _nested(validator.value, f"{key}.<name>")
    if tagged(validator):
        return _tagged_infos(validator, key)
    if isinstance(validator, Record):
        return _infos(validator.fields, key)
    return []


def _tagged_infos(validator: Validator, parent: str) -> list[FieldInfo]:
    """One row per key of the tagged mappings: `only` names the tags that have it, and its
    default is shown where every tag agrees on it."""
    tag, variants = tagged(validator)
    by_key: dict[str, list] = {}
    for name, record in variants.items():
        for key, field in record.items():
            by_key.setdefault(key, []).append((name, field))
    out = []
    for key, entries in by_key.items():
        field = entries[0][1]
        if key == tag:
            field = Field(Choice(tuple(variants)), required=True, doc=field.doc)
        elif len({yaml_text(f.default) for _, f in entries}) > 1:
            field = Field(field.validator, field.required, None, field.doc)
        only = "" if len(entries) == len(variants) else ", ".join(n for n, _ in entries)
        out.append(_info(f"{parent}.{key}", field, parent, only))
    return out


def kind_text(name: str, width: int | None = None) -> str:
    """The page of `answerkey kinds KIND`: the summary, then a table of the kind's keys."""
    width = width or min(max(shutil.get_terminal_size((100, 24)).columns, 80), 140)
    rows = [(i.key, i.type + (f" ({i.only} only)" if i.only else ""),
             "required" if i.required else i.default or "optional", i.doc)
            for i in fields(name)]
    common = ", ".join(i.key for i in question_fields() if not i.parent)
    return "\n".join([*textwrap.wrap(f"{name}: {KINDS[name].SUMMARY}", width), "",
                      table(("key", "type", "required/default", "doc"), rows, width), "",
                      *textwrap.wrap(f"Every question also takes the common keys {common}. "
                                     f"`answerkey new FILE --kinds {name}` writes a starter "
                                     "spec with these keys.", width)]) + "\n"


def table(head: tuple, rows: list[tuple], width: int) -> str:
    """Four columns of text, each cell wrapped in its column: the first as wide as its
    longest cell (keys are never broken), the next two at most 34 and 18 wide (the second
    narrower, down to 20, to leave the last at least 30), the last what remains."""
    cells = [head, *rows]
    widths = [max(len(r[0]) for r in cells),
              *(min(max(len(r[n]) for r in cells), most) for n, most in ((1, 34), (2, 18)))]
    widths[1] = max(min(widths[1], width - 6 - 30 - widths[0] - widths[2]), 20)
    widths.append(max(width - sum(widths) - 6, 30))
    lines = []
    for n, row in enumerate(cells):
        wrapped = [textwrap.wrap(cell, w, break_on_hyphens=False) or [""]
                   for cell, w in zip(row, widths)]
        for parts in zip_longest(*wrapped, fillvalue=""):
            lines.append("  ".join(p.ljust(w) for p, w in zip(parts, widths)).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)
