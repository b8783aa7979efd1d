"""`esi-docs render HANDOUT`: one handout for one patient (or none, for the guide)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from esi_docs.cli.auditing import audit_options, open_audit, operator_name
from esi_docs.options import LANGUAGES


@click.command()
@click.argument("handout")
@click.option(
    "--patient",
    "patient_file",
    type=click.Path(path_type=Path),
    help="Patient file (YAML). `esi-docs example patient` prints one.",
)
@click.option(
    "--clinic",
    "clinic_file",
    type=click.Path(path_type=Path),
    help="Clinic profile (YAML). Default: the packaged example profile.",
)
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(path_type=Path),
    help="Where to write the PDF; '-' writes it to standard output.",
)
@click.option("--paper", type=click.Choice(["letter", "a4"]), default="letter", show_default=True)
@click.option(
    "--language",
    type=click.Choice(LANGUAGES),
    default=None,
    help="Overrides the patient file's language.",
)
@click.option(
    "--large-print/--no-large-print", default=None, help="Overrides the patient file's large_print."
)
@click.option(
    "--templates",
    type=click.Path(path_type=Path),
    help="A folder of the clinic's own content, searched before the packaged one.",
)
@audit_options
def render(
    handout: str,
    patient_file: Path | None,
    clinic_file: Path | None,
    output: Path,
    paper: str,
    language: str | None,
    large_print: bool | None,
    templates: Path | None,
    audit_db: Path | None,
    no_audit: bool,
    operator: str | None,
) -> None:
    """Render HANDOUT (e.g. discharge) to a PDF."""
    from esi_docs.api import render_handout
    from esi_docs.clinic import load_clinic
    from esi_docs.options import load_patient
    from esi_docs.output import write_atomic

    patient = load_patient(patient_file) if patient_file else None
    clinic = load_clinic(clinic_file)
    audit = open_audit(audit_db, no_audit)  # before rendering: a broken audit stops the print
    result = render_handout(
        handout,
        patient,
        clinic,
        templates=templates,
        paper=paper,
        language=language,
        large_print=large_print,
    )
    if audit is not None:
        options = {
            "paper": paper,
            "language": language,
            "large_print": large_print,
            "templates": str(templates) if templates else None,
            "source": "render",
        }
        audit.record(
            rendered=result,
            handout=handout,
            patient=patient,
            clinic=clinic,
            operator=operator_name(operator),
            options=options,
            templates=templates,
        )
    if str(output) == "-":
        sys.stdout.buffer.write(result.pdf)
        sys.stdout.buffer.flush()
        return
    write_atomic(output, result.pdf)
    click.echo(f"wrote {output}", err=True)
