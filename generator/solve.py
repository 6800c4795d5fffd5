"""The front of the pipeline: load and validate every spec, then solve and verify."""

from __future__ import annotations

from dataclasses import dataclass, field

from .errors import EvaluationError, Problem, SpecError
from .kinds.base import Check, Solution
from .spec import Question, Spec, load_spec, parse_override_path


@dataclass
class QuestionResult:
    """A question with its solution and the independent checks that passed."""

    question: Question
    solution: Solution
    checks: list[Check] = field(default_factory=list)

    @property
    def figure_names(self) -> list[str]:
        return [f"{self.question.id}-{f.name}" for f in self.solution.figures]


def load_specs(paths, overrides=(), variant: int | None = None) -> list[Spec]:
    """Validate every spec; one SpecError with the problems of all of them."""
    specs, problems = [], []
    for path in paths:
        try:
            specs.append(load_spec(path, overrides, variant))
        except SpecError as exc:
            problems.extend(exc.problems)
    if problems:
        raise SpecError(problems)
    return specs


def solve_spec(spec: Spec) -> list[QuestionResult]:
    """Solve and verify every question; evaluation problems become located SpecErrors."""
    results, problems = [], []
    for q in spec.questions:
        try:
            solution = q.kind.solve(q.params)
        except EvaluationError as exc:
            path = tuple(parse_override_path(exc.field) or ()) if exc.field else ()
            name = f"{q.loc.name}.{exc.field}" if exc.field else q.loc.name
            problems.append(Problem(spec.marks.locate(q.loc.path + path, name), exc.message))
            continue
        results.append(QuestionResult(q, solution))
    if problems:
        raise SpecError(problems)
    for r in results:
        r.checks = r.question.kind.verify(r.question.params, r.solution)
    return results


def check_specs(paths) -> list[Spec]:
    """Validate, solve and verify every spec (what `check` does): one SpecError with the
    problems of all of them, those found by solving the valid ones included."""
    specs, problems = [], []
    for path in paths:
        try:
            spec = load_spec(path)
            solve_spec(spec)
            specs.append(spec)
        except SpecError as exc:
            problems.extend(exc.problems)
    if problems:
        raise SpecError(problems)
    return specs
