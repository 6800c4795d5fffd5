"""What both writers share: dispatch on the node type, one `<kind>_<node>` method each."""

from __future__ import annotations

from .. import doc


class Writer:
    """Walks a document tree; subclasses define inline_<node>() and block_<node>() for every
    node type of generator/doc.py (tests/test_writers.py checks both writers define them all)."""

    INLINE = doc.INLINE
    BLOCK = doc.BLOCK

    def inline(self, nodes) -> str:
        out = []
        for node in nodes:
            if not isinstance(node, self.INLINE):
                raise TypeError(f"not an inline node: {node!r}")
            out.append(getattr(self, "inline_" + type(node).__name__.lower())(node))
        return "".join(out)

    def blocks(self, nodes) -> str:
        out = []
        for node in nodes:
            if not isinstance(node, self.BLOCK):
                raise TypeError(f"not a block node: {node!r}")
            out.append(getattr(self, "block_" + type(node).__name__.lower())(node))
        return "".join(out)
