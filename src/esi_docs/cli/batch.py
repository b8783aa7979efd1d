"""`esi-docs batch HANDOUT --roster FILE --out-dir DIR`: one handout per roster patient."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from esi_docs.cli.auditing import audit_options, open_audit, operator_name
from esi_docs.cli.options import clinic_option, paper_option, print_option, templates_option
from esi_docs.delivery.naming import DEFAULT_PATTERN


@click.command()
@click.argument("handout")
@click.option(
    "--roster",
    required=True,
    type=click.Path(path_type=Path),
    help="Patients, one per row: CSV (header row of patient-file keys) or a YAML list; or a "
    "FHIR Bundle (.json) or HL7 v2 messages (.hl7). `esi-docs example roster` prints one.",
)
@click.option(
    "--patient",
    "overrides",
    type=click.Path(path_type=Path),
    help="With a FHIR Bundle or HL7 v2 roster: a YAML of patient-file keys it does not settle "
    "(e.g. sedation), for every patient or under `Patient/<id>:` / `Message/<control id>:`.",
)
@clinic_option
@click.option("--out-dir", required=True, type=click.Path(path_type=Path, file_okay=False))
@click.option(
    "--merged",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Also write one print-ready PDF of all patients, in roster order.",
)
@click.option(
    "--jobs",
    type=click.IntRange(1, 64),
    default=None,
    help="Worker processes. Default: the number of CPUs.",
)
@click.option(
    "--name",
    "pattern",
    default=DEFAULT_PATTERN,
    show_default=True,
    help="File name pattern over procedure_date, mrn, handout, row, language, approach, region.",
)
@click.option(
    "--continue-on-error",
    is_flag=True,
    help="Print the valid rows and report the others (exit status 1).",
)
@click.option("--quiet", "-q", is_flag=True, help="No progress bar or summary.")
@templates_option
@paper_option
@click.option(
    "--format",
    "output_format",
    type=click.Choice(("pdf", "html")),
    default="pdf",
    show_default=True,
    help="pdf, or html: each patient's sheet as an accessible web page.",
)
@print_option(
    "Also send the merged PDF (or, without --merged, each patient's PDF in roster order) "
    "to a CUPS printer: the one named, else the clinic profile's, else the system default.",
)
@audit_options
def batch(
    handout: str,
    roster: Path,
    clinic_file: Path | None,
    out_dir: Path,
    merged: Path | None,
    jobs: int | None,
    pattern: str,
    continue_on_error: bool,
    quiet: bool,
    templates: Path | None,
    paper: str,
    output_format: str,
    printer: str | None,
    overrides: Path | None,
    audit_db: Path | None,
    no_audit: bool,
    operator: str | None,
) -> None:
    """Render HANDOUT for every patient on the roster, into --out-dir."""
    from esi_docs.batch import BatchIncomplete, BatchSettings, render_batch
    from esi_docs.inputs.clinic import load_clinic
    from esi_docs.inputs.roster import read_roster

    if output_format == "html" and printer is not None:
        raise click.UsageError("--print: prints PDFs only; leave out --format html")
    _refuse_merged_over_manifest(merged, out_dir)
    clinic = load_clinic(clinic_file)
    rows = read_roster(roster, overrides, clinic.procedure_codes)
    settings = BatchSettings(
        handout=handout,
        clinic=clinic,
        out_dir=out_dir,
        templates=templates,
        paper=paper,
        format=output_format,
        pattern=pattern,
        merged=merged,
        jobs=jobs or os.cpu_count() or 1,
        continue_on_error=continue_on_error,
        operator=operator_name(operator),
    )
    audit = open_audit(audit_db, no_audit)
    if not quiet and sys.stderr.isatty():
        with click.progressbar(length=len(rows), label="Rendering", file=sys.stderr) as bar:
            result = render_batch(rows, settings, audit=audit, progress=bar.update)
    else:
        result = render_batch(rows, settings, audit=audit)
    if not quiet:
        click.echo(
            f"wrote {result.written} of {len(rows)} to {out_dir}; manifest: {result.manifest}"
            + (f"; merged: {result.merged}" if result.merged else ""),
            err=True,
        )
    if printer is not None:
        from esi_docs.batch import print_result

        for line in print_result(result, printer or settings.clinic.printer or None):
            click.echo(line, err=True)
    if result.problems:
        raise BatchIncomplete(result.problems)


def _refuse_merged_over_manifest(merged: Path | None, out_dir: Path) -> None:
    """--merged must not name the manifest (or the roster's own output folder): it would
    overwrite the one record of what was printed."""
    from esi_docs.delivery.manifest import MANIFEST_NAME
    from esi_docs.errors import InputError

    if merged is None:
        return
    target = (out_dir / MANIFEST_NAME).resolve()
    if merged.resolve() == target or merged.resolve() == out_dir.resolve():
        raise InputError(f"--merged: {merged} is the batch's manifest or folder; give another name")
