"""`answerkey schema`: the JSON Schema (draft 2020-12) of the spec format, for editors and CI.

Built from the same field definitions the validator checks (each validator's json_schema):
the top-level keys, then each question by its `kind` (an if/then per kind, its keys closed as
the validator closes them), with the random-parameter forms wherever a question's value may be
random (randomize.resolve draws every value but `id` and `kind`). What a schema cannot say is
left to `answerkey check`: cross-field rules, the math vocabulary, rectangular matrices, NaN.
"""

from __future__ import annotations

import json

from .kinds import KINDS
from .randomize import DECIMALS
from .schema import Number, Record, Validator
from .spec import QUESTION_FIELDS, TOP_FIELDS

SCHEMA_ID = "https://answerkey.invalid/spec.schema.json"
DRAFT = "https://json-schema.org/draft/2020-12/schema"
_UNIFORM_DECIMALS = DECIMALS.json_schema(None)
_RANDOM_BOUND = int(Number.max_abs)  # randomize._draw reads a range's ends as Number()s
_WORDS = {"minimum": "from", "exclusiveMinimum": "above", "maximum": "to"}


def spec_schema() -> dict:
    """The schema as a dict."""
    questions = TOP_FIELDS["questions"].validator

    def top(validator: Validator) -> dict:
        if validator is questions:
            return {"type": "array", "minItems": 1, "maxItems": questions.max_len,
                    "items": {"$ref": "#/$defs/question"}}
        return _plain(validator)

    schema = Record(TOP_FIELDS).json_schema(top)
    defs = _Definitions()
    kinds = {f"kind-{name}": defs.kind(name) for name in sorted(KINDS)}
    return {"$schema": DRAFT, "$id": SCHEMA_ID, "title": "answerkey spec",
            "description": "An answerkey assignment spec: its title, then questions, each by "
                           "kind (`answerkey kinds KIND` describes a kind's keys). Any value of "
                           "a question but id and kind may be random: {randint: [lo, hi]}, "
                           "{uniform: [lo, hi], decimals: n} or {choice: [a, b, ...]}.",
            **schema, "$defs": {"question": _question(), **kinds, **defs.shared}}


def schema_text() -> str:
    """The schema as `answerkey schema` prints it: sorted keys, one-space indents (two would
    make it half as large again)."""
    return json.dumps(spec_schema(), indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def _question() -> dict:
    """A question: a mapping with an id and a known kind, then its kind's keys."""
    return {"type": "object", "required": ["id", "kind"],
            "properties": {"kind": {"enum": sorted(KINDS)}},
            "allOf": [{"if": {"properties": {"kind": {"const": name}}, "required": ["kind"]},
                       "then": {"$ref": f"#/$defs/kind-{name}"}} for name in sorted(KINDS)]}


def _plain(validator: Validator) -> dict:
    return validator.json_schema(_plain)


class _Definitions:
    """The questions' schemas, and the pieces they share, kept once in `shared`: the common
    keys (`question-points`) and the random ranges of each kind of number (`random-...`)."""

    def __init__(self):
        self.shared: dict[str, dict] = {}

    def kind(self, name: str) -> dict:
        """One kind's questions: the common keys and the kind's own, none other."""
        own = KINDS[name].FIELDS
        properties = Record(own).json_schema(self.random)["properties"]
        for key, field in QUESTION_FIELDS.items():
            if key in own:
                continue  # the kind's own (text's statement is its own key)
            if f"question-{key}" not in self.shared:
                schema = Record({key: field}).json_schema(
                    _plain if key in ("id", "kind") else self.random)  # never drawn
                self.shared[f"question-{key}"] = schema["properties"][key]
            properties[key] = {"$ref": f"#/$defs/question-{key}"}
        properties["kind"] = {"const": name, "description": QUESTION_FIELDS["kind"].doc}
        return {"title": name, "description": KINDS[name].SUMMARY, "type": "object",
                "properties": properties, "additionalProperties": False,
                "required": [k for k, f in (QUESTION_FIELDS | own).items() if f.required]}

    def random(self, validator: Validator) -> dict:
        """A question's value: as the validator takes it, or a random spec drawing one (the
        options of a choice and the ends of a range each checked as the value itself)."""
        plain = _plain(validator)
        forms = [validator.json_schema(self.random),
                 _form("choice", {"type": "array", "minItems": 1, "items": plain})]
        bounds = _numeric(plain)
        if bounds is not None:
            forms.append({"$ref": f"#/$defs/{self._range(bounds)}"})
        return {"anyOf": forms}

    def _range(self, bounds: dict) -> str:
        """The shared definition of randint and uniform ranges within `bounds`: its name."""
        low, high = (bounds.get("minimum", -_RANDOM_BOUND), bounds.get("maximum", _RANDOM_BOUND))
        ends = {"minimum": max(low, -_RANDOM_BOUND), "maximum": min(high, _RANDOM_BOUND)}
        if "exclusiveMinimum" in bounds:
            ends = {"exclusiveMinimum": bounds["exclusiveMinimum"], "maximum": ends["maximum"]}
        name = f"random-{bounds['type']}-" + "-".join(  # random-integer-from-1-to-100
            f"{_WORDS[k]}-{ends[k]}" for k in _WORDS if k in ends)
        if name not in self.shared:
            whole = bounds["type"] == "integer"
            self.shared[name] = {"anyOf": [
                _form("randint", _pair({**ends, "type": "integer"})),
                # a whole number is drawn only with decimals: 0
                _form("uniform", _pair({**ends, "type": "number"}),
                      {"const": 0} if whole else _UNIFORM_DECIMALS, required=whole)]}
        return name


def _form(key: str, arguments: dict, decimals: dict | None = None,
          required: bool = False) -> dict:
    """A random spec {key: arguments} (a uniform one with its decimals)."""
    properties = {key: arguments} | ({"decimals": decimals} if decimals else {})
    return {"type": "object", "properties": properties, "additionalProperties": False,
            "required": [key, "decimals"] if required else [key]}


def _pair(end: dict) -> dict:
    return {"type": "array", "prefixItems": [end, end], "minItems": 2, "maxItems": 2}


def _numeric(schema: dict) -> dict | None:
    """The type and bounds of the numbers a schema accepts (None: no numbers)."""
    types = schema.get("type")
    types = types if isinstance(types, list) else [types]
    if "integer" in types or "number" in types:
        keys = ("minimum", "maximum", "exclusiveMinimum")
        return {"type": "integer" if types == ["integer"] else "number",
                **{k: schema[k] for k in keys if k in schema}}
    found = (_numeric(branch) for branch in schema.get("anyOf", ()))
    return next((bounds for bounds in found if bounds is not None), None)
