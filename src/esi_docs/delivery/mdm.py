"""HL7 v2 out: the printed sheet as an MDM^T02 (original document notification and content),
for EHRs that file documents from an interface engine rather than through FHIR.

MSH (version 2.6, where TXA-2 is a coded CWE), EVN, PID (the MRN typed MR, and the name as
printed), PV1, TXA (document type LOINC 69730-0 "Instructions" as in the FHIR
DocumentReference, the physician, the time, a unique document number, status documented), and
one OBX of value type ED carrying the PDF in base64. Text values are escaped with python-hl7's
escaping, so a name holding `|` or `^` cannot break the message. Written atomically, mode 0600.
"""

from __future__ import annotations

import base64
import uuid
from datetime import datetime
from pathlib import Path

from esi_docs.delivery.atomic import write_atomic
from esi_docs.errors import InputError

VERSION = "2.6"
SEPARATORS = "|^~\\&"
DOC_TYPE = "69730-0^Instructions^LN"  # LOINC, the same type as the FHIR DocumentReference
SENDING_APPLICATION = "ESI-DOCS"
NAME_LIMIT = 80  # the clinic name in MSH-4 (HD.1 allows 20 in 2.5; 2.6 leaves it open)


def _escaper():  # type: ignore[no-untyped-def]
    import hl7

    message = hl7.parse("MSH" + SEPARATORS + "|")
    return message.escape


def hl7_time(when: datetime) -> str:
    """An HL7 DTM with the offset: 20261120093000-0500."""
    return when.strftime("%Y%m%d%H%M%S%z")


def mdm_t02(
    pdf: bytes,
    *,
    mrn: str,
    name: str,
    physician: str,
    clinic: str,
    when: datetime | None = None,
    control_id: str | None = None,
) -> bytes:
    """The MDM^T02 as bytes (segments ended with CR, UTF-8)."""
    if not mrn:
        raise InputError("--hl7-out: needs a patient with an MRN")
    esc = _escaper()
    when = when or datetime.now().astimezone()
    stamp = hl7_time(when)
    control_id = control_id or uuid.uuid4().hex[:20]
    document_id = uuid.uuid4().hex
    data = base64.b64encode(pdf).decode("ascii")
    segments = [
        f"MSH{SEPARATORS}|{SENDING_APPLICATION}|{esc(clinic[:NAME_LIMIT])}|||{stamp}||"
        f"MDM^T02^MDM_T02|{esc(control_id)}|P|{VERSION}||||||UNICODE UTF-8",
        f"EVN|T02|{stamp}",
        f"PID|1||{esc(mrn)}^^^^MR||{esc(name)}",
        "PV1|1|O",
        # TXA-4 activity and TXA-6 origination time, TXA-5 the physician, TXA-12 the unique
        # document number, TXA-17 DO (documented), TXA-19 AV (available).
        f"TXA|1|{DOC_TYPE}|AP|{stamp}|^{esc(physician)}|{stamp}||||||{document_id}|||||DO||AV",
        f"OBX|1|ED|{DOC_TYPE}||^AP^PDF^Base64^{data}||||||F",
    ]
    return ("\r".join(segments) + "\r").encode("utf-8")


def write_mdm(path: Path, message: bytes) -> None:
    """Write the message atomically, mode 0600 (it carries the patient's sheet)."""
    write_atomic(path, message)
