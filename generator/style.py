"""The course's look: preamble, logo, header and footer, document class, paper, shells, and
whether the pages embed their images.

Where it comes from: the spec's `style:` block and a project file, `answerkey.yaml`, holding
`style:` (and `language:`), looked for in the spec's folder, then each parent folder up to
the file-system root or the first folder holding `.git`. The folder of the project file is
the COURSE FOLDER (without one, the spec's folder). The spec's keys override the project's
one by one; both files are validated with the same fields, errors located in each.

Files (`preamble`, `logo`, `templates`) resolve relative to the file that names them and must
stay inside the course folder: no `..` out of it, no link leading out, regular files of a
bounded size. Their bytes are read once, here; the build copies them into the output folder
as course-preamble.tex and course-logo.<png|jpg|pdf> (where the restricted pdflatex may read
them) and the cache key holds their
hashes, with every project-file place looked at, so editing any of them rebuilds.

The macros the preamble defines become allowed in user math (generator/course_macros.py).
Override templates are rendered in Jinja2's sandbox (generator/render.py).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from types import MappingProxyType

from .cache import MAX_STYLE_FILE_BYTES, input_digest, sha256_bytes
from .course_macros import read_preamble
from .errors import Location, Problem
from .i18n import LANGUAGES
from .math_vocabulary import NO_COURSE, CourseVocabulary
from .safeio import Refused, read_regular
from .schema import (
    INVALID,
    Bool,
    Choice,
    Ctx,
    Field,
    Identifier,
    ListOf,
    Loc,
    Record,
    Str,
    did_you_mean,
)
from .yamlsource import load_yaml

PROJECT_FILE = "answerkey.yaml"
PAPER_SIZES = ("a4", "letter", "a5", "b5", "legal", "executive")
SHELLS = ("document.tex.j2", "question.tex.j2", "document.html.j2", "question.html.j2")
LIMITS = {"project": 100_000, "preamble": 200_000, "logo": MAX_STYLE_FILE_BYTES,
          "template": 200_000}
_IMAGES = {b"\x89PNG\r\n\x1a\n": "png", b"\xff\xd8\xff": "jpg", b"%PDF-": "pdf"}
_FILE = Str(max_len=500, multiline=False)
STYLE_FIELDS = {
    "preamble": Field(_FILE, doc="a .tex file of \\usepackage lines and \\newcommand macros; "
                                 "its macros may be used in math"),
    "logo": Field(_FILE, doc="an image (PNG, JPEG or PDF) at the top of the PDF and the page"),
    "header": Field(Str(max_len=200, multiline=False), doc="text on top of every PDF page "
                                                           "and of the page"),
    "footer": Field(Str(max_len=200, multiline=False), doc="text at the foot of every PDF "
                                                           "page and of the page"),
    "documentclass": Field(Identifier(pattern=r"[A-Za-z][A-Za-z0-9-]*", max_len=40,
                                      rule="a LaTeX class name such as article or scrartcl"),
                           doc="the LaTeX document class (default article)"),
    "classoptions": Field(ListOf(Identifier(pattern=r"[A-Za-z0-9][A-Za-z0-9.=-]*", max_len=40,
                                            rule="letters, digits, '.', '=' or '-'"),
                                 max_len=20), doc="options of the class, e.g. [12pt, twoside]"),
    "papersize": Field(Choice(PAPER_SIZES), doc="the PDF's paper (default a4)"),
    "language": Field(Choice(LANGUAGES), doc="the language of the fixed words (as the "
                                             "top-level language)"),
    "templates": Field(_FILE, doc="a folder whose document.tex.j2, question.tex.j2, "
                                  "document.html.j2, question.html.j2 replace the built-in "
                                  "shells"),
    "inline_figures": Field(Bool(), doc="embed the figures and the logo in index.html and "
                                        "handout.html, so each page is one file "
                                        "(default false)"),
}
PROJECT_FIELDS = {"style": Field(Record(STYLE_FIELDS)),
                  "language": Field(Choice(LANGUAGES), doc="the language of the fixed words")}


@dataclass(frozen=True)
class CourseFile:
    """A file of the course, read: where it came from (as shown), its bytes, its name in
    the output folder."""

    source: str
    data: bytes
    name: str


@dataclass(frozen=True)
class Style:
    """The resolved look of one spec (defaults: answerkey's own)."""

    header: str | None = None
    footer: str | None = None
    documentclass: str = "article"
    classoptions: tuple[str, ...] = ()
    papersize: str = "a4"
    language: str = "en"
    inline_figures: bool = False
    preamble: CourseFile | None = None
    logo: CourseFile | None = None
    templates: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))
    macros: CourseVocabulary = NO_COURSE
    inputs: tuple[tuple[str, str], ...] = ()  # (path, sha256 or '' when absent), sorted

    @property
    def class_options(self) -> str:
        """The \\documentclass options: a font size (11pt unless one is given), the paper,
        then the course's."""
        size = [] if any(re.fullmatch(r"\d+pt|fontsize=.*", o) for o in self.classoptions) \
            else ["11pt"]
        return ",".join(size + [f"{self.papersize}paper", *self.classoptions])

    @property
    def preamble_hash(self) -> str:
        """A short hash of the preamble: the precompiled format is keyed by it."""
        return sha256_bytes(self.preamble.data)[:16] if self.preamble else ""

    @property
    def page_logo(self) -> str | None:
        """The logo's file for the page (a PDF logo is shown as its PNG rendering)."""
        if self.logo is None:
            return None
        return "course-logo-page.png" if self.logo.name.endswith(".pdf") else self.logo.name

    @property
    def digest(self) -> str:
        """What the cache key holds of the style: every input file's hash."""
        return input_digest(self.inputs)


