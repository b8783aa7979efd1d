"""`esi-docs history --mrn MRN`: what one patient was given, from the audit trail."""

from __future__ import annotations

from pathlib import Path

import click


@click.command()
@click.option("--mrn", required=True, help="The medical record number, exactly as printed.")
@click.option(
    "--audit-db",
    metavar="FILE|URL",
    help="The audit database: a file or a postgresql:// URL (default: $ESI_DOCS_AUDIT_DB).",
)
def history(mrn: str, audit_db: Path | None) -> None:
    """List every handout recorded for one patient (id, time, handout, language, version,
    operator); `esi-docs reprint ID` prints one again."""
    from esi_docs.records.audit import AuditLog

    records = AuditLog(audit_db).history(mrn.strip())
    if not records:
        click.echo(f"no handouts recorded for MRN {mrn.strip()}", err=True)
        return
    click.echo("id\ttime (UTC)\thandout\tlanguage\tversion\toperator\tnote")
    for record in records:
        reprint_of = record.options.get("reprint_of")
        note = f"reprint of {reprint_of}" if reprint_of else ""
        if record.damaged:
            note = "damaged record: run esi-docs audit verify"
        click.echo(
            f"{record.id}\t{record.created_at}\t{record.handout}\t{record.language}\t"
            f"{record.content_version}\t{record.operator}\t{note}"
        )
