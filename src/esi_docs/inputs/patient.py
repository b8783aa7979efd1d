"""Per-patient options: the validated, frozen form of a patient file, roster row or web form.

Everything arrives as strings (see yamlio); this module decides what each string means and
collects every problem of one input so the user fixes them all in one go.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, fields, replace
from datetime import date, time
from pathlib import Path
from typing import Any

from esi_docs import clock
from esi_docs.errors import InputError, Problems
from esi_docs.inputs import medicines, spine
from esi_docs.inputs import values as parse
from esi_docs.inputs.yamlio import load_data_file

APPROACHES = ("interlaminar", "transforaminal", "caudal")
REGIONS = ("cervical", "thoracic", "lumbar")
SIDES = ("left", "right", "both")
NO_BLOOD_THINNER = "none"
NAME_LIMIT = 100  # characters; documented in the README, and wraps inside the margins
SHORT_LIMIT = 40
MAX_AGE_YEARS = 120


@dataclass(frozen=True)
class PatientOptions:
    """One patient's options. Free-text values are exactly as written (NFC-normalised)."""

    name: str
    dob: date
    mrn: str
    procedure_date: date
    approach: str
    region: str
    diabetic: bool
    sedation: bool
    blood_thinner: tuple[str, ...]  # the names as written; () when the patient takes none
    # Which of them were stopped for this procedure (a subset of blood_thinner); None when
    # not said. The discharge sheet requires it whenever a blood thinner is named.
    blood_thinner_held: tuple[str, ...] | None = None
    physician: str = ""
    level: str = ""  # one or several levels of the region, e.g. "L4-L5, L5-S1"
    side: str = ""
    contrast: bool = True  # X-ray dye was used (false: e.g. after a contrast allergy)
    local_anesthetic: bool = True  # a numbing medicine went in with the steroid
    follow_up: date | None = None
    procedure_time: time | None = None
    arrival_time: time | None = None  # when to arrive (pre-procedure letter); HH:MM
    discharge_time: time | None = None  # when the patient left; timed rules count from it
    language: str = "en"
    large_print: bool = False

    @property
    def levels(self) -> tuple[str, ...]:
        """The level(s) as a list: one level reads "level", several read "levels"."""
        return tuple(part.strip() for part in self.level.split(",")) if self.level else ()

    def as_context(self) -> dict[str, Any]:
        """The names templates and `when:` conditions see."""
        return asdict(self) | {"levels": self.levels}

    def to_mapping(self) -> dict[str, Any]:
        """The patient file's mapping: its keys, each value in the text form the file takes
        (lists stay lists). `parse_patient` reads it back to an equal PatientOptions; the
        roster, FHIR, the form, the audit trail and reprint all speak this one form."""
        values: dict[str, Any] = {}
        for item in fields(self):
            text = _as_text(getattr(self, item.name))
            if text is not None:
                values[item.name] = text
        values["blood_thinner"] = list(self.blood_thinner) or NO_BLOOD_THINNER
        if self.blood_thinner_held is not None:
            values["blood_thinner_held"] = medicines.held_as_written(
                self.blood_thinner, self.blood_thinner_held
            )
        return values


