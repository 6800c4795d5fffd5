"""answerkey: verified answer keys for deep-learning theory assignments."""

from pathlib import Path

__version__ = "0.1.0"  # the one version: pyproject.toml reads it (tool.setuptools.dynamic)

FORMATS = ("pdf", "html", "tex", "json")  # what `build --to` can produce
# The package's data, where it is installed (a folder: answerkey is never imported from a zip;
# importlib.resources would cost 20 ms of start-up for the same path).
_DATA = Path(__file__).parent
TEMPLATES = _DATA / "templates"  # the page shells: latex/ and html/
EXAMPLES = _DATA / "examples"  # the example specs (specs/ in the repository links here)
