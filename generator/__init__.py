"""answerkey: verified answer keys for deep-learning theory assignments."""

from pathlib import Path

__version__ = "0.1.0"

FORMATS = ("pdf", "html", "tex", "json")  # what `build --to` can produce
TEMPLATES = Path(__file__).resolve().parent / "templates"  # latex/ and html/, in the wheel too
