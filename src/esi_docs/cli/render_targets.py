"""Where `render` gets its patient (file or FHIR Bundle) and where the PDF goes.

Order of delivery: the file first (so a printer problem never loses the sheet), then the
DocumentReference, then the printer. Any failure is an EsiDocsError, turned into a message
by the CLI group.
"""

from __future__ import annotations

import contextlib
import os
import sys
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import click

from esi_docs.api import RenderedHandout
from esi_docs.errors import InputError, RenderError
from esi_docs.inputs.clinic import ClinicProfile
from esi_docs.inputs.patient import PatientOptions


@dataclass(frozen=True)
class PatientInput:
    """Where `render` got its patient: the options, the DocumentReference subject that points
    back at it, where each value came from (Bundle or message, for the audit), the audit
    source, the HL7 message it came from, and the Bundle's Encounter."""

    patient: PatientOptions | None
    subject: dict[str, Any] | None = None
    provenance: dict[str, Any] | None = None
    source: str = "render"
    message: dict[str, str] | None = None  # HL7 v2: control_id and type
    encounter: str | None = None


def load_patient_input(
    patient_file: Path | None,
    fhir_file: Path | None,
    fhir_patient: str | None,
    *,
    hl7_file: Path | None = None,
    hl7_patient: str | None = None,
    clinic: ClinicProfile | None = None,
) -> PatientInput:
    """The patient from a patient file, a FHIR Bundle or an HL7 v2 file (the patient file
    then gives overrides); `clinic` supplies its own procedure code map."""
    from esi_docs.delivery.docref import mrn_subject
    from esi_docs.inputs.patient import load_patient

    codes = clinic.procedure_codes if clinic is not None else ()
    if fhir_file is not None and hl7_file is not None:
        raise InputError("--fhir and --hl7: give one EHR input, not both")
    if hl7_patient and hl7_file is None:
        raise InputError("--hl7-patient: only with --hl7")
    if hl7_file is not None:
        return _from_hl7(patient_file, hl7_file, hl7_patient, codes)
    if fhir_file is None:
        if fhir_patient:
            raise InputError("--fhir-patient: only with --fhir")
        patient = load_patient(patient_file) if patient_file else None
        return PatientInput(patient, mrn_subject(patient.mrn) if patient else None)
    from esi_docs.inputs.fhir import patients_from_bundle
    from esi_docs.inputs.merging import provenance_record

    found = patients_from_bundle(fhir_file, patient_file, procedure_codes=codes)
    chosen = _choose(found, fhir_file, fhir_patient)
    return PatientInput(
        chosen.options(),
        {"reference": chosen.reference},
        provenance_record(chosen),
        "fhir",
        encounter=chosen.encounter,
    )


def _from_hl7(
    overrides: Path | None, hl7_file: Path, wanted: str | None, codes: tuple
) -> PatientInput:
    from esi_docs.delivery.docref import mrn_subject
    from esi_docs.inputs.hl7 import patients_from_hl7
    from esi_docs.inputs.merging import provenance_record

    found = patients_from_hl7(hl7_file, overrides, procedure_codes=codes)
    labels = [p.label for p in found]
    if wanted:
        label = wanted if wanted.startswith("Message/") else f"Message/{wanted}"
        chosen = next((p for p in found if p.label == label), None)
        if chosen is None:
            held = ", ".join(labels[:5])
            raise InputError(f"{hl7_file}: {label}: not in the file; it holds {held}")
    elif len(found) > 1:
        raise InputError(
            f"{hl7_file}: holds {len(found)} messages ({', '.join(labels[:5])}); "
            "choose one with --hl7-patient CONTROL-ID, or use esi-docs batch"
        )
    else:
        chosen = found[0]
    patient = chosen.options()
    message = {"control_id": chosen.control_id, "type": chosen.message_type}
    return PatientInput(
        patient, mrn_subject(patient.mrn), provenance_record(chosen), "hl7", message
    )


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
    hl7_out: Path | None = None,
    operator: str | None = None,
    encounter: str | None = None,
) -> None:
    """Write, describe (FHIR, HL7 v2) and print the sheet, in that order."""
    from esi_docs.delivery.atomic import write_atomic

    if output is not None and str(output) == "-":
        _to_stdout(result.pdf)
    elif output is not None:
        write_atomic(output, result.pdf)
        click.echo(f"wrote {output}", err=True)
    if fhir_out is not None:
        _write_docref(result, fhir_out, subject, clinic, operator, encounter)
    if hl7_out is not None:
        _write_mdm(result, hl7_out, clinic)
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


def withdraw(
    output: Path | None, fhir_out: Path | None, *, printed: bool, hl7_out: Path | None = None
) -> None:
    """Take back what was delivered when its audit record could not be written: the files go;
    a print job cannot be called back, so the message says so."""
    for path in (output, fhir_out, hl7_out):
        if path is not None and str(path) != "-":
            with contextlib.suppress(OSError):
                path.unlink()
    if printed:
        click.echo("esi-docs: the sheet was sent to the printer but is not recorded", err=True)


def _write_docref(
    result: RenderedHandout,
    path: Path,
    subject: dict[str, Any] | None,
    clinic: ClinicProfile,
    operator: str | None,
    encounter: str | None,
) -> None:
    from esi_docs.delivery.docref import document_reference, write_document_reference

    if subject is None:
        raise InputError("--fhir-out: needs a patient (--patient or --fhir)")
    pdf, html = _both_formats(result)
    resource = document_reference(
        pdf,
        subject=subject,
        language=result.document.language,
        html=html,
        clinic=clinic,
        operator=operator,
        encounter=encounter,
    )
    write_document_reference(path, resource)
    click.echo(f"wrote {path}", err=True)


def _write_mdm(result: RenderedHandout, path: Path, clinic: ClinicProfile) -> None:
    from esi_docs.delivery.mdm import mdm_t02, write_mdm

    patient = result.request.patient
    if patient is None:
        raise InputError("--hl7-out: needs a patient (--patient, --fhir or --hl7)")
    pdf, _ = _both_formats(result)
    message = mdm_t02(
        pdf, mrn=patient.mrn, name=patient.name, physician=patient.physician, clinic=clinic.name
    )
    write_mdm(path, message)
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
