"""The Python API every adapter (CLI, web form, batch) calls: one rendering path.

Validation happens before any layout: a call either returns a complete PDF or raises an
EsiDocsError naming what to fix.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from esi_docs.content.compose import library
from esi_docs.content.document import Document
from esi_docs.errors import InputError
from esi_docs.inputs.clinic import ClinicProfile, load_clinic
from esi_docs.inputs.patient import PatientOptions, apply_overrides, parse_patient

PAPERS = ("letter", "a4")


@dataclass(frozen=True)
class RenderedHandout:
    document: Document
    pdf: bytes


def compose_handout(
    handout: str,
    patient: PatientOptions | Mapping[str, Any] | None = None,
    clinic: ClinicProfile | None = None,
    *,
    templates: Path | None = None,
    language: str | None = None,
    large_print: bool | None = None,
) -> Document:
    """Validate the inputs and build the Document (no PDF): for previews, lint and tests."""
    if isinstance(patient, Mapping):
        patient = parse_patient(patient, "patient")
    if patient is not None:
        patient = apply_overrides(patient, {"language": language, "large_print": large_print})
    clinic = clinic or load_clinic(None)
    return library(templates).compose(
        handout, patient, clinic, language=language, large_print=large_print
    )


def render_handout(
    handout: str,
    patient: PatientOptions | Mapping[str, Any] | None = None,
    clinic: ClinicProfile | None = None,
    *,
    templates: Path | None = None,
    paper: str = "letter",
    language: str | None = None,
    large_print: bool | None = None,
) -> RenderedHandout:
    """Render one handout to PDF bytes."""
    if paper not in PAPERS:
        raise InputError(f"paper: '{paper}' is not one of {', '.join(PAPERS)}")
    document = compose_handout(
        handout,
        patient,
        clinic,
        templates=templates,
        language=language,
        large_print=large_print,
    )
    from esi_docs.render.pdf import render_pdf  # ReportLab is heavy: load it only to lay out

    return RenderedHandout(document, render_pdf(document, paper=paper))
