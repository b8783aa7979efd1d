"""Compose every handout for every combination of patient options, in memory (no PDF).

A `when:` that only fails for a caudal thoracic diabetic with a blood thinner would otherwise
be found at a nurse's desk. Only the Document is built (compose), which takes well under a
millisecond, so the whole grid runs in a few seconds.
"""

from __future__ import annotations

import itertools
import time as clock
from collections.abc import Iterator
from datetime import date, time, timedelta

from esi_docs.content.compose import ContentLibrary
from esi_docs.errors import EsiDocsError
from esi_docs.inputs.clinic import ClinicProfile
from esi_docs.inputs.patient import APPROACHES, REGIONS, SIDES, PatientOptions
from esi_docs.lint.completeness import located
from esi_docs.lint.findings import Finding

PROCEDURE_DATE = date(2026, 1, 15)
SAMPLE_DRUG = "Eliquis"


def _optional_fields(index: int) -> Iterator[dict]:
    """Each base combination twice: without any optional field, and with all of them. The
    procedure time alternates between the two (one has it when the other does not) and `side`
    cycles through its values, so every optional branch meets many base combinations while the
    grid stays at twice the base size."""
    at = time(9, 30)
    yield {"procedure_time": at if index % 2 else None}
    yield {
        "procedure_time": None if index % 2 else at,
        "physician": "Dr. Sample",
        "level": "L5-S1",
        "side": SIDES[index % len(SIDES)],
        "follow_up": PROCEDURE_DATE + timedelta(days=14),
    }


def patients(language: str) -> Iterator[PatientOptions]:
    """The grid: approach x region x diabetic x sedation x blood thinner (none / a drug) x
    large print, each without and with the optional fields."""
    flags = (False, True)
    base = itertools.product(APPROACHES, REGIONS, flags, flags, ("", SAMPLE_DRUG), flags)
    for index, (approach, region, diabetic, sedation, drug, large) in enumerate(base):
        for optional in _optional_fields(index):
            yield PatientOptions(
                name="Grid Patient",
                dob=date(1960, 1, 1),
                mrn="0000000",
                procedure_date=PROCEDURE_DATE,
                approach=approach,
                region=region,
                diabetic=diabetic,
                sedation=sedation,
                blood_thinner=drug,
                language=language,
                large_print=large,
                **optional,
            )


def describe(patient: PatientOptions) -> str:
    """The combination, in the words of the patient file, for the finding."""
    return (
        f"approach={patient.approach} region={patient.region} "
        f"diabetic={str(patient.diabetic).lower()} sedation={str(patient.sedation).lower()} "
        f"blood_thinner={patient.blood_thinner or 'none'} "
        f"large_print={str(patient.large_print).lower()} "
        f"procedure_time={'09:30' if patient.procedure_time else 'none'} "
        f"physician/level/side/follow_up={_optional_words(patient)}"
    )


def _optional_words(patient: PatientOptions) -> str:
    return f"given, side={patient.side}" if patient.side else "none"


def run_grid(
    library: ContentLibrary, handout: str, language: str, clinic: ClinicProfile
) -> tuple[int, Finding | None]:
    """Compose the grid for one handout and language; the first failure, with its combination."""
    recipe = library.recipe(handout)
    if not recipe.requires_patient:
        candidates: list[PatientOptions | None] = [None]
    else:
        candidates = list(patients(language))
    count = 0
    for patient in candidates:
        count += 1
        try:
            library.compose(handout, patient, clinic, language=language)
        except EsiDocsError as exc:
            where = describe(patient) if patient else "a sheet without a patient"
            finding = located(exc.problems[0], exc.problems[0].source, "grid")
            message = f"{handout} ({language}) fails for {where}: {finding.message}"
            return count, Finding(finding.file, finding.line, finding.level, "grid", message)
    return count, None


def timed_grid(
    library: ContentLibrary, jobs: list[tuple[str, str]], clinic: ClinicProfile
) -> tuple[int, float, list[Finding]]:
    """Run the grid for each (handout, language); total combinations and seconds."""
    start = clock.perf_counter()
    total, found = 0, []
    for handout, language in jobs:
        count, finding = run_grid(library, handout, language, clinic)
        total += count
        if finding:
            found.append(finding)
    return total, clock.perf_counter() - start, found
