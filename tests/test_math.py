"""User math: what check refuses really breaks pdflatex or the converter, what it accepts
typesets in both, and the MathML that comes out is only ever allow-listed MathML."""

import subprocess
import xml.etree.ElementTree as ET

import pytest

from generator import mathml
from generator.escape import check_user_math, math_problems, math_source
from generator.math_vocabulary import ALLOWED_MACROS, ARITY, DELIMITED, ENVIRONMENT_COLUMNS
from generator.mathml import MathMLError, to_mathml

AMP = "'&' outside a matrix or cases environment (write \\& for an ampersand)"
REFUSED = {  # math -> the exact problem check reports
    "a & b": AMP, "{a & b}": AMP, r"\left( a & b \right)": AMP,
    r"\begin{pmatrix} {a & b} \end{pmatrix}": AMP,
    r"a \\ b": "a line break '\\\\' outside a matrix or cases environment",
    "x^": "'^' is missing its argument", "x_": "'_' is missing its argument",
    "{x^}": "'^' is missing its argument", r"x^\right)": "'^' is missing its argument",
    "x^a^b": "a double superscript: write x^{ab} or {x^a}^b",
    "x^a'": "a double superscript: write x^{ab} or {x^a}^b",
    "x_a_b": "a double subscript: write x_{ab} or {x_a}_b",
    r"\frac": "'\\frac' needs 2 arguments", r"\frac{1}": "'\\frac' needs 2 arguments",
    r"\dfrac{1}}": "'\\dfrac' needs 2 arguments", r"\sqrt": "'\\sqrt' is missing its argument",
    r"\hat": "'\\hat' is missing its argument", r"\mathbf{}^": "'^' is missing its argument",
    r"\frac\frac12 3": "put the argument of '\\frac' in braces: \\frac{\\frac...}",
    r"\sqrt\sum": "put the argument of '\\sqrt' in braces: \\sqrt{\\sum...}",
    r"\sqrt\,": "put the argument of '\\sqrt' in braces: \\sqrt{\\,...}",
    "x^'": "put the argument of '^' in braces: ^{'...}",
    r"\text": "'\\text' needs its argument in braces",
    r"\sqrt[3": "an optional argument '[' without its closing ']'",
    r"\left( x": "'\\left' without a matching '\\right'",
    r"{\left( x}": "'\\left' without a matching '\\right'",
    r"x \right)": "'\\right' without a matching '\\left'",
    r"\left x \right)": "'\\left' needs a delimiter such as ( [ | \\{ or ., not 'x'",
    r"\left(x\right": "'\\right' needs a delimiter such as ( [ | \\{ or ., not nothing",
    r"\big x": "'\\big' needs a delimiter such as ( [ | \\{ or ., not 'x'",
    r"\begin{matrix} a \end{pmatrix}": "'\\end{pmatrix}' does not match '\\begin{matrix}'",
    r"\begin{matrix} a": "'\\begin{matrix}' is never closed (no '\\end{matrix}')",
    r"a \end{cases}": "'\\end{cases}' does not match any '\\begin'",
    r"\begin x \end x": "'\\begin' needs an environment name in braces",
    r"\begin{cases} a & b & c \end{cases}": "more than 2 columns in '\\begin{cases}'",
    r"\begin{matrix}" + "a&" * 10 + r"a\end{matrix}": "more than 10 columns in '\\begin{matrix}'",
    "{x": "unbalanced braces in math", "x}": "unbalanced braces in math",
    "a\n\nb": "a blank line inside math",
    "中": "character '中' (U+4E2D) cannot be typeset in math",
    "x😀": "character '😀' (U+1F600) cannot be typeset in math",
    "é": "character 'é' (U+00E9) cannot be typeset in math; put words in \\text{...}",
    r"\text{中文}": "character '中' (U+4E2D) cannot be typeset, not even in '\\text{...}'",
    r"\text{50\%}": "'\\text{...}' takes plain text only, not '\\%'",
    r"\text{a^b}": "'\\text{...}' takes plain text only, not '^'",
    r"\text{\alpha}": "'\\text{...}' takes plain text only, not '\\alpha'",
    r"\text{&lt;script&gt;}": "'\\text{...}' takes plain text only, not '&'",
    r"\operatorname{&lt;script&gt;}": "'\\operatorname{...}' takes letters and digits only, not '&'",
    r"\operatorname{<b>}": "'\\operatorname{...}' takes letters and digits only, not '<'",
    r"\text{&#x3C;script>}": "unescaped '#' or '%' is not allowed in math",
    "{" * 51 + "x" + "}" * 51: "math nested more than 50 levels deep",
    r"\begin{array}{p{2cm}} a \end{array}":
        "the columns of '\\begin{array}' may be l, c, r and '|' only, not 'p'",
    r"\begin{array}{c} a & b \end{array}": "more than one column in '\\begin{array}'",
    r"\begin{array}{l|r} a & b & c \end{array}": "more than 2 columns in '\\begin{array}'",
    r"\begin{array} a \end{array}": "'\\begin{array}' needs its columns in braces, e.g. {lcr}",
    r"\begin{array}{|} a \end{array}": "'\\begin{array}' needs 1 to 10 columns, not 0",
    r"\begin{gathered} a & b \end{gathered}": "more than one column in '\\begin{gathered}'",
    r"\underbrace": "'\\underbrace' is missing its argument",
    r"\xrightarrow[f": "an optional argument '[' without its closing ']'",
    r"\binom{n}": "'\\binom' needs 2 arguments",
}
ACCEPTED = [
    "x^2", r"\frac{1}{2}", r"\frac12", r"\sqrt[3]{x}", r"\left( x \right)", r"\left. x \right|",
    r"\left\langle x \right\rangle", r"\big( x \big)", r"\{ x \}", "x'^2", "x''", "x_1^2",
    "{x^a}^b", r"\begin{pmatrix} a & b \\ c & d \end{pmatrix}", r"\sum_{i=1}^n x_i",
    r"\begin{cases} 1 & x > 0 \\ 0 & \text{otherwise} \end{cases}", r"\hat\alpha", "α ≤ β · γ",
    r"\text{für alle } x", r"\operatorname{softmax}(x)", r"\argmax_x f(x) = \arg z", r"50\%",
    r"\$5", r"\mathrm{<img src=x onerror=alert(1)>}", r"\text{</math><script>alert(1)</script>}",
    r"\mathbb{R}^{n \times m}", r"\lim_{x \to 0^+} f(x)", "a\nb",
    # what course sheets use (issue 11)
    r"\begin{aligned} f(x) &= (x + 1)^2 \\ &= x^2 + 2x + 1 \end{aligned}",
    r"\begin{array}{|l|c|r|} a & b & c \\ 1 & 2 & 3 \end{array}", r"\begin{array}{c} x \end{array}",
    r"\left\lVert \mathbf{w} \right\rVert_2^2 = \lVert w \rVert^2",
    r"\lvert x \rvert", r"\underbrace{1 + \cdots + 1}_{n \text{ times}}", r"\overbrace{a + b}^{k}",
    r"\boldsymbol{\theta}^\top \mathbf{x}", r"\mathbb{E}[X]", r"W^\top", r"a \odot b",
    r"x \xrightarrow{f} y \xleftarrow[g]{h} z", r"\tfrac{1}{2}", r"\binom{n}{k}",
    r"\overset{!}{=}", r"\begin{gathered} a \\ b \end{gathered}", r"\mathfrak{g} \wedge \bot",
]


