"""The esi-docs command line: thin adapters over esi_docs.api.

This is the one place that turns errors into messages and exit statuses: 2 for anything the
user can fix (named file, field and allowed values), never a traceback.
"""

from __future__ import annotations

import gc
import importlib
import os
import sys

import click

from esi_docs.errors import EsiDocsError, Terminated

INTERNAL_ERROR = 3
# Each command's module, imported only when that command runs (or --help lists them all): a
# fresh `esi-docs render` does not pay for the batch, server, listener or account code.
COMMANDS = {
    "render": "esi_docs.cli.render",
    "example": "esi_docs.cli.example",
    "serve": "esi_docs.cli.serve",
    "lint": "esi_docs.cli.lint",
    "batch": "esi_docs.cli.batch",
    "history": "esi_docs.cli.history",
    "reprint": "esi_docs.cli.reprint",
    "users": "esi_docs.cli.users",
    "audit": "esi_docs.cli.audit_cmd",
    "listen": "esi_docs.cli.listen",
}


class EsiDocsGroup(click.Group):
    """Runs a command and reports our errors as one line each, on stderr."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*COMMANDS, *self.commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            module = importlib.import_module(COMMANDS[cmd_name])
            self.add_command(getattr(module, cmd_name))
        return self.commands.get(cmd_name)

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


# Commands that print one sheet or one answer and exit. Python's cycle collector only costs
# them time: it walked every imported object again and again (30 ms of a 280 ms `esi-docs
# render`) to free nothing (the same peak memory without it, 55 MB). The long-running
# commands (serve, listen, batch, lint) keep it.
ONE_SHOT = frozenset({"render", "reprint", "example", "history"})


def main() -> None:
    """Console-script entry point.

    When the command is done (every file written and closed, every record committed), what
    the process built is handed to the collector's permanent generation: Python's last
    collection at exit then skips it instead of walking every object of ReportLab, Jinja and
    the parsed fonts, which took another 30 ms (issue 18)."""
    if len(sys.argv) > 1 and sys.argv[1] in ONE_SHOT:
        gc.disable()
    try:
        cli(prog_name="esi-docs")
    finally:
        gc.freeze()
    sys.exit(0)
