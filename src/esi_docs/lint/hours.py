"""Opening hours for `esi-docs lint --clinic clinic.yaml` (issue 13).

The clinic writes its hours in each language it prints (`opening_hours` in the profile); a
language left out simply prints none. That may be a choice, so it is a note, never a failure.
"""

from __future__ import annotations

from esi_docs.inputs.clinic import HOURS_KEY, ClinicProfile
from esi_docs.lint.findings import NOTE, Finding
from esi_docs.lint.sources import Inventory

CHECK = "clinic"


def check_opening_hours(
    inventory: Inventory, clinic: ClinicProfile, clinic_file: str
) -> list[Finding]:
    """A note per language with content but no opening hours in the clinic's file."""
    return [
        Finding(
            clinic_file,
            None,
            NOTE,
            CHECK,
            f"{HOURS_KEY}: none for '{language}'; its discharge sheets print no opening hours",
        )
        for language in inventory.languages
        if language not in clinic.opening_hours
    ]
