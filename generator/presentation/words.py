"""Sentences from the message catalogue with math in them: a presentation writes a whole
sentence as one message, `_("Input {x} ({n}), kernel {w} ({k}).")`, and the inline parts of
its {name} placeholders are put wherever the active language's translation puts them."""

from __future__ import annotations

from collections.abc import Sequence
from string import Formatter

from ..doc import inlines, join
from ..i18n import _


def sentence(message: str, **parts) -> tuple:
    """The inline nodes of a translated `message`, each {name} replaced by parts[name] (a str
    is text; a node, or a list of parts, stays as it is). A part the message does not name
    is left out: a singular from ngettext may say "one row" without its {n}."""
    pieces: list = []
    for literal, name, spec, conversion in Formatter().parse(message):
        pieces.append(literal)
        if name is None:
            continue
        if spec or conversion or name not in parts:
            raise ValueError(f"the message {message!r} has a placeholder {{{name}}} that its "
                             f"sentence does not fill ({', '.join(sorted(parts)) or 'none'})")
        pieces.append(parts[name])
    return inlines(*pieces)


def listing(parts: Sequence, serial_comma: bool = False) -> tuple:
    """'a', 'a and b', 'a, b and c' (with serial_comma: 'a, b, and c'), as the language
    lists them."""
    if len(parts) < 2:
        return inlines(*parts)
    if serial_comma and len(parts) > 2:
        return sentence(_("{items}, and {last}"), items=join(parts[:-1]), last=parts[-1])
    return sentence(_("{items} and {last}"), items=join(parts[:-1]), last=parts[-1])


def thousands(n: int) -> str:
    """A whole number with its thousands grouped as the language groups them: 1,000."""
    # Translators: the separator between groups of three digits in a count written in
    # prose (not in math): English "1,000".
    return f"{n:,}".replace(",", _(","))
