"""The manual (docs/, mkdocs): it builds with no warning, every kind has its generated page
with all its fields, every quoted command line is one answerkey accepts, every spec it quotes
checks, and no page loads anything from the network."""

from __future__ import annotations

import argparse
import contextlib
import io
import re
import shlex
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from generator import cli, reference
from generator.cli import _formats
from generator.errors import SpecError
from generator.kinds import KINDS
from generator.solve import check_specs
from helpers import ROOT

PLACEHOLDER = re.compile(r"[A-Z][A-Z_]*(=[A-Z_]+)?|\.\.\.|<[^>]+>")


def mkdocs_build(config: Path, site: Path) -> subprocess.CompletedProcess:
    # not -q: mkdocs counts the warnings it logs, and -q would hide them from --strict
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict",
                           "-f", str(config), "-d", str(site)],
                          capture_output=True, text=True, timeout=300, cwd=config.parent)


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    site = tmp_path_factory.mktemp("site")
    result = mkdocs_build(ROOT / "mkdocs.yml", site)
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stderr, result.stderr
    return site


class _Page(HTMLParser):
    """The code texts of a built page, each tagged with whether it is a <pre> block, and the
    first-column cells of each table after a heading, by the heading's id."""

    def __init__(self):
        super().__init__()
        self.codes: list[tuple[bool, str]] = []
        self.first_cells: dict[str, list[str]] = {}
        self._heading, self._pre, self._code, self._cell, self._column = "", False, None, None, 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("h2", "h3") and attrs.get("id"):
            self._heading = attrs["id"]
        elif tag == "pre":
            self._pre = True
        elif tag == "code":
            self._code = ""
        elif tag == "tr":
            self._column = 0
        elif tag == "td":
            self._column += 1
            self._cell = "" if self._column == 1 else None

    def handle_endtag(self, tag):
        if tag == "code" and self._code is not None:
            self.codes.append((self._pre, self._code))
            self._code = None
        elif tag == "pre":
            self._pre = False
        elif tag == "td" and self._cell is not None:
            self.first_cells.setdefault(self._heading, []).append(self._cell.strip())
            self._cell = None

    def handle_data(self, data):
        if self._code is not None:
            self._code += data
        if self._cell is not None:
            self._cell += data


