"""Patients from a FHIR Bundle: mapped values, overrides layered on top, and provenance.

The result is the same mapping of strings a patient file holds, so it goes through the same
validation (options.parse_patient) and the same rendering path: a sheet from a Bundle equals
the sheet from the equivalent patient file, byte for byte.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

from esi_docs import fields as parse
from esi_docs.errors import InputError, Problems
from esi_docs.fhir.mapping import (
    Finding,
    map_conditions,
    map_medications,
    map_patient,
    map_procedure,
)
from esi_docs.fhir.reader import group_by_patient, load_bundle, medication_index
from esi_docs.options import FIELD_PARSERS, PatientOptions, parse_patient
from esi_docs.yamlio import load_data_file


@dataclass(frozen=True)
class Origin:
    """Where one value came from: a file, the element in it ('' for an overrides file)."""

    source: str
    where: str
    value: str | None  # None: the Bundle spoke of the field without settling it
    note: str = ""


@dataclass(frozen=True)
class FieldProvenance:
    """The value used, and the Bundle's value an override replaced (kept for the audit)."""

    used: Origin
    overridden: Origin | None = None


@dataclass(frozen=True)
class BundlePatient:
    """One patient ready to render: `mapping` is what a patient file would hold."""

    label: str  # "Patient/<id>": safe to log, no PHI
    reference: str  # the Patient reference a DocumentReference points at
    source: str  # how messages name this patient: "bundle.json" or "bundle.json: Patient/x"
    mapping: Mapping[str, str]
    provenance: Mapping[str, FieldProvenance]

    def options(self) -> PatientOptions:
        """The validated options (already checked once by patients_from_bundle)."""
        return parse_patient(self.mapping, self.source)


def load_overrides(path: Path | None) -> tuple[dict[str, str], str]:
    """An overrides file: a subset of patient-file keys, each value checked on its own."""
    if path is None:
        return {}, ""
    data = load_data_file(path)
    problems = Problems(str(path))
    if not isinstance(data, Mapping):
        problems.add("", "must be a mapping of field: value lines")
        problems.raise_if_any()
    for key, value in data.items():
        if key not in FIELD_PARSERS:
            problems.add(str(key), f"unknown field; allowed fields are {', '.join(FIELD_PARSERS)}")
            continue
        try:
            FIELD_PARSERS[key][0](value)
        except parse.FieldError as exc:
            problems.add(str(key), str(exc))
    problems.raise_if_any()
    return {str(k): v for k, v in data.items()}, str(path)


def _hint(overrides_source: str) -> str:
    return f"give it in --patient {overrides_source or 'overrides.yaml'}"


def _merge(
    findings: dict[str, Finding],
    overrides: Mapping[str, str],
    overrides_source: str,
    bundle_source: str,
    problems: Problems,
) -> tuple[dict[str, str], dict[str, FieldProvenance]]:
    """Overrides win; every required or spoken-of field must end with a value."""
    mapping: dict[str, str] = {}
    provenance: dict[str, FieldProvenance] = {}
    for field, (_, required) in FIELD_PARSERS.items():
        found = findings.get(field)
        from_bundle = found and Origin(bundle_source, found.where, found.value, found.reason)
        if field in overrides:
            mapping[field] = overrides[field]
            used = Origin(overrides_source, "", overrides[field])
            provenance[field] = FieldProvenance(used, from_bundle or None)
        elif found is not None and found.value is not None:
            mapping[field] = found.value
            provenance[field] = FieldProvenance(from_bundle)
        elif found is not None:
            problems.add(field, f"{found.where}: {found.reason}; {_hint(overrides_source)}")
        elif required:
            problems.add(field, f"not in the Bundle; {_hint(overrides_source)}")
    return mapping, provenance


def patients_from_bundle(
    bundle_path: str | Path,
    overrides: Path | Mapping[str, str] | None = None,
    *,
    overrides_source: str = "overrides.yaml",
) -> list[BundlePatient]:
    """Every patient of a Bundle, mapped, merged with the overrides and validated.

    `overrides` is an overrides file or an already-read mapping (named `overrides_source` in
    messages and provenance); it applies to every patient.
    All problems of all patients are raised together as one InputError.
    """
    bundle_path = Path(bundle_path)
    if isinstance(overrides, Path) or overrides is None:
        overrides, overrides_source = load_overrides(overrides)
    bundle = load_bundle(bundle_path)
    records = group_by_patient(bundle, str(bundle_path))
    medications = medication_index(bundle)
    patients: list[BundlePatient] = []
    errors: list[str] = []
    for record in records:
        source = str(bundle_path) if len(records) == 1 else f"{bundle_path}: {record.label}"
        findings = {
            **map_patient(record),
            **map_procedure(record),
            **map_conditions(record),
            **map_medications(record, medications),
        }
        problems = Problems(source)
        mapping, provenance = _merge(
            findings, overrides, overrides_source, str(bundle_path), problems
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
            )
        )
    if errors:
        raise InputError(errors)
    return patients


def provenance_record(patient: BundlePatient) -> dict[str, Any]:
    """Provenance as plain data (for an audit record): field -> used / overridden origins."""

    def origin(o: Origin | None) -> dict[str, Any] | None:
        if o is None:
            return None
        return {"source": o.source, "where": o.where, "value": o.value, "note": o.note}

    return {
        field: {"used": origin(p.used), "overridden": origin(p.overridden)}
        for field, p in patient.provenance.items()
    }
