"""The words of user math: macros and environments, their arguments, delimiters, the
Unicode characters that can be typeset, and the macros of the course preamble in force."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from types import MappingProxyType

# Macros a user may write inside $...$ in `text` questions and statement overrides: the math
# vocabulary both pdflatex and the MathML converter understand, nothing that reads, writes,
# defines or changes category codes.
ALLOWED_MACROS = frozenset("""
alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa lambda mu nu xi pi
varpi rho varrho sigma varsigma tau upsilon phi varphi chi psi omega Gamma Delta Theta Lambda Xi
Pi Sigma Upsilon Phi Psi Omega
sin cos tan sec csc cot arcsin arccos arctan sinh cosh tanh exp log ln lg max min sup inf lim
det arg dim ker Pr liminf limsup argmax argmin
frac dfrac tfrac sqrt sum prod int oint bigcup bigcap partial nabla infty
cdot times div pm mp ast star circ bullet oplus otimes odot
leq geq neq le ge ne approx equiv sim simeq cong propto ll gg subset subseteq supset supseteq in
notin ni forall exists neg land lor cup cap setminus emptyset varnothing mid parallel perp
to rightarrow leftarrow Rightarrow Leftarrow leftrightarrow Leftrightarrow mapsto implies iff
uparrow downarrow Uparrow Downarrow longrightarrow
left right big Big bigg Bigg langle rangle lfloor rfloor lceil rceil lbrace rbrace vert Vert
lvert rvert lVert rVert
hat bar tilde dot ddot vec overline underline widehat widetilde
mathbf mathrm mathit mathcal mathbb mathsf mathfrak mathtt boldsymbol text operatorname
ldots cdots vdots ddots dots quad qquad
begin end top bot intercal prime ell hbar Re Im aleph
underbrace overbrace overrightarrow overleftarrow xrightarrow xleftarrow boxed phantom
binom dbinom tbinom overset underset stackrel
wedge vee succ prec succeq preceq triangleq colon hookrightarrow lesssim gtrsim vdash models
bigoplus bigotimes coprod iint dagger nexists therefore because smallsetminus backslash angle
displaystyle textstyle bmod gcd deg
""".split())
ALLOWED_SYMBOLS = frozenset(",;:! {}|%_&#$\\")  # control symbols such as \, \{ \% \\
# The most columns each environment takes (amsmath's MaxMatrixCols is 10; cases has two);
# `array` takes as many as its column spec names (l, c or r, with | between), at most 10.
ENVIRONMENT_COLUMNS = {**dict.fromkeys("matrix pmatrix bmatrix Bmatrix vmatrix Vmatrix".split(),
                                       10), "cases": 2, "aligned": 10, "gathered": 1,
                       "array": 10}
ARRAY_COLUMN_LETTERS = frozenset("lcr")
ARITY = {**dict.fromkeys("frac dfrac tfrac binom dbinom tbinom overset underset stackrel".split(),
                         2),
         **dict.fromkeys("""sqrt hat bar tilde dot ddot vec overline underline widehat widetilde
                            mathbf mathrm mathit mathcal mathbb mathsf mathfrak mathtt boldsymbol
                            underbrace overbrace overrightarrow overleftarrow xrightarrow
                            xleftarrow boxed phantom""".split(), 1)}
# Macros with an optional [argument] before their braced ones: \sqrt[3]{x}, \xrightarrow[g]{f}.
OPTIONAL_ARGUMENT = frozenset("sqrt xrightarrow xleftarrow".split())
# Macros that may stand as an argument without braces (x^\alpha, \hat\theta): single symbols.
# Others expand to several tokens (\sum, \dots, \neq), which pdflatex then misreads.
SYMBOL_ARGUMENTS = frozenset("""alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta
iota kappa lambda mu nu xi pi varpi rho varrho sigma varsigma tau upsilon phi varphi chi psi omega
Gamma Delta Theta Lambda Xi Pi Sigma Upsilon Phi Psi Omega infty partial nabla ell hbar aleph
prime top bot emptyset varnothing Re Im ast star circ bullet cdot times pm mp div leq geq le
ge approx equiv sim in to rightarrow leftarrow""".split())
DELIMITED = frozenset("left right big Big bigg Bigg".split())  # each takes one delimiter
DELIMITERS = frozenset([*"()[]<>|/.", "\\{", "\\}", "\\|", *(
    "\\" + name for name in """langle rangle lfloor rfloor lceil rceil lbrace rbrace vert Vert
                               lvert rvert lVert rVert uparrow downarrow Uparrow
                               Downarrow""".split())])

_GREEK = ("alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi "
          "rho varsigma sigma tau upsilon phi chi psi omega").split()
UNICODE_MATH = {
    "≤": r"\leq", "≥": r"\geq", "≠": r"\neq", "≈": r"\approx", "×": r"\times", "·": r"\cdot",
    "−": "-", "±": r"\pm", "→": r"\rightarrow", "←": r"\leftarrow", "⇒": r"\Rightarrow",
    "∞": r"\infty", "∑": r"\sum", "∂": r"\partial", "∇": r"\nabla", "√": r"\surd",
    "⌊": r"\lfloor", "⌋": r"\rfloor", "⌈": r"\lceil", "⌉": r"\rceil", "∈": r"\in",
    **{chr(0x3B1 + i): "\\" + name for i, name in enumerate(_GREEK) if name != "omicron"},
    **{chr(0x391 + i): "\\" + name.capitalize() for i, name in enumerate(_GREEK)
       if name.capitalize() in ("Gamma", "Delta", "Theta", "Lambda", "Xi", "Pi", "Sigma", "Phi",
                                "Psi", "Omega")},
}
_TEXT_PUNCTUATION = "\u2013\u2014\u2018\u2019\u201c\u201d\u2026\u20ac"


def is_text_char(ch: str) -> bool:
    """True for a character pdfTeX's T1/utf8 set-up prints as it is in text: printable ASCII
    other than TeX's special characters, Latin letters, dashes and quotes."""
    code = ord(ch)
    if ch.isascii():
        return 32 <= code < 127 and ch not in "\\{}$&#^_%~"
    if ch in UNICODE_MATH:
        return False
    return (code < 0x250 and not 0x80 <= code < 0xA0 and ch != "\xad") or ch in _TEXT_PUNCTUATION


