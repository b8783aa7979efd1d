"""Review metadata of content files, and the clinic profile's values.

Clinical wording goes stale: each section and language file says who reviewed it and when, and
a review older than the clinic's `content_review_months` is a warning. Recipes say which
sections make a handout, not what they say, so they only need a `version`.
"""

from __future__ import annotations

import contextlib
from dataclasses import replace
from datetime import date
from pathlib import Path

from esi_docs.content.files import (
    REVIEW_KEYS,  # one list: what loading requires is what lint checks
)
from esi_docs.errors import EsiDocsError
from esi_docs.inputs.clinic import ClinicProfile, load_clinic, parse_clinic
from esi_docs.inputs.yamlio import LINE_KEY, load_data_file
from esi_docs.lint.findings import ERROR, WARNING, Finding
from esi_docs.lint.sources import ContentFile


def add_months(day: date, months: int) -> date:
    """The same day `months` later (the last day of the month when it has fewer days)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise AssertionError("unreachable: every month has 28 days")


def check_review(content: ContentFile, today: date, months: int) -> list[Finding]:
    if content.data is None:
        return []
    line = content.data.get(LINE_KEY)
    keys = ("version",) if content.kind == "recipe" else REVIEW_KEYS
    found = [
        Finding(content.file, line, ERROR, "review", f"{key}: required")
        for key in keys
        if content.data.get(key) in (None, "")
    ]
    reviewed = content.data.get("reviewed_on")
    if content.kind == "recipe" or reviewed in (None, ""):
        return found
    if isinstance(reviewed, str):
        with contextlib.suppress(ValueError):
            reviewed = date.fromisoformat(reviewed)
    if not isinstance(reviewed, date):
        message = f"reviewed_on: '{reviewed}' is not a date written as YYYY-MM-DD"
        return [*found, Finding(content.file, line, ERROR, "review", message)]
    return found + _age(content.file, line, reviewed, today, months)


def _age(file: str, line: int | None, reviewed: date, today: date, months: int) -> list[Finding]:
    if reviewed > today:
        message = f"reviewed_on: {reviewed} is in the future"
        return [Finding(file, line, WARNING, "review", message)]
    due = add_months(reviewed, months)
    if today > due:
        message = (
            f"reviewed_on: {reviewed} is more than {months} months ago (review was due "
            f"{due}); review the wording, then update reviewed_on"
        )
        return [Finding(file, line, WARNING, "review", message)]
    return []


def check_clinic(path: Path | None) -> tuple[ClinicProfile, list[Finding]]:
    """The clinic profile, or the packaged one when it has problems (each one an error).

    A file that cannot be read at all raises: the lint cannot run as the user asked.
    """
    if path is None:
        return load_clinic(None), []
    data = load_data_file(path)
    try:
        return parse_clinic(data, path.name), []
    except EsiDocsError as exc:
        found = [
            Finding(path.name, problem.line, ERROR, "clinic", str(replace(problem, source="")))
            for problem in exc.problems
        ]
        return load_clinic(None), found
