"""Reading level per section (every sentence it can print) and per handout (the sheet a typical
patient gets, composed and read through document_text)."""

from __future__ import annotations

from dataclasses import replace

from esi_docs.content.compose import ContentLibrary
from esi_docs.content.document import document_text
from esi_docs.errors import EsiDocsError
from esi_docs.inputs.clinic import ClinicProfile
from esi_docs.lint.findings import Finding, ReadingRow
from esi_docs.lint.reading import Measure, as_sentences, describe, fix_hints, measure, words
from esi_docs.lint.samples import TYPICAL, Filled
from esi_docs.lint.sources import ContentFile

MIN_SECTION_WORDS = 30


def section_reading(
    content: ContentFile, filled: list[Filled]
) -> tuple[ReadingRow | None, list[Finding]]:
    """All the section's wording (every `when:` branch), each text as its own sentence.

    A section of fewer than MIN_SECTION_WORDS words gets its figure in the table but no
    finding: on a dozen words one three-syllable word swings the grade by several points. Its
    sentences still meet the style checks, and the handout it is part of is measured whole.
    """
    units = as_sentences([f.text for f in filled])
    result = measure(units, content.language)
    if result is None:
        return None, []
    row = _row(content.file, result)
    count = sum(len(words(unit)) for unit in units)
    if count < MIN_SECTION_WORDS:
        return replace(row, status=f"short ({count} words)"), []
    if result.level is None:
        return row, []
    message = f"reading level {describe(result)} misses the target {result.target}"
    return row, [Finding(content.file, None, result.level, "reading", message, fix_hints(result))]


def _row(name: str, result: Measure) -> ReadingRow:
    return ReadingRow(
        name,
        result.language,
        result.measure,
        round(result.score, 1),
        result.secondary,
        result.target,
        result.level or "ok",
    )


def handout_reading(
    library: ContentLibrary,
    clinic: ClinicProfile,
    handout: str,
    language: str,
    recipe_file: str,
) -> tuple[ReadingRow, list[Finding]]:
    """The summary-table row for one handout and language, and a finding when off target."""
    try:
        patient = replace(TYPICAL, language=language)
        needs = library.recipe(handout).requires_patient
        document = library.compose(handout, patient if needs else None, clinic, language=language)
    except EsiDocsError:  # reported by the structure and grid checks
        return ReadingRow(handout, language, "-", 0.0, "", "-", "not composed"), []
    lines = document_text(document).splitlines()
    result = measure(as_sentences(lines), language)
    if result is None:
        return ReadingRow(handout, language, "-", 0.0, "", "-", "no measure"), []
    row = _row(handout, result)
    if result.level is None:
        return row, []
    message = (
        f"{handout} ({language}, typical patient): reading level {describe(result)} misses "
        f"the target {result.target}"
    )
    return row, [Finding(recipe_file, None, result.level, "reading", message, fix_hints(result))]
