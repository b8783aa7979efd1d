"""Patients from HL7 v2 messages: each message mapped, the overrides layered on top.

Like a FHIR Bundle, a message gives the mapping of strings a patient file holds, through the
same validation and rendering, so a sheet from a message equals the sheet from the equivalent
patient file, byte for byte. A message is named by its control ID (MSH-10, no patient data):
`Message/<control id>` in messages and as the overrides file's section for that patient.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

from esi_docs.errors import InputError, Problem, Problems
from esi_docs.inputs.esi_codes import LocalCode
from esi_docs.inputs.hl7.mapping import Malformed, has, map_message
from esi_docs.inputs.hl7.reader import Hl7Message, load_messages
from esi_docs.inputs.merging import (
    FieldProvenance,
    as_overrides,
    check_sections,
    merge_findings,
)
from esi_docs.inputs.patient import PatientOptions, parse_patient

NOUN = "the message"


@dataclass(frozen=True)
class MessagePatient:
    """One message's patient, ready to render: `mapping` is what a patient file would hold."""

    label: str  # "Message/<control id>"
    control_id: str
    message_type: str
    source: str  # how problems name it: "visit.hl7" or "visit.hl7: Message/<id>"
    mapping: Mapping[str, str]
    provenance: Mapping[str, FieldProvenance]

    def options(self) -> PatientOptions:
        """The validated options (already checked once when the message was read)."""
        return parse_patient(self.mapping, self.source)


def _structure(message: Hl7Message, where: str) -> None:
    """The segments each message type must carry."""
    needed = ["PID"] + (["SCH"] if message.message_type == "SIU^S12" else [])
    for seg_id in needed:
        if not has(message, seg_id):
            text = f"missing; {message.message_type} carries it"
            raise InputError(Problem(where, seg_id, text, code="hl7"))


def patient_from_message(
    message: Hl7Message,
    overrides: Any,
    source: str,
    *,
    several: bool = False,
    procedure_codes: tuple[LocalCode, ...] = (),
) -> MessagePatient:
    """One message's patient, merged with already-checked overrides; InputError lists every
    problem (a malformed value stops at the first, naming its segment and field)."""
    label = f"Message/{message.control_id}"
    where = f"{source}: {label}" if several else source
    _structure(message, where)
    try:
        findings = map_message(message, procedure_codes)
    except Malformed as exc:
        raise InputError([p.within(where) for p in exc.problems]) from None
    problems = Problems(where)
    mapping, provenance = merge_findings(
        findings, label, overrides, source, problems, several=several, noun=NOUN
    )
    problems.raise_if_any()
    parse_patient(mapping, where)
    return MessagePatient(
        label,
        message.control_id,
        message.message_type,
        where,
        MappingProxyType(mapping),
        MappingProxyType(provenance),
    )


def patients_from_hl7(
    path: str | Path,
    overrides: Path | Mapping[str, Any] | None = None,
    *,
    overrides_source: str = "overrides.yaml",
    procedure_codes: tuple[LocalCode, ...] = (),
) -> list[MessagePatient]:
    """Every message of an HL7 v2 file (one patient each), merged with the overrides (keys for
    everyone, or under `Message/<control id>:` for one) and validated. All problems of all
    messages are raised together."""
    path = Path(path)
    checked = as_overrides(overrides, overrides_source)
    messages = load_messages(path)
    labels = {f"Message/{m.control_id}" for m in messages}
    check_sections(checked, labels, str(path), "message")
    several = len(messages) > 1
    patients: list[MessagePatient] = []
    errors: list[Problem] = []
    for message in messages:
        try:
            patients.append(
                patient_from_message(
                    message, checked, str(path), several=several, procedure_codes=procedure_codes
                )
            )
        except InputError as exc:
            errors.extend(exc.problems)
    if errors:
        raise InputError(errors)
    return patients
