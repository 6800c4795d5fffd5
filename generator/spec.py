"""Spec files -> validated `Spec` objects; every problem in a run is collected and reported."""

from __future__ import annotations

import hashlib
import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from . import constraints, placeholders, randomize, style
from .errors import Location, Problem, SpecError
from .i18n import LANGUAGES, _, ngettext
from .kinds import KINDS, unknown_kind
from .math_vocabulary import course_macros_active
from .safeio import Refused, read_regular
from .schema import (
    INVALID,
    Choice,
    Ctx,
    Field,
    Identifier,
    Int,
    ListOf,
    Loc,
    Number,
    OneOf,
    Record,
    RichText,
    Str,
    TexLength,
    Validator,
    did_you_mean,
    show,
)
from .yamlsource import MAX_BYTES, Marks, load_yaml

TOP_FIELDS = {
    "title": Field(Str(max_len=300, multiline=False), required=True,
                   doc="the assignment's title, on every page"),
    "subtitle": Field(Str(max_len=300, multiline=False), doc="a line under the title"),
    "course": Field(Str(max_len=200, multiline=False), doc="the course, e.g. IFT6135-H2020"),
    "due": Field(Str(max_len=100, multiline=False),
                 doc="the due date, printed as written (23:59 is text)"),
    "author": Field(Str(max_len=300, multiline=False), doc="who wrote the assignment"),
    "decimals": Field(Int(0, 15), default=4,
                      doc="the decimals of every computed number shown (answers.json keeps "
                          "full precision)"),
    "seed": Field(Int(0, 2**63 - 1), default=0,
                  doc="the seed of the random parameters (each variant draws from it)"),
    "language": Field(Choice(LANGUAGES), default="en",
                      doc="the language of the fixed words: en (English) or fr (French)"),
    "style": Field(Record(style.STYLE_FIELDS),
                   doc="the course's look: preamble, logo, header, footer, documentclass, "
                       "classoptions, papersize, language, templates, inline_figures "
                       "(docs/course-look.md)"),
    "questions": Field(ListOf(Record({}), max_len=200), required=True,  # checked one by one
                       doc="the questions, each with an id, a kind and the kind's keys"),
}

POINTS = Number(min=0, max=1000)
QUESTION_FIELDS = {
    "id": Field(Identifier(pattern=r"[A-Za-z][A-Za-z0-9_-]*",
                           rule="a letter, then letters, digits, '_' or '-'"), required=True,
                 doc="the question's name, unique in the spec (--set q1.x=... uses it)"),
    "kind": Field(Str(), required=True, doc="what the question computes (`answerkey kinds`)"),
    "title": Field(Str(max_len=300, multiline=False), doc="a heading after the number"),
    "points": Field(OneOf(POINTS, ListOf(POINTS, max_len=26)),
                    doc="the points: one number, or one per part (or per group of parts)"),
    "statement": Field(RichText(), doc="replaces the generated statement; {name} shows a value"),
    "decimals": Field(Int(0, 15), doc="the decimals shown in this question (default: the "
                                      "spec's)"),
    "answer_space": Field(TexLength(), doc="blank space under each part in the handout"),
    "constraints": Field(ListOf(Str(max_len=500, multiline=False), max_len=20), default=[],
                         doc="conditions the random values must meet, e.g. 'len(kernel) <= "
                             "len(input)'"),
}
MAX_DRAWS = 100  # attempts to draw random values that satisfy a question's constraints
# Lines of tables and equations in one key (each kind estimates its own): about 10 s of
# pdflatex and ~170 pages; ten autodiff questions of 400 operations with both tables fit.
MAX_SHOWN_LINES = 15_000


