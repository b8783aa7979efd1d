"""Maps one HL7 v2 message (SIU^S12, ADT^A04) to patient-file values, segment by segment.

Each mapper returns Findings (inputs/merging.py): the value as a patient file would hold it
and the field it came from (`PID-5`), or why the field does not settle it. A value that
cannot be an HL7 value at all (a time without a date) is refused as malformed, naming the
field. Nothing is guessed: docs/hl7.md lists what each field gives.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from esi_docs.errors import InputError, Problem
from esi_docs.inputs import esi_codes
from esi_docs.inputs.esi_codes import LocalCode
from esi_docs.inputs.hl7.reader import Hl7Message, field_value
from esi_docs.inputs.merging import Finding, Findings

# HL7 DTM: YYYY[MM[DD[HH[MM[SS[.S...]]]]]][+/-ZZZZ]
_DTM = re.compile(
    r"([0-9]{4})([0-9]{2})?([0-9]{2})?([0-9]{2})?([0-9]{2})?"
    r"([0-9]{2}(\.[0-9]{1,4})?)?([+-][0-9]{4})?"
)
_CLOCK = re.compile(r"T?[0-9]{1,2}:?[0-9]{2}(:?[0-9]{2})?")
MIN_YEAR = 1800
NAME_TYPES = ("D", "L", "")  # display (FHIR usual), legal (official), none; others skipped
ICD10_SYSTEMS = ("I10", "I10C", "ICD10", "ICD10CM", "ICD-10", "ICD-10-CM")
ISO639_2 = {"eng": "en", "spa": "es"}  # 3-letter codes senders use for the content we ship


class Malformed(InputError):
    """A value no HL7 v2 sender may write (refused, not left to the overrides file)."""


def _malformed(field: str, text: str) -> Malformed:
    return Malformed(Problem(field=field, text=text, code="hl7"))


def segments(message: Hl7Message, seg_id: str) -> Iterator[int]:
    """The 1-based occurrences of one segment type."""
    count = sum(1 for s in message.parsed if str(s[0]) == seg_id)
    yield from range(1, count + 1)


def repetitions(message: Hl7Message, seg_id: str, field: int, occurrence: int = 1) -> int:
    """How many repetitions a field holds (0 when it is empty or absent)."""
    import hl7

    segment = [s for s in message.parsed if str(s[0]) == seg_id][occurrence - 1]
    if field >= len(segment) or not str(segment[field]):
        return 0
    value = segment[field]
    return len(value) if value and isinstance(value[0], hl7.Repetition) else 1


def value(
    message: Hl7Message,
    seg_id: str,
    field: int,
    repetition: int = 1,
    component: int = 1,
    occurrence: int = 1,
) -> str:
    """One component (its first subcomponent), unescaped and trimmed."""
    found = field_value(
        message.parsed,
        seg_id,
        field,
        repetition=repetition,
        component=component,
        occurrence=occurrence,
    )
    return found.strip()


def has(message: Hl7Message, seg_id: str) -> bool:
    """Whether the message holds a segment of this type."""
    return any(str(s[0]) == seg_id for s in message.parsed)


# --- dates ---------------------------------------------------------------------------------


def parse_dtm(text: str, field: str) -> tuple[str, str | None, str | None]:
    """(date or '', time or None, offset or None) of an HL7 DTM; refuses what is not one."""
    match = _DTM.fullmatch(text)
    if not match:
        if _CLOCK.fullmatch(text):
            raise _malformed(field, "a time without a date; HL7 writes YYYYMMDDHHMM")
        raise _malformed(field, "is not an HL7 date and time (YYYYMMDD[HHMM[SS]][+ZZZZ])")
    year, month, day, hour, minute = (match[i] for i in range(1, 6))
    if int(year) < MIN_YEAR:  # "0930" or "093000": a clock time where a date belongs
        if len(text) <= 6:
            raise _malformed(field, "a time without a date; HL7 writes YYYYMMDDHHMM")
        raise _malformed(field, "is not an HL7 date and time (YYYYMMDD[HHMM[SS]][+ZZZZ])")
    if day is None:
        return "", None, None
    date_text = f"{year}-{month}-{day}"
    if hour is None:
        return date_text, None, match[8]
    return date_text, f"{hour}:{minute or '00'}", match[8]


# --- PID -----------------------------------------------------------------------------------


def _name(message: Hl7Message) -> Findings:
    count = repetitions(message, "PID", 5)
    ranked = []
    for rep in range(1, count + 1):
        kind = value(message, "PID", 5, rep, 7).upper()
        if kind in NAME_TYPES:
            ranked.append((NAME_TYPES.index(kind), rep))
    if not ranked:
        return {}
    rep = min(ranked)[1]
    parts = [value(message, "PID", 5, rep, c) for c in (2, 3)]
    parts.append(value(message, "PID", 5, rep, 1))  # family name (FN.1 surname)
    text = " ".join(p for p in parts if p)
    where = f"PID-5[{rep}]" if count > 1 else "PID-5"
    return {"name": Finding(text or None, where, "has no given or family name")}


def _mrn(message: Hl7Message) -> Findings:
    found = [
        value(message, "PID", 3, rep, 1)
        for rep in range(1, repetitions(message, "PID", 3) + 1)
        if value(message, "PID", 3, rep, 5).upper() == "MR"
    ]
    found = [v for v in found if v]
    if not found:
        return {}
    if len(set(found)) > 1:
        raise _malformed("PID-3", "holds two different MR identifiers; send the patient's one MRN")
    return {"mrn": Finding(found[0], "PID-3")}


def _dob(message: Hl7Message) -> Findings:
    text = value(message, "PID", 7)
    if not text:
        return {}
    date_text, _, _ = parse_dtm(text, "PID-7")
    return {"dob": Finding(date_text or None, "PID-7", "gives no full date")}


def _language(message: Hl7Message) -> Findings:
    code = value(message, "PID", 15).lower()
    if not code:
        return {}
    primary = ISO639_2.get(code, code.split("-")[0])
    return {"language": Finding(primary, "PID-15")}


# --- SCH / AIS: the appointment ------------------------------------------------------------


def _services(message: Hl7Message, local: tuple[LocalCode, ...]) -> list[tuple[int, list]]:
    """(AIS occurrence, meanings) for each AIS segment, from AIS-3 and its alternate code."""
    found = []
    for n in segments(message, "AIS"):
        meanings = []
        for first in (1, 4):
            code = value(message, "AIS", 3, 1, first, n)
            system = value(message, "AIS", 3, 1, first + 2, n)
            if code:
                found_meaning = esi_codes.meaning(system, code, local)
                if found_meaning is not None:
                    meanings.append(found_meaning)
        found.append((n, meanings))
    return found


def _where_ais(n: int, field: int, several: bool) -> str:
    return f"AIS[{n}]-{field}" if several else f"AIS-{field}"


def _start(message: Hl7Message, chosen: list[int], several: bool) -> Findings:
    """Procedure date and time: AIS-4 of the ESI service(s), else SCH-11.4."""
    starts = {}
    for n in chosen:
        text = value(message, "AIS", 4, 1, 1, n)
        if text:
            starts[_where_ais(n, 4, several)] = text
    if not starts and has(message, "SCH"):
        text = value(message, "SCH", 11, 1, 4)
        if text:
            starts["SCH-11.4"] = text
    if not starts:
        return {}
    parsed = {where: parse_dtm(text, where) for where, text in starts.items()}
    where = next(iter(parsed))
    if len(set(parsed.values())) > 1:
        reason = "the AIS segments give different start times"
        where = ", ".join(parsed)
        return {k: Finding(None, where, reason) for k in ("procedure_date", "procedure_time")}
    date_text, time_text, offset = parsed[where]
    if not date_text:
        return {"procedure_date": Finding(None, where, "gives no full date")}
    if offset in ("+0000", "-0000"):
        reason = "is written in UTC, not the clinic's local time"
        return {k: Finding(None, where, reason) for k in ("procedure_date", "procedure_time")}
    findings = {"procedure_date": Finding(date_text, where)}
    if time_text is not None:
        findings["procedure_time"] = Finding(time_text, where)
    return findings


def map_appointment(message: Hl7Message, local: tuple[LocalCode, ...]) -> Findings:
    """Date, time, approach and region from SCH and the AIS service(s)."""
    services = _services(message, local)
    esi = [n for n, meanings in services if any(m.single_shot for m in meanings)]
    several = len(services) > 1
    if not esi:
        catheter = [m for _, ms in services for m in ms if not m.single_shot]
        if catheter:
            reason = (
                f"{catheter[0].label} is an epidural catheter infusion, not a single-shot "
                "injection; esi-docs prints sheets for single-shot ESIs only"
            )
            return {"approach": Finding(None, "AIS-3", reason, final=True)}
        findings = _start(message, [], several)
        if services:
            listed = "; ".join(
                f"{_where_ais(n, 3, several)} ({_code_text(message, n)})" for n, _ in services[:5]
            )
            reason = f"no ESI code: {listed}"
            findings["approach"] = Finding(None, "AIS-3", reason)
            findings["region"] = Finding(None, "AIS-3", reason)
        return findings
    meanings = [m for n, ms in services if n in esi for m in ms if m.single_shot]
    where = _where_ais(esi[0], 3, several) if len(esi) == 1 else "AIS-3"
    return {
        **_start(message, esi, several),
        **esi_codes.code_approach(meanings, where),
        **esi_codes.code_region(meanings, where),
    }


def _code_text(message: Hl7Message, n: int) -> str:
    code = value(message, "AIS", 3, 1, 1, n)
    system = value(message, "AIS", 3, 1, 3, n)
    if not code:
        return "no code"
    return f"{esi_codes.system_name(system or None)} {code[:20]}: not an ESI code"


# --- AIP / PV1: the physician --------------------------------------------------------------


def _person(message: Hl7Message, seg_id: str, field: int, occurrence: int) -> str:
    """An XCN as it prints: prefix, given, middle, family ('Dr. Ana Rivera')."""
    parts = [value(message, seg_id, field, 1, c, occurrence) for c in (6, 3, 4, 2)]
    return " ".join(p for p in parts if p)


def map_physician(message: Hl7Message) -> Findings:
    """AIP-3 (the one person on the appointment), else PV1-7 (attending doctor)."""
    people: dict[str, str] = {}
    for n in segments(message, "AIP"):
        name = _person(message, "AIP", 3, n)
        if name:
            people.setdefault(name, f"AIP[{n}]-3")
    if len(people) > 1:
        where = ", ".join(people.values())
        return {"physician": Finding(None, where, "the appointment names several people")}
    if people:
        name, where = next(iter(people.items()))
        return {"physician": Finding(name, where.replace("AIP[1]", "AIP"))}
    if has(message, "PV1"):
        name = _person(message, "PV1", 7, 1)
        if name:
            return {"physician": Finding(name, "PV1-7")}
    return {}


# --- DG1: diabetes -------------------------------------------------------------------------


def map_diagnoses(message: Hl7Message) -> Findings:
    """diabetic true from an ICD-10 E08-E13 diagnosis; no such DG1 settles nothing (a
    diagnosis list may be incomplete: 'false' comes from the overrides file)."""
    for n in segments(message, "DG1"):
        code = value(message, "DG1", 3, 1, 1, n).upper()
        system = value(message, "DG1", 3, 1, 3, n).upper()
        if system in ICD10_SYSTEMS and code.startswith(esi_codes.DIABETES_ICD10_PREFIXES):
            where = "DG1-3" if n == 1 else f"DG1[{n}]-3"
            return {"diabetic": Finding("true", where)}
    return {}


def map_message(message: Hl7Message, local: tuple[LocalCode, ...] = ()) -> Findings:
    """Every field the message settles (Malformed when a value cannot be HL7)."""
    findings: Findings = {}
    if has(message, "PID"):
        findings.update({**_name(message), **_mrn(message), **_dob(message), **_language(message)})
    findings.update(map_appointment(message, local))
    findings.update(map_physician(message))
    findings.update(map_diagnoses(message))
    return findings
