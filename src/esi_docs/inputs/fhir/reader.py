"""Reads a FHIR R4 Bundle (JSON) and validates it with fhir.resources before anything is mapped.

fhir.resources 8.x carries R4B (4.3.0) models, which read R4 (4.0.1) Patient, Procedure,
Condition, MedicationStatement, MedicationRequest, Medication and Bundle unchanged. A problem
is reported with the library's path to the bad element and its message, never the value.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from esi_docs.errors import InputError, Problem, Problems
from esi_docs.inputs.yamlio import read_text

MAX_BUNDLE_BYTES = 20_000_000  # a clinic-day Bundle of a few hundred patients
MAX_PROBLEMS = 50  # a Bundle from the wrong export can have thousands; the first ones tell
PATIENT_RESOURCES = ("Procedure", "Condition", "MedicationStatement", "MedicationRequest")


@dataclass
class PatientRecord:
    """One Patient and the resources whose subject points at it."""

    label: str  # "Patient/<id>": names the patient in messages without PHI
    reference: str  # how a DocumentReference should point at this patient
    patient: Any
    resources: dict[str, list[tuple[str, Any]]] = field(default_factory=dict)

    def of_type(self, resource_type: str) -> list[tuple[str, Any]]:
        """(label, resource) pairs of one type, in Bundle order."""
        return self.resources.get(resource_type, [])


def _loc(parts: tuple[Any, ...]) -> str:
    text = "Bundle"
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else f".{part}"
    return text


def _known_types(data: dict, problems: Problems) -> None:
    """fhir.resources raises a bare KeyError on an unknown resourceType: name it first, for
    every resource in the file (entries, contained resources, anything nested), not only the
    Bundle's entries."""
    from fhir.resources.R4B import get_fhir_model_class

    stack: list[tuple[tuple[Any, ...], Any]] = [((), data)]
    while stack:  # iterative: the file's depth is bounded by the JSON reader, not by us
        where, node = stack.pop()
        if isinstance(node, list):
            stack += [((*where, i), item) for i, item in reversed(list(enumerate(node)))]
            continue
        if not isinstance(node, dict):
            continue
        kind = node.get("resourceType")
        if isinstance(kind, str) and where:
            try:
                get_fhir_model_class(kind)
            except (KeyError, ValueError):
                problems.add(
                    _loc((*where, "resourceType")),
                    f"'{kind[:40]}' is not a FHIR R4 resource type",
                )
        stack += [((*where, k), v) for k, v in reversed(list(node.items()))]


def validate_bundle(data: Any, source: str) -> Any:
    """A validated R4B Bundle model, or InputError with one line per problem."""
    from fhir.resources.R4B.bundle import Bundle
    from pydantic import ValidationError

    problems = Problems(source)
    if not isinstance(data, dict) or data.get("resourceType") != "Bundle":
        problems.add("resourceType", "the file must hold one FHIR Bundle")
        problems.raise_if_any()
    _known_types(data, problems)
    problems.raise_if_any()
    try:
        return Bundle.model_validate(data)
    except KeyError:  # fhir.resources' bare KeyError for a type it cannot read: one line
        problems.add("Bundle", "holds a resource that fhir.resources cannot read")
    except ValidationError as exc:
        errors = exc.errors()
        for error in errors[:MAX_PROBLEMS]:
            message = str(error["msg"]).removeprefix("Value error, ")
            problems.add(_loc(tuple(error["loc"])), " ".join(message.split()))
        if len(errors) > MAX_PROBLEMS:
            problems.add("", f"... and {len(errors) - MAX_PROBLEMS} more problems")
    problems.raise_if_any()
    raise AssertionError("unreachable")  # pragma: no cover


def load_bundle(path: Path) -> Any:
    """Read and validate a Bundle file."""
    text = read_text(path, limit=MAX_BUNDLE_BYTES)
    try:
        data = json.loads(text, object_pairs_hook=_unique_keys, parse_int=_bounded_int)
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}: line {exc.lineno}: not valid JSON ({exc.msg})") from None
    except _DuplicateKey as exc:
        text = f"the key '{exc.key}' is written twice in one object; say each thing once"
        raise InputError(Problem(str(path), text=text)) from None
    except RecursionError:
        raise InputError(Problem(str(path), text="nested too deeply to be a FHIR Bundle")) from None
    except ValueError as exc:  # a number too long to be one
        raise InputError(Problem(str(path), text=str(exc))) from None
    return validate_bundle(data, str(path))


