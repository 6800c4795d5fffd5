"""mkdocs hooks: the parts of the manual generated from answerkey's code at build time.

A page asks for a generated part with a directive line `<!-- answerkey:NAME [ARG] -->`:

  fields spec | fields question | fields   the keys of the spec, of every question, or of the
                                           page's kind (generator.reference)
  summary, example, checks, answers        on a kind page (docs/kinds/KIND.md): its SUMMARY; its
                                           first example question in specs/ as written; the
                                           verification rows and the answers.json of that
                                           example, solved and verified now
  kinds                                    the table of every kind
  answer-keys                              each kind's answers.json keys, over all its examples
  options [COMMAND]                        the options of a command (none: the global ones),
                                           from the argument parser of generator/cli.py

The nav's "Question kinds" section gets one page per registered kind. A kind without its page,
a kind page without one of its four directives, a page of no kind, an unknown directive and a
command without its options table are warnings, so `mkdocs build --strict` fails on them.
"""

from __future__ import annotations

import argparse
import html
import json
import logging
import re
from dataclasses import dataclass
from pathlib import Path

import yaml
from mkdocs.structure.files import File

from generator import cli, reference
from generator.answers import render_json
from generator.kinds import KINDS
from generator.rich_writers import to_html
from generator.solve import load_specs, solve_spec

log = logging.getLogger("mkdocs.plugins.answerkey")
DIRECTIVE = re.compile(r"^<!-- answerkey:([a-z-]+)(?: ([a-z_]+))? -->$", re.MULTILINE)
KIND_PARTS = ("fields", "example", "checks", "answers")
REFERENCE_SPEC = "ift6135-a1.yaml"  # its questions are each kind's first example
LIST_CUT = 6  # longer lists in the answers.json examples are cut after LIST_CUT // 2 entries


@dataclass
class Example:
    """A question of an example spec: where it is, its text as written, its solved result."""

    spec: str
    qid: str
    text: str
    answers: dict
    checks: list


_examples: dict[str, list[Example]] = {}


def on_config(config):
    """Solve every example spec once per build; give the nav one page per kind."""
    _examples.clear()
    root = Path(config.config_file_path).parent / "specs"
    specs = sorted(root.glob("*.yaml"), key=lambda p: (p.name != REFERENCE_SPEC, p.name))
    for path in specs:
        spec = load_specs([str(path)])[0]
        texts = _question_texts(path.read_text(encoding="utf-8"))
        results = solve_spec(spec)
        written = json.loads(render_json(spec, results))["questions"]  # as answers.json has it
        for r in results:
            _examples.setdefault(r.question.kind.NAME, []).append(Example(
                f"specs/{path.name}", r.question.id, texts[r.question.id],
                written[r.question.id]["answers"], r.checks))
    for entry in config.nav or []:
        for value in entry.values():
            if isinstance(value, list):
                _expand_kinds(value)
    return config


def _expand_kinds(section: list) -> None:
    """Replace a `kinds/index.md` entry with a section: the index, then each kind's page."""
    for n, entry in enumerate(section):
        (title, target), = entry.items()
        if target == "kinds/index.md":
            section[n] = {title: [{"Overview": target},
                                  *({name: f"kinds/{name}.md"} for name in KINDS)]}


def on_files(files, config):
    """A generated page for a kind that has none (with a warning); a warning for a page of
    no kind."""
    for name in KINDS:
        if files.get_file_from_path(f"kinds/{name}.md") is None:
            log.warning(f"kind '{name}' has no page: write docs/kinds/{name}.md (what the key "
                        "shows, the check, its answers), with the directives "
                        + ", ".join(KIND_PARTS))
            body = f"# `{name}`\n\n" + "".join(f"<!-- answerkey:{p} -->\n\n" for p in KIND_PARTS)
            files.append(File.generated(config, f"kinds/{name}.md", content=body))
    for file in files.documentation_pages():
        stem = Path(file.src_uri).stem
        if file.src_uri.startswith("kinds/") and stem != "index" and stem not in KINDS:
            log.warning(f"docs/{file.src_uri} is the page of no registered kind")
    return files


