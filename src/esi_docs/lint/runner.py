"""Runs every lint check over the content a clinic would print with, and gathers the report."""

from __future__ import annotations

from collections.abc import Collection
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

# The check families `--only` may choose. "names" (with unsafe constructs and the file's
# shape) always runs: no other check can look at a file that does not load or compile.
FAMILIES = ("names", "completeness", "grid", "reading", "style", "review", "clinic")


def run_lint(
    templates: Path | None = None,
    clinic_file: Path | None = None,
    *,
    today: date | None = None,
    only: Collection[str] | None = None,
) -> LintReport:
    """Check the content on the search path (`templates` first, then the packaged copies).

    `only` limits the run to some check families (FAMILIES): a content owner fixing a style
    warning, or a test about one check, need not compose the whole grid.
    Raises EsiDocsError only when the lint cannot run (a missing folder, an unreadable clinic
    file); every problem in the content itself is a finding in the report.
    """
    run = frozenset(only or FAMILIES) | {"names"}
    paths = ContentPaths(templates)
    clinic, clinic_findings = check_clinic(clinic_file)
    inventory = take_inventory(paths)
    library = ContentLibrary(paths)  # a fresh one: the lint must see the files as they are now
    contexts = {lang: sample_context(library, clinic, lang) for lang in inventory.languages}
    report = LintReport(families=tuple(f for f in FAMILIES if f in run) if only else ())
    if "clinic" in run:
        report.extend(clinic_findings)
        if clinic_file is not None and not clinic_findings:  # the sign-off of this clinic's file
            report.extend(check_signoff(inventory, clinic, clinic_file.name))
            report.extend(check_opening_hours(inventory, clinic, clinic_file.name))
    review = (today or date.today(), clinic.content_review_months) if "review" in run else None
    _file_checks(report, inventory, contexts, review)
    if "completeness" in run:
        report.extend(check_completeness(inventory))
    _text_checks(report, inventory, contexts, run)
    _handout_checks(report, inventory, library, clinic, run)
    return report


def _file_checks(
    report: LintReport,
    inventory: Inventory,
    contexts: dict[str, dict[str, Any] | None],
    review: tuple[date, int] | None,
) -> None:
    """Each file: readable, its names and constructs, its shape; its review dates when
    `review` (today, the clinic's interval in months) is given."""
    fallback = next((c for c in contexts.values() if c is not None), None)
    for content in inventory.all_files():
        report.extend(check_readable(content))
        if review is not None:
            report.extend(check_review(content, *review))
        known = known_names(contexts.get(content.language) or fallback)
        problems = check_expressions(content, known)
        report.extend(problems)
        if not problems:  # otherwise loading stops at the first of the problems just reported
            report.extend(check_structure(content))


def _text_checks(
    report: LintReport,
    inventory: Inventory,
    contexts: dict[str, dict[str, Any] | None],
    run: frozenset[str],
) -> None:
    """Style and reading level of each section, on its text filled in for a sample patient."""
    if not run & {"style", "reading"}:
        return
    for language, sections in inventory.sections.items():
        for content in sections.values():
            filled = filled_snippets(content, contexts.get(language))
            if "style" in run:
                report.extend(check_style(content, filled))
            if "reading" not in run:
                continue
            row, found = section_reading(content, filled)
            report.extend(found)
            if row is not None:
                report.section_reading.append(row)


def _handout_checks(
    report: LintReport,
    inventory: Inventory,
    library: ContentLibrary,
    clinic: ClinicProfile,
    run: frozenset[str],
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
            if "reading" in run:
                row, found = handout_reading(library, clinic, recipe.name, language, recipe.file)
                report.reading.append(row)
                report.extend(found)
    if "grid" in run:
        report.grid_combinations, report.grid_seconds, found = timed_grid(library, jobs, clinic)
        report.extend(found)