class _DuplicateKey(Exception):
    def __init__(self, key: str):
        self.key = key[:40]


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """JSON allows a key twice (the last would win): two birthDates must not be a guess."""
    found: dict[str, Any] = {}
    for key, value in pairs:
        if key in found:
            raise _DuplicateKey(key)
        found[key] = value
    return found


MAX_NUMBER_DIGITS = 30


def _bounded_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_NUMBER_DIGITS:
        raise ValueError(f"a number of {len(text):,} digits is not a FHIR value")
    return int(text)


def _patient_keys(entry: Any, patient: Any) -> tuple[str, set[str]]:
    label = f"Patient/{patient.id}" if patient.id else (entry.fullUrl or "Patient")
    keys = {label}
    if entry.fullUrl:
        keys.add(entry.fullUrl)
    return label, keys


def _resource_label(resource: Any, index: int) -> str:
    kind = resource.get_resource_type()
    return f"{kind}/{resource.id}" if resource.id else f"{kind} (entry {index})"


def group_by_patient(bundle: Any, source: str) -> list[PatientRecord]:
    """Every Patient in the Bundle with the resources that name it as their subject."""
    entries = list(bundle.entry or [])
    records: list[tuple[PatientRecord, set[str]]] = []
    for entry in entries:
        resource = entry.resource
        if resource is not None and resource.get_resource_type() == "Patient":
            label, keys = _patient_keys(entry, resource)
            reference = label if resource.id else (entry.fullUrl or label)
            records.append((PatientRecord(label, reference, resource), keys))
    if not records:
        raise InputError(f"{source}: the Bundle holds no Patient resource")
    _check_unique([record for record, _ in records], source)
    by_key = _index_by_key(records)
    for index, entry in enumerate(entries):
        resource = entry.resource
        if resource is None or resource.get_resource_type() not in PATIENT_RESOURCES:
            continue
        subject = resource.subject.reference if resource.subject else None
        for position in _subjects(subject, by_key):
            kind = resource.get_resource_type()
            item = (_resource_label(resource, index), resource)
            records[position][0].resources.setdefault(kind, []).append(item)
    return [record for record, _ in records]


def _index_by_key(records: list[tuple[PatientRecord, set[str]]]) -> dict[str, list[int]]:
    """Each key a subject may name (label, fullUrl) -> the positions of the Patients it names.

    A lookup per resource instead of a scan of every Patient: a 9,500-patient Bundle once took
    two minutes, growing with the square of its size."""
    by_key: dict[str, list[int]] = {}
    for position, (_, keys) in enumerate(records):
        for key in keys:
            by_key.setdefault(key, []).append(position)
    return by_key


def _subjects(reference: str | None, by_key: dict[str, list[int]]) -> list[int]:
    """The Patients `reference` names, in Bundle order: exactly one of their keys, or a full
    URL ending in `/Patient/<id>` (one of their `Patient/<id>` keys)."""
    if not reference:
        return []
    found = set(by_key.get(reference, ()))
    parts = reference.rsplit("/", 2)
    if len(parts) == 3 and parts[1] == "Patient":
        found.update(by_key.get(f"Patient/{parts[2]}", ()))
    return sorted(found)


def _check_unique(records: list[PatientRecord], source: str) -> None:
    seen: set[str] = set()
    for record in records:
        if record.label in seen:
            raise InputError(f"{source}: {record.label}: appears twice in the Bundle")
        seen.add(record.label)


def medication_index(bundle: Any) -> dict[str, Any]:
    """Medication resources by every reference that may point at them (id and fullUrl)."""
    index: dict[str, Any] = {}
    for entry in bundle.entry or []:
        resource = entry.resource
        if resource is None:
            continue
        if resource.get_resource_type() == "Medication":
            if resource.id:
                index[f"Medication/{resource.id}"] = resource
            if entry.fullUrl:
                index[entry.fullUrl] = resource
        for contained in getattr(resource, "contained", None) or []:
            if contained.get_resource_type() == "Medication" and contained.id:
                index[f"#{contained.id}"] = contained
    return index
