"""The macros a course preamble defines, read so that user math may use them.

Only the simple forms are read, not TeX at large: `\\newcommand`, `\\renewcommand` and
`\\providecommand` (starred or not) as `{\\name}[n][default]{body}` or `\\name[n]{body}`, and
`\\DeclareMathOperator(*){\\name}{text}`. Each body is checked as user math is (the allow-list,
the structure, the MathML conversion) with its arguments put in: a macro that passes may be
used in math, in the PDF as the preamble defines it and on the page expanded; one that fails
keeps the reason, and any use of it is refused at `check`. A name defined in another form
(`\\def`, `\\let`, `\\NewDocumentCommand`...) is remembered with its form, so that using it
says what to write instead of "unknown macro".
"""

from __future__ import annotations

import re
from dataclasses import replace
from types import MappingProxyType

from .math_vocabulary import CourseMacro, CourseVocabulary, course_macros_active

MAX_DEFINITIONS = 500
MAX_BODY = 2_000  # characters of one macro's body
# Macros answerkey reads itself while checking math: a course definition would make the page
# differ from the PDF.
RESERVED = frozenset("begin end left right big Big bigg Bigg text operatorname".split())
_READ = re.compile(r"\\(newcommand|renewcommand|providecommand|DeclareMathOperator)(?![A-Za-z])")
_UNREAD = re.compile(r"\\(def|gdef|edef|xdef|let|DeclareRobustCommand|NewDocumentCommand|"
                     r"RenewDocumentCommand|ProvideDocumentCommand|DeclareDocumentCommand|"
                     r"NewCommandCopy|newrobustcmd|renewrobustcmd)(?![A-Za-z])\s*\*?\s*\{?\s*"
                     r"\\([A-Za-z]+)")
_COMMENT = re.compile(r"(?<!\\)%.*")
_THIN_SPACES = re.compile(r"\\[,;:! ]|\s")


class _Unreadable(ValueError):
    """A definition whose shape is not one of the simple forms."""


def read_preamble(text: str, source: str) -> CourseVocabulary:
    """The course macros `text` defines (`source` names the file in messages)."""
    text = _COMMENT.sub("", text)  # (line breaks stay: positions give line numbers)
    macros: dict[str, CourseMacro] = {}
    for m in _READ.finditer(text):
        if len(macros) >= MAX_DEFINITIONS:
            break
        line = text.count("\n", 0, m.start()) + 1
        try:
            macro = _definition(text, m.end(), m.group(1), line)
        except _Unreadable:
            continue  # pdflatex reports a malformed definition; unread, it is just unknown
        if macro.name in macros and m.group(1) == "providecommand":
            continue
        macros[macro.name] = macro
    unread = {m.group(2): f"(line {text.count(chr(10), 0, m.start()) + 1}, \\{m.group(1)})"
              for m in _UNREAD.finditer(text) if m.group(2) not in macros}
    vocabulary = CourseVocabulary(source, MappingProxyType(macros), MappingProxyType(unread))
    return _checked(vocabulary)


def _definition(text: str, pos: int, command: str, line: int) -> CourseMacro:
    reader = _Cursor(text, pos)
    starred = reader.skip("*")
    name = reader.name()
    if command == "DeclareMathOperator":
        operator = reader.group("{", "}")
        if name is None or operator is None:
            raise _Unreadable
        return CourseMacro(name, 0, None, _operator_body(operator, starred), line)
    count, default = reader.group("[", "]"), None
    if count is not None:
        default = reader.group("[", "]")
    body = reader.group("{", "}")
    if name is None or body is None or (count is not None and not re.fullmatch(r"\s*[0-9]\s*",
                                                                               count)):
        raise _Unreadable
    return CourseMacro(name, int(count or 0), default, body, line)


def _operator_body(operator: str, starred: bool) -> str:
    """What the page writes for \\DeclareMathOperator's text: \\operatorname (which takes
    letters and digits; thin spaces such as arg\\,max are dropped)."""
    return f"\\operatorname{'*' if starred else ''}{{{_THIN_SPACES.sub('', operator)}}}"


class _Cursor:
    """Reads the parts of one definition from a position in the preamble."""

    def __init__(self, text: str, pos: int):
        self.text, self.pos = text, pos

    def _spaces(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos].isspace():
            self.pos += 1

    def skip(self, char: str) -> bool:
        self._spaces()
        if self.text.startswith(char, self.pos):
            self.pos += len(char)
            return True
        return False

    def name(self) -> str | None:
        """`\\name` or `{\\name}`."""
        m = re.compile(r"\s*(?:\{\s*\\([A-Za-z]+)\s*\}|\\([A-Za-z]+))").match(self.text, self.pos)
        if not m:
            return None
        self.pos = m.end()
        return m.group(1) or m.group(2)

    def group(self, opening: str, closing: str) -> str | None:
        """The text of a {balanced} or [bracketed] group here, or None when there is none."""
        if not self.skip(opening):
            return None
        depth, pos = 0, self.pos
        end = min(len(self.text), self.pos + MAX_BODY + 1)
        while pos < end:
            char = self.text[pos]
            if char == "\\":  # a control sequence: \{ and \} are no braces
                pos += 2
                continue
            if char == "{":
                depth += 1
            elif char == "}" and depth > 0:
                depth -= 1
            elif char == closing and depth == 0:
                found, self.pos = self.text[self.pos : pos], pos + 1
                return found
            pos += 1
        raise _Unreadable


def _checked(vocabulary: CourseVocabulary) -> CourseVocabulary:
    """Each macro with the reason the page cannot show it, if there is one."""
    from .escape import math_problems  # escape reads the vocabulary this module makes

    macros = dict(vocabulary.macros)
    with course_macros_active(vocabulary):
        for name, macro in vocabulary.macros.items():
            macros[name] = replace(macro, problem=_problem(macro, math_problems))
    # A macro whose body uses one the page cannot show cannot be shown either.
    for _ in range(len(macros)):
        changed = False
        for name, macro in macros.items():
            used = [m for m in re.findall(r"\\([A-Za-z]+)", macro.body)
                    if m != name and m in macros and macros[m].problem]
            if used and not (macro.problem or "").startswith("it uses"):
                macros[name] = replace(macro, problem=f"it uses \\{used[0]}, which cannot be "
                                                      "shown on the page")
                changed = True
        if not changed:
            break
    return replace(vocabulary, macros=MappingProxyType(macros))


def _problem(macro: CourseMacro, math_problems) -> str | None:
    if macro.name in RESERVED:
        return f"answerkey reads \\{macro.name} itself, so it cannot be redefined"
    if not 0 <= macro.arguments <= 9:
        return "a macro takes at most 9 arguments"
    numbers = [int(n) for n in re.findall(r"#([0-9])", macro.body)]
    if "##" in macro.body or any(not 1 <= n <= macro.arguments for n in numbers):
        return (f"its body uses {'##' if '##' in macro.body else f'#{max(numbers)}'}, but it "
                f"takes {macro.arguments} argument{'' if macro.arguments == 1 else 's'}")
    if macro.default is not None and macro.default.strip() and math_problems(macro.default):
        return f"its default argument: {math_problems(macro.default)[0]}"
    sample = re.sub(r"#[1-9]", "{x}", macro.body)
    if not sample.strip():
        return "its body is empty"
    problems = math_problems(sample)
    return problems[0] if problems else None