def project_places(folder: Path) -> list[Path]:
    """Where a project file is looked for, nearest first: the folder, then its parents up
    to the root or the first folder holding .git."""
    places = []
    for place in (folder, *folder.parents):
        places.append(place / PROJECT_FILE)
        if (place / ".git").exists():
            break
    return places


@dataclass
class _Named:
    """A style value with the file that gave it: relative paths start from there."""

    value: object
    ctx: Ctx
    loc: Loc
    base: Path  # the folder of the file that names it


def resolve(data: dict, ctx: Ctx, source: str) -> Style:
    """The style of the spec whose raw data is `data`, merged with its project file's;
    every problem, in either file, goes to `ctx`."""
    spec_folder = Path(os.path.abspath(source)).parent
    inputs: dict[str, str] = {}
    project, given = None, {}
    for place in project_places(spec_folder):
        inputs[str(place)] = ""  # none there: one that appears changes the key
        if os.path.lexists(place):
            project = place
            given = _project_values(place, ctx, inputs)
            break
    course = project.parent if project is not None else spec_folder
    spec_loc = Loc(("style",), "style")
    raw = data.get("style", {}) if isinstance(data, dict) else {}
    values = Record(STYLE_FIELDS)(raw, spec_loc, ctx) if "style" in data else {}
    if isinstance(values, dict):
        top = data.get("language")
        _with_language(values, top if top in LANGUAGES else None, ctx, spec_loc.key("language"))
        given |= {k: _Named(v, ctx, spec_loc.key(k), spec_folder) for k, v in values.items()
                  if v is not None}
    style = _files(given, course, inputs)
    return _with_class_checked(style, given.get("documentclass"))


def _with_language(style: dict, top: str | None, ctx: Ctx, loc: Loc) -> None:
    """The top-level `language` (of the spec or the project file) into its style keys; given
    in both places, a problem at `loc`."""
    if top is None:
        return
    if style.get("language") is not None:
        ctx.error(loc, "the language is given twice (also at the top level): keep one")
    style["language"] = top


def _project_values(place: Path, ctx: Ctx, inputs: dict[str, str]) -> dict[str, _Named]:
    """The validated style keys of a project file (its top-level `language` included); the
    hash of the bytes read goes to `inputs` (so a save meanwhile cannot pass for them)."""
    shown = _shown(place)
    try:
        raw = read_regular(place, LIMITS["project"])
        inputs[str(place)] = sha256_bytes(raw)
        text = raw.decode("utf-8")
    except (Refused, UnicodeDecodeError) as exc:
        ctx.problems.append(Problem(Location(shown), f"cannot read the project file: {exc}"))
        return {}
    data, marks, problems = load_yaml(text, shown)
    ctx.problems.extend(problems)
    own = Ctx(marks, ctx.problems)  # its problems are the spec's, located in this file
    checked = INVALID if problems else Record(PROJECT_FIELDS)(data, Loc((), ""), own)
    if checked is INVALID:
        return {}
    style = dict(checked["style"] or {})
    _with_language(style, checked["language"], own, Loc(("style", "language"), "style.language"))
    return {k: _Named(v, own, Loc(("style", k), f"style.{k}"), place.parent)
            for k, v in style.items() if v is not None}


def _shown(path: Path) -> str:
    """A path as messages show it: relative to the working folder when below it."""
    relative = os.path.relpath(path)
    return str(path) if relative.startswith("..") else relative


