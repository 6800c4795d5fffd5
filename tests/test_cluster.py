"""answerkey variants --cluster: on a Dask LocalCluster of two worker processes, the same
files as -j 2 (every byte), the same errors, and the same Ctrl-C."""

import csv
import os
import shutil
import signal
import socket
import time
from pathlib import Path

import pytest

from generator import __version__
from generator.cache import code_fingerprint
from helpers import ROOT, run_cli, start_cli, write_spec

distributed = pytest.importorskip("distributed", reason="the cluster extra is not installed")

EPOCH = {"SOURCE_DATE_EPOCH": "1700000000"}


@pytest.fixture(scope="module")
def scheduler():
    """The address of a LocalCluster: two worker processes of one thread each."""
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=":0") as cluster:  # any free port
        yield cluster.scheduler_address


def files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}


def test_the_cluster_writes_every_byte_that_j2_writes(scheduler, tmp_path):
    # Relative paths, from a folder that is not the workers': they build from the client's.
    (tmp_path / "specs").mkdir()
    shutil.copy(ROOT / "specs" / "variants-demo.yaml", tmp_path / "specs")
    env = dict(os.environ, **EPOCH)  # the workers take the client's SOURCE_DATE_EPOCH
    spec = "specs/variants-demo.yaml"
    local = run_cli("variants", spec, "-n", 6, "-j", 2, "-o", "local", cwd=tmp_path, env=env)
    assert local.returncode == 0, local.stderr
    remote = run_cli("variants", spec, "-n", 6, "--cluster", scheduler, "-o", "remote",
                     cwd=tmp_path, env=env)
    assert remote.returncode == 0, remote.stderr
    assert remote.stderr == ""
    assert "6 variants in " in remote.stdout
    assert f" s on 2 Dask worker(s) of {scheduler} (6 built, 0 up to date)" in remote.stdout
    built, expected = files(tmp_path / "remote"), files(tmp_path / "local")
    assert len(expected) == 1 + 3 + 6 * 9 + 1  # marks, variants.csv and merged PDFs, 6 x 9
    assert built.keys() == expected.keys()
    for name in expected:
        assert built[name] == expected[name], name
    again = run_cli("variants", spec, "-n", 6, "--cluster", scheduler, "-o", "remote",
                    cwd=tmp_path, env=env)
    assert "(0 built, 6 up to date)" in again.stdout, again.stderr


def failing_spec(tmp_path: Path) -> Path:
    """A spec that checks (variant 0 draws the one value its constraint accepts) and whose
    other variants fail: no draw in 100 meets the constraint."""
    from generator.spec import load_spec

    text = """
    title: Variant 0 only
    seed: 3
    questions:
      - id: c
        kind: convolution
        input: [{randint: [0, 1000000]}, 1, 2]
        kernel: [1, 1]
    """
    spec = write_spec(tmp_path, text, "bad.yaml")
    x0 = load_spec(spec).questions[0].params["input"][0]
    constraint = f'        constraints: ["input[0] == {x0}"]\n'
    return write_spec(tmp_path, text.rstrip(" ") + constraint, "bad.yaml")


def test_a_failing_variant_is_reported_as_with_j2(scheduler, tmp_path):
    spec = failing_spec(tmp_path)
    local = run_cli("variants", spec, "-n", 3, "-j", 2, "-o", tmp_path / "a", "--to", "json")
    remote = run_cli("variants", spec, "-n", 3, "--cluster", scheduler, "-o", tmp_path / "b",
                     "--to", "json")
    assert local.returncode == remote.returncode == 2
    line = (f"{spec}:8:18: c.constraints: no draw in 100 satisfied constraint "
            f"'input[0] == ")
    assert remote.stderr == local.stderr and remote.stderr.startswith(line), remote.stderr
    assert len(remote.stderr.splitlines()) == 1  # the same problem of two variants: once
    for run in ("a", "b"):
        folder = tmp_path / run / "bad" / "variants"
        assert sorted(p.name for p in folder.iterdir()) == [".answerkey", "000", "variants.csv"]
    assert (tmp_path / "a/bad/variants/variants.csv").read_bytes() == \
        (tmp_path / "b/bad/variants/variants.csv").read_bytes()


