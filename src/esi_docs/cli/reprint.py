"""`esi-docs reprint ID -o FILE`: the exact PDF a patient was given, checked by SHA-256."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from esi_docs.cli.auditing import operator_name


@click.command()
@click.argument("record_id", metavar="ID", type=click.IntRange(min=1))
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(path_type=Path),
    help="Where to write the PDF; '-' writes it to standard output.",
)
@click.option(
    "--audit-db",
    metavar="FILE|URL",
    help="The audit database: a file or a postgresql:// URL (default: $ESI_DOCS_AUDIT_DB).",
)
@click.option("--operator", help="Who reprinted it. Default: the logged-in user.")
def reprint(record_id: int, output: Path, audit_db: Path | None, operator: str | None) -> None:
    """Rebuild audit record ID byte for byte (see `esi-docs history`) and write it. The
    reprint is itself recorded."""
    from esi_docs.delivery.atomic import write_atomic
    from esi_docs.records.audit import AuditLog
    from esi_docs.records.reprint import reprint as rebuild

    log = AuditLog(audit_db)
    rendered, record = rebuild(log, record_id)
    log.add_reprint(record, operator_name(operator))
    if str(output) == "-":
        sys.stdout.buffer.write(rendered.pdf)
        sys.stdout.buffer.flush()
    else:
        write_atomic(output, rendered.pdf)
        click.echo(f"wrote {output} (record {record_id}, SHA-256 verified)", err=True)
