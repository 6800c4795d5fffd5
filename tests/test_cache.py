"""The build cache: unchanged rebuilds do nothing; a changed value, template or version rebuilds."""

import shutil

import pytest

import generator
from generator import build, cache, render
from generator.build import build_specs
from generator.spec import load_spec
from helpers import write_spec

SPEC = """
title: Cache
questions:
  - {id: q5, kind: convolution, input: [0.5, 2, 3, 4], kernel: [0.25, 0, 2]}
  - {id: q6, kind: cnn_shapes, input: [3, 32, 32], layers: [{type: conv, filters: 4, kernel: 3}]}
"""


@pytest.fixture
def spec_path(tmp_path):
    return write_spec(tmp_path, SPEC, "cache.yaml")


def run(spec_path, out, overrides=(), force=False, formats=("pdf", "json", "tex")):
    spec = load_spec(spec_path, overrides)
    return build_specs([spec], [out], formats, force)[0]


def test_unchanged_rebuild_does_nothing(spec_path, tmp_path, monkeypatch):
    out = tmp_path / "out"
    first = run(spec_path, out)
    assert not first.up_to_date and first.documents_compiled == 2
    monkeypatch.setattr(build, "solve_spec", lambda spec: pytest.fail("solved again"))
    monkeypatch.setattr(build, "Compiler", lambda *a, **k: pytest.fail("compiled again"))
    assert run(spec_path, out).up_to_date
    assert cache.quick_up_to_date(spec_path, out, (), ("pdf", "json", "tex"))


def test_changed_value_rebuilds_only_what_changed(spec_path, tmp_path):
    out = tmp_path / "out"
    run(spec_path, out)
    key_pdf = (out / "answer-key.pdf").read_bytes()
    # decimals=2 rounds 0.125 in the key but leaves the handout's text alone: one PDF reused
    again = run(spec_path, out, ["q5.decimals=2"])
    assert not again.up_to_date and again.documents_compiled == 1
    changed = run(spec_path, out, ["q5.kernel=[1, 1]"])
    assert changed.documents_compiled == 2
    assert (out / "answer-key.pdf").read_bytes() != key_pdf
    assert '"valid": [\n' in (out / "answers.json").read_text()


def test_force_ignores_the_cache(spec_path, tmp_path):
    out = tmp_path / "out"
    run(spec_path, out)
    assert run(spec_path, out, force=True).documents_compiled == 2


def test_a_tampered_output_is_rebuilt(spec_path, tmp_path):
    out = tmp_path / "out"
    run(spec_path, out)
    good = (out / "answers.json").read_text()
    (out / "answers.json").write_text("{}")
    assert not run(spec_path, out).up_to_date
    assert (out / "answers.json").read_text() == good


def test_a_new_version_rebuilds(spec_path, tmp_path, monkeypatch):
    out = tmp_path / "out"
    run(spec_path, out)
    monkeypatch.setattr(cache, "__version__", "999.0")
    cache.code_fingerprint.cache_clear()
    try:
        assert not run(spec_path, out).up_to_date
    finally:
        cache.code_fingerprint.cache_clear()


def test_a_changed_template_rebuilds(spec_path, tmp_path, monkeypatch):
    out = tmp_path / "out"
    run(spec_path, out)
    templates = tmp_path / "templates"
    shutil.copytree(generator.TEMPLATES, templates)
    for module in (cache, render):
        monkeypatch.setattr(module, "TEMPLATES", templates)
    for cached in (cache.code_fingerprint, render.latex_env, render.html_env):
        cached.cache_clear()
    try:
        shell = templates / "latex" / "document.tex.j2"
        shell.write_text(shell.read_text() + "% an edited template\n")
        again = run(spec_path, out)
        assert not again.up_to_date and again.documents_compiled == 2
        assert (out / "handout.tex").read_text().endswith("% an edited template\n")
    finally:
        for cached in (cache.code_fingerprint, render.latex_env, render.html_env):
            cached.cache_clear()
