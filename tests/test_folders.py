"""Output folders: answerkey replaces only what it made, trusts no file it did not verify,
and reports a hostile or broken environment in one line, losing nothing."""

import hashlib
import json
import os
import select
import shutil
import subprocess
import textwrap
import threading
import time

import pytest

from generator.outdir import locked
from helpers import ANSWERKEY, run_cli, start_cli, write_spec

SPEC = """
title: Folders
questions:
  - {id: q5, kind: convolution, input: [1, 2, 3, 4], kernel: [1, 0, 2]}
"""
PLOT = """
title: Plot
questions:
  - {id: q1, kind: activations}
"""


def tree(root):
    """Every entry below root (links not followed) with its bytes or link target."""
    out = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            path = os.path.join(dirpath, name)
            rel = os.path.relpath(path, root)
            if os.path.islink(path):
                out[rel] = ("link", os.readlink(path))
            elif os.path.isfile(path):
                with open(path, "rb") as handle:
                    out[rel] = hashlib.sha256(handle.read()).hexdigest()
            else:
                out[rel] = "dir"
    return out


def refused(result, *lines):
    assert result.returncode == 2, result.stderr
    assert result.stderr.splitlines() == list(lines)


@pytest.fixture
def spec(tmp_path):
    return write_spec(tmp_path, SPEC, "a1.yaml")


@pytest.fixture
def built(tmp_path, spec):
    out = tmp_path / "out"
    result = run_cli("build", spec, "-o", out)
    assert result.returncode == 0, result.stderr
    return out


# -- which folders are answerkey's ------------------------------------------------------------

@pytest.mark.parametrize("name", ["..yaml", "...yaml", ".hidden.yaml", "-x.yaml", " a.yaml",
                                  "a\nb.yaml", "_a.yaml"])
@pytest.mark.parametrize("command", ["build", "variants"])
def test_a_spec_name_that_cannot_name_a_folder_is_refused(tmp_path, name, command):
    spec = write_spec(tmp_path, SPEC, name)
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    before = tree(tmp_path)
    args = ["-n", 1] if command == "variants" else []
    shown, where = (str(x).replace("\n", "\\n") for x in (name, spec))
    refused(run_cli(command, spec, "-o", out, *args),
            f"{where}: the file name '{shown}' cannot name an output folder: rename the spec so "
            "that its name starts with a letter or digit and holds only letters, digits, "
            "spaces and . _ + -")
    assert tree(tmp_path) == before


def test_two_specs_with_one_output_folder_are_refused(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    a, b = write_spec(tmp_path / "a", SPEC), write_spec(tmp_path / "b", SPEC)
    refused(run_cli("build", a, b, "-o", tmp_path / "out"),
            f"{b}: has the same output folder 'spec/' as {a}: rename one of them")
    assert not (tmp_path / "out").exists()


def test_a_folder_answerkey_did_not_make_is_never_replaced(tmp_path, spec):
    target = tmp_path / "out" / "a1"
    target.mkdir(parents=True)
    (target / "notes.md").write_text("my notes")
    before = tree(tmp_path)
    for extra in ([], ["--force"]):
        refused(run_cli("build", spec, "-o", tmp_path / "out", *extra),
                f"{target}/: was not made by answerkey, and answerkey replaces only folders it "
                "made: move it away or choose another -o")
        assert tree(tmp_path) == before
    refused(run_cli("variants", spec, "-n", 1, "-o", tmp_path / "out"),
            f"{target}/: was not made by answerkey, and answerkey replaces only folders it "
            "made: move it away or choose another -o")
    assert tree(tmp_path) == before


def test_a_link_at_the_output_folder_is_not_followed(tmp_path, spec):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "thesis.tex").write_text("mine")
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "a1").symlink_to(elsewhere)
    before = tree(tmp_path)
    refused(run_cli("build", spec, "-o", tmp_path / "out", "--force"),
            f"{tmp_path / 'out' / 'a1'}/: is a link, and answerkey replaces only folders it "
            "made: move it away or choose another -o")
    assert tree(tmp_path) == before