@dataclass
class Question:
    """One validated question: common fields plus its kind's own `params`."""

    id: str
    number: int
    kind: ModuleType
    title: str | None
    points: Any
    statement: str | None
    decimals: int
    params: dict
    loc: Loc
    drawn: dict = field(default_factory=dict)  # values drawn from random specs, by field path
    answer_space: str | None = None  # a TeX/CSS length left blank under each part (handout)

    @property
    def points_total(self) -> float:
        """The question's points (0 when it has none)."""
        return sum(self.points) if isinstance(self.points, list) else self.points or 0

    @property
    def points_label(self) -> str:
        """'6 points' or '14 points: 4 + 4 + 6', as in the headings ('' without points)."""
        if self.points is None:
            return ""
        total = points_text(self.points_total)
        if isinstance(self.points, list) and len(self.points) > 1:
            # Translators: a question's points, its total then each part's: "14 points: 4 + 4 + 6"
            return _("{total}: {parts}").format(
                total=total, parts=" + ".join(f"{p:g}" for p in self.points))
        return total


def points_text(points: float) -> str:
    """'1 point', '2.5 points', in the active language."""
    # A fraction takes the form of a whole number below 2 (0) or from 2 on (2): English
    # '0.5 points', '1.5 points'; French '1.5 point', '2.5 points'.
    n = int(points) if float(points).is_integer() else 0 if points < 2 else 2
    return ngettext("{n} point", "{n} points", n).format(n=f"{points:g}")


@dataclass
class Spec:
    """A validated assignment spec."""

    source: str
    title: str
    subtitle: str | None
    course: str | None
    due: str | None
    author: str | None
    decimals: int
    seed: int
    questions: list[Question]
    marks: Marks
    variant: int | None = None  # None: a plain build (random values drawn as variant 0)
    student: str | None = None  # a roster id: the random values depend on it alone
    source_hash: str = ""  # SHA-256 of the spec file's bytes
    overrides: tuple = ()
    student_name: str | None = None  # printed on a roster variant's handout
    warnings: list[Problem] = field(default_factory=list)
    language: str = "en"  # i18n.LANGUAGES
    style: style.Style = field(default_factory=style.Style)  # the course's look

    @property
    def points_label(self) -> str:
        """'60 points', the assignment's total ('' when no question has points)."""
        if all(q.points is None for q in self.questions):
            return ""
        return points_text(sum(q.points_total for q in self.questions))

    @property
    def sheet_id(self) -> str | None:
        """What a variant's pages print in their header: the student id, or the variant."""
        if self.student is not None:
            return self.student
        return None if self.variant is None else _("variant {n}").format(n=self.variant)

    @property
    def draw_key(self) -> str:
        """What the random values of this spec depend on besides the seed and question id."""
        return draw_key(self.variant, self.student)

    @property
    def stem(self) -> str:
        return Path(self.source).stem


def draw_key(variant: int | None, student: str | None) -> str:
    """'student=<id>' for a roster entry, else the variant index (0 for a plain build)."""
    return f"student={student}" if student is not None else str(variant or 0)


class SpecWarning(UserWarning):
    """A located warning about a spec that still builds (the CLI prints it as it is)."""

    located = True


def load_spec(path: str | Path, overrides=(), variant: int | None = None,
              student: str | None = None, student_name: str | None = None) -> Spec:
    """Read and validate one spec file; raises SpecError listing every problem."""
    source = str(path)
    raw = read_spec_bytes(source)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        msg = f"the file is not UTF-8 text (byte {exc.start})"
        raise SpecError([Problem(Location(source), msg)]) from None
    spec = parse_spec(text, source, overrides, variant, student)  # hashes the same bytes
    spec.student_name = student_name
    return spec


def read_spec_bytes(source: str) -> bytes:
    """The bytes of a regular file (symlinks followed), at most MAX_BYTES; else a SpecError."""
    try:
        return read_regular(Path(source), MAX_BYTES)
    except Refused as exc:
        if exc.size is None:
            raise SpecError([Problem(Location(source), f"cannot read the spec: {exc}")]) from None
        message = (f"the file is too large ({exc.size / 1e6:.1f} MB; a spec may be at most "
                   f"{MAX_BYTES // 1000} kB)")
        raise SpecError([Problem(Location(source, 1, 1), message)]) from None


