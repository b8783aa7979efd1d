"""Which procedure codes name an epidural steroid injection, and what each settles.

One table for every reader (FHIR Procedure.code, HL7 v2 AIS-3): the CPT codes a clinic's
records carry, current and deleted, with the approach and the spine regions each code allows.
A clinic adds its own codes (SNOMED CT, local) in the clinic profile's `procedure_codes`: the
product ships no SNOMED CT code for an ESI, because none could be verified (see DESIGN.md).
docs/fhir.md prints this table; a test keeps the two equal.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from esi_docs.errors import Problems
from esi_docs.inputs import values as parse
from esi_docs.inputs.merging import Finding, Findings

CPT_URI = "http://www.ama-assn.org/go/cpt"
# HL7 v2 table 0396 names CPT-4 "C4"; interface engines also write CPT or CPT4.
CPT_V2_NAMES = ("C4", "CPT", "CPT4", "CPT-4")
APPROACHES = ("interlaminar", "transforaminal", "caudal")
REGIONS = ("cervical", "thoracic", "lumbar")
CERVICAL_THORACIC = ("cervical", "thoracic")
LUMBAR = ("lumbar",)  # "lumbar or sacral" in CPT: this product's lumbar region covers both


@dataclass(frozen=True)
class CptCode:
    """One CPT code: the approach it settles (None: interlaminar or caudal, it does not say)
    and the regions it allows."""

    approach: str | None
    regions: tuple[str, ...]
    text: str


CPT_ESI: dict[str, CptCode] = {
    "62320": CptCode("interlaminar", CERVICAL_THORACIC, "interlaminar, cervical or thoracic"),
    "62321": CptCode(
        "interlaminar", CERVICAL_THORACIC, "interlaminar, cervical or thoracic, with imaging"
    ),
    "62322": CptCode(None, LUMBAR, "interlaminar or caudal, lumbar or sacral"),
    "62323": CptCode(None, LUMBAR, "interlaminar or caudal, lumbar or sacral, with imaging"),
    "64479": CptCode("transforaminal", CERVICAL_THORACIC, "transforaminal, cervical or thoracic"),
    "64480": CptCode(
        "transforaminal", CERVICAL_THORACIC, "transforaminal, cervical or thoracic, added level"
    ),
    "64483": CptCode("transforaminal", LUMBAR, "transforaminal, lumbar or sacral"),
    "64484": CptCode("transforaminal", LUMBAR, "transforaminal, lumbar or sacral, added level"),
    "0228T": CptCode(
        "transforaminal", CERVICAL_THORACIC, "transforaminal with ultrasound, cervical or thoracic"
    ),
    "0229T": CptCode(
        "transforaminal",
        CERVICAL_THORACIC,
        "transforaminal with ultrasound, cervical or thoracic, added level",
    ),
    "0230T": CptCode("transforaminal", LUMBAR, "transforaminal with ultrasound, lumbar or sacral"),
    "0231T": CptCode(
        "transforaminal", LUMBAR, "transforaminal with ultrasound, lumbar or sacral, added level"
    ),
    # Deleted in 2017 (replaced by 62320-62323) but still in older records.
    "62310": CptCode("interlaminar", CERVICAL_THORACIC, "interlaminar, cervical or thoracic (old)"),
    "62311": CptCode(None, LUMBAR, "interlaminar or caudal, lumbar or sacral (old)"),
}
# Epidural catheter infusions (continuous or intermittent bolus): not a single-shot injection,
# so no ESI sheet fits them. 62318/62319 are their pre-2017 codes (replaced by 62324-62327).
CPT_CATHETER = ("62318", "62319", "62324", "62325", "62326", "62327")


# Diabetes mellitus in ICD-10(-CM): E08-E13 (due to an underlying condition, drug-induced,
# type 1, type 2, malnutrition-related, other specified).
DIABETES_ICD10_PREFIXES = ("E08", "E09", "E10", "E11", "E12", "E13")


@dataclass(frozen=True)
class LocalCode:
    """One row of the clinic's own code map: a code in a system, and what it settles."""

    system: str  # a FHIR system URI, or an HL7 v2 coding system name (AIS-3.3)
    code: str
    approach: str = ""
    region: str = ""


@dataclass(frozen=True)
class Meaning:
    """What one recognised code says about the procedure."""

    label: str  # "CPT 62323": names the code in messages (a code is not patient data)
    approach: str | None
    regions: tuple[str, ...]
    single_shot: bool = True


def is_cpt(system: str | None) -> bool:
    """A FHIR CPT system URI or an HL7 v2 CPT coding system name."""
    return system == CPT_URI or (system or "").strip().upper() in CPT_V2_NAMES


