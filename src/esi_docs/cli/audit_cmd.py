"""`esi-docs audit copy --from FILE --to URL`: a desk's history into the shared database."""

from __future__ import annotations

from pathlib import Path

import click


@click.group("audit")
def audit() -> None:
    """Look after the audit database."""


@audit.command("copy")
@click.option(
    "--from",
    "source",
    required=True,
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    help="The desk's SQLite audit file.",
)
@click.option("--to", "target", required=True, metavar="URL|FILE", help="The shared database.")
def copy(source: Path, target: str) -> None:
    """Copy every record (and its stored content) that the target does not have yet."""
    from esi_docs.records.audit import AuditLog
    from esi_docs.records.copy import copy_trail

    to = AuditLog(target)
    result = copy_trail(AuditLog(source), to)
    click.echo(
        f"copied {result.copied} records to {to.path} ({result.skipped} already there)", err=True
    )
