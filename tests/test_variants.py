"""answerkey variants: deterministic, distinct, traceable, interruptible."""

import csv
import json
import os
import signal
import subprocess
import time

import pytest

from helpers import pdf_text, run_cli, start_cli, write_spec

SPEC = """
title: Variants
seed: 5
questions:
  - id: conv
    kind: convolution
    input: [{randint: [-9, 9]}, {randint: [-9, 9]}, {randint: [1, 9]}]
    kernel: {choice: [[1, 0, -1], [1, 2, 1], [2, -1]]}
  - id: net
    kind: cnn_shapes
    input: [3, {choice: [32, 64]}, 64]
    layers: [{type: conv, filters: {randint: [2, 64]}, kernel: {randint: [2, 5]}}]
"""


def answers(folder):
    return (folder / "answers.json").read_bytes()


def test_variants_are_deterministic_independent_of_n_and_jobs(tmp_path):
    spec = write_spec(tmp_path, SPEC, "v.yaml")
    a, b = tmp_path / "a", tmp_path / "b"
    assert run_cli("variants", spec, "-n", 3, "-j", 2, "-o", a, "--to", "json").returncode == 0
    result = run_cli("variants", spec, "-n", 5, "-j", 1, "-o", b, "--to", "json")
    assert result.returncode == 0, result.stderr
    assert "5 variants in" in result.stdout
    for k in ("000", "001", "002"):
        assert answers(a / "v" / "variants" / k) == answers(b / "v" / "variants" / k)
    data = json.loads(answers(b / "v" / "variants" / "004"))
    assert data["variant"] == {"index": 4, "seed": 5}
    drawn = {json.dumps(json.loads(answers(b / "v" / "variants" / f"00{k}"))["questions"])
             for k in range(5)}
    assert len(drawn) == 5  # distinct


def test_manifest_traces_every_variant(tmp_path):
    spec = write_spec(tmp_path, SPEC, "v.yaml")
    result = run_cli("variants", spec, "-n", 4, "-o", tmp_path, "--to", "json", "--seed", 9)
    assert result.returncode == 0, result.stderr
    folder = tmp_path / "v" / "variants"
    rows = list(csv.DictReader((folder / "variants.csv").open()))
    assert [r["id"] for r in rows] == ["000", "001", "002", "003"]
    for row in rows:
        data = json.loads(answers(folder / row["id"]))
        assert int(row["seed"]) == 9 == data["variant"]["seed"]
        assert json.loads(row["conv.kernel"]) == data["questions"]["conv"]["params"]["kernel"]
        assert json.loads(row["net.input[1]"]) == data["questions"]["net"]["params"]["input"][1]
        assert len(row["spec_sha256"]) == 64


def test_roster_variants_depend_only_on_student_id(tmp_path):
    spec = write_spec(tmp_path, SPEC, "v.yaml")
    (tmp_path / "r1.csv").write_text("name,id\nAda,s-001\nBo,s-002\nCy,s-003\n")
    (tmp_path / "r2.csv").write_text("id\ns-003\ns-001\n")
    assert run_cli("variants", spec, "--roster", tmp_path / "r1.csv", "-o", tmp_path / "x",
                   "--to", "json").returncode == 0
    assert run_cli("variants", spec, "--roster", tmp_path / "r2.csv", "-o", tmp_path / "y",
                   "--to", "json").returncode == 0
    for sid in ("s-001", "s-003"):
        x = json.loads(answers(tmp_path / "x" / "v" / "variants" / sid))
        y = json.loads(answers(tmp_path / "y" / "v" / "variants" / sid))
        assert x["questions"] == y["questions"] and x["variant"]["student"] == sid


def test_bad_roster_and_usage(tmp_path):
    spec = write_spec(tmp_path, SPEC, "v.yaml")
    (tmp_path / "r.csv").write_text("id\ns1\ns1\n../etc\n")
    result = run_cli("variants", spec, "--roster", tmp_path / "r.csv", "-o", tmp_path)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"{tmp_path / 'r.csv'}:3:1: student id 's1' repeats line 2",
        f"{tmp_path / 'r.csv'}:4:1: student id '../etc' must be 1-64 letters, digits, '.', '_' "
        "or '-' (it names a folder)"]
    assert run_cli("variants", spec, "-o", tmp_path).returncode == 2
    assert run_cli("variants", spec, "-n", 0, "-o", tmp_path).returncode == 2


