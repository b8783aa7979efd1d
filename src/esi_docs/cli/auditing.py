"""The audit options shared by every command that renders: --audit-db, --no-audit, --operator."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from esi_docs.records.audit import AuditLog


def audit_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """Add the audit options to a click command."""
    command = click.option(
        "--operator",
        help="Who printed it, for the audit trail. Default: the logged-in user.",
    )(command)
    command = click.option(
        "--no-audit", is_flag=True, help="Do not record this render in the audit trail."
    )(command)
    return click.option(
        "--audit-db",
        metavar="FILE|URL",
        help="The audit database: a file or a postgresql:// URL (default: $ESI_DOCS_AUDIT_DB).",
    )(command)


def open_audit(audit_db: str | Path | None, no_audit: bool = False) -> AuditLog | None:
    """The audit log to write to, or None with --no-audit."""
    if no_audit:
        return None
    from esi_docs.records.audit import AuditLog

    return AuditLog(audit_db)


OPERATOR_LIMIT = 60


def operator_name(operator: str | None) -> str:
    """--operator as given (a name that prints as one plain line in `history`), else the
    logged-in user."""
    from esi_docs.errors import InputError
    from esi_docs.records.audit import current_operator

    if not operator or not operator.strip():
        return current_operator()
    name = operator.strip()
    if not name.isprintable() or len(name) > OPERATOR_LIMIT:
        raise InputError(
            f"--operator: must be a name of at most {OPERATOR_LIMIT} printable characters "
            "(no tabs, line breaks or terminal escapes)"
        )
    return name
