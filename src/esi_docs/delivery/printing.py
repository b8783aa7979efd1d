"""Printing to the checkout printer through CUPS's own `lp` command.

The PDF goes to `lp` on standard input (no temporary file, no shell, an argument list), with a
neutral job title: job titles show in queues, logs and cups-pdf's file names, so they carry
no patient data. When `lp` fails, `lpstat -r` tells a stopped CUPS from a missing printer, so
the nurse reads one clear line instead of lp's own wording.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess

from esi_docs.errors import EsiDocsError

JOB_TITLE = "esi-docs handout"
TIMEOUT_SECONDS = 30
# CUPS queue names: printable, no space, '/', '#' or '\'; we also refuse a leading '-' so a
# name can never be read as an lp option.
_QUEUE = re.compile(r"[^\s/#\\\-][^\s/#\\]{0,127}")
_JOB_ID = re.compile(r"request id is (\S+)")


class PrintError(EsiDocsError):
    """The sheet could not be sent to a printer (CUPS stopped, no such printer, no lp)."""


def _scheduler_running(lpstat: str | None) -> bool | None:
    """True/False from `lpstat -r`; None when lpstat itself is missing or hangs."""
    if lpstat is None:
        return None
    try:
        done = subprocess.run(  # noqa: S603 - fixed argument list, no shell
            [lpstat, "-r"], capture_output=True, text=True, timeout=TIMEOUT_SECONDS, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return "is running" in done.stdout and "not running" not in done.stdout


def _explain(stderr: str, printer: str | None) -> str:
    if _scheduler_running(shutil.which("lpstat")) is False:
        return "the print system (CUPS) is not running; start it (or ask IT) and print again"
    if printer and "does not exist" in stderr:
        return f"printer '{printer}' does not exist; `lpstat -p` lists the printers"
    if not printer and "default destination" in stderr:
        return (
            "no default printer is set; name one with --print PRINTER or `printer:` in the "
            "clinic profile"
        )
    detail = next((line.strip() for line in stderr.splitlines() if line.strip()), "failed")
    return f"lp: {detail[:200]}"


def no_lp_advice() -> str:
    """How to print on a computer without CUPS's `lp` (every Windows PC): say what works."""
    if os.name == "nt":
        return (
            "Windows has no `lp` command: print the PDF from a PDF viewer (Ctrl+P) or with the "
            "checkout form's Print button"
        )
    return (
        "the `lp` command is not installed (CUPS client; Debian: cups-client): print the PDF "
        "from a PDF viewer or with the checkout form's Print button"
    )


def print_pdf(pdf: bytes, printer: str | None = None, *, title: str = JOB_TITLE) -> str:
    """Send PDF bytes to `printer` (the system's default printer when None or ''); job id."""
    if printer and not _QUEUE.fullmatch(printer):
        raise PrintError(f"printing: '{printer[:40]}' is not a printer name")
    lp = shutil.which("lp")
    if lp is None:
        raise PrintError(f"printing: {no_lp_advice()}")
    args = [lp, "-t", title]
    if printer:
        args += ["-d", printer]
    try:
        done = subprocess.run(  # noqa: S603 - fixed argument list, no shell
            args, input=pdf, capture_output=True, timeout=TIMEOUT_SECONDS, check=False
        )
    except subprocess.TimeoutExpired:
        raise PrintError(f"printing: lp did not answer within {TIMEOUT_SECONDS} s") from None
    except OSError as exc:
        raise PrintError(f"printing: cannot run lp ({exc.strerror})") from None
    stdout = done.stdout.decode(errors="replace")
    if done.returncode != 0:
        raise PrintError("printing: " + _explain(done.stderr.decode(errors="replace"), printer))
    match = _JOB_ID.search(stdout)
    return match[1] if match else ""
