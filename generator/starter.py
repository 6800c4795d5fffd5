"""`answerkey new`: a starter spec with every key of the chosen kinds, each under its doc.

A key with a default is written with it; a required key with the example value below; an
optional key without a default is shown commented out with an example. The keys and their
docs come from generator.reference, so the starter follows the field definitions.
"""

from __future__ import annotations

import os
import stat
import tempfile
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

from .errors import Problem, SpecError
from .kinds import KINDS
from .reference import FieldInfo, fields, question_fields, top_fields, yaml_text

MODELINE = "# yaml-language-server: $schema=answerkey.schema.json"
SCHEMA_FILE = "answerkey.schema.json"
POINTS = 10  # each question's points: one number fits any number of parts


@dataclass(frozen=True)
class Example:
    """Values for the keys without a default: `values` are written (every required key,
    and any other a working question needs), `commented` are shown commented out."""

    values: dict
    commented: dict = field(default_factory=dict)


TOP = Example({"title": "Assignment 1", "course": "COURSE-101", "due": "2026-02-04 23:00"},
              {"subtitle": "Theory part", "author": "Course staff",
               "style": {"header": "COURSE-101, Assignment 1", "papersize": "letter"}})
EXAMPLES = {
    "activations": Example({}),
    "softmax": Example({"x": [1.0, 2.0, 3.0]}, {"pair": [1.0, 2.0]}),
    "sigmoid_tanh": Example(  # sizes or weights: Θ drawn at these sizes
        {"sizes": {"D": 3, "M": 4, "K": 2}},
        {"weights": {"w1": [[0.5, -1, 0], [1, 0.25, -0.5], [0, 1, 1], [-1, 0.5, 0.25]],
                     "b1": [0, 0.5, -0.5, 1], "w2": [[1, -1, 0.5, 0], [0, 0.5, 1, -1]],
                     "b2": [0, 0.5]}}),
    "autodiff": Example({"function": "1/(x1 + x2) + x2^2 + cos(x1)", "at": {"x1": 3, "x2": 6}},
                        {"output": "y", "forward": {"x1": 1}}),
    "convolution": Example({"input": [1, 2, 3, 4], "kernel": [1, 0, 2]}),
    "cnn_shapes": Example({"input": [3, 32, 32], "layers": [
        {"type": "conv", "filters": 16, "kernel": 3, "stride": 1, "padding": 1},
        {"type": "maxpool", "kernel": 2}]}),
    "conv_design": Example({"parts": [
        {"label": "(a)", "input": [3, 32, 32], "output": [16, 16, 16], "given": {"k": 3, "d": 1}},
        {"label": "(b)", "layer": "pool", "input": [16, 16, 16], "given": {"k": 2, "s": 2}}]}),
    "conv2d": Example({"input": [[1, 2, 0], [0, 1, 3], [2, 1, 0]], "kernels": [[[1, 0], [0, -1]]]},
                      {"bias": [0.5]}),
    "text": Example({
        "statement": r"Show that the sigmoid satisfies $\sigma'(a) = \sigma(a)\,(1 - \sigma(a))$.",
        "solution": r"With $\sigma(a) = 1/(1 + e^{-a})$, $\sigma'(a) = e^{-a}/(1 + e^{-a})^2 = "
                    r"\sigma(a)\,(1 - \sigma(a))$."}),
}


def starter_text(kinds: list[str]) -> str:
    """The starter spec: the modeline, the top-level keys, then one question per kind."""
    common = ", ".join(i.key for i in question_fields() if i.key not in ("id", "kind", "points"))
    lines = [MODELINE, *textwrap.wrap(
        "A starter spec from `answerkey new`: every key of its kinds, each under its doc, with "
        "its default or an example. Edit it, then `answerkey check` and `answerkey build` it. "
        f"Every question also takes {common} (`answerkey kinds KIND` lists a kind's keys).",
        96, initial_indent="# ", subsequent_indent="# "), ""]
    lines += _keys([i for i in top_fields() if i.key != "questions"], TOP, "")
    lines.append("questions:")
    by_key = {i.key: i for i in question_fields()}
    for n, name in enumerate(kinds, start=1):
        lines += [""] + textwrap.wrap(f"{name}: {KINDS[name].SUMMARY}", 96,
                                      initial_indent="  # ", subsequent_indent="  # ")
        head = _keys([by_key["id"], by_key["kind"], by_key["points"]],
                     Example({"id": f"q{n}", "kind": name, "points": POINTS}), "    ")
        head[:2] = ["  " + head[0].lstrip(), "  - " + head[1].lstrip()]  # opens the entry
        lines += head + _keys(fields(name), EXAMPLES[name], "    ")
    return "\n".join(lines) + "\n"


def _keys(infos: list[FieldInfo], example: Example, indent: str) -> list[str]:
    """Each top-level key of `infos` under its doc: its default, its example, or (optional
    keys without a default) its example commented out."""
    lines = []
    for info in (i for i in infos if not i.parent):
        lines.append(f"{indent}# {info.doc}")
        if info.key in example.values:
            lines += _value(info.key, example.values[info.key], indent)
        elif info.default is not None:
            lines.append(f"{indent}{info.key}: {info.default}")
        elif info.key in example.commented:
            lines += [f"{indent}# {line[len(indent):]}"
                      for line in _value(info.key, example.commented[info.key], indent)]
        else:  # a key this module has no example for (a new one): its type, commented out
            lines.append(f"{indent}# {info.key}: ({info.type})")
    return lines


def _value(key: str, value, indent: str) -> list[str]:
    """`key: value` on one line; a list of mappings as a block, one mapping a line."""
    if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        return [f"{indent}{key}:"] + [f"{indent}  - {yaml_text(v)}" for v in value]
    return [f"{indent}{key}: {yaml_text(value)}"]


def write_starter(path: Path, kinds: list[str], force: bool) -> list[Path]:
    """Write the starter spec to `path` (an existing file only with `force`), and the JSON
    Schema beside it when absent; the paths written. A SpecError when `path` is refused."""
    from .spec_schema import schema_text

    mode = _existing_mode(path, force)
    if mode is None:
        _create(path, starter_text(kinds))
    else:
        _replace(path, starter_text(kinds), mode)
    written = [path]
    schema = path.parent / SCHEMA_FILE
    if not os.path.lexists(schema):
        _create(schema, schema_text())
        written.append(schema)
    return written


def _existing_mode(path: Path, force: bool) -> int | None:
    """The permissions of the regular file at `path` that --force replaces (None: there is
    none); a SpecError for a missing folder, anything else there, or a file without --force."""
    def refuse(message: str):
        raise SpecError([Problem.usage(f"{path}: {message}")])

    if not path.parent.is_dir():
        refuse(f"cannot write it: the folder {path.parent} does not exist")
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return None
    if not stat.S_ISREG(mode):  # a link, a folder, a device: never written through
        refuse("exists and is not a regular file; give another FILE")
    if not force:
        refuse("already exists (--force overwrites it)")
    return stat.S_IMODE(mode)


def _create(path: Path, text: str) -> None:
    """Write a new file (never one that appeared meanwhile, nor through a link)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    with os.fdopen(fd, "wb") as out:
        out.write(text.encode("utf-8"))


def _replace(path: Path, text: str, mode: int) -> None:
    """Swap `text` in whole for the file at `path`, keeping its permissions."""
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(text.encode("utf-8"))
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise
