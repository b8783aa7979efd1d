"""The esi-docs command line: thin adapters over esi_docs.api.

This is the one place that turns errors into messages and exit statuses: 2 for anything the
user can fix (named file, field and allowed values), never a traceback.
"""

from __future__ import annotations

import os
import sys

import click

from esi_docs.cli.audit_cmd import audit
from esi_docs.cli.batch import batch
from esi_docs.cli.example import example
from esi_docs.cli.history import history
from esi_docs.cli.lint import lint
from esi_docs.cli.listen import listen
from esi_docs.cli.render import render
from esi_docs.cli.reprint import reprint
from esi_docs.cli.serve import serve
from esi_docs.cli.users import users
from esi_docs.errors import EsiDocsError, Terminated

INTERNAL_ERROR = 3


class EsiDocsGroup(click.Group):
    """Runs a command and reports our errors as one line each, on stderr."""

    def invoke(self, ctx: click.Context):  # type: ignore[no-untyped-def]
        try:
            return super().invoke(ctx)
        except EsiDocsError as exc:
            for problem in exc.problems:
                click.echo(f"esi-docs: error: {problem}", err=True)
            ctx.exit(exc.exit_code)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except KeyboardInterrupt:
            click.echo("esi-docs: interrupted; no partial file was written", err=True)
            ctx.exit(130)
        except Terminated:
            click.echo("esi-docs: stopped by SIGTERM; no partial file was written", err=True)
            ctx.exit(143)
        except Exception as exc:
            # An unexpected exception may quote patient data: show its type only, unless
            # the operator asks for the details.
            if os.environ.get("ESI_DOCS_DEBUG"):
                raise
            click.echo(
                f"esi-docs: internal error ({type(exc).__name__}); set ESI_DOCS_DEBUG=1 "
                "for details, and report it",
                err=True,
            )
            ctx.exit(INTERNAL_ERROR)


@click.group(cls=EsiDocsGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="esi-docs", prog_name="esi-docs")  # looked up lazily
def cli() -> None:
    """Print ESI handouts and discharge sheets from YAML content, patient options and a
    clinic profile."""


cli.add_command(render)
cli.add_command(example)
cli.add_command(serve)
cli.add_command(lint)
cli.add_command(batch)
cli.add_command(history)
cli.add_command(reprint)
cli.add_command(users)
cli.add_command(audit)
cli.add_command(listen)


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="esi-docs")
    sys.exit(0)