def _as_text(value: Any) -> Any:
    """One value as a patient file writes it; None for an optional value that is not set."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [_as_text(v) for v in value]
    return str(value)


def _choice(allowed: tuple[str, ...]) -> Callable[[Any], str]:
    return lambda value: parse.as_choice(value, allowed)


def _text(limit: int, *, required: bool) -> Callable[[Any], str]:
    if required:
        return lambda value: parse.as_required_text(value, max_length=limit)
    return lambda value: parse.as_text(value, max_length=limit)


def _optional(parser: Callable[[Any], Any]) -> Callable[[Any], Any]:
    return lambda value: None if isinstance(value, str) and not value.strip() else parser(value)


# The longest value each free-text field takes (what fits on the sheet), for messages.
FIELD_LIMITS = {
    "name": NAME_LIMIT,
    "physician": NAME_LIMIT,
    "mrn": SHORT_LIMIT,
    "level": SHORT_LIMIT,
    "blood_thinner": SHORT_LIMIT,
}

# field -> (parser, required). Required fields have no default: a missing diabetic flag must
# never quietly become "not diabetic" on a sheet.
FIELD_PARSERS: dict[str, tuple[Callable[[Any], Any], bool]] = {
    "name": (_text(NAME_LIMIT, required=True), True),
    "dob": (parse.as_date, True),
    "mrn": (_text(SHORT_LIMIT, required=True), True),
    "procedure_date": (parse.as_date, True),
    "approach": (_choice(APPROACHES), True),
    "region": (_choice(REGIONS), True),
    "diabetic": (parse.as_flag, True),
    "sedation": (parse.as_flag, True),
    "blood_thinner": (medicines.parse_names, True),
    # What was written (all, none or names); checked against blood_thinner in _check_medicines.
    "blood_thinner_held": (_optional(medicines.parse_held), False),
    "physician": (_text(NAME_LIMIT, required=False), False),
    "level": (_text(SHORT_LIMIT, required=False), False),
    "side": (_optional(_choice(SIDES)), False),
    "contrast": (parse.as_flag, False),
    "local_anesthetic": (parse.as_flag, False),
    "follow_up": (_optional(parse.as_date), False),
    "procedure_time": (_optional(parse.as_time), False),
    "arrival_time": (_optional(parse.as_time), False),
    "discharge_time": (_optional(parse.as_time), False),
    "language": (parse.as_language, False),
    "large_print": (parse.as_flag, False),
}
assert set(FIELD_PARSERS) == {f.name for f in fields(PatientOptions)}


def parse_patient(data: Any, source: str) -> PatientOptions:
    """Validate a mapping of strings into PatientOptions, reporting every problem at once."""
    problems = Problems(source)
    if not isinstance(data, Mapping):
        problems.add("", "must be a mapping of field: value lines")
        problems.raise_if_any()
    values: dict[str, Any] = {}
    for key in data:
        if str(key) not in FIELD_PARSERS:
            allowed = ", ".join(FIELD_PARSERS)
            problems.add(
                str(key), f"unknown field; allowed fields are {allowed}", code="unknown_field"
            )
    for key, (parser, required) in FIELD_PARSERS.items():
        if key not in data or data[key] is None:
            if required:
                problems.add(key, "required", code="required")
            continue
        try:
            parsed = parser(data[key])
        except parse.FieldError as exc:
            problems.add(key, str(exc), code=exc.code)
            continue
        if parsed is not None:
            values[key] = parsed
    _check_dates(values, problems)
    _check_procedure(values, problems)
    _check_medicines(values, problems)
    problems.raise_if_any()
    return PatientOptions(**values)


def _check_procedure(values: dict[str, Any], problems: Problems) -> None:
    """A procedure that cannot have happened (caudal in the neck, a lumbar level in the neck)
    is a typing mistake: refused, naming each field involved."""
    approach, region = values.get("approach"), values.get("region")
    if approach and region:
        why = spine.approach_problem(approach, region)
        if why:
            problems.add("approach", why, code="contradiction")
            problems.add(
                "region", f"{region} does not go with approach {approach}", code="contradiction"
            )
    if region and values.get("level"):
        try:
            values["level"] = ", ".join(spine.parse_levels(values["level"], region))
        except spine.LevelError as exc:
            problems.add("level", str(exc), code="contradiction")


def _check_medicines(values: dict[str, Any], problems: Problems) -> None:
    """blood_thinner_held names only drugs in blood_thinner: 'all', 'none' or which ones."""
    if "blood_thinner_held" not in values or "blood_thinner" not in values:
        return
    try:
        values["blood_thinner_held"] = medicines.resolve_held(
            values["blood_thinner"], values["blood_thinner_held"]
        )
    except parse.FieldError as exc:
        problems.add("blood_thinner_held", str(exc), code=exc.code)


def _check_dates(values: dict[str, Any], problems: Problems) -> None:
    """Dates that cannot all be true together are a typing mistake, not something to print."""
    dob, procedure = values.get("dob"), values.get("procedure_date")
    if dob and dob > clock.today():
        problems.add("dob", "is in the future", code="future")
    if dob and procedure:
        if dob > procedure:
            problems.add("dob", "is after the procedure date", code="contradiction")
        elif (procedure.year - dob.year) > MAX_AGE_YEARS:
            problems.add("dob", f"gives an age over {MAX_AGE_YEARS} years", code="too_old")
    follow_up = values.get("follow_up")
    if follow_up and procedure and follow_up < procedure:
        problems.add("follow_up", "is before the procedure date", code="contradiction")
    arrival, start = values.get("arrival_time"), values.get("procedure_time")
    if arrival and start and arrival > start:
        problems.add("arrival_time", "is after the procedure_time", code="contradiction")
    left = values.get("discharge_time")
    if left and start and left < start:
        problems.add("discharge_time", "is before the procedure_time", code="contradiction")


def apply_overrides(patient: PatientOptions, overrides: Mapping[str, Any]) -> PatientOptions:
    """CLI flags win over the patient file (explicit merge precedence); None means 'not given'."""
    given = {key: value for key, value in overrides.items() if value is not None}
    return replace(patient, **given) if given else patient


def load_patient(path: str | Path) -> PatientOptions:
    """Read and validate a patient YAML file."""
    path = Path(path)
    return parse_patient(load_data_file(path), str(path))


__all__ = ["InputError", "PatientOptions", "apply_overrides", "load_patient", "parse_patient"]
