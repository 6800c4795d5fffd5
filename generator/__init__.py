"""answerkey: verified answer keys for deep-learning theory assignments."""

__version__ = "0.1.0"

FORMATS = ("pdf", "html", "tex", "json")  # what `build --to` can produce
