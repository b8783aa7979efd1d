"""`esi-docs example KIND`: print a commented example file, ready to copy and edit."""

from __future__ import annotations

from importlib import resources

import click

EXAMPLES = {"patient": "patient.yaml", "clinic": "clinic.yaml", "roster": "roster.csv"}


@click.command()
@click.argument("kind", type=click.Choice(sorted(EXAMPLES)))
def example(kind: str) -> None:
    """Print an example patient, clinic or roster file (redirect it into a file and edit it)."""
    text = (resources.files("esi_docs") / "data" / EXAMPLES[kind]).read_text(encoding="utf-8")
    click.echo(text, nl=False)
