"""One message in, one letter out: read, map, render, write or print, record, then answer.

Everything a message can get wrong becomes Problems for the ACK (AE); only a delivered and
recorded letter is answered AA. The order is the CLI's: file first, then printer, then the
audit record; a failed record takes the written file back, so a record exists exactly when a
letter was delivered.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from esi_docs.errors import EsiDocsError, Problem
from esi_docs.inputs.clinic import ClinicProfile

DEFAULT_HANDOUTS = {"SIU^S12": "pre-procedure"}
FILE_PATTERN = "{procedure_date}_{mrn}_{handout}_{row}"  # row: the message control ID


@dataclass(frozen=True)
class ListenSettings:
    """What the listener was started with."""

    clinic: ClinicProfile
    out_dir: Path | None
    printer: str | None = None  # None: no printing; "": the clinic's or the system default
    overrides: Path | None = None
    handouts: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_HANDOUTS))
    templates: Path | None = None
    paper: str = "letter"
    audit: Any = None  # AuditLog or None
    operator: str = "listen"


@dataclass(frozen=True)
class Outcome:
    """What to answer: the control ID, the trigger (S12), and the problems (none: AA)."""

    control_id: str
    trigger: str
    problems: tuple[Problem, ...] = ()
    receiving: tuple[str, str] = ("", "")


def handle(data: bytes, peer: str, settings: ListenSettings) -> Outcome:
    """Turn one framed message into a delivered letter, or into the problems that stopped it."""
    from esi_docs.inputs.hl7.reader import parse_message_bytes

    source = f"message from {peer}"
    try:
        message = parse_message_bytes(data, source)
    except EsiDocsError as exc:
        from esi_docs.listener.ack import control_id_of

        return Outcome(control_id_of(data), "", tuple(exc.problems))
    trigger = message.message_type.split("^")[1]
    receiving = _sender(message)
    try:
        _deliver(message, source, settings)
    except EsiDocsError as exc:
        return Outcome(message.control_id, trigger, tuple(exc.problems), receiving)
    return Outcome(message.control_id, trigger, (), receiving)


def _sender(message: Any) -> tuple[str, str]:
    from esi_docs.inputs.hl7.mapping import value

    return value(message, "MSH", 3), value(message, "MSH", 4)


def _deliver(message: Any, source: str, settings: ListenSettings) -> None:
    from esi_docs.api import RenderRequest, render
    from esi_docs.errors import InputError
    from esi_docs.inputs.hl7 import patient_from_message
    from esi_docs.inputs.merging import load_overrides, provenance_record

    handout = settings.handouts.get(message.message_type)
    if handout is None:
        text = f"no handout is set for {message.message_type} (esi-docs listen --handout)"
        raise InputError(Problem(source, "MSH-9", text, code="hl7"))
    overrides = load_overrides(settings.overrides)  # read per message: staff may add a section
    patient = patient_from_message(
        message, overrides, source, procedure_codes=settings.clinic.procedure_codes
    )
    request = RenderRequest(
        handout,
        patient.options(),
        settings.clinic,
        paper=settings.paper,
        templates=settings.templates,
    )
    result = render(request)
    written = _write(result, message.control_id, handout, settings)
    try:
        if settings.printer is not None:
            from esi_docs.delivery.printing import print_pdf

            print_pdf(result.pdf, settings.printer or settings.clinic.printer or None)
        if settings.audit is not None:
            settings.audit.record(
                result,
                operator=settings.operator,
                source="listen",
                provenance=provenance_record(patient),
                message={"control_id": message.control_id, "type": message.message_type},
            )
    except EsiDocsError:
        # AE means "not delivered": take the file back, so a resent message starts clean and
        # a record exists exactly when a letter was delivered.
        if written is not None:
            with contextlib.suppress(OSError):
                written.unlink()
        raise


def _write(result: Any, control_id: str, handout: str, settings: ListenSettings) -> Path | None:
    from esi_docs.delivery.atomic import write_atomic
    from esi_docs.delivery.naming import file_name

    if settings.out_dir is None:
        return None
    patient = result.request.patient
    path = settings.out_dir / file_name(FILE_PATTERN, patient, handout, control_id)
    write_atomic(path, result.pdf)
    return path
