"""FHIR out: a DocumentReference (R4) that carries a rendered PDF back to the record.

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
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from esi_docs.delivery.atomic import write_atomic
from esi_docs.errors import RenderError
from esi_docs.inputs.fhir import codes

LOINC = "http://loinc.org"
DOC_TYPE = {"system": LOINC, "code": "69730-0", "display": "Instructions"}
DESCRIPTION = "Epidural steroid injection discharge instructions"


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
) -> dict[str, Any]:
    """The DocumentReference as JSON-ready data, validated with fhir.resources (R4B)."""
    when = when or datetime.now(timezone.utc)
    resource: dict[str, Any] = {
        "resourceType": "DocumentReference",
        "status": "current",
        "type": {"coding": [DOC_TYPE], "text": "Patient instructions"},
        "subject": subject,
        "date": when.isoformat(timespec="seconds"),
        "description": description,
        "content": [{"attachment": _attachment(pdf, "application/pdf", language)}],
    }
    if html is not None:
        content_type = "text/html; charset=utf-8"
        resource["content"].append({"attachment": _attachment(html, content_type, language)})
    validate_document_reference(resource)
    return resource


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
