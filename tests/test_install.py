"""answerkey as a user gets it: the sdist and the wheel carry the package data, and the wheel,
installed into a fresh venv outside the repository, runs every command from an unrelated folder.

The distributions are built from a copy of the working tree as `python -m build --no-isolation`
does (sdist, then the wheel from the unpacked sdist; `build` is not in the venv, so the
setuptools hooks are called directly) and as `pip install .` (and so `pipx install .`) does
(`pip wheel` of the tree). The fresh venv gets the wheel through pip; its dependencies are the
dev venv's installed distributions, linked into a folder of their own (no download), without
the dev venv's editable `generator`. Slow (about 30 s) but part of `make test`.
"""

from __future__ import annotations

import csv
import html
import os
import shutil
import subprocess
import sys
import tarfile
import zipfile
from email.parser import Parser
from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

import generator
from helpers import ROOT, pdf_text

pytestmark = pytest.mark.slow

PY = sys.executable  # the dev venv's Python: it builds, and its pip installs into the fresh venv
DATA = ("templates/**/*", "examples/*.yaml", "examples/*.json", "locale/*.pot", "locale/*/LC_MESSAGES/*.po")


def run(*args, cwd=None, env=None) -> subprocess.CompletedProcess:
    """A command that must succeed (its output is shown when it does not)."""
    result = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, f"{args}: exit {result.returncode}\n{result.stdout}{result.stderr}"
    return result


def package_data() -> set[str]:
    """The data files of the package in the working tree, as paths inside the wheel."""
    found = {p for pattern in DATA for p in (ROOT / "generator").glob(pattern) if p.is_file()}
    return {str(p.relative_to(ROOT)) for p in found}


def copy_tree(dest: Path) -> Path:
    """The working tree's files that git tracks or would track, symbolic links kept."""
    listed = run("git", "ls-files", "-z", "--cached", "--others", "--exclude-standard", cwd=ROOT)
    for name in filter(None, listed.stdout.split("\0")):
        source, target = ROOT / name, dest / name
        if source.is_symlink() or source.is_file():  # not a tracked file deleted since
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target, follow_symlinks=False)
    return dest


def build_hook(hook: str, source: Path, out: Path) -> Path:
    """Run a PEP 517 hook of setuptools in `source`; the path of what it built."""
    result = run(PY, "-c", "import sys; from setuptools import build_meta as b; "
                 f"print(b.{hook}(sys.argv[1]))", out, cwd=source)
    return out / result.stdout.split()[-1]


@pytest.fixture(scope="module")
def dists(tmp_path_factory) -> SimpleNamespace:
    """The sdist, the wheel built from it, and the wheel `pip install .` builds."""
    work = tmp_path_factory.mktemp("dists")
    tree = copy_tree(work / "tree")
    sdist = build_hook("build_sdist", tree, work)
    with tarfile.open(sdist) as tar:
        sdist_names = tar.getnames()
        tar.extractall(work / "unpacked", filter="data")
    top = sdist.name.removesuffix(".tar.gz")
    wheel = build_hook("build_wheel", work / "unpacked" / top, work)
    run(PY, "-m", "pip", "wheel", "--quiet", "--disable-pip-version-check", "--no-deps",
        "--no-build-isolation", "--no-index", "--wheel-dir", work / "pip", tree)
    [pip_wheel] = (work / "pip").glob("*.whl")
    with zipfile.ZipFile(wheel) as whl:
        [name] = [n for n in whl.namelist() if n.endswith(".dist-info/METADATA")]
        metadata = Parser().parsestr(whl.read(name).decode())
    return SimpleNamespace(sdist=sdist, sdist_names=sdist_names, top=top, wheel=wheel,
                           pip_wheel=pip_wheel, metadata=metadata)


def link_dependencies(requires: list[str], folder: Path) -> None:
    """Link into `folder` the top-level entries of every distribution the requirements need,
    as installed in the dev venv (markers evaluated for this Python, no extras)."""
    folder.mkdir()
    todo, seen = [Requirement(r) for r in requires], set()
    while todo:
        req = todo.pop()
        name = canonicalize_name(req.name)
        if name in seen or (req.marker and not req.marker.evaluate({"extra": ""})):
            continue
        seen.add(name)
        try:
            dist = distribution(req.name)
        except PackageNotFoundError:
            pytest.fail(f"{req}: a dependency of the wheel is not installed in {sys.prefix}")
        todo += [Requirement(r) for r in dist.requires or ()]
        for top in {f.parts[0] for f in dist.files or ()} - {"..", "__pycache__"}:
            if not (folder / top).exists():
                (folder / top).symlink_to(dist.locate_file(top))