@pytest.mark.parametrize("math", list(REFUSED))
def test_refused_math_gives_its_reason(math):
    assert check_user_math(math) == REFUSED[math]


@pytest.mark.parametrize("math", ACCEPTED)
def test_accepted_math_passes_the_check(math):
    assert check_user_math(math) is None


@pytest.mark.parametrize("math, problems", [
    (r"\input{a} \write18{b} \catcode", ["unknown or disallowed macro '\\input' in math",
                                        "unknown or disallowed macro '\\write' in math",
                                        "unknown or disallowed macro '\\catcode' in math"]),
    (r"\input{a} + \input{b}", ["unknown or disallowed macro '\\input' in math"]),
    (r"x^^41 \begin{filecontents} \def", ["'^^' is not allowed in math",
                                         "unknown or disallowed macro '\\def' in math",
                                         "environment 'filecontents' is not allowed in math"]),
])
def test_every_disallowed_word_of_a_formula_is_reported(math, problems):
    assert math_problems(math) == problems


def _preamble() -> str:
    """The documents' own preamble, as the LaTeX shell renders it."""
    from generator.preamble_format import preamble_of
    from generator.render import render_latex
    from generator.spec import parse_spec

    spec = parse_spec("title: T\nquestions:\n  - {id: q, kind: text, statement: s, "
                      "solution: s}\n", "t.yaml")
    return preamble_of(render_latex(spec, [], True)[0])


