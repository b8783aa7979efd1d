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
from esi_docs.inputs.spine import LEVELS, approach_problem
from esi_docs.lint.completeness import located
from esi_docs.lint.findings import Finding

PROCEDURE_DATE = date(2026, 1, 15)
SAMPLE_DRUG = "Eliquis"
# Blood thinners: none; one, stopped; several (in the table to stop, to keep, not listed), some
# stopped and some not, so both the restart and the keep-taking wording are composed.
MEDICINES: tuple[tuple[tuple[str, ...], tuple[str, ...] | None], ...] = (
    ((), None),
    ((SAMPLE_DRUG,), (SAMPLE_DRUG,)),
    ((SAMPLE_DRUG, "aspirin", "Zontivity"), (SAMPLE_DRUG,)),
)


def _optional_fields(index: int) -> Iterator[dict]:
    """Each base combination twice: without any optional field, and with all of them. The
    procedure time alternates between the two (one has it when the other does not) and `side`
    cycles through its values, so every optional branch meets many base combinations while the
    grid stays at twice the base size."""
    at = time(9, 30)
    yield {"procedure_time": at if index % 2 else None}
    yield {
        "procedure_time": None if index % 2 else at,
        "discharge_time": time(11, 5) if index % 3 == 0 else None,
        "physician": "Dr. Sample",
        "side": SIDES[index % len(SIDES)],
        "contrast": False,
        "local_anesthetic": False,
        "follow_up": PROCEDURE_DATE + timedelta(days=14),
    }


def patients(language: str) -> Iterator[PatientOptions]:
    """The grid: approach x region (the ones that can go together) x diabetic x sedation x
    blood thinners (none / one held / several, some held) x large print, each without and with
    the optional fields (two levels of the region when given)."""
    flags = (False, True)
    sites = [
        (a, r) for a, r in itertools.product(APPROACHES, REGIONS) if not approach_problem(a, r)
    ]
    base = itertools.product(sites, flags, flags, MEDICINES, flags)
    for index, ((approach, region), diabetic, sedation, (drugs, held), large) in enumerate(base):
        for optional in _optional_fields(index):
            if "physician" in optional:
                optional["level"] = ", ".join(LEVELS[region][-2:])
            yield PatientOptions(
                name="Grid Patient",
                dob=date(1960, 1, 1),
                mrn="0000000",
                procedure_date=PROCEDURE_DATE,
                approach=approach,
                region=region,
                diabetic=diabetic,
                sedation=sedation,
                blood_thinner=drugs,
                blood_thinner_held=held,
                language=language,
                large_print=large,
                **optional,
            )


def describe(patient: PatientOptions) -> str:
    """The combination, in the words of the patient file, for the finding."""
    return (
        f"approach={patient.approach} region={patient.region} "
        f"diabetic={str(patient.diabetic).lower()} sedation={str(patient.sedation).lower()} "
        f"blood_thinner={'; '.join(patient.blood_thinner) or 'none'} "
        f"blood_thinner_held={'; '.join(patient.blood_thinner_held or ()) or 'none'} "
        f"large_print={str(patient.large_print).lower()} "
        f"procedure_time={'09:30' if patient.procedure_time else 'none'} "
        f"discharge_time={'11:05' if patient.discharge_time else 'none'} "
        f"physician/level/side/follow_up={_optional_words(patient)}"
    )


def _optional_words(patient: PatientOptions) -> str:
    return f"given, side={patient.side}, no dye, no numbing" if patient.side else "none"


def run_grid(
    library: ContentLibrary, handout: str, language: str, clinic: ClinicProfile
) -> tuple[int, Finding | None]:
    """Compose the grid for one handout and language; the first failure, with its combination."""
    recipe = library.recipe(handout)
    if not recipe.requires_patient:
        candidates: list[PatientOptions | None] = [None]
    else:
        candidates = list(patients(language))
    # The day a sheet would be given: before the procedure for a letter, else on its day.
    ahead = recipe.procedure_date == "today_or_future"
    today = PROCEDURE_DATE - timedelta(days=30) if ahead else PROCEDURE_DATE
    count = 0
    for patient in candidates:
        count += 1
        try:
            library.compose(handout, patient, clinic, language=language, today=today)
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
