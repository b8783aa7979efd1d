"""FHIR R4 in and out: patients from a Bundle, and a DocumentReference for a rendered PDF.

The models come from fhir.resources (R4B, which reads R4 for the resources used here); they
are imported inside functions so that commands not using FHIR stay quick to start.
"""

from __future__ import annotations

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