def _pdflatex(tmp_path, maths: list[str]) -> subprocess.CompletedProcess:
    body = "\n".join(f"${math_source(m, for_latex=True)}$\\par" for m in maths)
    (tmp_path / "m.tex").write_text(f"{_preamble()}\n\\begin{{document}}\n{body}\n"
                                    "\\end{document}\n", encoding="utf-8")
    return subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error",
                           "-no-shell-escape", "m.tex"], cwd=tmp_path, capture_output=True,
                          timeout=120)


def _macro_uses() -> list[str]:
    uses = []
    for name in sorted(ALLOWED_MACROS - {"begin", "end", "left", "right", "text",
                                         "operatorname"}):
        if name in DELIMITED:
            uses.append(rf"\{name}( x \{name})")
        else:
            uses.append("\\" + name + ("{x}" * ARITY[name] if name in ARITY else " x"))
    return uses + ["\\begin{" + env + "}" + ENVIRONMENT_SAMPLES.get(env, r" a & b \\ c & d ")
                   + "\\end{" + env + "}" for env in sorted(ENVIRONMENT_COLUMNS)]


ENVIRONMENT_SAMPLES = {"array": r"{|l|cr} a & b & c \\ d & e & f", "gathered": r" a \\ b ",
                       "aligned": r" f(x) &= x^2 \\ &\le 1 "}


def test_every_allowed_macro_and_accepted_math_typesets_in_pdflatex_and_mathml(tmp_path):
    maths = ACCEPTED + _macro_uses()
    assert [m for m in maths if check_user_math(m) is not None] == []
    result = _pdflatex(tmp_path, maths)
    assert result.returncode == 0, result.stdout.decode(errors="replace")[-2000:]


# Refused for the HTML side (or as a limit), although pdflatex would typeset them.
PDFLATEX_ACCEPTS = {"é", r"a \\ b", r"\text{50\%}", r"\operatorname{<b>}", "{" * 51 + "x" + "}" * 51,
                    r"\begin{array}{p{2cm}} a \end{array}"}  # a paragraph column: not on the page


@pytest.mark.parametrize("math", sorted(set(REFUSED) - PDFLATEX_ACCEPTS))
def test_what_is_refused_breaks_pdflatex(math, tmp_path):
    assert _pdflatex(tmp_path, [math]).returncode != 0


def test_what_pdflatex_accepts_is_refused_because_the_page_could_not_match_it():
    with pytest.raises(MathMLError, match=r"does not know \\%"):
        to_mathml(r"\text{50\%}")
    assert "linebreak" in to_mathml(r"a \\ b")  # a line break in inline math, none in the PDF
    assert "<mo />" in to_mathml(r"\operatorname{<b>}")  # an empty operator: only names work


def _elements(page: str) -> list[ET.Element]:
    return list(ET.fromstring(page).iter())


