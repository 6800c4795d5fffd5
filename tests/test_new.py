"""`answerkey new`: a starter spec of every key of its kinds, under its doc, that checks and
builds as written; it never overwrites a file unless told, and writes nothing else."""

import json
import os
import re

import pytest

from generator.cli import main
from generator.kinds import KINDS
from generator.reference import fields, question_fields, top_fields
from generator.spec_schema import schema_text
from generator.starter import EXAMPLES, MODELINE, SCHEMA_FILE, TOP, starter_text
from helpers import run_cli, spec_problems


def new(folder, *args) -> tuple:
    result = run_cli("new", "spec.yaml", *args, cwd=folder)
    return result, folder / "spec.yaml"


def check_and_build(folder, spec) -> None:
    checked = run_cli("check", spec.name, cwd=folder)
    assert checked.returncode == 0, checked.stderr
    built = run_cli("build", spec.name, "-o", "out", cwd=folder, timeout=300)
    assert built.returncode == 0, built.stderr
    assert {"answer-key.pdf", "handout.pdf", "index.html", "handout.html", "answers.json"} <= {
        p.name for p in (folder / "out" / "spec").iterdir()}


def test_every_kind_at_once_checks_and_builds(tmp_path):
    result, spec = new(tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "wrote spec.yaml", f"wrote {SCHEMA_FILE}",
        "next: answerkey check spec.yaml, then answerkey build spec.yaml"]
    check_and_build(tmp_path, spec)
    answers = json.loads((tmp_path / "out" / "spec" / "answers.json").read_text())
    assert [q["kind"] for q in answers["questions"].values()] == list(KINDS)


@pytest.mark.parametrize("name", sorted(KINDS))
def test_each_kind_alone_checks_and_builds(name, tmp_path):
    result, spec = new(tmp_path, "--kinds", name)
    assert result.returncode == 0, result.stderr
    check_and_build(tmp_path, spec)


KEY = re.compile(r"( *)(?:- )?(?:# )?([A-Za-z_]\w*):( |$)")


def key_lines(text: str) -> list[tuple[str, str, str]]:
    """(indent, key, the comment line above) of every key, written or commented out: each
    is a comment line followed by a key line, read in pairs."""
    lines, out, n = text.splitlines(), [], 0
    while n + 1 < len(lines):
        above, match = lines[n].strip(), KEY.match(lines[n + 1])
        if above.startswith("# ") and match:
            out.append((match[1], match[2], above))
            n += 2
        else:
            n += 1
    return out


@pytest.mark.parametrize("name", sorted(KINDS))
def test_every_key_is_there_under_its_doc(name):
    found = key_lines(starter_text([name]))
    top = [(k, b) for indent, k, b in found if indent == ""]
    inside = [(k, b) for indent, k, b in found if indent == "    " or k == "id"]
    expected_top = [i for i in top_fields() if i.key != "questions" and not i.parent]
    assert top[:len(expected_top)] == [(i.key, f"# {i.doc}") for i in expected_top]
    common = {i.key: i for i in question_fields()}
    expected = [common["id"], common["kind"], common["points"]] + [
        i for i in fields(name) if not i.parent]
    assert inside == [(i.key, f"# {i.doc}") for i in expected]


def test_defaults_are_written_and_optional_keys_commented_out():
    text = starter_text(["softmax", "autodiff"])
    assert text.startswith(MODELINE + "\n")
    assert "    scales: [0, 0.5, 1, 10, 100]\n" in text
    assert "    # pair: [1.0, 2.0]\n" in text and "    x: [1.0, 2.0, 3.0]\n" in text
    assert "    # forward: {x1: 1}\n" in text and "    reverse: false\n" in text
    assert "  - id: q1\n    # what the question computes" in text
    assert "  - id: q2\n" in text and "questions:\n" in text


@pytest.mark.parametrize("name", ["(top)", *sorted(KINDS)])
def test_every_key_without_a_default_has_an_example(name):
    example, infos = (TOP, top_fields()) if name == "(top)" else (EXAMPLES[name], fields(name))
    for info in (i for i in infos if not i.parent and i.key != "questions"):
        if info.required:
            assert info.key in example.values, info.key
        elif info.default is None:
            assert info.key in {**example.values, **example.commented}, info.key