def parse_spec(text: str, source: str, overrides=(), variant: int | None = None,
               student: str | None = None) -> Spec:
    """Validate spec text (with `--set` overrides applied); raises SpecError on any problem."""
    data, marks, problems = load_yaml(text, source)
    if problems:
        raise SpecError(problems)
    ctx = Ctx(marks)
    if not isinstance(data, dict):
        ctx.error(Loc((), ""), f"the spec must be a mapping of keys to values, got {show(data)}")
        raise SpecError(ctx.problems)
    for text_ in overrides:
        apply_override(data, marks, text_, ctx)
    if ctx.problems:
        raise SpecError(ctx.problems)
    spec = _validate(data, marks, ctx, variant, student)
    for warning in ctx.warnings:
        warnings.warn(SpecWarning(str(warning)), stacklevel=2)
    if ctx.problems:
        raise SpecError(ctx.problems)
    spec.warnings = ctx.warnings
    spec.source_hash = hashlib.sha256(text.encode("utf-8")).hexdigest()
    spec.overrides = tuple(overrides)
    return spec


def _validate(data: dict, marks: Marks, ctx: Ctx, variant, student) -> Spec | None:
    top = Record({k: v for k, v in TOP_FIELDS.items() if k not in ("questions", "style")} | {
        "questions": Field(_RawList(), required=True),
        "style": Field(_Later())})(data, Loc((), ""), ctx)
    look = style.resolve(data, ctx, marks.source)  # before the questions: its math macros
    if top is INVALID:
        seed = data.get("seed", 0) if isinstance(data.get("seed", 0), int) else 0
        questions = data.get("questions") if isinstance(data.get("questions"), list) else []
        decimals = 4
    else:
        seed, questions, decimals = top["seed"], top["questions"], top["decimals"]
    seen: dict[str, int] = {}
    result = []
    with course_macros_active(look.macros):
        for i, raw in enumerate(questions):
            q = _question(raw, i, seen, seed, draw_key(variant, student), decimals, ctx)
            if q is not None:
                result.append(q)
    if top is INVALID or ctx.problems:
        return None
    shown = sum(q.kind.shown_lines(q.params) for q in result)
    if shown > MAX_SHOWN_LINES:
        ctx.error(Loc(("questions",), "questions"), f"the key would show about {shown} lines "
                  f"of tables and equations; at most {MAX_SHOWN_LINES} (about 170 pages): "
                  "split the assignment into several specs", at_key=True)
        return None
    return Spec(marks.source, top["title"], top["subtitle"], top["course"], top["due"],
                top["author"], top["decimals"], top["seed"], result, marks, variant, student,
                language=look.language, style=look)


class _Later(Validator):
    """The `style` block, validated with its files by style.resolve."""

    def check(self, value, loc, ctx):
        return value


@dataclass
class _RawList(Validator):
    """The questions list: checked for shape here, each entry validated by `_question`."""

    expects = "a list of questions"

    def check(self, value, loc, ctx):
        if not isinstance(value, list):
            return self.wrong_type(value, loc, ctx)
        if not value:
            return ctx.error(loc, "must list at least one question")
        most = TOP_FIELDS["questions"].validator.max_len  # the schema's maxItems too
        if len(value) > most:
            return ctx.error(loc, f"has {len(value)} questions; at most {most} are allowed")
        return value


def _failed_constraint(texts: list, params: dict, loc: Loc, ctx: Ctx):
    """The first constraint that is false (None: all hold; INVALID: one is malformed)."""
    for n, text in enumerate(texts):
        try:
            if not constraints.holds(constraints.parse(text), params):
                return text
        except constraints.ConstraintError as exc:
            ctx.error(loc.key("constraints").index(n), f"constraint '{text}' {exc}")
            return INVALID
    return None