@pytest.mark.parametrize("payload", [
    "</math><script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "&amp; &lt;b&gt;",
    "]]><!-- -->", "&#x3C;script&#x3E;", "<mtext>x</mtext>",
])
def test_text_comes_out_as_text_whatever_it_holds(payload):
    page = to_mathml(r"\text{" + payload + "}")
    elements = _elements(page)  # well-formed XML: nothing escaped the <math> element
    assert {e.tag.split("}")[-1] for e in elements} <= mathml.ELEMENTS
    assert "<script" not in page and "<img" not in page and "<!--" not in page
    shown = "".join(e.text or "" for e in elements).replace("\xa0", " ")
    if "&#x" not in payload:  # the converter's own references are the one thing it reads
        assert shown == payload


@pytest.mark.parametrize("tag, attributes", [
    ("script", {}), ("a", {}), ("mi", {"onclick": "alert(1)"}), ("mi", {"href": "x"}),
    ("mi", {"style": "color:red"}), ("mi", {"mathvariant": 'bold" onclick="alert(1)'}),
    ("math", {"xmlns": "http://www.w3.org/1999/xhtml"}),
])
def test_markup_outside_the_allow_list_is_refused_whatever_the_converter_returns(
        monkeypatch, tag, attributes):
    def hostile(tex, display):
        root = ET.Element("math", {"xmlns": mathml.MATHML_NAMESPACE})
        (root if tag == "math" else ET.SubElement(root, tag)).attrib.update(attributes)
        return root
    monkeypatch.setattr(mathml, "convert_to_element", hostile)
    with pytest.raises(MathMLError, match="the MathML converter produced"):
        to_mathml("x")


def test_the_converters_character_references_are_kept_and_nothing_else_is():
    page = to_mathml(r"a - \text{&#x0003C;}")
    assert "<mo>&#x02212;</mo>" in page
    assert "<mtext>&#x0003C;</mtext>" in page  # still a reference: text, never a tag


FUZZ_TOKENS = [
    "x", "1", " ", "^", "_", "'", "{", "}", "&", r"\\", "(", ")", "[", "]", "|", "<", "+", "=", ".",
    "α", "≤", r"\frac", r"\tfrac", r"\sqrt", r"\sqrt[", r"\text{a b}", r"\left(", r"\right)",
    r"\left.", r"\right|", r"\begin{pmatrix}", r"\end{pmatrix}", r"\begin{cases}", r"\end{cases}",
    r"\alpha", r"\hat", r"\tilde", r"\mathbf", r"\mathbb{R}", r"\operatorname{f}", r"\big(",
    r"\Big|", r"\sum", r"\prod_", r"\int", r"\lim", r"\sin", r"\limsup", r"\argmax", r"\arg", r"\,",
    r"\!", r"\{", r"\}", r"\|", r"\%", r"\langle", r"\rangle", r"\lfloor", r"\neq", r"\cdots",
    r"\dots", r"\vdots", r"\quad", r"\implies", r"\overline", r"\boldsymbol",
]


def test_random_math_that_check_accepts_compiles(tmp_path):
    """20,000 random token strings: check never fails itself, and all it accepts compiles."""
    import random

    rng = random.Random(6135)
    formulas = ["".join(rng.choice(FUZZ_TOKENS) for _ in range(rng.randint(1, 12)))
                for _ in range(20_000)]
    accepted = [m for m in formulas if check_user_math(m) is None]
    assert len(accepted) > 1000  # the grammar reaches pdflatex, not only the refusals
    result = _pdflatex(tmp_path, accepted)
    assert result.returncode == 0, result.stdout.decode(errors="replace")[-2000:]


def test_setminus_on_the_page_is_a_character_fonts_have():
    # latex2mathml's own U+29F5 (reverse solidus operator) is missing from common fonts
    html = to_mathml(math_source(r"A \setminus B", for_latex=False))
    assert "&#x02216;" in html and "29F5" not in html.upper()
