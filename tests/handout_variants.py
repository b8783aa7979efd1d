"""Every handout in every shipped language and print size: the cases the archival and
accessibility checks run over (one place, so a new handout is checked by both)."""

from __future__ import annotations

import itertools

from esi_docs import clock
from esi_docs.api import RenderedHandout, RenderRequest, render
from esi_docs.inputs.clinic import load_clinic
from esi_docs.inputs.patient import parse_patient
from tests.conftest import TYPICAL

HANDOUTS = ("discharge", "pre-procedure", "guide")
LANGUAGES = ("en", "es")
VARIANTS = list(itertools.product(HANDOUTS, LANGUAGES, (False, True)))
IDS = [f"{h}-{lang}-{'large' if large else 'normal'}" for h, lang, large in VARIANTS]


def rendered(handout: str, language: str, large_print: bool, fmt: str) -> RenderedHandout:
    """The handout for the typical patient, procedure today (valid for both patient handouts);
    the guide has no patient."""
    patient = None
    if handout != "guide":
        values = TYPICAL | {"procedure_date": clock.today().isoformat(), "procedure_time": "09:30"}
        patient = parse_patient(values, "patient.yaml")
    request = RenderRequest(
        handout,
        patient,
        load_clinic(None),
        language=language,
        large_print=large_print,
        format=fmt,
    )
    return render(request)
