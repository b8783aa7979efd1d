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
from esi_docs.cli.options import clinic_option, templates_option

if TYPE_CHECKING:
    from esi_docs.inputs.clinic import ClinicProfile
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
@click.option(
    "--audit-db",
    type=click.Path(path_type=Path, dir_okay=False),
    help="The audit database. Default: $ESI_DOCS_AUDIT_DB, else the user's data folder.",
)
@click.option("--no-audit", is_flag=True, help="Do not record printed sheets (not for clinics).")
def serve(
    host: str,
    port: int,
    clinic_file: Path | None,
    templates: Path | None,
    threads: int,
    workers: int | None,
    render_seconds: float,
    audit_db: Path | None,
    no_audit: bool,
):
    """Serve the checkout form (one page: fill in, show, print)."""
    from waitress import create_server

    from esi_docs.content.search_path import ContentPaths
    from esi_docs.inputs.clinic import load_clinic
    from esi_docs.web import create_app

    clinic = load_clinic(clinic_file)
    if templates is not None:
        ContentPaths(templates)  # a missing folder is a clear error now, not at the first sheet
    _configure_logging()
    audit = open_audit(audit_db, no_audit)  # opened now: a broken database stops start-up
    pool = _render_pool(workers, render_seconds)
    app = create_app(
        clinic,
        templates,
        on_render=audit_recorder(audit, clinic, templates) if audit else None,
        secret_key=os.environ.get(SECRET_ENV) or None,
        render=pool.render if pool else None,
    )
    server = create_server(app, host=host, port=port, threads=threads, ident="esi-docs")
    if not is_loopback(host):
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


def audit_recorder(audit: AuditLog, clinic: ClinicProfile, templates: Path | None) -> OnRender:
    """The form's on_render hook: every sheet handed out is one audit record, with the
    operator the nurse typed for this session. If recording fails, the form hands out no PDF."""

    def record(rendered: Any, handout: str, patient: Any, operator: str) -> None:
        audit.record(
            rendered=rendered,
            handout=handout,
            patient=patient,
            clinic=clinic,
            operator=operator,
            options={"source": "web", "templates": str(templates) if templates else None},
            templates=templates,
        )

    return record


def _configure_logging() -> None:
    """Our access log on stderr; werkzeug's (which writes whole URLs) is never used."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    logging.getLogger("werkzeug").disabled = True