def test_complete_variants_with_pdfs_and_a_cached_rerun(tmp_path):
    spec = write_spec(tmp_path, SPEC, "v.yaml")
    assert run_cli("variants", spec, "-n", 2, "-o", tmp_path).returncode == 0
    for k in ("000", "001"):
        names = sorted(p.name for p in (tmp_path / "v" / "variants" / k).iterdir())
        assert names == [".answerkey", ".answerkey-cache.json", "answer-key.pdf",
                         "answer-key.tex", "answers.json", "handout.html", "handout.pdf",
                         "handout.tex", "index.html"]
    again = run_cli("variants", spec, "-n", 2, "-o", tmp_path)
    assert "(0 built, 2 up to date)" in again.stdout
    folder = tmp_path / "v" / "variants"
    for merged, one in (("all-keys.pdf", "answer-key.pdf"), ("all-handouts.pdf", "handout.pdf")):
        text = pdf_text(folder / merged)
        parts = [pdf_text(folder / k / one) for k in ("000", "001")]
        assert text.replace("\f", "") == "".join(parts).replace("\f", "")  # both, in order
        assert pdf_pages(folder / merged) == sum(pdf_pages(folder / k / one)
                                                 for k in ("000", "001"))


def pdf_pages(path):
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    return int(next(line.split()[1] for line in info.stdout.splitlines()
                    if line.startswith("Pages:")))


def manifest_ids(folder):
    return [r["id"] for r in csv.DictReader((folder / "variants.csv").open())]


def variant_folders(folder):
    return sorted(p.name for p in folder.iterdir() if p.is_dir())


@pytest.mark.parametrize("to_group", [False, True], ids=["process", "group"])
def test_interrupt_leaves_no_half_written_variant(tmp_path, to_group):
    spec = write_spec(tmp_path, SPEC, "v.yaml")
    proc = start_cli("variants", spec, "-n", "40", "-j", "2", "-o", tmp_path)
    folder = tmp_path / "v" / "variants"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not (folder.exists() and variant_folders(folder)):
        time.sleep(0.05)
    if to_group:
        os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C at a terminal does
    else:
        proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert len(err.splitlines()) == 1 and "none half-written" in err, err
    done = variant_folders(folder)
    assert 0 < len(done) < 40
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [".answerkey", "all-handouts.pdf", "all-keys.pdf", "variants.csv", *done])
    # no staging folder, no temporary file; the merged PDFs hold the variants present
    assert pdf_pages(folder / "all-keys.pdf") == sum(
        pdf_pages(folder / name / "answer-key.pdf") for name in done)
    for name in done:
        assert (folder / name / "answer-key.pdf").exists()
        assert (folder / name / "handout.pdf").exists()
    assert manifest_ids(folder) == done  # the manifest lists exactly what is there


def test_a_complete_rerun_leaves_exactly_its_own_variants(tmp_path):
    """Fewer variants with another seed: the folders of the first run that the second does
    not make are removed, and the manifest describes the second run alone."""
    spec = write_spec(tmp_path, SPEC, "v.yaml")
    folder = tmp_path / "v" / "variants"
    assert run_cli("variants", spec, "-n", 4, "-o", tmp_path, "--to", "json",
                   "--seed", 1).returncode == 0
    result = run_cli("variants", spec, "-n", 2, "-o", tmp_path, "--to", "json", "--seed", 2)
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader((folder / "variants.csv").open()))
    assert [r["id"] for r in rows] == ["000", "001"] == variant_folders(folder)
    assert {r["seed"] for r in rows} == {"2"}
    for row in rows:
        data = json.loads(answers(folder / row["id"]))
        assert data["variant"]["seed"] == 2


def test_manifest_of_an_interrupted_rerun_names_each_folders_seed(tmp_path):
    spec = write_spec(tmp_path, SPEC, "v.yaml")
    folder = tmp_path / "v" / "variants"
    assert run_cli("variants", spec, "-n", 30, "-o", tmp_path, "--to", "json",
                   "--seed", 1).returncode == 0
    proc = start_cli("variants", spec, "-n", 30, "-j", 1, "-o", tmp_path, "--seed", 2)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not (folder / "000" / "answer-key.pdf").exists():
        time.sleep(0.02)
    os.killpg(proc.pid, signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    rows = list(csv.DictReader((folder / "variants.csv").open()))
    assert [r["id"] for r in rows] == variant_folders(folder)
    assert len(rows) == 30
    seeds = {r["id"]: r["seed"] for r in rows}
    assert seeds["000"] == "2" and seeds["029"] == "1"
    for row in rows:
        data = json.loads(answers(folder / row["id"]))
        assert str(data["variant"]["seed"]) == row["seed"]


@pytest.mark.parametrize("text, line", [
    ("s-001\ns-002\n", "the roster's first row must name its columns, one of them 'id' or "
                       "'student_id'"),
    ("name;id\nAda;s-001\n", "the roster's first row must name its columns, one of them 'id' "
                             "or 'student_id' (its columns look separated by ';': save it as "
                             "comma-separated CSV)"),
    ("", "the roster is empty"),
    ("id,name\n\n", "the roster lists no student"),
])
def test_a_roster_names_its_columns(tmp_path, text, line):
    spec = write_spec(tmp_path, SPEC, "v.yaml")
    (tmp_path / "r.csv").write_text(text)
    result = run_cli("variants", spec, "--roster", tmp_path / "r.csv", "-o", tmp_path)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [f"{tmp_path / 'r.csv'}:1:1: {line}"]
    assert not (tmp_path / "v").exists()


def test_roster_ids_cannot_be_answerkeys_own_files(tmp_path):
    spec = write_spec(tmp_path, SPEC, "v.yaml")
    (tmp_path / "r.csv").write_text("id\nvariants.csv\nall-keys.pdf\nok-1\n")
    result = run_cli("variants", spec, "--roster", tmp_path / "r.csv", "-o", tmp_path)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"{tmp_path / 'r.csv'}:2:1: student id 'variants.csv' is the name of a file answerkey "
        "writes beside the variants",
        f"{tmp_path / 'r.csv'}:3:1: student id 'all-keys.pdf' is the name of a file answerkey "
        "writes beside the variants"]
    assert not (tmp_path / "v").exists()