def on_page_markdown(markdown, page, config, files):
    """Replace each directive with its generated Markdown."""
    src = page.file.src_uri
    kind = Path(src).stem if src.startswith("kinds/") and Path(src).stem in KINDS else None
    found = {m[1] for m in DIRECTIVE.finditer(markdown)}
    if kind:
        for part in KIND_PARTS:
            if part not in found:
                log.warning(f"docs/{src}: no <!-- answerkey:{part} --> directive")
    if src == "commands.md":
        named = {m[2] for m in DIRECTIVE.finditer(markdown) if m[1] == "options"}
        for command in cli.commands():
            if command not in named:
                log.warning(f"docs/commands.md: command '{command}' has no options table")

    def expand(match: re.Match) -> str:
        name, arg = match[1], match[2]
        try:
            return _generate(name, arg, kind)
        except LookupError as exc:
            log.warning(f"docs/{src}: {match[0]}: {exc}")
            return ""

    return DIRECTIVE.sub(expand, markdown)


def _generate(name: str, arg: str | None, kind: str | None) -> str:
    if name == "fields":
        tables = {"spec": reference.top_fields, "question": reference.question_fields}
        if arg and arg not in tables:
            raise LookupError(f"no fields '{arg}': spec, question, or none on a kind's page")
        return _fields_table(tables[arg]() if arg else reference.fields(_need(kind)))
    if name == "summary":
        return f"*{html.escape(KINDS[_need(kind)].SUMMARY)}*\n"
    if name == "example":
        return _example(_need(kind))
    if name == "checks":
        return _checks(_first(_need(kind)))
    if name == "answers":
        first = _first(_need(kind))
        return (f"The answers of `{first.qid}` above, as `answerkey solve {first.spec}` prints "
                f"them (lists longer than {LIST_CUT} entries cut here):\n\n"
                f"```json\n{_compact(_cut(first.answers))}\n```\n")
    if name == "kinds":
        rows = [(f"[`{n}`]({n}.md)", _md_text(KINDS[n].SUMMARY)) for n in KINDS]
        return _md_table(("kind", "what it asks and shows"), rows)
    if name == "answer-keys":
        rows = [(f"[`{n}`](kinds/{n}.md#answersjson)",
                 ", ".join(f"`{k}`" for k in dict.fromkeys(
                     k for e in _examples.get(n, []) for k in e.answers)))
                for n in KINDS]
        return _md_table(("kind", "keys of `answers` in its examples"), rows)
    if name == "options":
        return _options(arg)
    raise LookupError("unknown directive")


def _need(kind: str | None) -> str:
    if kind is None:
        raise LookupError("only on a kind's page (docs/kinds/KIND.md)")
    return kind


def _first(kind: str) -> Example:
    if not _examples.get(kind):
        raise LookupError(f"no question of kind '{kind}' in specs/*.yaml")
    return _examples[kind][0]


def _code(text: str) -> str:
    """Text escaped for HTML, its `code spans` as code."""
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", html.escape(text))


def _md_text(text: str) -> str:
    """Text for a Markdown table cell: nothing in it is markup."""
    return re.sub(r"([\\`*_\[\]|])", r"\\\1", html.escape(text, quote=False))


def _md_table(head: tuple, rows: list[tuple]) -> str:
    """A Markdown table (cells given as Markdown), so that its links are the manual's."""
    lines = [head, ("---",) * len(head), *rows]
    return "\n".join("| " + " | ".join(row) + " |" for row in lines) + "\n"


def _html_table(head: tuple, rows: list[tuple]) -> str:
    """A table as HTML (cells given as HTML): a doc's `|` or `*` stays text."""
    cells = "".join(f"<th>{h}</th>" for h in head)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>\n" for row in rows)
    return f"<table>\n<thead><tr>{cells}</tr></thead>\n<tbody>\n{body}</tbody>\n</table>\n"


def _fields_table(infos: list) -> str:
    rows = []
    for i in infos:
        key = f"<code>{html.escape(i.key)}</code>" + (f" ({html.escape(i.only)} only)"
                                                      if i.only else "")
        need = ("required" if i.required else
                f"<code>{html.escape(i.default)}</code>" if i.default is not None else "—")
        rows.append((key, html.escape(i.type), need, _code(i.doc)))
    return _html_table(("key", "value", "default", "what it does"), rows)