@pytest.fixture(scope="module")
def user(dists, tmp_path_factory) -> SimpleNamespace:
    """A fresh venv holding the wheel, a course folder outside the repository, and the
    environment of a user who runs the venv's `answerkey` there."""
    root = tmp_path_factory.mktemp("user")
    assert ROOT not in root.parents
    venv = root / "venv"
    run(PY, "-m", "venv", "--without-pip", venv)
    python = venv / "bin" / "python"
    site = Path(run(python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))")
                .stdout.strip())
    link_dependencies(dists.metadata.get_all("Requires-Dist"), root / "deps")
    (site / "answerkey-deps.pth").write_text(f"{root / 'deps'}\n")
    pip = (PY, "-m", "pip", "--python", python, "--disable-pip-version-check")
    run(*pip, "install", "--quiet", "--no-deps", "--no-index", dists.wheel)
    run(*pip, "check")  # every requirement of the wheel met, versions included
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "VIRTUAL_ENV")}
    env.update(PATH=f"{venv / 'bin'}{os.pathsep}{env['PATH']}", PYTHONNOUSERSITE="1",
               ANSWERKEY_CACHE=str(root / "cache"))  # a first run: no precompiled preamble
    course = root / "course"
    course.mkdir()
    return SimpleNamespace(venv=venv, python=python, env=env, course=course)


def answerkey(user, *args, check=True) -> subprocess.CompletedProcess:
    """The fresh venv's `answerkey`, run in the course folder."""
    if check:
        return run(user.venv / "bin" / "answerkey", *args, cwd=user.course, env=user.env)
    return subprocess.run([str(user.venv / "bin" / "answerkey"), *map(str, args)],
                          cwd=user.course, env=user.env, capture_output=True, text=True)


@pytest.fixture(scope="module")
def examples(user) -> Path:
    """The installed package's example specs, where generator.EXAMPLES finds them."""
    found = run(user.python, "-c", "import generator; print(generator.EXAMPLES)",
                cwd=user.course, env=user.env)
    return Path(found.stdout.strip())


def test_the_sdist_carries_the_package_data_and_no_partial_test_suite(dists):
    names = {n.removeprefix(f"{dists.top}/") for n in dists.sdist_names}
    assert not package_data() - names, "missing from the sdist"
    assert {"pyproject.toml", "README.md", "generator/__init__.py"} <= names
    assert not any(n.startswith("tests") for n in names), "MANIFEST.in prunes tests/"


def test_the_wheels_carry_exactly_the_package_data(dists):
    with zipfile.ZipFile(dists.wheel) as whl:
        names = whl.namelist()
    data = {n for n in names if not n.endswith(".py") and ".dist-info/" not in n}
    assert not package_data() - data, "missing from the wheel"
    assert not data - package_data(), "in the wheel but not package data of the tree"
    assert {"generator/templates/latex/document.tex.j2", "generator/examples/ift6135-a1.yaml"} \
        <= data
    with zipfile.ZipFile(dists.pip_wheel) as whl:  # `pip install .` builds the same files
        assert sorted(whl.namelist()) == sorted(names)


def test_the_version_is_written_once(dists, user):
    # setuptools refuses a static version beside this: generator.__version__ is the one
    assert 'dynamic = ["version"]' in (ROOT / "pyproject.toml").read_text()
    assert 'version = {attr = "generator.__version__"}' in (ROOT / "pyproject.toml").read_text()
    assert dists.metadata["Version"] == generator.__version__
    assert answerkey(user, "--version").stdout == f"answerkey {generator.__version__}\n"


def test_the_fresh_venv_runs_the_wheel_not_the_repository(user):
    shown = run(user.python, "-c", "import sys, generator; print(generator.__file__); "
                "print(generator.TEMPLATES); print(*sys.path, sep='\\n')",
                cwd=user.course, env=user.env).stdout.splitlines()
    module, templates, *path = map(Path, shown)
    assert user.venv in module.parents and user.venv in templates.parents
    assert (templates / "latex" / "document.tex.j2").is_file()
    assert not [p for p in path if p == ROOT or ROOT in p.parents], path


def test_kinds(user):
    from generator.kinds import KINDS

    listed = answerkey(user, "kinds").stdout.splitlines()
    assert sorted(line.split()[0] for line in listed) == sorted(KINDS)


def test_new_writes_a_spec_that_checks(user):
    answerkey(user, "new", "starter.yaml")
    assert answerkey(user, "check", "starter.yaml").stdout.startswith("starter.yaml: ok")


def test_check_and_build_an_installed_example(user, examples):
    spec = shutil.copy(examples / "ift6135-a1.yaml", user.course)
    title = yaml.safe_load(Path(spec).read_text())["title"]
    assert answerkey(user, "check", "ift6135-a1.yaml").stdout.startswith("ift6135-a1.yaml: ok")
    answerkey(user, "build", "ift6135-a1.yaml", "--to", "pdf,html")
    folder = user.course / "output" / "ift6135-a1"
    assert title in pdf_text(folder / "answer-key.pdf")
    info = run("pdfinfo", folder / "answer-key.pdf").stdout
    assert f"answerkey {generator.__version__}" in info  # the creator line
    assert html.escape(title) in (folder / "index.html").read_text()
    assert (folder / "handout.pdf").is_file() and (folder / "handout.html").is_file()


def test_variants_of_an_installed_example(user, examples):
    shutil.copy(examples / "variants-demo.yaml", user.course)
    answerkey(user, "variants", "variants-demo.yaml", "-n", "2", "--to", "pdf,json")
    folder = user.course / "output" / "variants-demo" / "variants"
    rows = list(csv.DictReader((folder / "variants.csv").open()))
    assert [r["id"] for r in rows] == ["000", "001"]
    assert all((folder / r["id"] / "answer-key.pdf").is_file() for r in rows)