def test_files_a_user_put_into_an_output_folder_need_force(tmp_path, spec, built):
    (built / "a1" / "notes.txt").write_text("mine")
    (built / "a1" / "figures").mkdir()
    (built / "a1" / "figures" / "sketch.png").write_bytes(b"png")
    spec.write_text(SPEC.replace("[1, 0, 2]", "[1, 1]"))
    before = tree(tmp_path)
    refused(run_cli("build", spec, "-o", built),
            f"{built / 'a1'}/: holds figures/sketch.png, notes.txt, which answerkey did not "
            "write: move it away, or pass --force to replace the folder and delete it")
    assert tree(tmp_path) == before
    result = run_cli("build", spec, "-o", built, "--force")
    assert result.returncode == 0, result.stderr
    assert not (built / "a1" / "notes.txt").exists()


@pytest.mark.parametrize("name", ["figures/my-diagram.svg", "figures/q1-extra.pdf",
                                  "handout.html", "answer-key.html", "index.html"])
def test_a_user_file_with_an_output_like_name_is_the_users(tmp_path, name):
    """Only what the cache record lists is answerkey's, not whatever looks like it."""
    spec = write_spec(tmp_path, PLOT, "plot.yaml")
    out = tmp_path / "out"
    assert run_cli("build", spec, "-o", out, "--to", "pdf,json").returncode == 0
    path = out / "plot" / name
    path.parent.mkdir(exist_ok=True)
    path.write_text("mine")
    before = tree(tmp_path)
    result = run_cli("build", spec, "-o", out, "--to", "json", "--set", "title=Plot 2")
    refused(result, f"{out / 'plot'}/: holds {name}, which answerkey did not write: move it "
                    "away, or pass --force to replace the folder and delete it")
    assert tree(tmp_path) == before


def test_with_a_damaged_record_the_output_names_are_answerkeys(tmp_path, spec, built):
    """A damaged record is not trusted, so the files are judged by their names: outputs
    are rebuilt, a user's notes still need --force."""
    record = built / "a1" / ".answerkey-cache.json"
    record.write_text("{not json")
    result = run_cli("build", spec, "-o", built, "--set", "q5.kernel=[3]")
    assert result.returncode == 0, result.stderr
    record.write_text("{not json")
    (built / "a1" / "notes.txt").write_text("mine")
    before = tree(tmp_path)
    refused(run_cli("build", spec, "-o", built),
            f"{built / 'a1'}/: holds notes.txt, which answerkey did not write: move it away, or "
            "pass --force to replace the folder and delete it")
    assert tree(tmp_path) == before


def test_a_link_planted_at_an_output_name_is_neither_followed_nor_copied(tmp_path, spec, built):
    secret = tmp_path / "secret.txt"
    secret.write_text("private")
    pdf = built / "a1" / "answer-key.pdf"
    pdf.unlink()
    pdf.symlink_to(secret)
    refused(run_cli("build", spec, "-o", built),
            f"{built / 'a1'}/: holds answer-key.pdf, which answerkey did not write: move it "
            "away, or pass --force to replace the folder and delete it")
    result = run_cli("build", spec, "-o", built, "--force")
    assert result.returncode == 0, result.stderr
    assert not pdf.is_symlink() and pdf.read_bytes().startswith(b"%PDF")
    assert secret.read_text() == "private"


def test_outputs_of_formats_not_asked_for_are_kept(tmp_path, spec, built):
    folder = built / "a1"
    pdf = (folder / "answer-key.pdf").read_bytes()
    result = run_cli("build", spec, "-o", built, "--to", "json", "--set", "q5.kernel=[2]")
    assert result.returncode == 0, result.stderr
    assert "kept from before: answer-key.pdf, answer-key.tex, handout.html, handout.pdf, " \
           "handout.tex, index.html" in result.stdout
    assert (folder / "answer-key.pdf").read_bytes() == pdf
    assert json.loads((folder / "answers.json").read_text())["questions"]["q5"]["params"][
        "kernel"] == [2]
    # the kept PDF is known to be of the old .tex: asking for PDFs again compiles them
    result = run_cli("build", spec, "-o", built, "--to", "pdf", "--set", "q5.kernel=[2]")
    assert "2 PDF(s) compiled" in result.stdout, result.stdout


# -- nothing in an output folder is trusted unverified -----------------------------------------

def test_a_truncated_pdf_is_not_carried_forward(tmp_path, spec, built):
    pdf = built / "a1" / "answer-key.pdf"
    good = pdf.read_bytes()
    pdf.write_bytes(good[:1000])
    result = run_cli("build", spec, "-o", built)
    assert result.returncode == 0 and "up to date" not in result.stdout, result.stdout
    assert "1 PDF(s) compiled" in result.stdout
    assert pdf.read_bytes()[:4] == b"%PDF" and len(pdf.read_bytes()) > 1000


