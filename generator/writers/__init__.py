"""The two translators of the document tree (generator/doc.py): LaTeX and HTML, one method per
node type each, named alike, so a node type cannot be rendered in one format and not the other."""

from .html import HtmlWriter
from .latex import LatexWriter

__all__ = ["HtmlWriter", "LatexWriter"]