def test_without_the_extra_one_line_and_exit_2(tmp_path):
    blocker = tmp_path / "blocked" / "distributed"
    blocker.mkdir(parents=True)
    (blocker / "__init__.py").write_text("raise ImportError('no distributed here')\n")
    env = dict(os.environ, PYTHONPATH=str(blocker.parent))
    result = run_cli("variants", "specs/variants-demo.yaml", "-n", 2, "--cluster",
                     "tcp://127.0.0.1:8786", "-o", tmp_path / "out", env=env)
    assert result.returncode == 2
    assert result.stderr == ("answerkey: --cluster needs the optional extra: "
                             "pip install 'answerkey[cluster]'\n")
    assert not (tmp_path / "out").exists()


def test_an_unreachable_scheduler_is_one_line_within_the_timeout(tmp_path):
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = dict(os.environ, DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT="1s")
    started = time.monotonic()
    result = run_cli("variants", "specs/variants-demo.yaml", "-n", 2, "--cluster",
                     f"tcp://127.0.0.1:{port}", "-o", tmp_path / "out", env=env)
    assert time.monotonic() - started < 20
    assert result.returncode == 1
    assert result.stderr == (f"error: cannot reach the Dask scheduler at tcp://127.0.0.1:{port} "
                             "within 1 s (is it running? `dask scheduler` prints its address)\n")
    assert not (tmp_path / "out").exists()
    bad = run_cli("variants", "specs/variants-demo.yaml", "-n", 2, "--cluster", "nowhere",
                  "-o", tmp_path / "out")
    assert (bad.returncode, bad.stderr) == (
        2, "answerkey: --cluster nowhere: missing port number in address 'nowhere'\n")


def test_j_and_cluster_do_not_go_together(tmp_path):
    result = run_cli("variants", "specs/variants-demo.yaml", "-n", 2, "-j", 2, "--cluster",
                     "tcp://127.0.0.1:8786", "-o", tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("answerkey: -j and --cluster do not go together")


def test_a_worker_that_does_not_share_the_files_says_so(scheduler, tmp_path):
    """Every worker checks what it sees: here a probe folder that exists nowhere, as the
    client's own is invisible to a worker on another file system."""
    from generator.cluster import Run, worker_problem

    spec = ROOT / "specs" / "variants-demo.yaml"
    probe = tmp_path / "variants" / ".answerkey-1-00000000"
    with distributed.Client(scheduler, set_as_default=False) as client:
        seen = client.run(worker_problem, Run(str(ROOT), str(probe), "stop", code_fingerprint(),
                                              None), str(spec))
    assert len(seen) == 2
    for address, problem in seen.items():
        assert problem == (f"the Dask worker at {address} does not see the output folder "
                           f"{probe.parent}/: the spec and the output must be on a file "
                           "system the workers share, at the same path (the cluster's home "
                           "or scratch)")
    probe.mkdir(parents=True)
    (probe / ".answerkey").write_text("mark\n")
    run = Run(str(ROOT), str(probe), "stop", code_fingerprint(), None)
    assert worker_problem(run, str(spec)) is None
    assert worker_problem(run, "specs/none.yaml") == (
        f"a Dask worker does not see the spec {ROOT / 'specs/none.yaml'}: it must be on a "
        "file system the workers share, at the same path")
    other = Run(str(ROOT), str(probe), "stop", "0" * 64, None)
    assert worker_problem(other, str(spec)) == (
        f"a Dask worker runs another answerkey ({__version__}, or the same version with "
        "other files): install the command's on every worker")
    elsewhere = Run(str(tmp_path / "not-here"), str(probe), "stop", code_fingerprint(), None)
    assert worker_problem(elsewhere, str(spec)) == (
        f"a Dask worker does not see the folder {tmp_path / 'not-here'} the command runs in: "
        "it must be on a file system the workers share, at the same path")


def test_ctrl_c_waits_for_the_variants_being_built(scheduler, tmp_path):
    proc = start_cli("variants", "specs/variants-demo.yaml", "-n", 40, "--cluster", scheduler,
                     "-o", tmp_path)
    folder = tmp_path / "variants-demo" / "variants"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not (folder / "000").exists():
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C at a terminal does
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert len(err.splitlines()) == 1 and "variants complete; none half-written" in err, err
    done = sorted(p.name for p in folder.iterdir() if p.name[0].isdigit())
    assert 0 < len(done) < 40
    time.sleep(2)  # no task of the run is still building: nothing more appears
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [".answerkey", "all-handouts.pdf", "all-keys.pdf", "variants.csv", *done])
    assert [r["id"] for r in csv.DictReader((folder / "variants.csv").open())] == done
    assert f"({len(done)} of 40 variants complete" in err