def test_the_commented_out_examples_work_too():
    text = starter_text(list(KINDS))
    commented = {*TOP.commented, *(k for e in EXAMPLES.values() for k in e.commented)}
    shown = re.compile(rf"^( *)# ({'|'.join(commented)}): ", re.M)
    assert len(shown.findall(text)) == len(TOP.commented) + sum(
        len(e.commented) for e in EXAMPLES.values())
    assert spec_problems(shown.sub(r"\1\2: ", text)) == []


def test_an_existing_file_is_refused_unless_forced(tmp_path):
    spec = tmp_path / "spec.yaml"
    spec.write_text("mine\n")
    spec.chmod(0o640)
    result, _ = new(tmp_path, "--kinds", "convolution")
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.splitlines() == [
        "answerkey: spec.yaml: already exists (--force overwrites it)"]
    assert spec.read_text() == "mine\n" and not (tmp_path / SCHEMA_FILE).exists()
    forced, _ = new(tmp_path, "--kinds", "convolution", "--force")
    assert forced.returncode == 0, forced.stderr
    assert spec.read_text() == starter_text(["convolution"])
    assert spec.stat().st_mode & 0o777 == 0o640  # replaced in place of the old one
    assert sorted(p.name for p in tmp_path.iterdir()) == [SCHEMA_FILE, "spec.yaml"]


def test_a_link_or_folder_is_never_written_through(tmp_path):
    target = tmp_path / "elsewhere.yaml"
    target.write_text("keep\n")
    (tmp_path / "spec.yaml").symlink_to(target)
    result, _ = new(tmp_path, "--force")
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "answerkey: spec.yaml: exists and is not a regular file; give another FILE"]
    assert target.read_text() == "keep\n"
    folder = tmp_path / "a-folder.yaml"
    folder.mkdir()
    assert run_cli("new", folder, "--force").returncode == 2


def test_the_schema_file_is_written_only_when_absent(tmp_path):
    (tmp_path / SCHEMA_FILE).write_text("{}\n")
    result, spec = new(tmp_path, "--kinds", "text")
    assert result.returncode == 0 and result.stdout.splitlines()[:2] == [
        "wrote spec.yaml", "next: answerkey check spec.yaml, then answerkey build spec.yaml"]
    assert (tmp_path / SCHEMA_FILE).read_text() == "{}\n"
    os.remove(tmp_path / SCHEMA_FILE)
    run_cli("new", "other.yaml", "--kinds", "text", cwd=tmp_path)
    assert (tmp_path / SCHEMA_FILE).read_text() == schema_text()


def test_a_missing_folder_is_one_line(tmp_path, capsys):
    assert main(["new", str(tmp_path / "no" / "spec.yaml")]) == 2
    assert capsys.readouterr().err.splitlines() == [
        f"answerkey: {tmp_path / 'no' / 'spec.yaml'}: cannot write it: the folder "
        f"{tmp_path / 'no'} does not exist"]


@pytest.mark.parametrize("kinds, message", [
    ("convolution,softmx", "--kinds: unknown kind 'softmx' (did you mean 'softmax'?); the "
                           "kinds are " + ", ".join(sorted(KINDS))),
    (" , ", "--kinds: give at least one kind"),
])
def test_bad_kinds_are_one_line(kinds, message, tmp_path, capsys):
    assert main(["new", str(tmp_path / "spec.yaml"), "--kinds", kinds]) == 2
    assert capsys.readouterr().err.splitlines() == [f"answerkey: {message}"]
    assert list(tmp_path.iterdir()) == []


def test_kinds_are_taken_once_in_the_order_given(tmp_path):
    text = starter_text(["text", "convolution"])
    assert text.index("kind: text") < text.index("kind: convolution")
    assert main(["new", str(tmp_path / "s.yaml"), "--kinds", "text,convolution,text"]) == 0
    assert (tmp_path / "s.yaml").read_text() == text
