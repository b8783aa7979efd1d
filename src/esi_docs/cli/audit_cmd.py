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


@audit.command("verify")
@click.option("--audit-db", metavar="FILE|URL", default=None, help="The audit database.")
def verify(audit_db: str | None) -> None:
    """Check the hash chain: every record as it was written, none removed or reordered. Exit 0
    when the chain holds; exit 2 naming the first record that does not fit."""
    from esi_docs.errors import EsiDocsError
    from esi_docs.records.audit import AuditLog

    log = AuditLog(audit_db)
    broken = log.verify()
    if broken is not None:
        raise EsiDocsError(broken)
    click.echo(f"{log.path}: the hash chain holds for every record", err=True)