@dataclass(frozen=True)
class CourseMacro:
    """A macro the course preamble defines (generator/course_macros.py reads it): allowed in
    user math; the PDF uses the preamble's definition, the page expands `body`."""

    name: str
    arguments: int  # 0 to 9, the optional one included
    default: str | None  # the default of an optional first argument ([default] form)
    body: str  # the page's expansion, #1..#9 standing for the arguments
    line: int  # where the preamble defines it
    problem: str | None = None  # why the page cannot show it: any use is refused


@dataclass(frozen=True)
class CourseVocabulary:
    """The macros of one course preamble (`source`, as the user named it), and the names it
    defines in forms that are not read (\\def, \\let...), with that form."""

    source: str = ""
    macros: Mapping[str, CourseMacro] = field(default_factory=lambda: MappingProxyType({}))
    unread: Mapping[str, str] = field(  # name -> 'line 3 (\\def)'
        default_factory=lambda: MappingProxyType({}))


NO_COURSE = CourseVocabulary()
_COURSE: ContextVar[CourseVocabulary] = ContextVar("answerkey_course_macros", default=NO_COURSE)


def course_vocabulary() -> CourseVocabulary:
    """The course macros in force (those of the spec being checked or rendered)."""
    return _COURSE.get()


@contextmanager
def course_macros_active(vocabulary: CourseVocabulary) -> Iterator[None]:
    """Check and render user math with `vocabulary`'s macros inside the block."""
    token = _COURSE.set(vocabulary)
    try:
        yield
    finally:
        _COURSE.reset(token)
