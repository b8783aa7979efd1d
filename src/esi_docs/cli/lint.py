"""`esi-docs lint`: checks the content (and a clinic profile) like a compiler checks code.

Exit status 0: clean (warnings allowed unless --strict); 1: errors (with --strict, warnings
too); 2: the lint could not run (a missing folder, an unreadable clinic file).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

FAILED = 1


def _iso_date(_ctx: click.Context, _param: click.Parameter, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"'{value}' is not a date written as YYYY-MM-DD") from None


@click.command()
@click.option(
    "--templates",
    type=click.Path(path_type=Path),
    help="A folder of the clinic's own content, searched before the packaged one.",
)
@click.option(
    "--clinic",
    "clinic_file",
    type=click.Path(path_type=Path),
    help="Clinic profile to check and to fill the text with. Default: the packaged profile.",
)
@click.option("--strict", is_flag=True, help="Warnings fail the run too.")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
)
@click.option(
    "--only",
    multiple=True,
    # lint.runner.FAMILIES, written out: the CLI must not import the lint to start
    type=click.Choice(["names", "completeness", "grid", "reading", "style", "review", "clinic"]),
    help="Run only this check family (repeatable); names, unsafe constructs and each file's "
    "shape are always checked.",
)
@click.option("--today", callback=_iso_date, hidden=True, help="Date to check reviews against.")
@click.pass_context
def lint(
    ctx: click.Context,
    templates: Path | None,
    clinic_file: Path | None,
    strict: bool,
    output_format: str,
    today: date | None,
    only: tuple[str, ...],
) -> None:
    """Check that the content is complete, safe and readable."""
    from esi_docs.lint import run_lint
    from esi_docs.lint.report import as_json, as_text

    report = run_lint(templates, clinic_file, today=today, only=only)
    render = as_json if output_format == "json" else as_text
    click.echo(render(report, strict=strict))
    if report.failed(strict=strict):
        ctx.exit(FAILED)
