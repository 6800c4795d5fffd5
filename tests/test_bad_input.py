"""The bad-input corpus: every spec in tests/bad_specs/ gives exit 2 and exactly its lines."""

from pathlib import Path

import pytest
import yaml

from generator.cli import main
from helpers import ROOT, run_cli, write_spec

CORPUS = ROOT / "tests" / "bad_specs"
EXPECTED = yaml.safe_load((CORPUS / "expected.yaml").read_text(encoding="utf-8"))
SPECS = sorted(CORPUS.glob("*.yaml"))
SPECS.remove(CORPUS / "expected.yaml")


def test_the_corpus_is_complete():
    assert len(SPECS) >= 50
    assert {p.stem for p in SPECS} == set(EXPECTED)


@pytest.mark.parametrize("path", SPECS, ids=lambda p: p.stem)
def test_bad_spec(path: Path, capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    relative = path.relative_to(ROOT)
    assert main(["solve", str(relative)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    expected = [line.replace("{path}", str(relative)) for line in EXPECTED[path.stem]]
    assert captured.err.splitlines() == expected


def test_no_traceback_through_the_console_script():
    for name in ("yaml-python-object", "yaml-alias-bomb", "constraint-hostile", "text-write18"):
        result = run_cli("build", CORPUS / f"{name}.yaml", "-o", "/nonexistent/never-written")
        assert result.returncode == 2 and "Traceback" not in result.stderr
        assert len(result.stderr.splitlines()) == len(EXPECTED[name])


def test_a_million_entry_kernel_is_refused_by_the_file_size_limit(tmp_path):
    spec = tmp_path / "huge.yaml"
    kernel = ", ".join(["1"] * 1_000_000)
    spec.write_text(f"title: T\nquestions:\n  - {{id: q, kind: convolution, input: [1], "
                    f"kernel: [{kernel}]}}\n")
    result = run_cli("check", spec)
    assert result.returncode == 2
    assert result.stderr.strip() == (f"{spec}:1:1: the file is too large (3.0 MB; a spec may be "
                                     "at most 1000 kB)")


def test_a_binary_file_is_refused(tmp_path):
    spec = tmp_path / "bin.yaml"
    spec.write_bytes(b"title: \xff\xfe\x00\x01\n")
    result = run_cli("check", spec)
    assert result.returncode == 2
    assert result.stderr.strip() == f"{spec}: the file is not UTF-8 text (byte 7)"


@pytest.mark.parametrize("override,message", [
    ("q9.input=[1]", "--set q9.input=[1]: no question or top-level key 'q9'"),
    ("q11.input=[1]", "--set q11.input=[1]: no question or top-level key 'q11' (did you mean 'q1'?)"),
    ("q1.input", "--set q1.input: expected PATH=VALUE, e.g. --set q4.at.x1=2"),
    ("=3", "--set =3: expected PATH=VALUE, e.g. --set q4.at.x1=2"),
    ("q1.input=[1,", "--set q1.input=[1,: the value is not valid YAML: while parsing a flow "
                     "node did not find expected node content"),
    ("q1.input=!!python/object/apply:os.system [id]",
     "--set q1.input=!!python/object/apply:os.system [id]: the value is not valid YAML: "
     "YAML tag '!!python/object/apply:os.system' is not allowed"),
    ("q1.input=.nan", "--set q1.input=.nan: q1.input: expected a list of numbers, got .nan"),
    ("q1.input[5]=1", "--set q1.input[5]=1: 'input.5' is out of range (the list has 3 entries)"),
    ("q1.kernel.x=1", "--set q1.kernel.x=1: cannot set 'kernel.x': its parent is a list of 3"),
    ("decimals=99", "--set decimals=99: decimals: must be at most 15, got 99"),
    ("q1.flip=sure", "--set q1.flip=sure: q1.flip: expected true or false, got 'sure'"),
])
def test_bad_overrides(tmp_path, override, message, capsys):
    spec = write_spec(tmp_path, "title: T\nquestions:\n  - {id: q1, kind: convolution, "
                                "input: [1, 2, 3], kernel: [1, 0, 2]}\n")
    assert main(["solve", str(spec), "--set", override]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.strip() == message


def test_a_bad_override_through_the_console_script(tmp_path):
    spec = write_spec(tmp_path, "title: T\nquestions:\n  - {id: q1, kind: convolution, "
                                "input: [1], kernel: [1]}\n")
    result = run_cli("build", spec, "-o", tmp_path / "out", "--set", "q1.input=[1,")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.startswith("--set q1.input=[1,: the value is not valid YAML")
    assert not (tmp_path / "out").exists()
