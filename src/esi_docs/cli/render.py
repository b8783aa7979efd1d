"""`esi-docs render HANDOUT`: one handout for one patient (or none, for the guide).

The patient comes from a patient file, or from a FHIR Bundle (`--fhir`) or HL7 v2 messages
(`--hl7`), with the patient file as overrides. The PDF goes to a file, standard output, a
printer, or several of them.
"""

from __future__ import annotations

from pathlib import Path

import click

from esi_docs.cli.auditing import audit_options, open_audit, operator_name
from esi_docs.cli.options import clinic_option, paper_option, print_option, templates_option


@click.command()
@click.argument("handout")
@click.option(
    "--patient",
    "patient_file",
    type=click.Path(path_type=Path),
    help="Patient file (YAML). `esi-docs example patient` prints one.",
)
@clinic_option
@click.option(
    "--fhir",
    "fhir_file",
    type=click.Path(path_type=Path),
    help="A FHIR R4 Bundle (JSON) holding the patient; --patient then gives overrides.",
)
@click.option(
    "--fhir-patient",
    default=None,
    help="Which Patient of a Bundle holding several (its id, e.g. p1).",
)
@click.option(
    "--hl7",
    "hl7_file",
    type=click.Path(path_type=Path),
    help="HL7 v2 messages (SIU^S12, ADT^A04) holding the patient; --patient then gives overrides.",
)
@click.option(
    "--hl7-patient",
    default=None,
    help="Which message of an HL7 file holding several (its control ID, MSH-10).",
)
@click.option(
    "--fhir-out",
    type=click.Path(path_type=Path),
    help="Also write a FHIR R4 DocumentReference (JSON) carrying the PDF.",
)
@click.option(
    "--hl7-out",
    type=click.Path(path_type=Path),
    help="Also write an HL7 v2 MDM^T02 carrying the PDF (for EHRs that file documents so).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    help="Where to write the PDF; '-' writes it to standard output. Optional with --print.",
)
@print_option(
    "Send the PDF to a CUPS printer (the clinic profile's or the system default if none)."
)
@paper_option
@click.option(
    "--format",
    "output_format",
    type=click.Choice(("pdf", "html")),
    default=None,
    help="pdf (for paper and the archive) or html (the accessible web page). "
    "Default: html for an -o name ending in .html, else pdf.",
)
@click.option(
    "--language",
    default=None,
    help="Overrides the patient file's language (a content folder: en, es, ...).",
)
@click.option(
    "--large-print/--no-large-print", default=None, help="Overrides the patient file's large_print."
)
@templates_option
@audit_options
def render(
    handout: str,
    patient_file: Path | None,
    clinic_file: Path | None,
    fhir_file: Path | None,
    fhir_patient: str | None,
    hl7_file: Path | None,
    hl7_patient: str | None,
    fhir_out: Path | None,
    hl7_out: Path | None,
    output: Path | None,
    printer: str | None,
    paper: str,
    output_format: str | None,
    language: str | None,
    large_print: bool | None,
    templates: Path | None,
    audit_db: Path | None,
    no_audit: bool,
    operator: str | None,
) -> None:
    """Render HANDOUT (e.g. discharge) to a PDF or an accessible web page."""
    from esi_docs.api import RenderRequest, render
    from esi_docs.cli.render_targets import deliver, load_patient_input, withdraw
    from esi_docs.errors import EsiDocsError, InputError
    from esi_docs.inputs.clinic import load_clinic

    if output is None and printer is None:
        raise click.UsageError("give -o FILE (or -o -), --print [PRINTER], or both")
    output_format = output_format or format_for(output)
    if output_format == "html" and printer is not None:
        raise click.UsageError("--print: prints PDFs only; leave out --format html")
    clinic = load_clinic(clinic_file)
    given = load_patient_input(
        patient_file,
        fhir_file,
        fhir_patient,
        hl7_file=hl7_file,
        hl7_patient=hl7_patient,
        clinic=clinic,
    )
    if hl7_out is not None and given.patient is None:  # before anything is written
        raise InputError("--hl7-out: needs a patient (--patient, --fhir or --hl7)")
    who = operator_name(operator)  # a bad --operator stops the run before anything is written
    audit = open_audit(audit_db, no_audit)  # before rendering: a broken audit stops the print
    request = RenderRequest(
        handout,
        given.patient,
        clinic,
        language=language,
        large_print=large_print,
        paper=paper,
        format=output_format,
        templates=templates,
    )
    try:
        result = render(request)
    except InputError as exc:  # a patient field refused at compose: name the file it came from
        where = str(patient_file or fhir_file or hl7_file or "")
        exc.problems = [p.within(where) if where and not p.source and p.field else p
                        for p in exc.problems]  # fmt: skip
        raise
    deliver(
        result,
        output=output,
        printer=printer,
        clinic=clinic,
        fhir_out=fhir_out,
        subject=given.subject,
        hl7_out=hl7_out,
        operator=who,
        encounter=given.encounter,
    )
    # The record comes after delivery, so it exists exactly when a sheet was given: a failed
    # write leaves no record, and a failed record takes the written files back.
    if audit is not None:
        try:
            audit.record(
                result,
                operator=who,
                source=given.source,
                provenance=given.provenance,
                message=given.message,
            )
        except EsiDocsError:
            withdraw(output, fhir_out, printed=printer is not None, hl7_out=hl7_out)
            raise


def format_for(output: Path | None) -> str:
    """The format an output name asks for: .html or .htm means the web page."""
    if output is not None and output.suffix.lower() in (".html", ".htm"):
        return "html"
    return "pdf"
