"""Escaping user text for LaTeX and HTML, and checking the math users may write (with the
macros of the course preamble in force, math_vocabulary.course_vocabulary)."""

from __future__ import annotations

import re

from markupsafe import Markup, escape

from .math_vocabulary import (
    ALLOWED_MACROS,
    ALLOWED_SYMBOLS,
    ENVIRONMENT_COLUMNS,
    UNICODE_MATH,
    course_vocabulary,
    is_text_char,
)
from .mathml import MathMLError, to_mathml
from .texmath import MathProblem, check_structure, expand_course_macros

_LATEX_SPECIAL = {
    "\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "$": r"\$", "&": r"\&", "#": r"\#",
    "%": r"\%", "_": r"\_", "^": r"\textasciicircum{}", "~": r"\textasciitilde{}",
    "<": r"\textless{}", ">": r"\textgreater{}", "|": r"\textbar{}", '"': r"\textquotedbl{}",
    "`": r"\textasciigrave{}",
    "\n": " ", "\r": " ", "\t": " ",
}


def _latex_char(ch: str) -> str:
    if ch in _LATEX_SPECIAL:
        return _LATEX_SPECIAL[ch]
    if ch in UNICODE_MATH:
        return rf"\ensuremath{{{UNICODE_MATH[ch]}}}"
    code = ord(ch)
    if code < 32 or code == 127:
        return ""
    if is_text_char(ch):
        return ch
    # Characters pdfTeX's T1/utf8 set-up cannot typeset (CJK, emoji, RTL scripts) are shown
    # as their code point rather than failing the build.
    return rf"\texttt{{[U+{code:04X}]}}\allowbreak{{}}"


def latex_escape(text: str) -> str:
    """Plain text -> LaTeX source that typesets exactly that text and nothing else."""
    out = "".join(_latex_char(ch) for ch in str(text))
    # T1 fonts join -- and ,, into dashes and quotes: keep the characters the user typed.
    return re.sub(r"([-,])(?=[-,])", r"\1{}", out)


def html_escape(text: str) -> Markup:
    """Plain text -> HTML; '$' too, so the math pass never treats user text as math."""
    return Markup(str(escape(str(text))).replace("$", "&#36;"))


_MACRO = re.compile(r"\\([A-Za-z]+|.)", re.S)
_ENV = re.compile(r"\\(?:begin|end)\s*\{([^}]*)\}")


def check_user_math(math: str) -> str | None:
    """None when `math` uses only allowed macros and environments and typesets both in
    pdflatex and as MathML, else the first thing that is wrong."""
    problems = math_problems(math)
    return problems[0] if problems else None


def math_problems(math: str) -> list[str]:
    """Everything wrong with the words of `math` (each disallowed macro or environment once),
    or else the first structural problem, which makes the rest unreadable."""
    problems = []
    if "^^" in math:
        problems.append("'^^' is not allowed in math")
    if re.search(r"(?<!\\)[#%]", math):
        problems.append("unescaped '#' or '%' is not allowed in math")
    course = course_vocabulary()
    for name in _MACRO.findall(math):
        if name in course.macros or name in course.unread:
            problem = _course_macro_problem(name, course)
        elif len(name) == 1 and not name.isalpha():
            problem = None if name in ALLOWED_SYMBOLS else f"'\\{name}' is not allowed in math"
        else:
            problem = (None if name in ALLOWED_MACROS
                       else f"unknown or disallowed macro '\\{name}' in math")
        if problem and problem not in problems:
            problems.append(problem)
    for env in _ENV.findall(math):
        problem = f"environment '{env}' is not allowed in math"
        if env.strip() not in ENVIRONMENT_COLUMNS and problem not in problems:
            problems.append(problem)
    if problems:
        return problems
    try:
        check_structure(math)
        to_mathml(math_source(math, for_latex=False))
    except (MathProblem, MathMLError) as exc:
        return [str(exc)]
    return []


def _course_macro_problem(name: str, course) -> str | None:
    """Why the course macro `name` may not be used in math (None: it may)."""
    if name in course.unread:
        return (f"\\{name} is defined in {course.source} {course.unread[name]}, a form answerkey "
                f"does not read: define it with \\newcommand{{\\{name}}}[n]{{...}}")
    macro = course.macros[name]
    if macro.problem is None:
        return None
    return (f"\\{name} is defined in {course.source} (line {macro.line}) but cannot be shown "
            f"on the page: {macro.problem}")


# Allowed macros one side lacks, spelled out for it.
_SPELLING = {True: {"argmax": r"\operatorname*{arg\,max}", "argmin": r"\operatorname*{arg\,min}"},
             False: {"arg": r"\operatorname{arg}", "lVert": r"\Vert", "rVert": r"\Vert",
                     "lvert": r"\vert", "rvert": r"\vert",
                     # the converter's U+29F5 is missing from common fonts (invisible)
                     "setminus": r"\smallsetminus"}}
# The converter reads `aligned` and `gathered` as one row with '&' in it: the page gets the
# same layout as an array (aligned: columns alternately right and left).
_ALIGNED = re.compile(r"\\(begin|end)\s*\{\s*(aligned|gathered)\s*\}")
_AS_ARRAY = {"aligned": "{" + "rl" * 5 + "}", "gathered": "{c}"}


def _as_array(m: re.Match) -> str:
    return r"\begin{array}" + _AS_ARRAY[m.group(2)] if m.group(1) == "begin" else r"\end{array}"


def math_source(math: str, for_latex: bool) -> str:
    """Checked user math as pdflatex (for_latex) or the MathML converter reads it: Unicode
    symbols as their macros, and the few macros that side lacks spelled out; the page gets
    the course macros expanded, the PDF keeps them (the preamble defines them)."""
    course = course_vocabulary().macros
    if course and not for_latex:
        math = expand_course_macros(math, course)
    spelling = {name: spelled for name, spelled in _SPELLING[for_latex].items()
                if for_latex is False or name not in course}
    math = "".join(UNICODE_MATH[ch] + " " if ch in UNICODE_MATH and len(UNICODE_MATH[ch]) > 1
                   else UNICODE_MATH.get(ch, ch) for ch in math)
    math = _MACRO.sub(lambda m: spelling.get(m.group(1), m.group(0)), math)
    return _TEXT_ARGUMENT.sub(_literal_text, math) if for_latex else _ALIGNED.sub(_as_array, math)


# \text{} holds plain text (checked); in the PDF it must read as on the page, so the T1
# ligatures (-- ,, << >> `` '' !` ?`) are broken up.
_TEXT_ARGUMENT = re.compile(r"\\(?:text\s*\{((?:[^{}]|\{[^{}]*\})*)\}|[A-Za-z]+|.)", re.S)


def _literal_text(m: re.Match) -> str:
    if m.group(1) is None:  # another macro, read whole so that \\text is not taken for \text
        return m.group(0)
    return r"\text{" + re.sub(r"([-,<>`'!?])(?=[-,<>`'])", r"\1{}", m.group(1)) + "}"
