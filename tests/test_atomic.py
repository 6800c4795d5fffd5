"""A failing or killed build leaves the previous output exactly as it was."""

import os
import signal
import subprocess
import time

import pytest

from generator.build import recover_interrupted
from helpers import ANSWERKEY, ROOT, write_spec

SPEC = """
title: Atomic
questions:
  - {id: q5, kind: convolution, input: [1, 2, 3, 4], kernel: [1, 0, 2]}
  - {id: q6, kind: cnn_shapes, input: [3, 64, 64], layers: [{type: conv, filters: 8, kernel: 3}]}
"""


def snapshot(folder):
    return {p.relative_to(folder): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.fixture
def built(tmp_path):
    spec = write_spec(tmp_path, SPEC, "atomic.yaml")
    out = tmp_path / "out"
    result = subprocess.run([ANSWERKEY, "build", spec, "-o", out], cwd=ROOT, capture_output=True)
    assert result.returncode == 0
    return spec, out, snapshot(out / "atomic")


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_signal_mid_build_keeps_previous_output(built, sig):
    spec, out, before = built
    proc = subprocess.Popen([ANSWERKEY, "build", spec, "-o", out, "--force"], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:  # wait until the build is staging its files
        if any(p.name.startswith(".answerkey-") for p in out.iterdir()):
            break
        time.sleep(0.005)
    else:
        pytest.fail("the build never started staging")
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "interrupted" in err and "Traceback" not in err
    assert snapshot(out / "atomic") == before
    assert sorted(p.name for p in out.iterdir()) == ["atomic"]


def test_sigkill_leftovers_are_recovered_by_the_next_build(built):
    spec, out, before = built
    dead = subprocess.Popen(["true"])
    dead.wait()
    # what a build killed between its two renames leaves: no target, the old output aside
    (out / "atomic").rename(out / f".atomic.old-{dead.pid}")
    (out / f".answerkey-{dead.pid}-x1y2").mkdir()
    recover_interrupted(out)
    assert sorted(p.name for p in out.iterdir()) == ["atomic"]
    assert snapshot(out / "atomic") == before
    # a running build's folders are left alone
    (out / f".answerkey-{os.getpid()}-busy").mkdir()
    recover_interrupted(out)
    assert (out / f".answerkey-{os.getpid()}-busy").exists()
