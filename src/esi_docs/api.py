"""The Python API every adapter (CLI, web form, batch, reprint) calls: one rendering path.

One request, one result: a `RenderRequest` says everything that decides the sheet (handout,
patient, clinic, language, print size, paper, format, templates); `render()` validates it and
returns a `RenderedHandout` holding the request, the Document, the bytes and the content files
they were made from. The audit trail records exactly that, so nothing downstream re-derives
what upstream knew. A call either returns a complete document or raises an EsiDocsError.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

from esi_docs import clock
from esi_docs.content.compose import ContentLibrary, library
from esi_docs.content.document import Document
from esi_docs.content.files import ContentSource
from esi_docs.errors import InputError, Problem
from esi_docs.inputs.clinic import ClinicProfile, load_clinic
from esi_docs.inputs.patient import PatientOptions, apply_overrides, parse_patient

PAPERS = ("letter", "a4")
FORMATS = ("pdf", "html")


def _packaged_clinic() -> ClinicProfile:
    return load_clinic(None)


@dataclass(frozen=True)
class RenderRequest:
    """Everything that decides one handout. `language` and `large_print` are overrides of the
    patient's own (None: the patient's, or English and normal print without a patient)."""

    handout: str
    patient: PatientOptions | None = None
    clinic: ClinicProfile = field(default_factory=_packaged_clinic)
    language: str | None = None
    large_print: bool | None = None
    paper: str = "letter"
    format: str = "pdf"
    templates: Path | None = None
    # The day the sheet is given, for the checks against passed dates (None: today; a reprint
    # gives the day of the original, so an old record is never refused for them).
    today: date | None = None

    def effective(self) -> RenderRequest:
        """The request with the overrides applied to the patient: the one place they are."""
        if self.patient is None:
            return self
        overrides = {"language": self.language, "large_print": self.large_print}
        return replace(self, patient=apply_overrides(self.patient, overrides))

    def options(self) -> dict[str, Any]:
        """The render options as the audit trail stores them (reprint reads them back)."""
        return {
            "paper": self.paper,
            "format": self.format,
            "language": self.language,
            "large_print": self.large_print,
            "templates": str(self.templates) if self.templates else None,
            "today": self.today.isoformat() if self.today else None,
        }


@dataclass(frozen=True)
class RenderedHandout:
    """One rendered handout: the request, the Document, the bytes, and the content files
    (name, SHA-256, bytes) the Document was composed from."""

    request: RenderRequest
    document: Document
    data: bytes = field(repr=False)
    sources: tuple[ContentSource, ...] = field(default=(), repr=False)

    @property
    def pdf(self) -> bytes:
        return self.data


def _check(request: RenderRequest) -> None:
    problems = []
    if request.paper not in PAPERS:
        text = f"'{request.paper}' is not one of {', '.join(PAPERS)}"
        problems.append(Problem(field="paper", text=text, code="choice"))
    if request.format not in FORMATS:
        text = f"'{request.format}' is not one of {', '.join(FORMATS)}"
        problems.append(Problem(field="format", text=text, code="choice"))
    if problems:
        raise InputError(problems)


def render(request: RenderRequest, *, content: ContentLibrary | None = None) -> RenderedHandout:
    """Validate the request, compose the Document and lay it out. `content` replaces the
    request's search path (a reprint composes from the recorded files alone)."""
    _check(request)
    # The day it is given, fixed once: the audit record keeps it, so a reprint checks passed
    # dates against the day of the original, whatever the calendar says now.
    request = replace(request, today=request.today or clock.today())
    effective = request.effective()
    composed = (content or library(request.templates)).build(
        request.handout,
        effective.patient,
        request.clinic,
        language=request.language,
        large_print=request.large_print,
        today=request.today,
    )
    data = lay_out(composed.document, request.format, paper=request.paper)
    return RenderedHandout(request, composed.document, data, composed.sources)


def lay_out(document: Document, format: str, *, paper: str = "letter") -> bytes:
    """The Document in one format: a PDF for paper and the archive, or the accessible web
    page (FHIR out carries both, laid out from the one Document)."""
    if format == "html":
        from esi_docs.render.html import render_html

        return render_html(document)
    from esi_docs.render.pdf import render_pdf  # ReportLab is heavy: load it only to lay out

    return render_pdf(document, paper=paper)


def _as_patient(patient: PatientOptions | Mapping[str, Any] | None) -> PatientOptions | None:
    return parse_patient(patient, "patient") if isinstance(patient, Mapping) else patient


def compose_handout(
    handout: str,
    patient: PatientOptions | Mapping[str, Any] | None = None,
    clinic: ClinicProfile | None = None,
    *,
    templates: Path | None = None,
    language: str | None = None,
    large_print: bool | None = None,
    today: date | None = None,
) -> Document:
    """Validate the inputs and build the Document (no PDF): for previews, lint and tests."""
    request = RenderRequest(
        handout,
        _as_patient(patient),
        clinic or load_clinic(None),
        language=language,
        large_print=large_print,
        templates=templates,
    ).effective()
    return library(templates).compose(
        handout,
        request.patient,
        request.clinic,
        language=language,
        large_print=large_print,
        today=today,
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
    today: date | None = None,
) -> RenderedHandout:
    """Render one handout to PDF bytes (a thin wrapper over `render`)."""
    return render(
        RenderRequest(
            handout,
            _as_patient(patient),
            clinic or load_clinic(None),
            language=language,
            large_print=large_print,
            paper=paper,
            templates=templates,
            today=today,
        )
    )


__all__ = [
    "FORMATS",
    "PAPERS",
    "RenderRequest",
    "RenderedHandout",
    "compose_handout",
    "lay_out",
    "render",
    "render_handout",
]
