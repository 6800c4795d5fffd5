"""matplotlib figures, deterministic: SVG for the HTML page, PDF (Type 42 fonts) for LaTeX."""

from __future__ import annotations

import io

from .kinds.base import Figure


def _pyplot():
    # Imported here so that `solve` and specs without plots never pay matplotlib's start-up.
    import matplotlib

    matplotlib.use("Agg", force=True)
    matplotlib.rcParams.update({
        "svg.hashsalt": "answerkey", "svg.fonttype": "path", "pdf.fonttype": 42,
        "font.family": "DejaVu Sans", "font.size": 9, "axes.grid": True, "grid.alpha": 0.3,
        "figure.dpi": 100, "path.simplify": False,
    })
    import matplotlib.pyplot as plt

    return plt


def render_figure(figure: Figure) -> tuple[bytes, bytes]:
    """(svg, pdf) bytes of a figure, byte-identical between runs."""
    plt = _pyplot()
    fig = plt.figure(figsize=(figure.width, figure.height), layout="constrained")
    try:
        figure.draw(fig)
        out = []
        for fmt, metadata in (("svg", {"Date": None, "Creator": None}),
                              ("pdf", {"CreationDate": None, "ModDate": None, "Creator": None,
                                       "Producer": None})):
            buf = io.BytesIO()
            fig.savefig(buf, format=fmt, metadata=metadata)
            out.append(buf.getvalue())
        return out[0], out[1]
    finally:
        plt.close(fig)
