"""The console script: commands, exit codes, one-line located errors, no tracebacks."""

import json

import pytest

from generator.cli import main
from helpers import ROOT, run_cli, write_spec

CONV_SPEC = """
title: Convolutions
questions:
  - {id: q5, kind: convolution, input: [1, 2, 3, 4], kernel: [1, 0, 2]}
"""


def test_kinds_lists_every_kind_with_a_description():
    result = run_cli("kinds")
    assert result.returncode == 0
    names = [line.split()[0] for line in result.stdout.splitlines()]
    for kind in ("convolution", "cnn_shapes", "conv_design", "text"):
        assert kind in names


def test_python_m_generator_is_the_same_command():
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-m", "generator", "kinds"], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0 and "convolution" in result.stdout


def test_check_ok_and_bad(tmp_path):
    good = write_spec(tmp_path, CONV_SPEC, "good.yaml")
    bad = write_spec(tmp_path, CONV_SPEC.replace("[1, 0, 2]", "three").replace(
        "title: Convolutions", "title: C\ndecimal: 3"), "bad.yaml")
    assert run_cli("check", good).returncode == 0
    result = run_cli("check", good, bad)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"{bad}:2:1: decimal: unknown key 'decimal' (did you mean 'decimals'?); valid keys "
        "here: title, subtitle, course, due, author, decimals, seed, language, questions, style",
        f"{bad}:4:62: q5.kernel: expected a list of numbers, got 'three'",
    ]
    assert "Traceback" not in result.stderr


def test_check_solves_and_verifies_too(tmp_path):
    """A domain error shows only when solving: check finds it, with its line, together with
    the validation problems of another spec."""
    domain = write_spec(tmp_path, """
        title: Domain
        questions:
          - id: q4
            kind: autodiff
            function: "log(x1) + x2"
            at: {x1: 0, x2: 1}
        """, "domain.yaml")
    bad = write_spec(tmp_path, CONV_SPEC.replace("[1, 0, 2]", "three"), "bad.yaml")
    result = run_cli("check", domain, bad)
    assert result.returncode == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 2 and "Traceback" not in result.stderr
    assert lines[0].startswith(f"{domain}:5:15: q4.function: ") and "log" in lines[0], lines
    assert lines[1].startswith(f"{bad}:"), lines
    assert result.stdout == ""


def test_solve_prints_answers_json(tmp_path):
    spec = write_spec(tmp_path, CONV_SPEC)
    result = run_cli("solve", spec)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["spec"] == str(spec) and data["variant"] is None
    q5 = data["questions"]["q5"]
    assert q5["answers"]["full"] == [1, 2, 5, 8, 6, 8]
    assert q5["params"] == {"input": [1, 2, 3, 4], "kernel": [1, 0, 2],
                            "modes": ["full", "valid", "same"], "flip": True}


def test_set_overrides_a_value(tmp_path):
    spec = write_spec(tmp_path, CONV_SPEC)
    result = run_cli("solve", spec, "--set", "q5.kernel=[1, 1]", "--set", "q5.flip=false")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["questions"]["q5"]["answers"]["valid"] == [3, 5, 7]
    bad = run_cli("solve", spec, "--set", "q5.kernel=three")
    assert bad.returncode == 2
    assert bad.stderr.strip() == ("--set q5.kernel=three: q5.kernel: expected a list of "
                                  "numbers, got 'three'")


def test_usage_errors_exit_2(tmp_path):
    assert run_cli("frobnicate").returncode == 2
    missing = run_cli("check", tmp_path / "nope.yaml")
    assert missing.returncode == 2
    assert missing.stderr.strip() == f"{tmp_path / 'nope.yaml'}: cannot read the spec: " \
                                     "No such file or directory"
    spec = write_spec(tmp_path, CONV_SPEC)
    result = run_cli("build", spec, "--to", "pdf,docx", "-o", tmp_path / "out")
    assert result.returncode == 2
    assert "--to: unknown format 'docx'" in result.stderr


@pytest.mark.parametrize("argv, message", [
    (["variants", "x.yaml", "-j", "abc"],
     "argument -j/--jobs: invalid int value: 'abc' (`answerkey variants --help` shows the usage)"),
    (["variants", "x.yaml", "-n"],
     "argument -n: expected one argument (`answerkey variants --help` shows the usage)"),
    (["check"], "the following arguments are required: SPEC (`answerkey check --help` shows "
                "the usage)"),
    (["buidl"], "argument COMMAND: invalid choice: 'buidl' (choose from 'build', 'solve', "
                "'check', 'variants', 'kinds', 'new', 'schema') (`answerkey --help` shows the usage)"),
    (["build", "--frobnicate\x1b[2J"], "unrecognized arguments: --frobnicate\\x1b[2J "
                                       "(`answerkey --help` shows the usage)"),
    (["solve", "a.yaml", "b.yaml"], "unrecognized arguments: b.yaml (`answerkey --help` shows "
                                    "the usage)"),
])
def test_command_line_errors_are_one_line(argv, message, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    captured = capsys.readouterr()
    assert exit_.value.code == 2 and captured.out == ""
    assert captured.err.splitlines() == [f"answerkey: {message}"]


def test_help_and_no_command_show_the_usage():
    result = run_cli("variants", "x.yaml", "-j", "abc")  # through the console script
    assert (result.returncode, result.stderr.splitlines()) == (2, [
        "answerkey: argument -j/--jobs: invalid int value: 'abc' (`answerkey variants --help` "
        "shows the usage)"])
    helped = run_cli("variants", "--help")
    assert helped.returncode == 0 and helped.stdout.startswith("usage: answerkey variants")
    assert "--roster CSV" in helped.stdout
    bare = run_cli()
    assert bare.returncode == 2 and bare.stderr.startswith("usage: answerkey")
    assert "COMMAND" in bare.stderr


def test_debug_shows_the_traceback(tmp_path):
    spec = write_spec(tmp_path, CONV_SPEC.replace("[1, 0, 2]", "three"))
    result = run_cli("--debug", "check", spec)
    assert result.returncode == 2 and "Traceback" in result.stderr


def test_build_only_the_requested_formats(tmp_path):
    spec = write_spec(tmp_path, CONV_SPEC, "conv.yaml")
    result = run_cli("build", spec, "--to", "json,html", "-o", tmp_path / "out")
    assert result.returncode == 0, result.stderr
    files = sorted(p.name for p in (tmp_path / "out" / "conv").iterdir() if p.name[0] != ".")
    assert files == ["answers.json", "handout.html", "index.html"]
    assert not [p for p in (tmp_path / "out").iterdir() if p.name.startswith(".")]