def read_page(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def test_every_kind_has_a_generated_page_with_all_its_fields(site):
    for name in KINDS:
        page = read_page(site / "kinds" / f"{name}.html")
        keys = [cell.split(" (")[0] for cell in page.first_cells.get("fields", [])]
        assert keys == [i.key for i in reference.fields(name)], name
        index = (site / "kinds" / "index.html").read_text(encoding="utf-8")
        assert f'<a href="{name}.html"><code>{name}</code></a>' in index, name  # its table
    spec_format = read_page(site / "spec-format.html").first_cells
    assert spec_format["top-level-keys"] == [i.key for i in reference.top_fields()]
    assert spec_format["question-keys"] == [i.key for i in reference.question_fields()]


def test_every_command_has_its_options_table(site):
    commands = read_page(site / "commands.html").first_cells
    for name, parser in cli.commands().items():
        options = [a for a in parser._actions if not isinstance(a, argparse._HelpAction)]
        rows = commands.get(f"answerkey-{name}", [])
        assert len(rows) == len(options), name
        for action in options:
            shown = action.option_strings[-1] if action.option_strings else action.metavar
            assert any(shown in row for row in rows), (name, shown)


def quoted_command_lines(site: Path) -> list[tuple[str, str]]:
    """(page, line) for every `answerkey ...` line of a code span or block of the manual."""
    lines = []
    for path in sorted(site.rglob("*.html")):
        for pre, text in read_page(path).codes:
            for line in text.splitlines() if pre else [text]:
                line = line.strip()
                if line.startswith("answerkey ") or line == "answerkey":
                    lines.append((str(path.relative_to(site)), line))
    return lines


def problem_of(line: str) -> str | None:
    """Why a quoted command line is not one answerkey accepts (None when it is)."""
    words = shlex.split(line, comments=True)[1:]
    if ">" in words:
        words = words[:words.index(">")]
    placeholders = [w for w in words if PLACEHOLDER.fullmatch(w)]
    commands = cli.commands()
    command = next((w for w in words if not w.startswith("-")), None)
    if command is not None and not PLACEHOLDER.fullmatch(command) and command not in commands:
        return f"no command '{command}'"
    known = {o for a in cli.parser()._actions for o in a.option_strings}
    if command in commands:
        known |= {o for a in commands[command]._actions for o in a.option_strings}
    for word in words:
        option = word.split("=")[0]
        if option.startswith("-") and option not in known:
            return f"no option '{option}'"
    if placeholders or words in ([], [command]) or {"-h", "--help", "--version"} & set(words):
        return None  # a command named (`answerkey check`), or a line with placeholders
    with contextlib.redirect_stderr(io.StringIO()) as err:
        try:
            args = cli.parser().parse_args(words)
        except SystemExit:
            return err.getvalue().strip()
    try:
        if getattr(args, "to", None):
            _formats(args.to)
    except SpecError as exc:
        return str(exc.problems[0])
    return None


def test_every_quoted_command_line_is_a_real_command(site):
    lines = quoted_command_lines(site)
    assert len(lines) > 40  # the tutorial, the commands page, the kind pages...
    seen = {line.split()[1] for _, line in lines if len(line.split()) > 1}
    assert set(cli.commands()) <= seen  # every command is quoted somewhere
    problems = [f"{page}: {line}: {problem}" for page, line in lines
                if (problem := problem_of(line))]
    assert problems == []


def test_the_command_line_check_finds_what_is_wrong():
    assert problem_of("answerkey build a1.yaml --to pdf,json") is None
    assert problem_of("answerkey kinds KIND") is None
    assert problem_of("answerkey biuld a1.yaml") == "no command 'biuld'"
    assert problem_of("answerkey build a1.yaml --jobs 2") == "no option '--jobs'"
    assert "--to" in problem_of("answerkey build a1.yaml --to pdf,htm")
    assert problem_of("answerkey check") is None  # the command's name
    assert "required" in problem_of("answerkey check --debug")


def test_every_spec_the_manual_quotes_checks(tmp_path):
    specs = []
    for page in sorted((ROOT / "docs").rglob("*.md")):
        text = page.read_text(encoding="utf-8")
        for n, block in enumerate(re.findall(r"```yaml\n(.*?)```", text, re.DOTALL)):
            if re.search(r"^title:", block, re.MULTILINE) and "\nquestions:" in block:
                path = tmp_path / f"{page.stem}-{n}.yaml"
                path.write_text(block, encoding="utf-8")
                specs.append(path)
    assert len(specs) >= 3  # the tutorial's two and the spec format's
    check_specs(specs)  # raises SpecError with every problem


def test_no_page_loads_anything_from_the_network(site):
    external = re.compile(r"<(?:script|img|iframe)[^>]*\bsrc=\"(?:https?:)?//"
                          r"|<link[^>]*\bhref=\"(?:https?:)?//")
    for path in site.rglob("*.html"):
        assert not external.search(path.read_text(encoding="utf-8")), path


def test_every_link_between_pages_resolves(site):
    """mkdocs checks the links of Markdown, not those of generated HTML: every relative link
    of every page names a file of the site (and an anchor of it)."""
    link = re.compile(r'<a [^>]*href="([^"#:]*)(?:#([^"]*))?"')
    for path in site.rglob("*.html"):
        if path.name == "404.html":  # a web server's page: its links start at the site's root
            continue
        for target, anchor in link.findall(path.read_text(encoding="utf-8")):
            if not target:
                continue
            page = (path.parent / target).resolve()
            assert page.is_file(), f"{path.relative_to(site)}: {target}"
            if anchor and page.suffix == ".html":
                assert f'id="{anchor}"' in page.read_text(encoding="utf-8"), (path, target, anchor)


def test_a_stale_manual_fails_the_strict_build(tmp_path):
    """A kind page without its fields table, and a registered kind without a page, are
    warnings, so `mkdocs build --strict` fails and names them."""
    shutil.copy(ROOT / "mkdocs.yml", tmp_path / "mkdocs.yml")
    shutil.copytree(ROOT / "docs", tmp_path / "docs", ignore=shutil.ignore_patterns("__pycache__"))
    (tmp_path / "specs").symlink_to(ROOT / "specs")
    page = tmp_path / "docs" / "kinds" / "softmax.md"
    page.write_text(page.read_text(encoding="utf-8").replace("<!-- answerkey:fields -->", ""),
                    encoding="utf-8")
    (tmp_path / "docs" / "kinds" / "text.md").unlink()
    result = mkdocs_build(tmp_path / "mkdocs.yml", tmp_path / "site")
    assert result.returncode != 0
    assert "docs/kinds/softmax.md: no <!-- answerkey:fields --> directive" in result.stderr
    assert "kind 'text' has no page" in result.stderr
