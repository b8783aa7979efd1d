"""`esi-docs listen`: the MLLP listener, a thin adapter over esi_docs.listener."""

from __future__ import annotations

import signal
from pathlib import Path

import click

from esi_docs.cli.auditing import audit_options, open_audit, operator_name
from esi_docs.cli.options import clinic_option, paper_option, print_option, templates_option

MESSAGE_TYPES = ("SIU^S12", "ADT^A04")


def _handouts(given: tuple[str, ...]) -> dict[str, str]:
    from esi_docs.listener.handler import DEFAULT_HANDOUTS

    handouts = dict(DEFAULT_HANDOUTS)
    for item in given:
        kind, _, handout = item.partition("=")
        if kind.upper() not in MESSAGE_TYPES or not handout.strip():
            raise click.BadParameter(
                f"'{item[:40]}': write TYPE=HANDOUT, TYPE one of {', '.join(MESSAGE_TYPES)}",
                param_hint="--handout",
            )
        handouts[kind.upper()] = handout.strip()
    return handouts


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=2575, show_default=True)
@click.option(
    "--allowed-peer",
    "allowed_peers",
    multiple=True,
    help="An address allowed to send (repeat for each); needed to listen beyond loopback.",
)
@click.option(
    "--out-dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Where each letter is written (0600 files named by date, MRN, handout, control ID).",
)
@print_option("Also print each letter (the named printer, else the clinic's, else the default).")
@click.option(
    "--patient",
    "overrides",
    type=click.Path(path_type=Path),
    help="Overrides file: what the messages do not settle (read again for every message).",
)
@click.option(
    "--handout",
    "handouts",
    multiple=True,
    metavar="TYPE=HANDOUT",
    help="The handout for a message type (default SIU^S12=pre-procedure).",
)
@click.option(
    "--max-bytes",
    type=click.IntRange(1_000, 1_000_000),
    default=1_000_000,
    show_default=True,
    help="The largest message accepted.",
)
@click.option(
    "--timeout",
    type=click.FloatRange(0.5, 3600),
    default=60.0,
    show_default=True,
    help="Seconds a connection may stay silent (or a message take to arrive).",
)
@click.option(
    "--max-connections",
    type=click.IntRange(1, 64),
    default=4,
    show_default=True,
    help="Connections open at once; more are closed at once (interface engines reconnect).",
)
@clinic_option
@templates_option
@paper_option
@audit_options
def listen(
    host: str,
    port: int,
    allowed_peers: tuple[str, ...],
    out_dir: Path | None,
    printer: str | None,
    overrides: Path | None,
    handouts: tuple[str, ...],
    max_bytes: int,
    timeout: float,
    max_connections: int,
    clinic_file: Path | None,
    templates: Path | None,
    paper: str,
    audit_db: Path | None,
    no_audit: bool,
    operator: str | None,
) -> None:
    """Receive HL7 v2 messages over MLLP and turn each SIU^S12 into a pre-procedure letter."""
    from esi_docs.inputs.clinic import load_clinic
    from esi_docs.inputs.merging import load_overrides
    from esi_docs.listener.handler import ListenSettings
    from esi_docs.listener.server import Listener, ServerLimits, is_loopback

    if out_dir is None and printer is None:
        raise click.UsageError("give --out-dir DIR, --print [PRINTER], or both")
    if not is_loopback(host) and not allowed_peers:
        raise click.UsageError(
            f"--host {host}: listening beyond this machine needs --allowed-peer ADDRESS "
            "for each sender"
        )
    load_overrides(overrides)  # a broken overrides file stops the start, not every message
    settings = ListenSettings(
        clinic=load_clinic(clinic_file),
        out_dir=out_dir,
        printer=printer,
        overrides=overrides,
        handouts=_handouts(handouts),
        templates=templates,
        paper=paper,
        audit=open_audit(audit_db, no_audit),
        operator=operator_name(operator),
    )
    if out_dir is not None:
        from esi_docs.delivery.atomic import make_private_folders

        make_private_folders(out_dir)
    limits = ServerLimits(max_bytes=max_bytes, timeout=timeout, max_connections=max_connections)
    log = lambda line: click.echo(f"esi-docs listen: {line}", err=True)  # noqa: E731
    try:
        server = Listener(host, port, settings, allowed_peers=allowed_peers, limits=limits, log=log)
    except (OSError, ValueError) as exc:
        from esi_docs.errors import InputError

        raise InputError(f"--host {host} --port {port}: cannot listen ({exc})") from None
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: server.stop())
    log(f"listening on {host}:{server.port}")
    server.serve()
    log("stopped")
