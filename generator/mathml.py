"""LaTeX math -> MathML that can only ever be MathML: the converter's tree, re-serialised
through an allow-list of elements and attributes with every text escaped."""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING

from .errors import BuildError

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element

MATHML_NAMESPACE = "http://www.w3.org/1998/Math/MathML"
ELEMENTS = frozenset("""
math mrow mi mn mo ms mtext mspace msub msup msubsup mfrac msqrt mroot mover munder munderover
mtable mtr mtd mstyle mpadded mphantom menclose
""".split())
ATTRIBUTES = frozenset("""
display mathvariant mathsize stretchy fence form separator accent accentunder largeop
movablelimits symmetric minsize maxsize lspace rspace width height depth voffset linebreak
linethickness notation displaystyle scriptlevel columnalign columnlines columnspacing rowalign
rowlines rowspacing frame framespacing equalrows equalcolumns
""".split())
_ATTRIBUTE_VALUE = re.compile(r"[-+A-Za-z0-9. ]*")  # +0.833em: \\xrightarrow's widths
# latex2mathml writes symbols into its tree as character references ("&#x02212;") and relies
# on unescaping its whole output afterwards, which also unescapes the user's `<` and `&`.
# Here only well-formed numeric references pass as references; every other `&`, `<`, `>` is
# escaped, so no text can ever become markup.
_CHAR_REF = re.compile(r"&#x([0-9A-Fa-f]{1,6});|&#([0-9]{1,7});")
_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "$": "&#36;"}


class MathMLError(ValueError):
    """Math the converter cannot read, or whose MathML falls outside the allow-list."""


def to_mathml(tex: str, display: bool = False) -> str:
    """LaTeX math -> a <math> element as text; MathMLError when it cannot be converted safely."""
    try:
        tree = convert_to_element(tex, display="block" if display else "inline")
    except RecursionError:
        raise MathMLError("the math is nested too deeply") from None
    except Exception as exc:  # the converter raises many types (even StopIteration) on bad input
        raise MathMLError(_describe(exc)) from None
    return _serialise(tree)


def convert_to_element(tex: str, display: str) -> Element:
    """latex2mathml's tree of `tex`, the converter imported on the first formula: a spec
    without math never pays for it (80 ms of start-up, its xml.sax and importlib.metadata)."""
    from latex2mathml.converter import convert_to_element as convert

    return convert(tex, display=display)


@cache
def page_mathml(tex: str, display: bool = False) -> str:
    """Checked LaTeX math -> MathML for the page; math it cannot convert is a build error."""
    try:
        result = to_mathml(tex, display)
    except MathMLError as exc:
        raise BuildError(f"cannot convert math to MathML: {exc}, in: {tex}") from None
    return _UNARY_MINUS.sub(r'\1<mo form="prefix">&#x02212;</mo>', result)


# A minus right after an operator or an opening delimiter is a sign, not a subtraction: the
# converter leaves it infix, which browsers space like a binary operator ("= − 0.5").
_UNARY_MINUS = re.compile(r"(<mrow>|<mo(?: [^>]*)?>(?!&#x00029;|&#x0005D;|&#x0007C;|&#x0007D;)"
                          r"[^<]*</mo>)<mo>&#x02212;</mo>")


def _describe(exc: Exception) -> str:
    words = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", type(exc).__name__).lower().removesuffix(" error")
    return f"the MathML converter cannot read it ({words}{': ' + str(exc) if str(exc) else ''})"


def _serialise(element: Element) -> str:
    tag = element.tag
    if tag not in ELEMENTS:
        raise MathMLError(f"the MathML converter produced a <{tag}> element")
    attributes = []
    for name, value in element.attrib.items():
        if name == "xmlns" and tag == "math" and value == MATHML_NAMESPACE:
            pass
        elif name not in ATTRIBUTES or not _ATTRIBUTE_VALUE.fullmatch(value):
            raise MathMLError(f"the MathML converter produced the attribute {name}={value!r}")
        attributes.append(f' {name}="{_escape_text(value)}"')
    opening = f"<{tag}{''.join(attributes)}"
    inner = _escape_text(element.text or "") + "".join(
        _serialise(child) + _escape_text(child.tail or "") for child in element)
    return f"{opening} />" if not inner and not len(element) else f"{opening}>{inner}</{tag}>"


def _escape_text(text: str) -> str:
    out, pos = [], 0
    for m in _CHAR_REF.finditer(text):
        out.append(_escape_plain(text[pos : m.start()]))
        code = int(m.group(1), 16) if m.group(1) else int(m.group(2))
        out.append(m.group(0) if _is_text_character(code) else _escape_plain(m.group(0)))
        pos = m.end()
    out.append(_escape_plain(text[pos:]))
    return "".join(out)


def _escape_plain(text: str) -> str:
    if "\\" in text:
        bad = re.search(r"\\[A-Za-z]+|\\.?", text, re.S).group(0)
        raise MathMLError(f"the MathML converter does not know {bad}")
    return "".join(_ESCAPES.get(ch, ch) for ch in text if _is_text_character(ord(ch)))


def _is_text_character(code: int) -> bool:
    return (code >= 0x20 or code in (0x9, 0xA, 0xD)) and not 0xD800 <= code <= 0xDFFF \
        and code not in (0x7F, 0xFFFE, 0xFFFF) and code <= 0x10FFFF