def test_an_edited_figure_is_redrawn(tmp_path):
    spec = write_spec(tmp_path, PLOT, "plot.yaml")
    out = tmp_path / "out"
    assert run_cli("build", spec, "-o", out, "--to", "html").returncode == 0
    svg = next((out / "plot" / "figures").glob("*.svg"))
    good = svg.read_bytes()
    svg.write_bytes(good.replace(b"</svg>", b"<text>edited</text></svg>"))
    result = run_cli("build", spec, "-o", out, "--to", "html", "--set", "title=Plot 2")
    assert result.returncode == 0, result.stderr
    assert "0 figure(s) drawn" in result.stdout  # taken from the user's figure cache
    assert svg.read_bytes() == good
    svg.write_bytes(good.replace(b"</svg>", b"<text>edited</text></svg>"))
    fresh = dict(os.environ, ANSWERKEY_CACHE=str(tmp_path / "empty-cache"))
    result = run_cli("build", spec, "-o", out, "--to", "html", "--set", "title=Plot 3", env=fresh)
    assert result.returncode == 0, result.stderr
    assert "1 figure(s) drawn" in result.stdout
    assert svg.read_bytes() == good


RECORDS = {
    "dev-zero": lambda f: {"key": "0" * 64, "files": {"/dev/zero": "0" * 64}},
    "escaping-name": lambda f: {"key": "0" * 64, "files": {"../../etc/passwd": "0" * 64}},
    "wrong-types": lambda f: {"key": 5, "files": ["answers.json"], "figures": None},
    "not-a-mapping": lambda f: [1, 2, 3],
    "deep": lambda f: None,
    "huge": lambda f: None,
}


