"""Which day it is, for the checks that compare a sheet's dates with today.

A pre-procedure letter whose stop date has passed must be refused, and a discharge sheet for a
procedure still to come too. Those checks read the day from here, so tests, CI and a clinic
that prints tomorrow's letters tonight can say the day (`ESI_DOCS_TODAY=YYYY-MM-DD`) instead of
depending on the calendar. Nothing printed on a sheet depends on it.
"""

from __future__ import annotations

import os
from datetime import date

from esi_docs.errors import InputError, Problem

ENVIRONMENT = "ESI_DOCS_TODAY"


def today() -> date:
    """$ESI_DOCS_TODAY when set (YYYY-MM-DD), else the machine's date."""
    written = os.environ.get(ENVIRONMENT, "").strip()
    if not written:
        return date.today()
    try:
        return date.fromisoformat(written) if len(written) == 10 else _refuse(written)
    except ValueError:
        return _refuse(written)


def _refuse(written: str) -> date:
    shown = written if len(written) <= 20 else written[:20] + "..."
    text = f"'{shown}' is not a date written as YYYY-MM-DD"
    raise InputError(Problem(source="environment", field=ENVIRONMENT, text=text, code="format"))
