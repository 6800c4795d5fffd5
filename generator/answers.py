"""answers.json: every answer at full precision, with the parameters it was solved from."""

from __future__ import annotations

import json

from . import __version__
from .numbers import json_tidy


def render_json(spec, results) -> str:
    """answers.json: every answer at full precision, with the parameters it was solved from."""
    variant = None if spec.variant is None else {"index": spec.variant, "seed": spec.seed}
    if variant is not None and spec.student is not None:
        variant["student"] = spec.student
    data = {
        "title": spec.title,
        "spec": spec.source,
        "variant": variant,
        "generator": {"name": "answerkey", "version": __version__},
        "questions": {
            r.question.id: {
                "kind": r.question.kind.NAME,
                "title": r.question.title,
                "points": r.question.points,
                "params": json_tidy(r.question.params),
                "answers": json_tidy(r.solution.answers),
            }
            for r in results
        },
    }
    return json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
