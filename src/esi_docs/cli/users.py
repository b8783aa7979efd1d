"""`esi-docs users`: the checkout server's accounts (add, list, disable, passwd).

Accounts live in the audit database (--audit-db, $ESI_DOCS_AUDIT_DB), so a shared PostgreSQL
record shares them too. A password is asked twice without echo, or read from standard input
with --password-stdin (for scripts); it is never a command-line argument, where other users
could read it in the process list.
"""

from __future__ import annotations

import sys

import click

from esi_docs.cli.options import audit_db_option

ROLE_CHOICE = click.Choice(["nurse", "editor", "admin"])
password_stdin = click.option(
    "--password-stdin", is_flag=True, help="Read the password from the first line of stdin."
)


def _open(audit_db: str | None):  # type: ignore[no-untyped-def]
    from esi_docs.records.accounts import Accounts
    from esi_docs.records.database import default_target

    return Accounts(audit_db or default_target())


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline(1024).rstrip("\r\n")  # bounded: a password, not a stream
    return click.prompt("Password", hide_input=True, confirmation_prompt="Repeat the password")


@click.group()
def users() -> None:
    """Accounts for `esi-docs serve`: once one exists, every page needs sign-in."""


@users.command("add")
@click.argument("name")
@click.option("--role", type=ROLE_CHOICE, required=True, help="What the account may do.")
@password_stdin
@audit_db_option
def add(name: str, role: str, password_stdin: bool, audit_db: str | None) -> None:
    """Add an account NAME with a role (nurse, editor or admin)."""
    from esi_docs.records.accounts import check_name

    store = _open(audit_db)
    check_name(name)  # before asking for a password that would then be thrown away
    store.add(name, role, _password(password_stdin))
    click.echo(f"added {name} ({role})", err=True)


@users.command("list")
@audit_db_option
def list_(audit_db: str | None) -> None:
    """List the accounts: name, role, state."""
    click.echo("name\trole\tstate")
    for account in _open(audit_db).list():
        state = "disabled" if account.disabled else "active"
        if not account.disabled and account.locked_until:
            state = f"locked until {account.locked_until}"
        click.echo(f"{account.name}\t{account.role}\t{state}")


@users.command("disable")
@click.argument("name")
@audit_db_option
def disable(name: str, audit_db: str | None) -> None:
    """Disable NAME: it can no longer sign in, and its open sessions end at the next click."""
    _open(audit_db).disable(name)
    click.echo(f"disabled {name}", err=True)


@users.command("passwd")
@click.argument("name")
@password_stdin
@audit_db_option
def passwd(name: str, password_stdin: bool, audit_db: str | None) -> None:
    """Set a new password for NAME (this also ends a lock after failed sign-ins)."""
    store = _open(audit_db)
    if store.get(name) is None:
        from esi_docs.errors import InputError

        raise InputError(f"account {name!r} does not exist")
    store.set_password(name, _password(password_stdin))
    click.echo(f"new password set for {name}", err=True)
