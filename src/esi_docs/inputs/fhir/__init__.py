"""FHIR R4 in and out: patients from a Bundle, and a DocumentReference for a rendered PDF.

The models come from fhir.resources (R4B, which reads R4 for the resources used here); they
are imported inside functions so that commands not using FHIR stay quick to start, and this
package loads its readers on first use (PEP 562): `render` needs only `codes` for the
DocumentReference subject and must not pay for the Bundle readers (issue 18).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the real names for type checkers; at run time __getattr__ loads them
    from esi_docs.inputs.fhir.patients import (
        BundlePatient,
        FieldProvenance,
        Origin,
        Overrides,
        check_overrides,
        patients_from_bundle,
        provenance_record,
    )

__all__ = [
    "BundlePatient",
    "FieldProvenance",
    "Origin",
    "Overrides",
    "check_overrides",
    "patients_from_bundle",
    "provenance_record",
]


def __getattr__(name: str) -> Any:
    """Load the Bundle readers only when one of their names is first used."""
    if name in __all__:
        from esi_docs.inputs.fhir import patients

        return getattr(patients, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
