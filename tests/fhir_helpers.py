"""Helpers for the FHIR tests: the sample Bundles in tests/fhir/, copied and changed per case."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

FHIR_DIR = Path(__file__).parent / "fhir"
EXT = "https://esi-docs.example.org/fhir/StructureDefinition/"
SCT = "http://snomed.info/sct"
CPT = "http://www.ama-assn.org/go/cpt"
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
ATC = "http://www.whocc.no/atc"
ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"

# What the single-patient sample Bundle says, as a patient file would say it.
SINGLE_AS_YAML = {
    "name": "Maria Example",
    "dob": "1961-04-12",
    "mrn": "0012345",
    "procedure_date": "2026-11-20",
    "procedure_time": "09:30",
    "approach": "interlaminar",
    "region": "lumbar",
    "diabetic": "false",
    "language": "en",
}
# ... and what it does not say, given in the overrides file.
SINGLE_OVERRIDES = {"sedation": "false", "blood_thinner": "none"}


def sample(name: str) -> dict[str, Any]:
    return json.loads((FHIR_DIR / name).read_text(encoding="utf-8"))


def single() -> dict[str, Any]:
    return copy.deepcopy(sample("single_patient.json"))


def resource(bundle: dict[str, Any], kind: str, index: int = 0) -> dict[str, Any]:
    """The index-th resource of one type in the Bundle (to change it in place)."""
    found = [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]
    return found[index]


def add(bundle: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    number = len(bundle["entry"]) + 1
    bundle["entry"].append(
        {"fullUrl": f"urn:uuid:00000000-0000-4000-9000-{number:012d}", "resource": new}
    )
    return new


def remove(bundle: dict[str, Any], kind: str) -> None:
    bundle["entry"] = [e for e in bundle["entry"] if e["resource"]["resourceType"] != kind]


def write(path: Path, bundle: dict[str, Any]) -> Path:
    path.write_text(json.dumps(bundle, ensure_ascii=False), encoding="utf-8")
    return path


def medication_statement(
    code_system: str, code: str, text: str | None = None, status: str = "active", display: str = ""
) -> dict[str, Any]:
    concept: dict[str, Any] = {"coding": [{"system": code_system, "code": code}]}
    if display:
        concept["coding"][0]["display"] = display
    if text:
        concept["text"] = text
    return {
        "resourceType": "MedicationStatement",
        "status": status,
        "medicationCodeableConcept": concept,
        "subject": {"reference": "Patient/p1"},
    }


def condition(
    system: str, code: str, clinical: str | None, verification: str | None = None
) -> dict[str, Any]:
    cond: dict[str, Any] = {
        "resourceType": "Condition",
        "code": {"coding": [{"system": system, "code": code}]},
        "subject": {"reference": "Patient/p1"},
    }
    if clinical:
        cond["clinicalStatus"] = {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/condition-clinical",
                    "code": clinical,
                }
            ]
        }
    if verification:
        cond["verificationStatus"] = {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/condition-ver-status",
                    "code": verification,
                }
            ]
        }
    return cond