@pytest.mark.parametrize("case", list(RECORDS))
def test_a_tampered_cache_record_only_costs_a_rebuild(tmp_path, spec, built, case):
    record = built / "a1" / ".answerkey-cache.json"
    if case == "deep":
        record.write_text("[" * 100_000 + "]" * 100_000)
    elif case == "huge":
        record.write_bytes(b" " * 5_000_000 + b"{}")
    else:
        record.write_text(json.dumps(RECORDS[case](record)))
    result = run_cli("build", spec, "-o", built, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stderr == "" and "built" in result.stdout
    assert json.loads(record.read_text())["key"] != "0" * 64


@pytest.mark.parametrize("kind", ["fifo", "link-to-dev-zero"])
def test_a_record_that_is_no_regular_file_is_not_read(tmp_path, spec, built, kind):
    """Neither read (no hang on a FIFO, no endless /dev/zero) nor taken for answerkey's."""
    record = built / "a1" / ".answerkey-cache.json"
    record.unlink()
    if kind == "fifo":
        os.mkfifo(record)
    else:
        record.symlink_to("/dev/zero")
    refused(run_cli("build", spec, "-o", built, timeout=60),
            f"{built / 'a1'}/: holds .answerkey-cache.json, which answerkey did not write: move "
            "it away, or pass --force to replace the folder and delete it")
    result = run_cli("build", spec, "-o", built, "--force", timeout=60)
    assert result.returncode == 0, result.stderr
    assert record.is_file() and not record.is_symlink()


def test_a_record_naming_a_fifo_does_not_hang(tmp_path, spec, built):
    folder = built / "a1"
    record = json.loads((folder / ".answerkey-cache.json").read_text())
    (folder / "answers.json").unlink()
    os.mkfifo(folder / "answers.json")
    (folder / ".answerkey-cache.json").write_text(json.dumps(record))
    result = run_cli("build", spec, "-o", built, timeout=60)
    refused(result, f"{folder}/: holds answers.json, which answerkey did not write: move it "
                    "away, or pass --force to replace the folder and delete it")


# -- the environment -------------------------------------------------------------------------

def test_output_root_that_cannot_be_a_folder(tmp_path, spec):
    (tmp_path / "file").write_text("x")
    (tmp_path / "dangling").symlink_to(tmp_path / "missing")
    before = tree(tmp_path)
    refused(run_cli("build", spec, "-o", tmp_path / "file"),
            f"answerkey: -o {tmp_path / 'file'}: a file, not a folder")
    refused(run_cli("build", spec, "-o", tmp_path / "dangling"),
            f"answerkey: -o {tmp_path / 'dangling'}: a link to {tmp_path / 'missing'}, "
            "which does not exist")
    refused(run_cli("build", spec, "-o", tmp_path / "file" / "sub"),
            f"answerkey: -o {tmp_path / 'file' / 'sub'}: a file stands where a folder of this "
            "path should be")
    refused(run_cli("variants", spec, "-n", 1, "-o", tmp_path / "file"),
            f"answerkey: -o {tmp_path / 'file'}: a file, not a folder")
    assert tree(tmp_path) == before


def test_solve_with_stdout_closed_or_full(spec):
    for redirect in (">&-", "> /dev/full"):
        result = subprocess.run(f"'{ANSWERKEY}' solve '{spec}' {redirect}", shell=True,
                                capture_output=True, text=True, timeout=60)
        assert result.returncode == 1, result.stderr
        line, = result.stderr.splitlines()
        assert line.startswith("error: cannot write the answers"), line


def in_small_filesystem(tmp_path, script: str, size: str = "4m") -> str:
    """Run a shell script with $DIR a fresh tmpfs of `size`, in a mount namespace of its own
    (nothing stays mounted); needs root, else the test is skipped."""
    if os.geteuid() != 0 or shutil.which("unshare") is None:
        pytest.skip("needs root and unshare to mount a small file system")
    probe = subprocess.run(["unshare", "-m", "--propagation", "private", "true"],
                           capture_output=True)
    if probe.returncode != 0:
        pytest.skip("mount namespaces are not available here")
    mount = tmp_path / "mnt"
    mount.mkdir()
    body = f"mount -t tmpfs -o size={size} tmpfs '{mount}' || exit 99\nDIR='{mount}'\n" + \
        textwrap.dedent(script)
    result = subprocess.run(["unshare", "-m", "--propagation", "private", "sh", "-c", body],
                            capture_output=True, text=True, timeout=300,
                            env=dict(os.environ, AK=str(ANSWERKEY)))
    assert result.returncode != 99, result.stderr
    return result.stdout + result.stderr


def test_a_full_disk_is_one_line_and_loses_nothing(tmp_path, spec):
    log = in_small_filesystem(tmp_path, f"""
        "$AK" build '{spec}' -o "$DIR/out" --to json,tex >/dev/null || exit 98
        before=$(find "$DIR/out" -type f | sort | xargs sha256sum)
        dd if=/dev/zero of="$DIR/filler" bs=64k 2>/dev/null
        "$AK" build '{spec}' -o "$DIR/out" --force 2>"$DIR/../err"
        echo "rc=$?"
        after=$(find "$DIR/out" -type f | sort | xargs sha256sum)
        [ "$before" = "$after" ] && echo same
        ls -a "$DIR/out"
        cat "$DIR/../err"
    """)
    assert "rc=1" in log and "same" in log, log
    error_lines = (tmp_path / "err").read_text().splitlines()
    assert len(error_lines) == 1 and "the disk is full" in error_lines[0], error_lines
    assert ".answerkey-" not in log  # the staging folder went


def test_a_read_only_output_folder_is_one_line(tmp_path, spec):
    log = in_small_filesystem(tmp_path, f"""
        "$AK" build '{spec}' -o "$DIR/out" --to json >/dev/null || exit 98
        mount -o remount,ro "$DIR" || exit 97
        "$AK" build '{spec}' -o "$DIR/out" --to json,tex 2>"$DIR/../err"
        echo "rc=$?"
    """)
    assert "rc=1" in log, log
    line, = (tmp_path / "err").read_text().splitlines()
    assert line.startswith("error: ") and "read-only" in line, line


def test_parallel_builds_into_one_folder_take_turns(tmp_path, spec):
    out = tmp_path / "out"
    procs = [start_cli("build", spec, "-o", out, "--to", "json,tex", "--force",
                       "--set", f"q5.kernel=[{k}]") for k in range(6)]
    for proc in procs:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        assert all(line.startswith("waiting for another answerkey run") for line in
                   err.splitlines()), err
    assert sorted(p.name for p in out.iterdir()) == ["a1"]
    data = json.loads((out / "a1" / "answers.json").read_text())
    assert data["questions"]["q5"]["params"]["kernel"] in [[k] for k in range(6)]


def test_a_second_run_waits_for_the_lock_and_says_so(tmp_path, spec):
    out = tmp_path / "out"
    out.mkdir()
    with locked(out):
        proc = start_cli("build", spec, "-o", out, "--to", "json")
        ready, _, _ = select.select([proc.stderr], [], [], 60)
        assert ready, "the second run printed nothing"
        line = proc.stderr.readline()
        assert line.startswith(f"waiting for another answerkey run writing into {out}/"), line
        assert proc.poll() is None and not (out / "a1").exists()
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert (out / "a1" / "answers.json").exists()


def test_deleting_the_output_root_mid_build_is_one_line(tmp_path):
    spec = write_spec(tmp_path, PLOT, "plot.yaml")
    out = tmp_path / "out"
    proc = start_cli("build", spec, "-o", out, "--force")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not (
            out.exists() and any(p.name.startswith(".answerkey-") for p in out.iterdir())):
        time.sleep(0.005)
    remover = threading.Thread(target=shutil.rmtree, args=(out,), kwargs={"ignore_errors": True})
    remover.start()
    remover.join()
    _, err = proc.communicate(timeout=120)
    assert proc.returncode in (0, 1), err
    if proc.returncode == 1:
        line, = err.splitlines()
        assert line.startswith("error: ") and "internal error" not in line, line


def test_a_record_naming_huge_or_foreign_files_is_ignored(tmp_path, spec, built):
    """Hard links to one big sparse file, listed with their true hashes: reading them would
    cost every run gigabytes; a record naming files a build never writes is not valid."""
    folder = built / "a1"
    big = tmp_path / "big"
    with open(big, "wb") as handle:
        handle.truncate(300 << 20)
    digest = hashlib.sha256(big.read_bytes()).hexdigest()
    record = json.loads((folder / ".answerkey-cache.json").read_text())
    (folder / "figures").mkdir()
    for k in range(5):
        os.link(big, folder / "figures" / f"z{k}.pdf")
        record["files"][f"figures/z{k}.pdf"] = digest
    (folder / ".answerkey-cache.json").write_text(json.dumps(record))
    from generator import cache

    assert cache.read(folder) == {}  # 1.5 GB recorded: not trusted
    record["files"] = {"notes.txt": digest}
    (folder / ".answerkey-cache.json").write_text(json.dumps(record))
    assert cache.read(folder) == {}


def test_recovery_keeps_a_moved_aside_folder_holding_a_users_files(tmp_path, spec, built):
    dead = subprocess.Popen(["true"])
    dead.wait()
    aside = built / f".a1.old-{dead.pid}"
    shutil.copytree(built / "a1", aside)
    (aside / "notes.txt").write_text("mine")
    result = run_cli("build", spec, "-o", built, "--force")
    assert result.returncode == 0, result.stderr
    assert (aside / "notes.txt").read_text() == "mine"


def test_stale_variant_folders_holding_a_users_files_are_kept(tmp_path):
    spec = write_spec(tmp_path, VARIANT_SPEC, "v.yaml")
    out = tmp_path / "out"
    assert run_cli("variants", spec, "-n", 3, "-o", out, "--to", "json").returncode == 0
    notes = out / "v" / "variants" / "002" / "notes.txt"
    notes.write_text("mine")
    before = tree(tmp_path)
    refused(run_cli("variants", spec, "-n", 2, "-o", out, "--to", "json"),
            f"{notes.parent}/: holds notes.txt, which answerkey did not write: move it away, "
            "or pass --force to replace the folder and delete it")
    assert tree(tmp_path) == before
    assert run_cli("variants", spec, "-n", 2, "-o", out, "--to", "json",
                   "--force").returncode == 0
    assert not notes.parent.exists()


VARIANT_SPEC = """
title: V
questions:
  - {id: c, kind: convolution, input: [{randint: [1, 9]}, 2, 3], kernel: [1, 1]}
"""


def test_a_control_character_in_a_key_stays_on_one_line(tmp_path):
    spec = tmp_path / "k.yaml"
    spec.write_text('title: t\nquestions:\n  - id: c1\n    kind: convolution\n'
                    '    input: [1, 2]\n    kernel: [1]\n    "bad\\nkey\\u001b[31m": 1\n')
    result = run_cli("check", spec)
    assert result.returncode == 2
    line, = result.stderr.splitlines()
    assert "\x1b" not in line and "bad\\nkey\\x1b[31m" in line, line


def test_build_of_a_fifo_does_not_hang(tmp_path):
    """The up-to-date check before loading reads the spec as safely as loading does."""
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    result = run_cli("build", fifo, "-o", tmp_path / "out", timeout=30)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"{fifo}: cannot read the spec: it is a named pipe (FIFO), not a regular file"]
