"""`esi-docs serve`: the checkout form on this machine, for nurses at the desk.

Served by waitress: pure Python, maintained, a thread pool in one process (so the per-process
secret key and the loaded content are shared) and no request log of its own, which leaves the
PHI-free log of esi_docs.web as the only one.
"""

from __future__ import annotations

import ipaddress
import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from esi_docs.cli.auditing import open_audit
from esi_docs.cli.options import audit_db_option, clinic_option, templates_option
from esi_docs.errors import InputError

if TYPE_CHECKING:
    from esi_docs.inputs.clinic import ClinicProfile
    from esi_docs.records.accounts import Accounts
    from esi_docs.records.audit import AuditLog
    from esi_docs.web.app import OnRender

SECRET_ENV = "ESI_DOCS_SECRET_KEY"  # noqa: S105 - the variable's name, not a secret


def is_loopback(host: str) -> bool:
    """True for addresses only this machine can reach."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def exposure_warning(host: str) -> str:
    return (
        f"WARNING: esi-docs serve is listening on {host}, not only on this machine.\n"
        "WARNING: other computers on the network can reach a page that prints patient "
        "data, over plain HTTP.\n"
        "WARNING: do this only behind the clinic's firewall or an HTTPS proxy; the default "
        "is --host 127.0.0.1."
    )


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@clinic_option
@templates_option
@click.option("--threads", default=8, show_default=True, type=click.IntRange(1, 64))
@click.option(
    "--workers",
    type=click.IntRange(0, 64),
    help="Render processes (default: one per usable core; 0: render in the server process).",
)
@click.option(
    "--render-seconds",
    default=30.0,
    show_default=True,
    type=click.FloatRange(1, 600),
    help="A sheet still laying out after this long is stopped and its worker replaced.",
)
@audit_db_option
@click.option("--no-audit", is_flag=True, help="Do not record printed sheets (not for clinics).")
@click.option(
    "--idle-minutes",
    default=15,
    show_default=True,
    type=click.IntRange(1, 720),
    help="Sign a desk out after this many minutes without activity.",
)
@click.option(
    "--trusted-proxy",
    is_flag=False,
    flag_value="127.0.0.1",
    default=None,
    metavar="[ADDRESS]",
    help="Behind an HTTPS reverse proxy (Caddy) at ADDRESS (default 127.0.0.1): trust its "
    "X-Forwarded-For/-Proto/-Host.",
)
@click.option(
    "--allowed-host",
    "allowed_hosts",
    multiple=True,
    metavar="NAME",
    help="A name the desks use to reach this server (e.g. esi.clinic.local); repeatable. "
    "Loopback names are always allowed; any other Host header is refused.",
)
def serve(
    host: str,
    port: int,
    clinic_file: Path | None,
    templates: Path | None,
    threads: int,
    workers: int | None,
    render_seconds: float,
    audit_db: str | None,
    no_audit: bool,
    idle_minutes: int,
    trusted_proxy: str | None,
    allowed_hosts: tuple[str, ...],
):
    """Serve the checkout form (one page: fill in, show, print). Once `esi-docs users add`
    has made an account, every page needs sign-in; without accounts, this PC only."""
    from waitress import create_server

    from esi_docs.content.search_path import ContentPaths
    from esi_docs.inputs.clinic import load_clinic
    from esi_docs.web import create_app

    if not host.strip():
        raise InputError("--host: give an address such as 127.0.0.1 (an empty one means all)")
    clinic = load_clinic(clinic_file)
    if templates is not None:
        ContentPaths(templates)  # a missing folder is a clear error now, not at the first sheet
    accounts = open_accounts(audit_db, host)
    _configure_logging()
    audit = open_audit(audit_db, no_audit)  # opened now: a broken database stops start-up
    pool = _render_pool(workers, render_seconds)
    app = create_app(
        clinic,
        templates,
        on_render=audit_recorder(audit, clinic, templates) if audit else None,
        secret_key=os.environ.get(SECRET_ENV) or None,
        accounts=accounts,
        audit=audit,
        idle_minutes=idle_minutes,
        allowed_hosts=(*allowed_hosts, *_own_name(host)),
        render=pool.render if pool else None,
    )
    try:
        server = create_server(
            app,
            host=host,
            port=port,
            threads=threads,
            ident="esi-docs",
            **server_limits(),
            **proxy_settings(trusted_proxy),
        )
    except OSError as exc:  # the port is taken, the address is not this machine's ...
        reason = exc.strerror or type(exc).__name__
        raise InputError(f"--host {host} --port {port}: cannot listen there ({reason})") from None
    if not is_loopback(host) and not trusted_proxy:
        click.echo(exposure_warning(host), err=True)
    click.echo(f"esi-docs: checkout form at http://{host}:{port}/ (Ctrl-C stops it)", err=True)
    try:
        server.run()
    except KeyboardInterrupt:
        click.echo("esi-docs: stopped", err=True)
    finally:
        server.close()
        if pool:
            pool.close()


def _render_pool(workers: int | None, seconds: float) -> Any:
    """One render process per usable core unless told otherwise; 0 renders in-process."""
    from esi_docs.cores import usable_cores
    from esi_docs.web.pool import RenderPool

    count = usable_cores() if workers is None else workers
    return RenderPool(count, seconds) if count else None


def _own_name(host: str) -> list[str]:
    """The address the server listens on is a name desks may use (not a wildcard one)."""
    wildcard = ("0.0.0.0", "::")  # noqa: S104 - names compared, nothing bound here
    return [] if host in wildcard else [host]


def server_limits() -> dict[str, Any]:
    """Waitress's own limits, so the form's 64 KB rule holds before a body is read, and slow
    or idle clients cannot hold every connection slot."""
    from esi_docs.web.app import MAX_REQUEST_BYTES

    return {
        "max_request_body_size": MAX_REQUEST_BYTES,
        "max_request_header_size": 32 * 1024,
        "connection_limit": 200,
        "channel_timeout": 20,
        "cleanup_interval": 5,
    }


def proxy_settings(trusted_proxy: str | None) -> dict[str, Any]:
    """Waitress's own proxy handling, not werkzeug's ProxyFix: waitress removes X-Forwarded-*
    headers before the app sees them unless they come from the trusted address, so a desk
    cannot claim to be HTTPS or another client by sending the headers itself."""
    if trusted_proxy is None:
        return {}
    return {
        "trusted_proxy": trusted_proxy,
        "trusted_proxy_count": 1,
        "trusted_proxy_headers": {"x-forwarded-for", "x-forwarded-proto", "x-forwarded-host"},
        "clear_untrusted_proxy_headers": True,
    }


def open_accounts(audit_db: str | None, host: str) -> Accounts | None:
    """The accounts when at least one exists; None means one desk on this PC, which only a
    loopback address allows (anyone on the network could otherwise print as anyone)."""
    from esi_docs.records.accounts import Accounts
    from esi_docs.records.database import default_target

    accounts = Accounts(audit_db or default_target())
    if accounts.any():
        return accounts
    if not is_loopback(host):
        raise InputError(
            f"--host {host}: listening beyond this PC needs accounts; add one with "
            "`esi-docs users add NAME --role admin` (without accounts: --host 127.0.0.1)"
        )
    return None


def audit_recorder(audit: AuditLog, clinic: ClinicProfile, templates: Path | None) -> OnRender:
    """The form's on_render hook: every sheet handed out is one audit record, with the
    operator the nurse typed for this session. If recording fails, the form hands out no PDF."""

    def record(rendered: Any, handout: str, patient: Any, operator: str) -> None:
        audit.record(rendered, operator=operator, source="web")

    return record


def _configure_logging() -> None:
    """Our access log on stderr; werkzeug's (which writes whole URLs) is never used."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    logging.getLogger("werkzeug").disabled = True
