"""Class lists for `variants --roster`: one variant per student, named by the student's id."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from .errors import Location, Problem, SpecError
from .outdir import VARIANT_ROOT_FILES
from .safeio import Refused, read_regular

STUDENT_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
ID_COLUMNS = ("id", "student_id")
NAME_COLUMNS = ("name", "student_name", "full_name")
MAX_BYTES = 10_000_000
RESERVED = set(VARIANT_ROOT_FILES)  # written beside the variant folders


@dataclass(frozen=True)
class Student:
    """One row of the roster: the id names the variant's folder, the name is printed."""

    id: str
    name: str | None = None


def read_roster(path: Path) -> list[Student]:
    """The students of a CSV file with a header row naming an `id` (or `student_id`) column
    and optionally a `name` column; every problem is reported, each with its line."""
    source = str(path)
    try:
        data = read_regular(path, MAX_BYTES)
    except Refused as exc:
        raise SpecError([Problem(Location(source), f"cannot read the roster: {exc}")]) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SpecError([Problem(Location(source), f"the roster is not UTF-8 text (byte "
                                 f"{exc.start})")]) from None
    rows = list(csv.reader(text.splitlines()))
    if not rows or not any(c.strip() for c in rows[0]):
        raise SpecError([Problem(Location(source, 1, 1), "the roster is empty")])
    header = [h.strip().lower() for h in rows[0]]
    column = next((header.index(n) for n in ID_COLUMNS if n in header), None)
    if column is None:
        hint = ""
        if len(header) == 1 and ";" in rows[0][0]:
            hint = " (its columns look separated by ';': save it as comma-separated CSV)"
        elif "\t" in rows[0][0]:
            hint = " (its columns look separated by tabs: save it as comma-separated CSV)"
        raise SpecError([Problem(Location(source, 1, 1), "the roster's first row must name its "
                                 f"columns, one of them 'id' or 'student_id'{hint}")])
    name_column = next((header.index(n) for n in NAME_COLUMNS if n in header), None)
    students, problems, seen = [], [], {}
    for line, row in enumerate(rows[1:], 2):
        value = row[column].strip() if len(row) > column else ""
        if not value and not any(c.strip() for c in row):
            continue  # blank line
        where = Location(source, line, column + 1)
        if not STUDENT_ID.fullmatch(value):
            problems.append(Problem(where, f"student id {value!r} must be 1-64 letters, digits, "
                                           "'.', '_' or '-' (it names a folder)"))
        elif value.lower() in RESERVED:
            problems.append(Problem(where, f"student id '{value}' is the name of a file "
                                           "answerkey writes beside the variants"))
        elif value in seen:
            problems.append(Problem(where, f"student id '{value}' repeats line {seen[value]}"))
        else:
            seen[value] = line
            name = row[name_column].strip() if name_column is not None and len(row) > \
                name_column else ""
            students.append(Student(value, name[:200] or None))
    if problems:
        raise SpecError(problems)
    if not students:
        raise SpecError([Problem(Location(source, 1, 1), "the roster lists no student")])
    return students