def test_a_build_keeps_the_variants_beside_it(tmp_path):
    spec = write_spec(tmp_path, SPEC, "v.yaml")
    assert run_cli("variants", spec, "-n", 2, "-o", tmp_path, "--to", "json").returncode == 0
    before = (tmp_path / "v" / "variants" / "001" / "answers.json").read_bytes()
    for _ in range(2):  # into the folder variants made, then replacing its own output
        result = run_cli("build", spec, "-o", tmp_path, "--to", "json")
        assert result.returncode == 0, result.stderr
    assert (tmp_path / "v" / "variants" / "001" / "answers.json").read_bytes() == before
    assert manifest_ids(tmp_path / "v" / "variants") == ["000", "001"]


def test_jobs_are_capped_at_what_the_machine_holds(tmp_path):
    spec = write_spec(tmp_path, SPEC, "v.yaml")
    result = run_cli("variants", spec, "-n", 2, "-j", 100000, "-o", tmp_path, "--to", "json")
    assert result.returncode == 0, result.stderr
    note, = result.stderr.splitlines()
    assert note.startswith("note: -j 100000 is more than this machine can run at once (")
    cap = int(note.rsplit("-j ", 1)[1])
    assert 1 <= cap <= 4 * os.cpu_count()
    assert f"with -j {cap} " in result.stdout


def test_merged_pdfs_are_reproducible(tmp_path):
    spec = write_spec(tmp_path, SPEC, "v.yaml")
    env = dict(os.environ, SOURCE_DATE_EPOCH="1700000000")
    merged = []
    for _ in range(2):
        assert run_cli("variants", spec, "-n", 2, "-o", tmp_path, "--force",
                       env=env).returncode == 0
        merged.append((tmp_path / "v" / "variants" / "all-keys.pdf").read_bytes())
    assert merged[0] == merged[1]


def test_many_pdfs_are_merged_in_groups(tmp_path, monkeypatch):
    """pdfunite holds every input open (1024 files are a common limit): past UNITE_AT_ONCE,
    groups are merged first; the pages stay in order, the bytes reproducible, and no group
    file is left behind."""
    from matplotlib.figure import Figure

    from generator import variants

    folder = tmp_path / "variants"
    ids = [f"{k:03d}" for k in range(5)]
    for k, name in enumerate(ids):
        (folder / name).mkdir(parents=True)
        figure = Figure(figsize=(2, 1))
        figure.text(0.1, 0.5, f"variant {k}")
        figure.savefig(folder / name / "answer-key.pdf", metadata={"CreationDate": None})
    monkeypatch.setattr(variants, "UNITE_AT_ONCE", 2)  # 5 parts -> 3 groups -> 2 -> 1
    merged = folder / "all-keys.pdf"
    variants.merge_pdfs(folder, ids)
    assert pdf_text(merged).split() == [w for k in range(5) for w in ("variant", str(k))]
    assert pdf_pages(merged) == 5
    first = merged.read_bytes()
    variants.merge_pdfs(folder, ids)
    assert merged.read_bytes() == first
    assert sorted(p.name for p in folder.iterdir()) == [*ids, "all-keys.pdf"]


def test_the_manifest_lists_no_staging_folder(tmp_path):
    """A staging folder (a dead cluster worker's, say) is marked but is no variant."""
    from generator import outdir
    from generator.variants import write_manifest

    spec = write_spec(tmp_path, SPEC, "v.yaml")
    assert run_cli("variants", spec, "-n", 2, "-o", tmp_path, "--to", "json").returncode == 0
    folder = tmp_path / "v" / "variants"
    outdir.make_folder(folder / ".answerkey-999999-0123abcd")
    assert write_manifest(folder) == ["000", "001"] == manifest_ids(folder)
