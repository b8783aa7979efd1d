"""Sample patients, and content text filled in for them, for the reading and style checks.

Jinja expressions are replaced the way a sheet would print them (a real date, the clinic's
number), not stripped with a regular expression, so sentence lengths and words are the ones a
patient reads.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, time, timedelta
from typing import Any

from jinja2 import TemplateError

from esi_docs.content.compose import ContentLibrary, _context
from esi_docs.content.document import plain
from esi_docs.content.sandbox import compile_text
from esi_docs.errors import EsiDocsError
from esi_docs.inputs.clinic import ClinicProfile
from esi_docs.inputs.patient import PatientOptions
from esi_docs.lint.sources import TEXT, ContentFile, Snippet

# The typical patient of the README and the tests: the sheet most patients get.
TYPICAL = PatientOptions(
    name="Maria Example",
    dob=date(1961, 4, 12),
    mrn="0012345",
    procedure_date=date(2026, 11, 20),
    approach="interlaminar",
    region="lumbar",
    diabetic=False,
    sedation=False,
    blood_thinner=(),
)
# Every optional value given, so every sentence of a section can be filled in.
FULL = replace(
    TYPICAL,
    approach="transforaminal",
    diabetic=True,
    sedation=True,
    blood_thinner=("Eliquis", "aspirin"),
    blood_thinner_held=("Eliquis",),
    physician="Dr. Sample",
    level="L4-L5, L5-S1",
    discharge_time=time(11, 5),
    side="left",
    follow_up=TYPICAL.procedure_date + timedelta(days=14),
)
# Signatures and table headings are labels to fill in, not sentences to read.
_NOT_PROSE = ("signature", "table")


@dataclass(frozen=True)
class Filled:
    """A text snippet as printed for the sample patient."""

    snippet: Snippet
    text: str


def sample_context(
    library: ContentLibrary, clinic: ClinicProfile, language: str
) -> dict[str, Any] | None:
    """The template context compose would build for the FULL patient in this language."""
    try:
        pack = library.language(language)
    except EsiDocsError:
        return None
    # Given a month ahead, when no stop day has passed (lint reads every text either way).
    given = FULL.procedure_date - timedelta(days=30)
    return _context(replace(FULL, language=language), clinic, pack, given)


def filled_snippets(content: ContentFile, context: dict[str, Any] | None) -> list[Filled]:
    """Every prose text of a section, filled in; texts that fail are reported elsewhere."""
    if context is None:
        return []
    filled = []
    for snippet in content.snippets:
        if snippet.kind != TEXT or snippet.block_type in _NOT_PROSE:
            continue
        try:
            text = plain(compile_text(snippet.source).render(context))
        except (TemplateError, TypeError, ValueError, ArithmeticError):
            continue
        if text:
            filled.append(Filled(snippet, text))
    return filled