def _example(kind: str) -> str:
    """The kind's first example as written, and where the others are."""
    first = _first(kind)
    by_spec: dict[str, list[str]] = {}
    for e in _examples[kind][1:]:
        by_spec.setdefault(e.spec, []).append(f"`{e.qid}`")
    text = f"From `{first.spec}`:\n\n```yaml\n{first.text}\n```\n"
    if by_spec:
        text += "\nMore examples: " + "; ".join(
            f"{', '.join(ids)} in `{spec}`" for spec, ids in by_spec.items()) + ".\n"
    return text


def _checks(first: Example) -> str:
    rows = [(_rich(c.what), _rich(c.how), _rich(c.detail)) for c in first.checks]
    head = ("what", "checked by", "result")
    if not any(c.detail for c in first.checks):
        head, rows = head[:2], [row[:2] for row in rows]
    return (f"The verification appendix of `{first.qid}` in `{first.spec}`:\n\n"
            + _html_table(head, rows))


def _rich(text: str) -> str:
    """A check's text with $math$, as the key's page writes it (MathML)."""
    out = to_html(text) if text else ""
    return re.sub(r"^<p>|</p>\s*$", "", out.strip())


def _compact(value, indent: int = 0) -> str:
    """JSON with the values that fit on a line written on one."""
    flat = json.dumps(value, ensure_ascii=False)
    if len(flat) + indent <= 110 or not isinstance(value, (list, dict)) or not value:
        return flat
    pad = " " * (indent + 2)
    if isinstance(value, dict):
        items = [f"{pad}{json.dumps(k)}: {_compact(v, indent + 2)}" for k, v in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + " " * indent + "}"
    items = [pad + _compact(v, indent + 2) for v in value]
    return "[\n" + ",\n".join(items) + "\n" + " " * indent + "]"


def _cut(value):
    """The value with every list longer than LIST_CUT cut, the rest counted in a string."""
    if isinstance(value, dict):
        return {k: _cut(v) for k, v in value.items()}
    if isinstance(value, list):
        if len(value) > LIST_CUT:
            value = [*value[:LIST_CUT // 2], f"... {len(value) - LIST_CUT // 2} more"]
        return [_cut(v) for v in value]
    return value


def _question_texts(source: str) -> dict[str, str]:
    """Each question's lines as written in the spec, keyed by id (comments kept)."""
    lines = source.splitlines()
    root = yaml.compose(source)
    questions = next(v for k, v in root.value if k.value == "questions")
    out = {}
    for node in questions.value:
        qid = next(v.value for k, v in node.value if k.value == "id")
        end = node.end_mark.line  # the line the next item starts on, or this one's last
        tail = lines[end][:node.end_mark.column] if end < len(lines) else ""
        chunk = lines[node.start_mark.line:end + bool(tail.strip(" -"))]
        while chunk and (not chunk[-1].strip() or chunk[-1].lstrip().startswith("#")):
            chunk.pop()
        out[qid] = "\n".join(chunk)
    return out


def _options(command: str | None) -> str:
    if command is None:
        parser = cli.parser()
    elif command in cli.commands():
        parser = cli.commands()[command]
    else:
        raise LookupError(f"no command '{command}' in generator/cli.py")
    usage = parser.format_usage().strip()
    rows = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction) or (
                command and isinstance(action, argparse._HelpAction)):
            continue  # --help is in the global table
        names = ", ".join(action.option_strings) or action.metavar or action.dest
        value = "" if action.nargs == 0 else action.metavar or action.dest.upper()
        if action.option_strings and value:
            names += f" {value}"
        if not action.option_strings:
            names += {"*": " ...", "+": " ...", "?": " (optional)"}.get(action.nargs, "")
        default = action.default
        shown = ("" if default in (None, False, [], argparse.SUPPRESS) or action.nargs == 0
                 else f"<code>{html.escape(str(default))}</code>")
        help_text = (action.help or "").replace("%(prog)s", parser.prog)
        rows.append((f"<code>{html.escape(names)}</code>", shown or "—", _code(help_text) or "—"))
    return (f"```text\n{usage}\n```\n\n"
            + _html_table(("argument", "default", "what it does"), rows))