def _files(given: dict[str, _Named], course: Path, inputs: dict[str, str]) -> Style:
    plain = {k: given[k].value for k in ("header", "footer", "documentclass", "papersize",
                                         "language", "inline_figures") if k in given}
    options = tuple(given["classoptions"].value) if "classoptions" in given else ()
    preamble = logo = None
    macros, templates = NO_COURSE, {}
    if "preamble" in given:
        preamble = _read(given["preamble"], course, "preamble", inputs, ".tex")
        if preamble is not None:
            text = _text(preamble, given["preamble"])
            macros = read_preamble(text, preamble.source) if text is not None else NO_COURSE
    if "logo" in given:
        logo = _read(given["logo"], course, "logo", inputs)
        kind = next((k for magic, k in _IMAGES.items() if logo and logo.data.startswith(magic)),
                    None)
        if logo is not None and kind is None:
            given["logo"].ctx.error(given["logo"].loc, f"{logo.source} is not a PNG, JPEG or "
                                                       "PDF image")
            logo = None
        elif logo is not None:
            logo = CourseFile(logo.source, logo.data, f"course-logo.{kind}")
    if "templates" in given:
        templates = _templates(given["templates"], course, inputs)
    return Style(**plain, classoptions=options, preamble=preamble, logo=logo,
                 templates=MappingProxyType(templates), macros=macros,
                 inputs=tuple(sorted(inputs.items())))


def _inside(named: _Named, course: Path) -> Path | None:
    """The real path `named` names, when it lies inside the course folder; else a problem."""
    text = str(named.value)
    if os.path.isabs(text):
        named.ctx.error(named.loc, f"'{text}' must be a path relative to the file that names it")
        return None
    real = Path(os.path.realpath(named.base / text))
    top = Path(os.path.realpath(course))
    if real != top and top not in real.parents:
        named.ctx.error(named.loc, f"'{text}' lies outside the course folder {_shown(course)} "
                                   "(files of the course must stay inside it)")
        return None
    return real


def _read(named: _Named, course: Path, what: str, inputs: dict, suffix: str = "") -> \
        CourseFile | None:
    real = _inside(named, course)
    if real is None:
        return None
    shown = _shown(Path(os.path.normpath(named.base / str(named.value))))
    if suffix and real.suffix != suffix:
        named.ctx.error(named.loc, f"{shown}: the {what} must be a {suffix} file")
        return None
    try:
        data = read_regular(real, LIMITS[what], links=False,
                            below=Path(os.path.realpath(course)))
    except Refused as exc:
        named.ctx.error(named.loc, f"cannot read the {what} {shown}: {exc}")
        return None
    inputs[str(real)] = sha256_bytes(data)
    return CourseFile(shown, data, f"course-{what}{suffix}")


def _text(file: CourseFile, named: _Named) -> str | None:
    try:
        return file.data.decode("utf-8")
    except UnicodeDecodeError as exc:
        named.ctx.error(named.loc, f"{file.source} is not UTF-8 text (byte {exc.start})")
        return None


def _templates(named: _Named, course: Path, inputs: dict) -> dict[str, CourseFile]:
    """The override shells of a templates folder, read (other .j2 names are refused)."""
    from .render import template_problem  # the shells' Jinja2 settings live there

    folder = _inside(named, course)
    if folder is None:
        return {}
    if not folder.is_dir():
        named.ctx.error(named.loc, f"'{named.value}' is not a folder")
        return {}
    found = {}
    for name in sorted(os.listdir(folder)):
        if name.endswith(".j2") and name not in SHELLS:
            named.ctx.error(named.loc, f"'{name}' in {named.value} overrides no shell"
                            f"{did_you_mean(name, SHELLS)}; the shells are {', '.join(SHELLS)}")
    for name in SHELLS:
        inputs[str(folder / name)] = ""
        if not os.path.lexists(folder / name):
            continue
        file = _read(_Named(f"{named.value}/{name}", named.ctx, named.loc, named.base),
                     course, "template", inputs)
        text = _text(file, named) if file is not None else None
        if text is None:
            continue
        inputs[str(folder / name)] = sha256_bytes(file.data)
        problem = template_problem(name, text, file.source)
        if problem:
            named.ctx.problems.append(problem)
        else:
            found[name] = CourseFile(file.source, file.data, name)
    return found


def _with_class_checked(style: Style, named: _Named | None) -> Style:
    if named is not None and not class_installed(style.documentclass):
        named.ctx.error(named.loc, f"the document class '{style.documentclass}' is not "
                                   f"installed (kpsewhich finds no {style.documentclass}.cls)")
    return style


@cache
def class_installed(name: str) -> bool:
    """Whether TeX finds `name`.cls (True when TeX itself is not there: the build says so)."""
    if shutil.which("kpsewhich") is None:
        return True
    try:
        found = subprocess.run(["kpsewhich", f"{name}.cls"], capture_output=True, text=True,
                               timeout=30)
    except (OSError, subprocess.SubprocessError):
        return True
    return bool(found.stdout.strip())
