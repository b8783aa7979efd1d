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

from esi_docs.errors import InputError, Problem, Problems
from esi_docs.inputs import values as parse
from esi_docs.inputs.fhir.mapping import (
    Finding,
    map_conditions,
    map_medications,
    map_patient,
    map_procedure,
)
from esi_docs.inputs.fhir.reader import group_by_patient, load_bundle, medication_index
from esi_docs.inputs.patient import FIELD_PARSERS, PatientOptions, parse_patient
from esi_docs.inputs.yamlio import load_data_file


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


@dataclass(frozen=True)
class Overrides:
    """What the overrides file says: keys for every patient, and `Patient/<id>:` sections."""

    source: str
    shared: Mapping[str, str]
    per_patient: Mapping[str, Mapping[str, str]]

    def for_patient(self, label: str) -> tuple[dict[str, str], dict[str, str]]:
        """The values for one patient, and for each the section it came from."""
        own = self.per_patient.get(label, {})
        values = {**self.shared, **own}
        return values, {key: (label if key in own else "") for key in values}


def _check_fields(data: Mapping, where: str, problems: Problems) -> dict[str, str]:
    prefix = f"{where}." if where else ""
    for key, value in data.items():
        if key not in FIELD_PARSERS:
            allowed = ", ".join(FIELD_PARSERS)
            problems.add(f"{prefix}{key}", f"unknown field; allowed fields are {allowed}")
            continue
        try:
            FIELD_PARSERS[key][0](value)
        except parse.FieldError as exc:
            problems.add(f"{prefix}{key}", str(exc))
    return {str(key): value for key, value in data.items()}


def check_overrides(data: Any, source: str) -> Overrides:
    """Validate overrides: patient-file keys, each value checked on its own; a key
    `Patient/<id>` holds a mapping of keys for that patient only (they win over shared ones)."""
    problems = Problems(source)
    if data is None:
        data = {}
    if not isinstance(data, Mapping):
        problems.add("", "must be a mapping of field: value lines")
        problems.raise_if_any()
    shared = {k: v for k, v in data.items() if not str(k).startswith("Patient/")}
    per_patient: dict[str, dict[str, str]] = {}
    for key, section in data.items():
        if not str(key).startswith("Patient/"):
            continue
        if not isinstance(section, Mapping):
            problems.add(str(key), "must be a mapping of field: value lines for that patient")
            continue
        per_patient[str(key)] = _check_fields(section, str(key), problems)
    checked = _check_fields(shared, "", problems)
    problems.raise_if_any()
    return Overrides(source, checked, per_patient)


def load_overrides(path: Path | None) -> Overrides:
    """An overrides file (see check_overrides); no file means no overrides."""
    if path is None:
        return Overrides("", {}, {})
    return check_overrides(load_data_file(path), str(path))


def _hint(overrides_source: str, section: str) -> str:
    where = f"give it in --patient {overrides_source or 'overrides.yaml'}"
    return f"{where} (for this patient only: under {section}:)" if section else where


def _merge(
    findings: dict[str, Finding],
    label: str,
    overrides: Overrides,
    bundle_source: str,
    problems: Problems,
    *,
    several: bool,
) -> tuple[dict[str, str], dict[str, FieldProvenance]]:
    """Overrides win; every required or spoken-of field must end with a value."""
    mapping: dict[str, str] = {}
    provenance: dict[str, FieldProvenance] = {}
    given, sections = overrides.for_patient(label)
    overrides_source = overrides.source
    hint = _hint(overrides_source, label if several else "")
    for field, (_, required) in FIELD_PARSERS.items():
        found = findings.get(field)
        from_bundle = found and Origin(bundle_source, found.where, found.value, found.reason)
        if field in given:
            mapping[field] = given[field]
            used = Origin(overrides_source, sections[field], given[field])
            provenance[field] = FieldProvenance(used, from_bundle or None)
        elif found is not None and found.value is not None:
            mapping[field] = found.value
            bundle = Origin(bundle_source, found.where, found.value, found.reason)
            provenance[field] = FieldProvenance(bundle)
        elif found is not None:
            problems.add(field, f"{found.where}: {found.reason}; {hint}")
        elif required:
            problems.add(field, f"not in the Bundle; {hint}")
    return mapping, provenance


def patients_from_bundle(
    bundle_path: str | Path,
    overrides: Path | Mapping[str, str] | None = None,
    *,
    overrides_source: str = "overrides.yaml",
) -> list[BundlePatient]:
    """Every patient of a Bundle, mapped, merged with the overrides and validated.

    `overrides` is an overrides file or an already-read mapping (named `overrides_source` in
    messages and provenance): its keys apply to every patient, and a `Patient/<id>:` section
    to that patient only. All problems of all patients are raised together as one InputError.
    """
    bundle_path = Path(bundle_path)
    if isinstance(overrides, Path) or overrides is None:
        checked = load_overrides(overrides)
    else:
        checked = check_overrides(overrides, overrides_source)
    bundle = load_bundle(bundle_path)
    records = group_by_patient(bundle, str(bundle_path))
    _check_sections(checked, records, str(bundle_path))
    medications = medication_index(bundle)
    patients: list[BundlePatient] = []
    errors: list[Problem] = []
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
            )
        )
    if errors:
        raise InputError(errors)
    return patients


def _check_sections(overrides: Overrides, records: list, bundle_source: str) -> None:
    """A `Patient/<id>:` section for a patient the Bundle does not hold is a typo: refuse it."""
    labels = {record.label for record in records}
    problems = Problems(overrides.source)
    for label in overrides.per_patient:
        if label not in labels:
            problems.add(label, f"no such Patient in {bundle_source}")
    problems.raise_if_any()


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
