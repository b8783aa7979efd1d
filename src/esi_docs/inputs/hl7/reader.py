"""Reads HL7 v2 messages (a file of one or more, or the bytes of one MLLP frame) and checks
their structure before anything is mapped.

The parsing itself is python-hl7's (`hl7` on PyPI: separators from MSH, repetitions,
components, escape sequences); this module checks first what that library takes on trust, so
a malformed message is refused with one line naming the segment and field (`MSH-2`, `PID-5`),
never a traceback and never a value from the message. Sizes are bounded before parsing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from esi_docs.errors import InputError, Problem
from esi_docs.inputs.yamlio import read_text

MAX_MESSAGE_BYTES = 1_000_000  # one SIU or ADT message is a few kilobytes
MAX_FILE_BYTES = 20_000_000  # a clinic day of messages in one file
MAX_MESSAGES = 10_000
MAX_CONTROL_ID = 199  # HL7 v2.5 MSH-10 length
SUPPORTED = ("SIU^S12", "ADT^A04")
ENVELOPE = ("FHS", "BHS", "BTS", "FTS")  # batch file wrappers: carry no patient
_SEGMENT_ID = re.compile(r"[A-Z][A-Z0-9]{2}")
# The fields a sender must fill (HL7 v2.5 optionality R): a segment ending before one of
# them was cut off in transit.
REQUIRED_FIELDS = {"MSH": (9, 10, 11, 12), "PID": (3, 5), "AIS": (3,)}


@dataclass(frozen=True)
class Hl7Message:
    """One structurally valid message: where it was, its control ID and type, the parse."""

    position: int  # 1-based place in the file
    control_id: str  # MSH-10: names the message in messages and the audit (no PHI)
    message_type: str  # "SIU^S12" or "ADT^A04"
    parsed: Any  # hl7.Message
    separators: str  # MSH-1 and MSH-2, e.g. "|^~\\&"


def _split(text: str) -> list[list[str]]:
    """Messages as lists of segments. Segments end with CR (the standard), LF or CRLF (files
    edited on a PC); MLLP framing bytes and batch envelopes are dropped."""
    text = text.replace("\x0b", "").replace("\x1c", "")
    lines = [s for s in re.split(r"\r\n|\r|\n", text) if s.strip()]
    messages: list[list[str]] = []
    for line in lines:
        if line[:3] in ENVELOPE:
            continue
        if line.startswith("MSH") or not messages:
            messages.append([])
        messages[-1].append(line)
    return messages


def _where(source: str, position: int, several: bool) -> str:
    return f"{source}: message {position}" if several else source


def _header(segment: str, where: str) -> tuple[str, str]:
    """The field separator and encoding characters, checked (MSH-1, MSH-2)."""
    if not segment.startswith("MSH"):
        shown = segment[:3] if _SEGMENT_ID.fullmatch(segment[:3]) else "something else"
        raise _refuse(where, "MSH", f"missing; a message starts with MSH, not {shown}")
    sep = segment[3:4]
    if not sep or sep.isalnum() or sep.isspace() or not sep.isprintable():
        raise _refuse(where, "MSH-1", "the field separator must be one symbol such as |")
    encoding = segment[4:].split(sep, 1)[0]
    symbols = set(encoding)
    if (
        len(encoding) not in (4, 5)
        or len(symbols) != len(encoding)
        or sep in symbols
        or any(c.isalnum() or c.isspace() or not c.isprintable() for c in encoding)
    ):
        raise _refuse(where, "MSH-2", "the encoding characters must be 4 different symbols: ^~\\&")
    return sep, encoding


def _refuse(where: str, field: str, text: str) -> InputError:
    return InputError(Problem(where, field, text, code="hl7"))


def _check_segments(segments: list[str], sep: str, where: str) -> None:
    """Every segment is an ID followed by the field separator; the fields a sender must fill
    are there (a segment that stops before them was truncated)."""
    for number, segment in enumerate(segments, start=1):
        seg_id = segment[:3]
        if not _SEGMENT_ID.fullmatch(seg_id) or (len(segment) > 3 and segment[3] != sep):
            raise _refuse(
                where,
                f"segment {number}",
                f"does not start with a segment ID and the field separator '{sep}' "
                "(wrong separators, or a line break inside a field)",
            )
        count = len(segment.split(sep)) - 1 + (1 if seg_id == "MSH" else 0)
        for needed in REQUIRED_FIELDS.get(seg_id, ()):
            if count < needed:
                raise _refuse(
                    where,
                    f"{seg_id}-{needed}",
                    f"missing: the segment ends after {seg_id}-{count} (truncated?)",
                )


def _check_size(segments: list[str], sep: str, where: str) -> None:
    size = sum(len(s.encode("utf-8")) + 1 for s in segments)
    if size <= MAX_MESSAGE_BYTES:
        return
    longest = max(segments, key=len)
    fields = longest.split(sep)
    index = max(range(len(fields)), key=lambda i: len(fields[i]))
    number = index + (1 if longest.startswith("MSH") else 0)
    name = f"{longest[:3]}-{number}" if index else longest[:3]
    raise _refuse(where, name, f"the message is {size:,} bytes; the limit is {MAX_MESSAGE_BYTES:,}")


def _parse(segments: list[str], position: int, where: str) -> Hl7Message:
    import hl7  # python-hl7: loaded only when a message is read

    sep, encoding = _header(segments[0], where)
    _check_size(segments, sep, where)
    _check_segments(segments, sep, where)
    try:
        parsed = hl7.parse("\r".join(segments))
    except Exception:  # the library raises bare IndexError/ValueError on junk
        raise _refuse(where, "MSH", "not an HL7 v2 message the parser can read") from None
    message_type = "^".join(field_value(parsed, "MSH", 9, component=c)[:10] for c in (1, 2)).upper()
    if message_type not in SUPPORTED:
        shown = message_type if message_type.replace("^", "").isalnum() else "another type"
        raise _refuse(where, "MSH-9", f"{shown} is not one of {', '.join(SUPPORTED)}")
    control_id = field_value(parsed, "MSH", 10)
    if not control_id.strip() or len(control_id) > MAX_CONTROL_ID or not control_id.isprintable():
        text = f"the message control ID must be 1 to {MAX_CONTROL_ID} printable characters"
        raise _refuse(where, "MSH-10", text)
    return Hl7Message(position, control_id, message_type, parsed, sep + encoding)


def field_value(
    parsed: Any,
    segment: str,
    field: int,
    *,
    repetition: int = 1,
    component: int = 1,
    subcomponent: int = 1,
    occurrence: int = 1,
) -> str:
    """One value, unescaped; '' when it is not there (the library raises for some paths)."""
    try:
        value = parsed.extract_field(
            segment, occurrence, field, repetition, component, subcomponent
        )
    except (IndexError, KeyError):
        return ""
    return str(value)


def parse_messages(text: str, source: str) -> list[Hl7Message]:
    """Every message of a text, structurally checked; the first problem stops the read."""
    groups = _split(text)
    if not groups:
        raise _refuse(source, "MSH", "missing; the file holds no HL7 v2 message")
    if len(groups) > MAX_MESSAGES:
        text = f"{len(groups):,} messages; the limit is {MAX_MESSAGES:,}"
        raise InputError(Problem(source, text=text))
    several = len(groups) > 1
    messages = [
        _parse(group, n, _where(source, n, several)) for n, group in enumerate(groups, start=1)
    ]
    seen: dict[str, int] = {}
    for message in messages:
        if message.control_id in seen:
            where = _where(source, message.position, several)
            first = seen[message.control_id]
            raise _refuse(where, "MSH-10", f"the same control ID as message {first}")
        seen[message.control_id] = message.position
    return messages


def parse_message_bytes(data: bytes, source: str) -> Hl7Message:
    """One message received as bytes (an MLLP frame): bounded, UTF-8, exactly one message."""
    if len(data) > MAX_MESSAGE_BYTES:
        text = f"the message is {len(data):,} bytes; the limit is {MAX_MESSAGE_BYTES:,}"
        raise _refuse(source, "MSH", text)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(Problem(source, text=f"not UTF-8 text (byte {exc.start})")) from None
    messages = parse_messages(text, source)
    if len(messages) != 1:
        raise _refuse(source, "MSH", f"{len(messages)} messages in one frame; send one per frame")
    return messages[0]


def load_messages(path: Path) -> list[Hl7Message]:
    """Read a file of HL7 v2 messages (bounded, UTF-8) and check each."""
    return parse_messages(read_text(path, limit=MAX_FILE_BYTES), str(path))
