"""`answerkey kinds KIND`: a kind's summary and its keys, from the field definitions."""

import pytest

from generator.cli import main
from generator.kinds import KINDS
from generator.reference import fields, kind_text, question_fields, top_fields, yaml_text
from helpers import run_cli

ALL = [(f"kind {name}", info) for name in sorted(KINDS) for info in fields(name)] + \
      [("top", info) for info in top_fields()] + [("question", info) for info in question_fields()]


@pytest.mark.parametrize("where, info", ALL, ids=lambda x: x if isinstance(x, str) else x.key)
def test_every_key_has_a_one_line_doc_and_a_type(where, info):
    assert info.doc.strip() and "\n" not in info.doc, f"{where}: {info.key} has no one-line doc"
    assert info.type and "\n" not in info.type
    assert info.doc == info.doc.strip() and not info.doc.endswith(".")


@pytest.mark.parametrize("name", sorted(KINDS))
def test_kinds_kind_shows_the_summary_and_every_key(name, capsys):
    assert main(["kinds", name]) == 0
    out = capsys.readouterr().out
    assert " ".join(out.split()).startswith(f"{name}: {' '.join(KINDS[name].SUMMARY.split())}")
    lines = out.splitlines()
    rows = lines[lines.index(next(x for x in lines if x.startswith("---"))) + 1:]
    keys = [line.split()[0] for line in rows[:rows.index("")] if not line[0].isspace()]
    shown = [i.key for i in fields(name)]
    assert keys[:len(shown)] == shown  # every key, in order, each on a row of its own


def columns(text: str) -> list[list[str]]:
    """The table's rows, each cell's text unwrapped (the columns found from the dashes)."""
    lines = text.splitlines()
    dashes = next(n for n, line in enumerate(lines) if line.startswith("---"))
    starts = [0] + [n + 2 for n, c in enumerate(lines[dashes]) if c == " " and
                    lines[dashes][n + 1:n + 3] == " -"]
    rows: list[list[str]] = []
    for line in lines[dashes + 1:lines.index("", dashes)]:
        cells = [line[a:b].strip() for a, b in zip(starts, starts[1:] + [None])]
        if cells[0]:
            rows.append(cells)
        else:
            rows[-1] = [f"{old} {new}".strip() for old, new in zip(rows[-1], cells)]
    return rows


@pytest.mark.parametrize("name", sorted(KINDS))
def test_each_row_holds_the_key_its_type_default_and_doc(name):
    rows = columns(kind_text(name, width=100))
    assert len(rows) == len(fields(name))
    for info, row in zip(fields(name), rows):
        kind = info.type + (f" ({info.only} only)" if info.only else "")
        default = "required" if info.required else info.default or "optional"
        assert [" ".join(cell.split()) for cell in row] == [info.key, kind, default, info.doc]


@pytest.mark.parametrize("name", sorted(KINDS))
def test_the_table_fits_the_width(name):
    lines = kind_text(name, width=100).splitlines()
    assert max(map(len, lines)) <= 100


def test_defaults_are_yaml_text():
    by_key = {i.key: i for i in fields("activations")}
    assert by_key["sigmoid_k"].default == "[1, 5, 50]" == yaml_text([1, 5, 50])
    assert by_key["delta"].default == "0.1" and by_key["delta"].type.startswith("number")
    assert by_key["parts"].choices == ("derivative", "definitions", "sigmoid")
    assert {i.key: i.default for i in fields("convolution")}["flip"] == "true"


def test_nested_keys_follow_their_parent():
    keys = [i.key for i in fields("cnn_shapes")]
    assert keys.index("layers") + 1 == keys.index("layers[].type")
    layer = {i.key: i for i in fields("cnn_shapes") if i.parent == "layers[]"}
    assert layer["layers[].type"].choices == ("conv", "maxpool", "avgpool")
    assert layer["layers[].filters"].only == "conv" and layer["layers[].filters"].required
    assert layer["layers[].ceil_mode"].only == "maxpool, avgpool"
    assert layer["layers[].stride"].default is None  # 1 for conv, the kernel for pooling
    assert layer["layers[].padding"].default == "0"
    nested = {i.key for i in fields("conv_design")}
    assert {"parts[].given.k", "parts[].bounds.max_kernel"} <= nested
    assert {i.key for i in fields("sigmoid_tanh") if i.parent == "sizes"} == {
        "sizes.D", "sizes.M", "sizes.K"}


def test_an_unknown_kind_is_one_line_with_a_hint_and_the_kinds():
    result = run_cli("kinds", "convolutoin")
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.splitlines() == [
        "answerkey: unknown kind 'convolutoin' (did you mean 'convolution'?); the kinds are "
        + ", ".join(sorted(KINDS))]


def test_kinds_without_a_kind_still_lists_them(capsys):
    assert main(["kinds"]) == 0
    names = [line.split()[0] for line in capsys.readouterr().out.splitlines()]
    assert names == sorted(KINDS)
