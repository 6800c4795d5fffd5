"""Reading a spec file: only regular files, never more than the size limit, never blocking."""

import os
from pathlib import Path

import pytest

from generator.errors import SpecError
from generator.spec import load_spec
from generator.yamlsource import MAX_BYTES
from helpers import run_cli

VALID = "title: T\nquestions:\n  - {id: q1, kind: convolution, input: [1, 2], kernel: [1]}\n"


def problems_of(path) -> list[str]:
    with pytest.raises(SpecError) as info:
        load_spec(path)
    return [str(p) for p in info.value.problems]


def test_dev_zero_is_refused_without_reading_it():
    assert problems_of("/dev/zero") == [
        "/dev/zero: cannot read the spec: it is a device, not a regular file"]


def test_a_symlink_to_a_device_is_refused(tmp_path):
    link = tmp_path / "spec.yaml"
    link.symlink_to("/dev/zero")
    assert problems_of(link) == [f"{link}: cannot read the spec: it is a device, not a "
                                 "regular file"]


def test_a_symlink_to_a_regular_file_is_followed(tmp_path):
    target = tmp_path / "real.yaml"
    target.write_text(VALID)
    link = tmp_path / "linked.yaml"
    link.symlink_to(target)
    assert load_spec(link).questions[0].params["input"] == [1, 2]


def test_a_directory_is_refused(tmp_path):
    assert problems_of(tmp_path) == [f"{tmp_path}: cannot read the spec: it is a directory, "
                                     "not a regular file"]


def test_a_fifo_is_refused_and_never_waited_for(tmp_path):
    fifo = tmp_path / "spec.yaml"
    os.mkfifo(fifo)
    # No writer ever opens it: a blocking open would hang until the timeout fails the test.
    result = run_cli("check", fifo, timeout=60)
    assert result.returncode == 2
    assert result.stderr.strip() == (f"{fifo}: cannot read the spec: it is a named pipe (FIFO),"
                                     " not a regular file")


def test_a_file_one_byte_over_the_limit_is_refused(tmp_path):
    spec = tmp_path / "big.yaml"
    spec.write_text(VALID + "#" * (MAX_BYTES - len(VALID) + 1))
    assert problems_of(spec) == [f"{spec}:1:1: the file is too large (1.0 MB; a spec may be "
                                 "at most 1000 kB)"]


def test_a_file_at_the_limit_is_read(tmp_path):
    spec = tmp_path / "full.yaml"
    spec.write_text(VALID + "#" * (MAX_BYTES - len(VALID)))
    assert Path(spec).stat().st_size == MAX_BYTES
    assert load_spec(spec).title == "T"


def test_a_sparse_huge_file_is_refused_by_its_size(tmp_path):
    spec = tmp_path / "sparse.yaml"
    with open(spec, "wb") as handle:
        handle.truncate(20 * 10**9)  # 20 GB of holes: reading it all would take minutes
    assert problems_of(spec) == [f"{spec}:1:1: the file is too large (20000.0 MB; a spec may "
                                 "be at most 1000 kB)"]


def test_a_missing_file_is_one_line(tmp_path):
    assert problems_of(tmp_path / "nope.yaml") == [
        f"{tmp_path / 'nope.yaml'}: cannot read the spec: No such file or directory"]
