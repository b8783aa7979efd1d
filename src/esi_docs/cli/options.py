"""Click options that several commands share, declared once so they read the same everywhere."""

from __future__ import annotations

from pathlib import Path

import click

# The paper sizes esi_docs.api.PAPERS accepts (kept literal: importing the API here would load
# Jinja2 and Babel for every command, even --help; a test keeps the two equal).
PAPERS = ("letter", "a4")

clinic_option = click.option(
    "--clinic",
    "clinic_file",
    type=click.Path(path_type=Path),
    help="Clinic profile (YAML). Default: the packaged example profile.",
)
templates_option = click.option(
    "--templates",
    type=click.Path(path_type=Path),
    help="A folder of the clinic's own content, searched before the packaged one.",
)
paper_option = click.option(
    "--paper", type=click.Choice(PAPERS), default="letter", show_default=True
)


def print_option(help_text: str):  # type: ignore[no-untyped-def]
    """`--print` alone means the clinic's (else the system's) default printer."""
    return click.option(
        "--print",
        "printer",
        is_flag=False,
        flag_value="",
        default=None,
        metavar="[PRINTER]",
        help=help_text,
    )


audit_db_option = click.option(
    "--audit-db",
    metavar="FILE|URL",
    help="The audit database: a SQLite file or a postgresql:// URL. Default: "
    "$ESI_DOCS_AUDIT_DB, else the user's data folder.",
)
