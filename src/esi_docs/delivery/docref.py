"""FHIR out: a DocumentReference (R4, US Core profile) that carries a rendered PDF back to the
record.

US Core DocumentReference (issue 17): `meta.profile`, an `identifier`, `category`
clinical-note, the LOINC `type` (docs/fhir.md says why 69730-0), `author` and `custodian` (the
clinic, as a contained Organization; the operator as a display-only author when known),
`context.encounter` when the Bundle's ESI Procedure names one, and `content.format`.

The first attachment holds the PDF itself (base64), its size and its hash, which FHIR R4
defines as the base64 of the SHA-1 of the data; a second one, when given, the same sheet as
the accessible web page (text/html), for portals and screen readers. The resource is
validated with fhir.resources before it is written (atomically, mode 0600: it holds the
patient's sheet).
"""

from __future__ import annotations

import base64
import hashlib
import json
import uuid
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Protocol

from esi_docs.delivery.atomic import write_atomic
from esi_docs.errors import RenderError
from esi_docs.inputs.fhir import codes

LOINC = "http://loinc.org"
DOC_TYPE = {"system": LOINC, "code": "69730-0", "display": "Instructions"}
DESCRIPTION = "Epidural steroid injection discharge instructions"
US_CORE_PROFILE = "http://hl7.org/fhir/us/core/StructureDefinition/us-core-documentreference"
CATEGORY = {
    "system": "http://hl7.org/fhir/us/core/CodeSystem/us-core-documentreference-category",
    "code": "clinical-note",
    "display": "Clinical Note",
}
FORMAT = {  # IHE format code: the MIME type says all a reader needs
    "system": "http://ihe.net/fhir/ihe.formatcode.fhir/CodeSystem/formatcode",
    "code": "urn:ihe:iti:xds:2017:mimeTypeSufficient",
    "display": "mimeType Sufficient",
}
CLINIC_ID = "clinic"


def mrn_subject(mrn: str) -> dict[str, Any]:
    """A subject for a sheet rendered from a patient file: the MRN as an MR identifier."""
    mr = {"coding": [{"system": codes.V2_0203, "code": "MR"}]}
    return {"identifier": {"type": mr, "value": mrn}}


def document_reference(
    pdf: bytes,
    *,
    subject: dict[str, Any],
    language: str = "en",
    when: datetime | None = None,
    description: str = DESCRIPTION,
    html: bytes | None = None,
    clinic: Clinic | None = None,
    operator: str | None = None,
    encounter: str | None = None,
) -> dict[str, Any]:
    """The DocumentReference as JSON-ready data, validated with fhir.resources (R4B)."""
    when = when or datetime.now(timezone.utc)
    resource: dict[str, Any] = {
        "resourceType": "DocumentReference",
        "meta": {"profile": [US_CORE_PROFILE]},
        "identifier": [{"system": "urn:ietf:rfc:3986", "value": f"urn:uuid:{uuid.uuid4()}"}],
        "status": "current",
        "type": {"coding": [DOC_TYPE], "text": "Patient instructions"},
        "category": [{"coding": [CATEGORY]}],
        "subject": subject,
        "date": when.isoformat(timespec="seconds"),
        "description": description,
        "content": [
            {"attachment": _attachment(pdf, "application/pdf", language), "format": FORMAT}
        ],
    }
    if html is not None:
        content_type = "text/html; charset=utf-8"
        attachment = _attachment(html, content_type, language)
        resource["content"].append({"attachment": attachment, "format": FORMAT})
    resource.update(_authorship(clinic, operator))
    if encounter:
        resource["context"] = {"encounter": [{"reference": encounter}]}
    validate_document_reference(resource)
    return resource


class Clinic(Protocol):
    """The two fields of a ClinicProfile the Organization needs (read-only, as on the
    frozen profile)."""

    @property
    def name(self) -> str: ...

    @property
    def phone(self) -> str: ...


def _authorship(clinic: Clinic | None, operator: str | None) -> dict[str, Any]:
    """author and custodian: the clinic as a contained Organization, the operator by name."""
    authors: list[dict[str, Any]] = []
    extra: dict[str, Any] = {}
    if clinic is not None:
        organization = {
            "resourceType": "Organization",
            "id": CLINIC_ID,
            "active": True,
            "name": clinic.name,
            "telecom": [{"system": "phone", "value": clinic.phone, "use": "work"}],
        }
        reference = {"reference": f"#{CLINIC_ID}", "display": clinic.name}
        extra = {"contained": [organization], "custodian": reference}
        authors.append(reference)
    if operator:
        authors.append({"display": operator})
    if authors:
        extra["author"] = authors
    return extra


def _attachment(data: bytes, content_type: str, language: str) -> dict[str, Any]:
    return {
        "contentType": content_type,
        "language": language,
        "data": base64.b64encode(data).decode("ascii"),
        "size": len(data),
        "hash": base64.b64encode(hashlib.sha1(data).digest()).decode("ascii"),  # noqa: S324 - FHIR defines SHA-1
        "title": "Discharge instructions",
    }


def validate_document_reference(resource: dict[str, Any]) -> None:
    """Refuse a DocumentReference the library does not accept (a bug of ours, not input)."""
    from fhir.resources.R4B.documentreference import DocumentReference
    from pydantic import ValidationError

    try:
        DocumentReference.model_validate(resource)
    except ValidationError as exc:
        where = ", ".join(".".join(map(str, e["loc"])) for e in exc.errors())
        raise RenderError(f"DocumentReference: does not validate ({where})") from None


def write_document_reference(path: Path, resource: dict[str, Any]) -> None:
    """Write the resource as JSON, atomically, mode 0600."""
    write_atomic(path, (json.dumps(resource, indent=2, ensure_ascii=False) + "\n").encode())
