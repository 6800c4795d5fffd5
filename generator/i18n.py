"""The fixed words of every output in the spec's `language`: gettext message catalogues.

English is the source language (the messages as written in the code and the shells); each
other language has generator/locale/<lang>/LC_MESSAGES/answerkey.po, read with Babel's .po
reader (data, never code) and compiled in memory. `make messages` extracts the messages
(`_()`, `ngettext()` in Python; `_()` in the shells) into generator/locale/answerkey.pot and
updates each catalogue. A message a catalogue lacks stays English.

The build renders one spec at a time with `active(spec.language)`; `_` and `ngettext` read
the active catalogue, in Python (presentations, point labels) and in the Jinja2 shells alike.
"""

from __future__ import annotations

import gettext as _gettext
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from io import BytesIO
from pathlib import Path

LOCALE = Path(__file__).with_name("locale")
DOMAIN = "answerkey"
LANGUAGES = ("en", "fr")  # English, French (the reference course is taught in Montréal)
_ACTIVE: ContextVar[_gettext.NullTranslations | None] = ContextVar(
    "answerkey_language", default=None)  # None: English


@cache
def translations(language: str) -> _gettext.NullTranslations:
    """The catalogue of `language` (English: the messages as they are)."""
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}; answerkey has {', '.join(LANGUAGES)}")
    if language == "en":
        return _gettext.NullTranslations()
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with open(LOCALE / language / "LC_MESSAGES" / f"{DOMAIN}.po", "rb") as po:
        catalog = read_po(po, locale=language, domain=DOMAIN)
    mo = BytesIO()
    write_mo(mo, catalog, use_fuzzy=False)
    mo.seek(0)
    return _gettext.GNUTranslations(mo)


@contextmanager
def active(language: str) -> Iterator[None]:
    """Render in `language` inside the block."""
    token = _ACTIVE.set(translations(language))
    try:
        yield
    finally:
        _ACTIVE.reset(token)


def _(message: str) -> str:
    """`message` in the active language."""
    active_catalogue = _ACTIVE.get()
    return message if active_catalogue is None else active_catalogue.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural of a message for n, in the active language."""
    active_catalogue = _ACTIVE.get()
    if active_catalogue is None:
        return singular if n == 1 else plural
    return active_catalogue.ngettext(singular, plural, n)
