"""HL7 v2 in: patients from SIU^S12 and ADT^A04 messages (a file, or one MLLP frame).

The parser (python-hl7) and the mappers load on first use (PEP 562), so commands that do not
read HL7 do not pay for them. Input code only: nothing here imports rendering code.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the real names for type checkers; at run time __getattr__ loads them
    from esi_docs.inputs.hl7.patients import (
        MessagePatient,
        patient_from_message,
        patients_from_hl7,
    )

__all__ = ["MessagePatient", "patient_from_message", "patients_from_hl7"]


def __getattr__(name: str) -> Any:
    """Load the readers only when one of their names is first used."""
    if name in __all__:
        from esi_docs.inputs.hl7 import patients

        return getattr(patients, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