def _question(raw, i, seen, seed, key: str, decimals, ctx) -> Question | None:
    loc = Loc(("questions", i), f"questions[{i}]")
    if not isinstance(raw, dict):
        ctx.error(loc, f"expected a question (a mapping with id and kind), got {show(raw)}")
        return None
    qid = raw.get("id")
    if isinstance(qid, str) and re.fullmatch(QUESTION_FIELDS["id"].validator.pattern, qid):
        loc = Loc(loc.path, qid)
        if qid in seen:
            ctx.error(loc.key("id"), f"duplicate question id '{qid}' (also questions[{seen[qid]}])")
        seen.setdefault(qid, i)
    kind_name = raw.get("kind")
    kind = KINDS.get(kind_name) if isinstance(kind_name, str) else None
    if kind is None:
        if "kind" not in raw:
            ctx.error(loc, "missing required key 'kind'")
        else:
            ctx.error(loc.key("kind"), unknown_kind(kind_name) + " (`answerkey kinds` "
                      "describes them)")
        return None
    fields = QUESTION_FIELDS | kind.FIELDS
    qid_for_draw = qid if isinstance(qid, str) else str(i)
    if not randomize.check_alternatives(raw, loc, Record(fields), ctx, seed, key, qid_for_draw):
        return None
    for attempt in range(MAX_DRAWS):
        scratch = Ctx(ctx.marks)
        resolved, drawn = randomize.resolve(raw, loc, scratch, seed, key, qid_for_draw, attempt)
        values = INVALID if scratch.problems else Record(fields)(resolved, loc, scratch)
        if scratch.problems:
            ctx.problems.extend(scratch.problems)
            return None
        params = {k: values[k] for k in kind.FIELDS}
        failed = _failed_constraint(values["constraints"], params, loc, ctx)
        if failed is INVALID:
            return None
        if failed is None:
            kind.check(params, loc, scratch)
            if not scratch.problems:
                ctx.warnings.extend(scratch.warnings)
                break
            if not drawn:  # fixed values: the problem is the spec's own
                ctx.problems.extend(scratch.problems)
                return None
        elif not drawn:
            ctx.error(loc.key("constraints"), f"constraint '{failed}' is false for these "
                      "values (and none of them is random)")
            return None
    else:  # every draw was rejected, by a constraint or by the kind's own rules
        if scratch.problems:
            last = scratch.problems[-1]
            ctx.problems.append(type(last)(last.location, f"{last.message} (in each of "
                                                          f"{MAX_DRAWS} random draws)"))
        else:
            ctx.error(loc.key("constraints"), f"no draw in {MAX_DRAWS} satisfied constraint "
                      f"'{failed}'; widen the random ranges or relax the constraint")
        return None
    if not _points_match(values["points"], kind.part_labels(params), loc, ctx):
        return None
    q_decimals = values["decimals"] if values["decimals"] is not None else decimals
    statement = values["statement"]
    if "statement" not in kind.FIELDS:  # an override, not a text question's own field
        statement = placeholders.bind(statement, params, q_decimals, loc.key("statement"), ctx)
        if statement is INVALID:
            return None
    return Question(values["id"], i + 1, kind, values["title"], values["points"], statement,
                    q_decimals, params, loc, randomize.drawn_values(drawn, values, resolved),
                    values["answer_space"])


def _points_match(points, labels: list[str], loc: Loc, ctx: Ctx) -> bool:
    """A list of points has one entry per part (or per numbered group of parts: 1(a), 1(b),
    2(a) are the groups 1 and 2); else a problem on `points` naming the parts."""
    if not isinstance(points, list) or len(points) == len(labels):
        return True
    groups = part_groups(labels)
    if groups and len(points) == len(groups):
        return True
    entries = f"has {len(points)} entr{'y' if len(points) == 1 else 'ies'}"
    if len(labels) == 1:
        message = (f"{entries}, but the question has one part: give one number "
                   f"(points: {points_text(sum(points)).split()[0]})")
    else:
        message = (f"{entries}, but the question has {len(labels)} parts: "
                   f"{', '.join(labels)}")
        if groups:
            message += f" (or {len(groups)} groups: {', '.join(groups)})"
        message += "; give one number per part, or one number for the whole question"
    ctx.error(loc.key("points"), message)
    return False


