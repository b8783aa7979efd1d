"""The ACK the listener answers with: `MSA|AA|<control id>`, or `MSA|AE` with one ERR segment
per problem. ERR text names the segment, field and rule, never a value from the message: any
quoted value in a problem is replaced before it goes on the wire."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable
from datetime import datetime

from esi_docs.delivery.mdm import SENDING_APPLICATION, SEPARATORS, hl7_time
from esi_docs.errors import Problem

_QUOTED = re.compile(r"'[^']*'")
_HL7_FIELD = re.compile(r"([A-Z][A-Z0-9]{2})(?:\[(\d+)\])?(?:-(\d+))?")
MAX_ERRORS = 20
DATA_ERRORS = {"hl7", "format", "calendar", "choice", "too_long", "unprintable", "type"}


def _escape(text: str) -> str:
    import hl7

    return hl7.parse("MSH" + SEPARATORS + "|").escape(text)


def control_id_of(head: bytes) -> str:
    """MSH-10 of a message the reader refused (best effort; '' when it cannot be found)."""
    text = head.decode("utf-8", "replace").lstrip("\x0b")
    if not text.startswith("MSH") or len(text) < 4:
        return ""
    fields = re.split(r"[\r\n]", text, maxsplit=1)[0].split(text[3])
    value = fields[9] if len(fields) > 9 else ""
    return value if value.isprintable() and len(value) <= 199 else ""


def safe_text(problem: Problem) -> str:
    """The problem as one ERR line: field and rule, any quoted value left out."""
    text = _QUOTED.sub("the value", problem.text)
    return f"{problem.field}: {text}" if problem.field else text


def _location(problem: Problem) -> str:
    """ERR-2 (ERL): segment^sequence^field, for problems that name an HL7 field (as their
    field, or, for a patient field, as the first words of the text: 'PID-7: ...')."""
    match = _HL7_FIELD.fullmatch(problem.field.split(".")[0])
    if not match:
        match = _HL7_FIELD.fullmatch(problem.text.split(":")[0].split(".")[0])
    if not match:
        return ""
    return f"{match[1]}^{match[2] or 1}^{match[3] or ''}".rstrip("^")


def _code(problem: Problem) -> str:
    """ERR-3 from HL7 table 0357."""
    if problem.field == "MSH-9":
        return "200^Unsupported message type^HL70357"
    if problem.code == "required" or "missing" in problem.text or "not in the" in problem.text:
        return "101^Required field missing^HL70357"
    if problem.code in DATA_ERRORS:
        return "102^Data type error^HL70357"
    return "207^Application internal error^HL70357"


def ack(
    control_id: str,
    trigger: str,
    problems: Iterable[Problem] = (),
    *,
    receiving: tuple[str, str] = ("", ""),
    clinic: str = "",
    when: datetime | None = None,
) -> bytes:
    """The ACK message (bytes, segments ended with CR)."""
    problems = list(problems)
    stamp = hl7_time(when or datetime.now().astimezone())
    code = "AE" if problems else "AA"
    segments = [
        f"MSH{SEPARATORS}|{SENDING_APPLICATION}|{_escape(clinic[:80])}|{_escape(receiving[0])}|"
        f"{_escape(receiving[1])}|{stamp}||ACK^{_escape(trigger)}^ACK|{uuid.uuid4().hex[:20]}"
        "|P|2.5",
        f"MSA|{code}|{_escape(control_id)}",
    ]
    for problem in problems[:MAX_ERRORS]:
        segments.append(
            f"ERR||{_location(problem)}|{_code(problem)}|E||||{_escape(safe_text(problem))}"
        )
    return ("\r".join(segments) + "\r").encode("utf-8")
