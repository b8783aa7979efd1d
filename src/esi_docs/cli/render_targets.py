"""Where `render` gets its patient (file or FHIR Bundle) and where the PDF goes.

Order of delivery: the file first (so a printer problem never loses the sheet), then the
DocumentReference, then the printer. Any failure is an EsiDocsError, turned into a message
by the CLI group.
"""

from __future__ import annotations

import contextlib
import os
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import click

from esi_docs.api import RenderedHandout
from esi_docs.errors import InputError, RenderError
from esi_docs.inputs.clinic import ClinicProfile
from esi_docs.inputs.patient import PatientOptions


def load_patient_input(
    patient_file: Path | None, fhir_file: Path | None, fhir_patient: str | None
) -> tuple[PatientOptions | None, dict[str, Any] | None, dict[str, Any] | None]:
    """The patient, the DocumentReference subject that points back at it, and (from a Bundle)
    where each value came from, for the audit record."""
    from esi_docs.delivery.docref import mrn_subject
    from esi_docs.inputs.patient import load_patient

    if fhir_file is None:
        if fhir_patient:
            raise InputError("--fhir-patient: only with --fhir")
        patient = load_patient(patient_file) if patient_file else None
        return patient, (mrn_subject(patient.mrn) if patient else None), None
    from esi_docs.inputs.fhir import patients_from_bundle
    from esi_docs.inputs.fhir.patients import provenance_record

    chosen = _choose(patients_from_bundle(fhir_file, patient_file), fhir_file, fhir_patient)
    return chosen.options(), {"reference": chosen.reference}, provenance_record(chosen)


def _choose(patients: list, fhir_file: Path, wanted: str | None):  # type: ignore[no-untyped-def]
    labels = [p.label for p in patients]
    if wanted:
        label = wanted if wanted.startswith("Patient/") else f"Patient/{wanted}"
        for patient in patients:
            if patient.label == label:
                return patient
        raise InputError(f"{fhir_file}: {label}: not in the Bundle; it holds {', '.join(labels)}")
    if len(patients) > 1:
        raise InputError(
            f"{fhir_file}: holds {len(patients)} patients ({', '.join(labels[:5])}); "
            "choose one with --fhir-patient ID, or use esi-docs batch"
        )
    return patients[0]


def deliver(
    result: RenderedHandout,
    *,
    output: Path | None,
    printer: str | None,
    clinic: ClinicProfile,
    fhir_out: Path | None,
    subject: dict[str, Any] | None,
) -> None:
    """Write, describe and print the sheet, in that order."""
    from esi_docs.delivery.atomic import write_atomic

    if output is not None and str(output) == "-":
        _to_stdout(result.pdf)
    elif output is not None:
        write_atomic(output, result.pdf)
        click.echo(f"wrote {output}", err=True)
    if fhir_out is not None:
        _write_docref(result, fhir_out, subject)
    if printer is not None:
        _print(result.pdf, printer or clinic.printer, output)


def _to_stdout(data: bytes) -> None:
    """Standard output as a destination: a closed pipe or a full device is one message (and
    no record), not a traceback."""
    try:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    except OSError as exc:
        # Point the descriptor at /dev/null so Python's own flush at exit complains no more.
        with contextlib.suppress(OSError, ValueError, AttributeError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        reason = exc.strerror or type(exc).__name__
        raise RenderError(f"standard output: cannot write the PDF ({reason})") from None


def withdraw(output: Path | None, fhir_out: Path | None, *, printed: bool) -> None:
    """Take back what was delivered when its audit record could not be written: the files go;
    a print job cannot be called back, so the message says so."""
    for path in (output, fhir_out):
        if path is not None and str(path) != "-":
            with contextlib.suppress(OSError):
                path.unlink()
    if printed:
        click.echo("esi-docs: the sheet was sent to the printer but is not recorded", err=True)


def _write_docref(result: RenderedHandout, path: Path, subject: dict[str, Any] | None) -> None:
    from esi_docs.delivery.docref import document_reference, write_document_reference

    if subject is None:
        raise InputError("--fhir-out: needs a patient (--patient or --fhir)")
    pdf, html = _both_formats(result)
    resource = document_reference(
        pdf, subject=subject, language=result.document.language, html=html
    )
    write_document_reference(path, resource)
    click.echo(f"wrote {path}", err=True)


def _both_formats(result: RenderedHandout) -> tuple[bytes, bytes]:
    """The PDF and the web page of one sheet: the one not asked for is laid out from the same
    Document, so both attachments say the same."""
    from esi_docs.api import lay_out

    request, document = result.request, result.document
    pdf = result.data if request.format == "pdf" else lay_out(document, "pdf", paper=request.paper)
    html = result.data if request.format == "html" else lay_out(document, "html")
    return pdf, html


def _print(pdf: bytes, printer: str, output: Path | None) -> None:
    from esi_docs.delivery.printing import PrintError, print_pdf

    try:
        job = print_pdf(pdf, printer or None)
    except PrintError as exc:
        if output is not None and str(output) != "-":
            exc.problems = [
                replace(p, text=f"{p.text}; the PDF was saved to {output}") for p in exc.problems
            ]
        raise
    where = f"printer {printer}" if printer else "the default printer"
    click.echo(f"sent to {where}" + (f" (job {job})" if job else ""), err=True)