_GROUPED = re.compile(r"\s*(\w+)\s*\(\s*\w+\s*\)\s*")


def part_groups(labels: list[str]) -> list[str]:
    """The numbered groups of labels like 1(a), 1(b), 2(a): ['1', '2'] ([] when the labels
    are not all of that form, each group's parts side by side, or there is no grouping)."""
    heads = [m[1] if (m := _GROUPED.fullmatch(label)) else None for label in labels]
    if None in heads:
        return []
    groups = list(dict.fromkeys(heads))
    runs = [h for n, h in enumerate(heads) if n == 0 or heads[n - 1] != h]
    return groups if len(runs) == len(groups) < len(labels) else []


_SEGMENT = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def parse_override_path(path: str) -> list | None:
    """'q7.parts[0].given.k' or 'q7.parts.0.given.k' -> ['q7', 'parts', 0, 'given', 'k']."""
    if not path or not re.fullmatch(r"(?:[^.\[\]]+|\[\d+\])(?:\.?(?:[^.\[\]]+|\[\d+\]))*", path):
        return None
    segs: list = []
    for name, index in _SEGMENT.findall(path):
        segs.append(int(index) if index else int(name) if name.isdigit() else name)
    return segs


def apply_override(data: dict, marks: Marks, text: str, ctx: Ctx) -> None:
    """Apply one `--set PATH=VALUE` (VALUE parsed as YAML) to the raw spec data."""
    where = f"--set {text}"

    def fail(message: str) -> None:
        ctx.problems.append(Problem(Location(where), message))

    path_text, sep, value_text = text.partition("=")
    segs = parse_override_path(path_text.strip())
    if not sep or segs is None:
        return fail("expected PATH=VALUE, e.g. --set q4.at.x1=2")
    value, value_marks, problems = (load_yaml(value_text, where) if value_text.strip()
                                    else (None, None, []))
    if problems:
        reason = problems[0].message.removeprefix("invalid YAML: ")
        return fail(f"the value is not valid YAML: {reason}")
    if isinstance(segs[0], str) and segs[0] in TOP_FIELDS and segs[0] != "questions":
        node, raw_path = data, []
    else:
        questions = data.get("questions")
        ids = [q.get("id") for q in questions if isinstance(q, dict)] if isinstance(
            questions, list) else []
        if segs[0] not in ids:
            hint = did_you_mean(str(segs[0]), ids)
            return fail(f"no question or top-level key '{segs[0]}'{hint}")
        index = ids.index(segs[0])
        node, raw_path, segs = questions[index], ["questions", index], segs[1:]
        if not segs:
            return fail("give a field of the question, e.g. --set q4.at.x1=2")
    created = None  # the first mapping this override had to create, if any
    for depth, seg in enumerate(segs):
        last = depth == len(segs) - 1
        shown = ".".join(str(s) for s in segs[: depth + 1])
        if isinstance(node, dict) and isinstance(seg, str):
            if last:
                node[seg] = value
            else:
                if seg not in node and created is None:
                    created = tuple(raw_path) + (seg,)
                node = node.setdefault(seg, {})
        elif isinstance(node, list) and isinstance(seg, int):
            if seg >= len(node):
                return fail(f"'{shown}' is out of range (the list has {len(node)} entries)")
            if last:
                node[seg] = value
            else:
                node = node[seg]
        else:
            return fail(f"cannot set '{shown}': its parent is {show(node)}")
        raw_path.append(seg)
    marks.overrides[created or tuple(raw_path)] = where
    marks.graft(value_marks or Marks(where), tuple(raw_path))
