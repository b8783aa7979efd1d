"""Runs every lint check over the content a clinic would print with, and gathers the report."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from esi_docs.content.compose import ContentLibrary
from esi_docs.content.search_path import ContentPaths
from esi_docs.inputs.clinic import ClinicProfile
from esi_docs.lint.completeness import check_completeness, check_readable, check_structure
from esi_docs.lint.expressions import check_expressions
from esi_docs.lint.findings import ERROR, LintReport
from esi_docs.lint.grid import timed_grid
from esi_docs.lint.hours import check_opening_hours
from esi_docs.lint.names import known_names
from esi_docs.lint.readability import handout_reading, section_reading
from esi_docs.lint.review import check_clinic, check_review
from esi_docs.lint.samples import filled_snippets, sample_context
from esi_docs.lint.signoff import check_signoff
from esi_docs.lint.sources import Inventory, take_inventory
from esi_docs.lint.style import check_style

# Errors that stop a file from loading or composing (a hard sentence does not).
_BREAKING = {"structure", "names", "unsafe", "completeness"}


def run_lint(
    templates: Path | None = None, clinic_file: Path | None = None, *, today: date | None = None
) -> LintReport:
    """Check the content on the search path (`templates` first, then the packaged copies).

    Raises EsiDocsError only when the lint cannot run (a missing folder, an unreadable clinic
    file); every problem in the content itself is a finding in the report.
    """
    paths = ContentPaths(templates)
    clinic, clinic_findings = check_clinic(clinic_file)
    inventory = take_inventory(paths)
    library = ContentLibrary(paths)  # a fresh one: the lint must see the files as they are now
    contexts = {lang: sample_context(library, clinic, lang) for lang in inventory.languages}
    report = LintReport()
    report.extend(clinic_findings)
    if clinic_file is not None and not clinic_findings:  # the sign-off of this clinic's file
        report.extend(check_signoff(inventory, clinic, clinic_file.name))
        report.extend(check_opening_hours(inventory, clinic, clinic_file.name))
    _file_checks(report, inventory, contexts, today or date.today(), clinic.content_review_months)
    report.extend(check_completeness(inventory))
    _text_checks(report, inventory, contexts)
    _handout_checks(report, inventory, library, clinic)
    return report


def _file_checks(
    report: LintReport,
    inventory: Inventory,
    contexts: dict[str, dict[str, Any] | None],
    today: date,
    months: int,
) -> None:
    fallback = next((c for c in contexts.values() if c is not None), None)
    for content in inventory.all_files():
        report.extend(check_readable(content))
        report.extend(check_review(content, today, months))
        known = known_names(contexts.get(content.language) or fallback)
        problems = check_expressions(content, known)
        report.extend(problems)
        if not problems:  # otherwise loading stops at the first of the problems just reported
            report.extend(check_structure(content))


def _text_checks(
    report: LintReport, inventory: Inventory, contexts: dict[str, dict[str, Any] | None]
) -> None:
    """Style and reading level of each section, on its text filled in for a sample patient."""
    for language, sections in inventory.sections.items():
        for content in sections.values():
            filled = filled_snippets(content, contexts.get(language))
            report.extend(check_style(content, filled))
            row, found = section_reading(content, filled)
            report.extend(found)
            if row is not None:
                report.section_reading.append(row)


def _handout_checks(
    report: LintReport, inventory: Inventory, library: ContentLibrary, clinic: ClinicProfile
) -> None:
    """The grid and the reading summary, for each handout and language whose files are sound
    (a broken file is already reported; composing with it would only repeat that)."""
    broken = {f.file for f in report.findings if f.level == ERROR and f.check in _BREAKING}
    jobs = []
    for recipe in inventory.recipes:
        for language in inventory.languages:
            if recipe.file in broken or recipe.data is None:
                continue
            sections = [str(s) for s in recipe.data.get("sections") or []]
            used = {f"{language}/{s}.yaml" for s in sections} | {f"{language}/_language.yaml"}
            missing = set(sections) - set(inventory.sections[language])
            if missing or broken & used:
                continue
            jobs.append((recipe.name, language))
            row, found = handout_reading(library, clinic, recipe.name, language, recipe.file)
            report.reading.append(row)
            report.extend(found)
    report.grid_combinations, report.grid_seconds, found = timed_grid(library, jobs, clinic)
    report.extend(found)
