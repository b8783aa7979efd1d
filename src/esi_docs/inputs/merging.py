"""What an EHR message settles, layered under the staff's overrides file: shared by FHIR and HL7.

A reader (FHIR Bundle, HL7 v2 message) turns its input into Findings: per patient-file field,
the value as a patient file would hold it and where it came from, or why the input speaks of
the field without settling it. `merge_findings` puts the overrides on top and names, one line
per field, every required value that is still missing and where it could come from. Nothing
here guesses a value.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from esi_docs.errors import Problems
from esi_docs.inputs import values as parse
from esi_docs.inputs.patient import FIELD_PARSERS
from esi_docs.inputs.yamlio import load_data_file


@dataclass(frozen=True)
class Finding:
    """One field as the input gives it; value None means 'spoken of, but not settled'.

    `final` marks a refusal no override can lift (a catheter infusion is not a single-shot
    injection, whatever the overrides file says)."""

    value: str | None
    where: str
    reason: str = ""
    final: bool = False


Findings = dict[str, Finding]


@dataclass(frozen=True)
class Origin:
    """Where one value came from: a file, the element in it ('' for an overrides file)."""

    source: str
    where: str
    value: str | None  # None: the input spoke of the field without settling it
    note: str = ""


@dataclass(frozen=True)
class FieldProvenance:
    """The value used, and the input's value an override replaced (kept for the audit)."""

    used: Origin
    overridden: Origin | None = None


@dataclass(frozen=True)
class Overrides:
    """What the overrides file says: keys for every patient, and per-patient sections
    (`Patient/<id>:` for a FHIR Bundle, `Message/<control id>:` for HL7 v2)."""

    source: str
    shared: Mapping[str, str]
    per_patient: Mapping[str, Mapping[str, str]]

    def for_patient(self, label: str) -> tuple[dict[str, str], dict[str, str]]:
        """The values for one patient, and for each the section it came from."""
        own = self.per_patient.get(label, {})
        values = {**self.shared, **own}
        return values, {key: (label if key in own else "") for key in values}


SECTION_PREFIXES = ("Patient/", "Message/")


def _is_section(key: Any) -> bool:
    return str(key).startswith(SECTION_PREFIXES)


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
    `Patient/<id>` or `Message/<control id>` holds a mapping of keys for that patient only
    (they win over shared ones)."""
    problems = Problems(source)
    if data is None:
        data = {}
    if not isinstance(data, Mapping):
        problems.add("", "must be a mapping of field: value lines")
        problems.raise_if_any()
    shared = {k: v for k, v in data.items() if not _is_section(k)}
    per_patient: dict[str, dict[str, str]] = {}
    for key, section in data.items():
        if not _is_section(key):
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


def as_overrides(
    overrides: Path | Mapping[str, Any] | None, overrides_source: str = "overrides.yaml"
) -> Overrides:
    """An overrides file, or an already-read mapping named `overrides_source` in messages."""
    if isinstance(overrides, Path) or overrides is None:
        return load_overrides(overrides)
    return check_overrides(overrides, overrides_source)


def check_sections(overrides: Overrides, labels: set[str], input_source: str, noun: str) -> None:
    """A section for a patient the input does not hold is a typo: refuse it."""
    problems = Problems(overrides.source)
    for label in overrides.per_patient:
        if label not in labels:
            problems.add(label, f"no such {noun} in {input_source}")
    problems.raise_if_any()


def _hint(overrides_source: str, section: str) -> str:
    where = f"give it in --patient {overrides_source or 'overrides.yaml'}"
    return f"{where} (for this patient only: under {section}:)" if section else where


def merge_findings(
    findings: Mapping[str, Finding],
    label: str,
    overrides: Overrides,
    input_source: str,
    problems: Problems,
    *,
    several: bool,
    noun: str = "the Bundle",
) -> tuple[dict[str, str], dict[str, FieldProvenance]]:
    """Overrides win; every required or spoken-of field must end with a value. A field the
    input does not hold reads `<field>: not in <noun>; give it in --patient FILE`."""
    mapping: dict[str, str] = {}
    provenance: dict[str, FieldProvenance] = {}
    final = [(field, f) for field, f in findings.items() if f.final]
    if final:  # a refusal no override lifts: say only that
        for field, refused in final:
            problems.add(field, f"{refused.where}: {refused.reason}")
        return mapping, provenance
    given, sections = overrides.for_patient(label)
    hint = _hint(overrides.source, label if several else "")
    for field, (_, required) in FIELD_PARSERS.items():
        found = findings.get(field)
        from_input = Origin(input_source, found.where, found.value, found.reason) if found else None
        if field in given:
            mapping[field] = given[field]
            used = Origin(overrides.source, sections[field], given[field])
            provenance[field] = FieldProvenance(used, from_input)
        elif found is not None and found.value is not None and from_input is not None:
            mapping[field] = found.value
            provenance[field] = FieldProvenance(from_input)
        elif found is not None:
            problems.add(field, f"{found.where}: {found.reason}; {hint}")
        elif required:
            problems.add(field, f"not in {noun}; {hint}")
    return mapping, provenance


def provenance_record(patient: Any) -> dict[str, Any]:
    """Provenance as plain data (for an audit record): field -> used / overridden origins."""

    def origin(o: Origin | None) -> dict[str, Any] | None:
        if o is None:
            return None
        return {"source": o.source, "where": o.where, "value": o.value, "note": o.note}

    return {
        field: {"used": origin(p.used), "overridden": origin(p.overridden)}
        for field, p in patient.provenance.items()
    }
