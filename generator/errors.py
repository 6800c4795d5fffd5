"""Error types: user errors carry a location, build failures name their step."""

from __future__ import annotations

from dataclasses import dataclass


def printable(text: str) -> str:
    """`text` with control characters written as escapes, so that a message stays one line."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


@dataclass(frozen=True)
class Location:
    """A place in a spec file: path, 1-based line and column, and the dotted field name."""

    source: str
    line: int | None = None
    column: int | None = None
    field: str = ""

    def __str__(self) -> str:
        where = printable(self.source)
        if self.line is not None:
            where += f":{self.line}:{self.column or 1}"
        return where


@dataclass(frozen=True)
class Problem:
    """One located problem with a spec or an override."""

    location: Location
    message: str

    @classmethod
    def usage(cls, message: str) -> Problem:
        """A problem with the command line itself."""
        return cls(Location("answerkey"), message)

    def __str__(self) -> str:
        """One line: control characters in names and messages (a YAML key may hold any)
        are written as escapes."""
        field = f" {printable(self.location.field)}:" if self.location.field else ""
        return f"{self.location}:{field} {printable(self.message)}"


class AnswerkeyError(Exception):
    """Base of every error answerkey reports to the user without a traceback."""

    exit_code = 1


class SpecError(AnswerkeyError):
    """Invalid input (spec, override, CLI usage): one or more located problems; exit 2."""

    exit_code = 2

    def __init__(self, problems: list):  # Problems, or lines already formatted
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class BuildError(AnswerkeyError):
    """A build step failed (verification, LaTeX, writing files); exit 1."""

    exit_code = 1


class VerificationError(BuildError):
    """A solver's answer disagreed with its independent second computation."""


class EvaluationError(Exception):
    """A kind's solve() met a value it cannot work with (e.g. log of a negative number).

    `field` is the spec field, relative to the question, that the problem comes from;
    the build turns it into a located SpecError.
    """

    def __init__(self, field: str, message: str):
        self.field = field
        self.message = message
        super().__init__(message)
