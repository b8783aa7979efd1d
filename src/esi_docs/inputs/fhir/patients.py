"""Patients from a FHIR Bundle: mapped values, overrides layered on top, and provenance.

The result is the same mapping of strings a patient file holds, so it goes through the same
validation (options.parse_patient) and the same rendering path: a sheet from a Bundle equals
the sheet from the equivalent patient file, byte for byte. The overrides and provenance
machinery is shared with the HL7 v2 reader (inputs/merging.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from esi_docs.errors import InputError, Problem, Problems
from esi_docs.inputs.esi_codes import LocalCode
from esi_docs.inputs.fhir.mapping import (
    map_conditions,
    map_medications,
    map_patient,
    map_procedure,
)
from esi_docs.inputs.fhir.reader import group_by_patient, load_bundle, medication_index
from esi_docs.inputs.merging import (
    FieldProvenance,
    Origin,
    Overrides,
    as_overrides,
    check_overrides,
    check_sections,
    load_overrides,
    merge_findings,
    provenance_record,
)
from esi_docs.inputs.patient import PatientOptions, parse_patient

__all__ = [
    "BundlePatient",
    "FieldProvenance",
    "Origin",
    "Overrides",
    "check_overrides",
    "load_overrides",
    "patients_from_bundle",
    "provenance_record",
]


@dataclass(frozen=True)
class BundlePatient:
    """One patient ready to render: `mapping` is what a patient file would hold."""

    label: str  # "Patient/<id>": safe to log, no PHI
    reference: str  # the Patient reference a DocumentReference points at
    source: str  # how messages name this patient: "bundle.json" or "bundle.json: Patient/x"
    mapping: Mapping[str, str]
    provenance: Mapping[str, FieldProvenance]
    encounter: str | None = None  # the Encounter reference of the ESI Procedure, if any

    def options(self) -> PatientOptions:
        """The validated options (already checked once by patients_from_bundle)."""
        return parse_patient(self.mapping, self.source)


def patients_from_bundle(
    bundle_path: str | Path,
    overrides: Path | Mapping[str, str] | None = None,
    *,
    overrides_source: str = "overrides.yaml",
    procedure_codes: tuple[LocalCode, ...] = (),
) -> list[BundlePatient]:
    """Every patient of a Bundle, mapped, merged with the overrides and validated.

    `overrides` is an overrides file or an already-read mapping (named `overrides_source` in
    messages and provenance): its keys apply to every patient, and a `Patient/<id>:` section
    to that patient only. `procedure_codes` is the clinic profile's own code map. All problems
    of all patients are raised together as one InputError.
    """
    bundle_path = Path(bundle_path)
    checked = as_overrides(overrides, overrides_source)
    bundle = load_bundle(bundle_path)
    records = group_by_patient(bundle, str(bundle_path))
    check_sections(checked, {r.label for r in records}, str(bundle_path), "Patient")
    medications = medication_index(bundle)
    patients: list[BundlePatient] = []
    errors: list[Problem] = []
    for record in records:
        source = str(bundle_path) if len(records) == 1 else f"{bundle_path}: {record.label}"
        procedure = map_procedure(record, procedure_codes)
        findings = {
            **map_patient(record),
            **procedure.findings,
            **map_conditions(record),
            **map_medications(record, medications),
        }
        problems = Problems(source)
        mapping, provenance = merge_findings(
            findings, record.label, checked, str(bundle_path), problems, several=len(records) > 1
        )
        try:
            problems.raise_if_any()
            parse_patient(mapping, source)
        except InputError as exc:
            errors.extend(exc.problems)
            continue
        patients.append(
            BundlePatient(
                record.label,
                record.reference,
                source,
                MappingProxyType(mapping),
                MappingProxyType(provenance),
                procedure.encounter,
            )
        )
    if errors:
        raise InputError(errors)
    return patients
