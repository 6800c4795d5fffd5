"""Escaping user text for LaTeX and HTML, and checking the math users may write."""

from __future__ import annotations

import re

from markupsafe import Markup, escape

_LATEX_SPECIAL = {
    "\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "$": r"\$", "&": r"\&", "#": r"\#",
    "%": r"\%", "_": r"\_", "^": r"\textasciicircum{}", "~": r"\textasciitilde{}",
    "<": r"\textless{}", ">": r"\textgreater{}", "|": r"\textbar{}", '"': r"\textquotedbl{}",
    "`": r"\textasciigrave{}",
    "\n": " ", "\r": " ", "\t": " ",
}


_GREEK = ("alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi "
          "rho varsigma sigma tau upsilon phi chi psi omega").split()
_UNICODE_MATH = {
    "≤": r"\leq", "≥": r"\geq", "≠": r"\neq", "≈": r"\approx", "×": r"\times", "·": r"\cdot",
    "−": "-", "±": r"\pm", "→": r"\rightarrow", "←": r"\leftarrow", "⇒": r"\Rightarrow",
    "∞": r"\infty", "∑": r"\sum", "∂": r"\partial", "∇": r"\nabla", "√": r"\surd",
    "⌊": r"\lfloor", "⌋": r"\rfloor", "⌈": r"\lceil", "⌉": r"\rceil", "∈": r"\in",
    **{chr(0x3B1 + i): "\\" + name for i, name in enumerate(_GREEK) if name != "omicron"},
    **{chr(0x391 + i): "\\" + name.capitalize() for i, name in enumerate(_GREEK)
       if name.capitalize() in ("Gamma", "Delta", "Theta", "Lambda", "Xi", "Pi", "Sigma", "Phi",
                                "Psi", "Omega")},
}


def _latex_char(ch: str) -> str:
    if ch in _LATEX_SPECIAL:
        return _LATEX_SPECIAL[ch]
    if ch in _UNICODE_MATH:
        return rf"\ensuremath{{{_UNICODE_MATH[ch]}}}"
    code = ord(ch)
    if code < 32 or code == 127:
        return ""
    if code < 0x250 and code not in range(0x80, 0xA0) and ch not in "\xad":  # T1 + utf8 Latin
        return ch
    if ch in "\u2013\u2014\u2018\u2019\u201c\u201d\u2026\u20ac":
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
hat bar tilde dot ddot vec overline underline widehat widetilde
mathbf mathrm mathit mathcal mathbb mathsf boldsymbol text operatorname
ldots cdots vdots ddots dots quad qquad
begin end top intercal prime ell hbar Re Im aleph
""".split())
ALLOWED_ENVIRONMENTS = frozenset(
    "matrix pmatrix bmatrix Bmatrix vmatrix Vmatrix cases".split())
_ALLOWED_SYMBOLS = set(",;:! {}|%_&#$\\")  # control symbols such as \, \{ \% \\
_MACRO = re.compile(r"\\([A-Za-z]+|.)", re.S)
_ENV = re.compile(r"\\(?:begin|end)\s*\{([^}]*)\}")


def check_user_math(math: str) -> str | None:
    """None when `math` uses only allowed macros and environments, else what is wrong."""
    if "^^" in math:
        return "'^^' is not allowed in math"
    if re.search(r"(?<!\\)[#%]", math):
        return "unescaped '#' or '%' is not allowed in math"
    for name in _MACRO.findall(math):
        if len(name) == 1 and not name.isalpha():
            if name not in _ALLOWED_SYMBOLS:
                return f"'\\{name}' is not allowed in math"
        elif name not in ALLOWED_MACROS:
            return f"unknown or disallowed macro '\\{name}' in math"
    for env in _ENV.findall(math):
        if env.strip() not in ALLOWED_ENVIRONMENTS:
            return f"environment '{env}' is not allowed in math"
    depth = 0
    for ch in re.sub(r"\\.", "", math):
        depth += {"{": 1, "}": -1}.get(ch, 0)
        if depth < 0:
            return "unbalanced braces in math"
    return "unbalanced braces in math" if depth else None


_RICH = re.compile(r"(?<!\\)\$\$(.+?)(?<!\\)\$\$|(?<!\\)\$(.+?)(?<!\\)\$", re.S)


def split_rich(text: str) -> list[tuple[str, str]]:
    """'a $x$ b $$y$$' -> [('text','a '), ('inline','x'), ('text',' b '), ('display','y')]."""
    parts, pos = [], 0
    for m in _RICH.finditer(text):
        if m.start() > pos:
            parts.append(("text", text[pos : m.start()].replace("\\$", "$")))
        parts.append(("display", m.group(1)) if m.group(1) is not None else ("inline", m.group(2)))
        pos = m.end()
    if pos < len(text):
        parts.append(("text", text[pos:].replace("\\$", "$")))
    return parts


def rich_problems(text: str) -> list[str]:
    """What is wrong with a user text with $inline$ and $$display$$ math (empty: nothing)."""
    out = []
    if re.search(r"(?<!\\)\$", _RICH.sub("", text)):
        out.append("a '$' without its closing '$' (write \\$ for a dollar sign)")
    for kind, body in split_rich(text):
        if kind == "text":
            continue
        problem = check_user_math(body) if body.strip() else "empty math"
        if problem:
            out.append(problem)
    return out
