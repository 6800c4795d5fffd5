"""Golden files: the .tex, .html and answers.json of every example spec.

`make snapshots` (pytest --update-snapshots) rewrites them; review the diff before committing.
The numbers in them are checked against independent oracles by the per-kind tests; these
files catch unintended changes in wording, layout and formatting.
"""

import difflib
from pathlib import Path

import pytest

from generator.build import render_spec
from generator.solve import load_specs, solve_spec
from helpers import ROOT

SNAPSHOTS = ROOT / "tests" / "snapshots"
SPECS = sorted((ROOT / "specs").glob("*.yaml"))
FILES = ("answer-key.tex", "handout.tex", "index.html", "answers.json")


@pytest.mark.parametrize("spec_path", SPECS, ids=lambda p: p.stem)
def test_outputs_match_snapshots(spec_path: Path, tmp_path, update_snapshots, monkeypatch):
    monkeypatch.chdir(ROOT)  # answers.json records the spec path as given
    spec = load_specs([spec_path.relative_to(ROOT)])[0]
    render_spec(spec, solve_spec(spec), tmp_path, ("tex", "html", "json"))
    golden = SNAPSHOTS / spec_path.stem
    if update_snapshots:
        golden.mkdir(parents=True, exist_ok=True)
    failures = []
    for name in FILES:
        new = (tmp_path / name).read_text(encoding="utf-8")
        old_path = golden / name
        if update_snapshots:
            old_path.write_text(new, encoding="utf-8")
            continue
        if not old_path.exists():
            failures.append(f"{old_path.relative_to(ROOT)} is missing: run `make snapshots`")
            continue
        old = old_path.read_text(encoding="utf-8")
        if new != old:
            diff = difflib.unified_diff(old.splitlines(), new.splitlines(), str(old_path),
                                        "new output", lineterm="", n=2)
            failures.append("\n".join(list(diff)[:60]))
    assert not failures, "\n\n".join(failures) + "\n\n(run `make snapshots` if intended)"


def test_every_snapshot_folder_has_a_spec():
    stale = sorted(p.name for p in SNAPSHOTS.iterdir() if p.is_dir()) if SNAPSHOTS.exists() else []
    assert set(stale) <= {p.stem for p in SPECS}, "snapshots of a removed spec: delete them"
