"""A failing or killed build leaves the previous output exactly as it was."""

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from generator.outdir import recover_interrupted
from helpers import ANSWERKEY, ROOT, start_cli, write_spec

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


def wait_for_staging(out, proc):
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:  # wait until the build is staging its files
        if any(p.name.startswith(".answerkey-") for p in out.iterdir()):
            return
        if proc.poll() is not None:
            pytest.fail(f"the build ended first: {proc.communicate()}")
        time.sleep(0.005)
    pytest.fail("the build never started staging")


@contextlib.contextmanager
def hangup_disposition(disposition):
    """Start children with SIGHUP at `disposition`, whatever this test run inherited (a
    pytest under nohup ignores it, and so would every command it starts)."""
    previous = signal.signal(signal.SIGHUP, disposition)
    try:
        yield
    finally:
        signal.signal(signal.SIGHUP, previous)


@pytest.mark.parametrize("to_group", [False, True], ids=["process", "group"])
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT, signal.SIGHUP])
def test_signal_mid_build_keeps_previous_output(built, sig, to_group):
    """Ctrl-C reaches the whole process group (answerkey, its figure workers, LaTeX), and so
    does a hangup when the terminal is closed: exit 130 with one line, never 'LaTeX failed',
    never a worker's traceback."""
    spec, out, before = built
    with hangup_disposition(signal.SIG_DFL):
        proc = start_cli("build", spec, "-o", out, "--force")
    wait_for_staging(out, proc)
    if to_group:
        os.killpg(proc.pid, sig)
    else:
        proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert err.splitlines() == ["interrupted: no output is half-written"]
    assert snapshot(out / "atomic") == before
    assert sorted(p.name for p in out.iterdir()) == ["atomic"]


def test_a_hangup_ignored_from_the_start_stays_ignored(built):
    """`nohup answerkey build ...` is meant to outlive its terminal."""
    spec, out, before = built
    with hangup_disposition(signal.SIG_IGN):
        proc = start_cli("build", spec, "-o", out, "--force")
    wait_for_staging(out, proc)
    os.killpg(proc.pid, signal.SIGHUP)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert sorted(p.name for p in out.iterdir()) == ["atomic"]
    assert snapshot(out / "atomic").keys() == before.keys()


FIGURES = """
title: Figures
questions:
  - {id: q1, kind: activations}
  - {id: q2, kind: softmax, x: [1, 2, 3]}
  - {id: q3, kind: sigmoid_tanh, sizes: {D: 2, M: 3, K: 2}, seed: 3}
"""


def children(pid: int) -> set[int]:
    found = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        text = (task / "children").read_text().split()
        found.update(int(t) for t in text)
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


def test_figure_workers_die_with_a_killed_build(tmp_path):
    spec = write_spec(tmp_path, FIGURES, "fig.yaml")
    out = tmp_path / "out"
    out.mkdir()
    proc = start_cli("build", spec, "-o", out)
    deadline = time.monotonic() + 30
    workers: set[int] = set()
    while time.monotonic() < deadline and len(workers) < 2:
        workers = {c for c in children(proc.pid)
                   if "python" in Path(f"/proc/{c}/cmdline").read_bytes().decode(errors="replace")
                   or Path(f"/proc/{c}/exe").resolve().name.startswith("python")}
        time.sleep(0.01)
    assert len(workers) >= 2, "the figure workers never started"
    proc.kill()
    proc.communicate(timeout=30)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(alive(w) for w in workers):
        time.sleep(0.05)
    assert not any(alive(w) for w in workers)
    subprocess.run([ANSWERKEY, "build", spec, "-o", out], check=True, capture_output=True)
    assert sorted(p.name for p in out.iterdir()) == ["fig"]


def test_signal_tests_pass_when_started_with_sigint_ignored(tmp_path):
    """What a test run inherits must not decide its outcome (a CI shell may ignore SIGINT,
    nohup SIGHUP)."""
    if os.environ.get("ANSWERKEY_NESTED_TEST"):
        pytest.skip("already inside the nested run")
    env = dict(os.environ, ANSWERKEY_NESTED_TEST="1")
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
         f"{Path(__file__)}::test_signal_mid_build_keeps_previous_output"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300,
        preexec_fn=lambda: [signal.signal(s, signal.SIG_IGN)
                            for s in (signal.SIGINT, signal.SIGHUP)])
    assert result.returncode == 0, result.stdout[-3000:]
    assert "6 passed" in result.stdout


def test_sigkill_leftovers_are_recovered_by_the_next_build(built):
    spec, out, before = built
    dead = subprocess.Popen(["true"])
    dead.wait()
    # what a build killed between its two renames leaves: no target, the old output aside
    (out / "atomic").rename(out / f".atomic.old-{dead.pid}")
    (out / f".answerkey-{dead.pid}-0a1b2c3d").mkdir()  # killed between mkdir and its mark
    staged = out / f".answerkey-{dead.pid}-4e5f6a7b"
    staged.mkdir()
    (staged / ".answerkey").write_text("made by answerkey\n")
    (staged / "answers.json").write_text("{}")
    recover_interrupted(out)
    assert sorted(p.name for p in out.iterdir()) == ["atomic"]
    assert snapshot(out / "atomic") == before
    # a running build's folders are left alone
    (out / f".answerkey-{os.getpid()}-0f0f0f0f").mkdir()
    recover_interrupted(out)
    assert (out / f".answerkey-{os.getpid()}-0f0f0f0f").exists()


def test_recovery_touches_only_what_answerkey_made(tmp_path):
    """A user's own backups in -o look like answerkey's leftovers by name only."""
    dead = subprocess.Popen(["true"])
    dead.wait()
    names = {
        f".thesis.old-{dead.pid}": "a user's backup folder, no mark",
        f".answerkey-{dead.pid}-notours": "not the staging name format",
        f".answerkey-{dead.pid}-0a1b2c3d": "a staging name, but it holds a user's file",
    }
    for name in names:
        (tmp_path / name).mkdir()
        (tmp_path / name / "chapter1.tex").write_text("mine")
    (tmp_path / f".linked.old-{dead.pid}").symlink_to(tmp_path / f".thesis.old-{dead.pid}")
    before = sorted(p.name for p in tmp_path.iterdir())
    recover_interrupted(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    for name in names:
        assert (tmp_path / name / "chapter1.tex").read_text() == "mine"