def meaning(
    system: str | None, code: str | None, local: Iterable[LocalCode] = ()
) -> Meaning | None:
    """What a coded procedure says, or None when it is not an ESI code we know."""
    code = (code or "").strip()
    if is_cpt(system):
        code = code.upper()
        if code in CPT_ESI:
            row = CPT_ESI[code]
            return Meaning(f"CPT {code}", row.approach, row.regions)
        if code in CPT_CATHETER:
            return Meaning(f"CPT {code}", None, (), single_shot=False)
        return None
    for own in local:
        if own.system == system and own.code == code:
            regions = (own.region,) if own.region else ()
            return Meaning(f"{own.system} {own.code}", own.approach or None, regions)
    return None


SYSTEM_NAMES = {CPT_URI: "CPT", "http://snomed.info/sct": "SNOMED CT"}


def system_name(system: str | None) -> str:
    """A short name for a code system in messages (CPT, SNOMED CT, else as written)."""
    if is_cpt(system):
        return "CPT"
    return SYSTEM_NAMES.get(system or "", (system or "code")[:60])


def allowed_regions(meanings: list[Meaning]) -> set[str]:
    """The regions every recognised code allows (empty: the codes do not say)."""
    sets = [set(m.regions) for m in meanings if m.regions]
    return set.intersection(*sets) if sets else set()


def code_region(meanings: list[Meaning], where: str) -> Findings:
    """The region the codes settle on their own: only when they allow exactly one."""
    sets = [m for m in meanings if m.regions]
    if not sets:
        return {}
    allowed = allowed_regions(meanings)
    if not allowed:
        return {"region": Finding(None, where, "codes name different spine regions")}
    if len(allowed) == 1:
        return {"region": Finding(allowed.pop(), where)}
    reason = f"{sets[0].label} covers {' and '.join(sorted(allowed))}"
    return {"region": Finding(None, where, reason)}


def code_approach(meanings: list[Meaning], where: str) -> Findings:
    """The approach the codes settle; 62322/62323/62311 cover interlaminar and caudal."""
    settled = {m.approach for m in meanings if m.approach}
    if len(settled) == 1:
        return {"approach": Finding(settled.pop(), where)}
    if settled:
        return {"approach": Finding(None, where, "codes name more than one approach")}
    shown = [m for m in meanings if m.single_shot]
    if not shown:
        return {}
    label = shown[0].label
    why = "covers interlaminar and caudal" if label.startswith("CPT ") else "gives no approach"
    return {"approach": Finding(None, where, f"{label} {why}")}


# --- the clinic profile's `procedure_codes` ------------------------------------------------

KEY = "procedure_codes"
_LIMIT = 200
_MAX_ROWS = 500
_ROW_KEYS = ("system", "code", "approach", "region")


def parse_local_codes(given: Any, problems: Problems) -> tuple[LocalCode, ...]:
    """The clinic's code map: a list of {system, code, approach, region} (approach and/or
    region). CPT is built in and cannot be remapped; one code may be listed once."""
    if given is None or given == "" or given == []:
        return ()
    if not isinstance(given, list) or len(given) > _MAX_ROWS:
        problems.add(KEY, f"must be a list (at most {_MAX_ROWS}) of system, code, approach, region")
        return ()
    rows = [_local_code(row, f"{KEY}[{n}]", problems) for n, row in enumerate(given)]
    seen: set[tuple[str, str]] = set()
    for n, row in enumerate(rows):
        if row is None:
            continue
        if (row.system, row.code) in seen:
            problems.add(f"{KEY}[{n}]", f"the code {row.code} of {row.system} is listed twice")
        seen.add((row.system, row.code))
    return tuple(row for row in rows if row is not None)


def _local_code(row: Any, where: str, problems: Problems) -> LocalCode | None:
    if not isinstance(row, Mapping):
        problems.add(where, "must be a mapping with system, code, approach and/or region")
        return None
    before = len(problems.items)
    for key in row:
        if key not in _ROW_KEYS:
            problems.add(f"{where}.{key}", f"unknown key; allowed are {', '.join(_ROW_KEYS)}")
    values: dict[str, str] = {}
    for key in ("system", "code"):
        try:
            values[key] = parse.as_required_text(row.get(key, ""), max_length=_LIMIT)
        except parse.FieldError as exc:
            problems.add(f"{where}.{key}", str(exc))
    for key, allowed in (("approach", APPROACHES), ("region", REGIONS)):
        if row.get(key) not in (None, ""):
            try:
                values[key] = parse.as_choice(row[key], allowed)
            except parse.FieldError as exc:
                problems.add(f"{where}.{key}", str(exc))
    if is_cpt(values.get("system")):
        problems.add(f"{where}.system", "CPT codes are built in (docs/fhir.md); map others only")
    if "approach" not in values and "region" not in values and len(problems.items) == before:
        problems.add(where, "give an approach, a region, or both")
    return LocalCode(**values) if len(problems.items) == before else None


def local_codes_data(rows: Iterable[LocalCode]) -> list[dict[str, str]]:
    """The code map as a clinic file writes it (parse_local_codes reads it back)."""
    return [
        {k: v for k, v in vars(row).items() if v}  # approach/region left out when not given
        for row in rows
    ]
