"""The clinic profile: name, phone numbers and the protocol values the clinic has decided.

The packaged profile (data/clinic.yaml) is both the documented default and the example that
`esi-docs example clinic` prints. A clinic's own file is layered over it: a protocol value the
clinic leaves out keeps the packaged, conservative default.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any

from esi_docs import clock
from esi_docs.errors import Problems
from esi_docs.inputs import esi_codes, medicines
from esi_docs.inputs import values as parse
from esi_docs.inputs.yamlio import load_data_file, parse_stored

DEFAULT_PROFILE = "clinic.yaml"


@dataclass(frozen=True)
class ProtocolRule:
    """What a protocol value may be; the ranges reject typos (a fever of 1000), not choices."""

    minimum: float
    maximum: float
    integer: bool = True
    flag: bool = False  # a yes/no decision (true/false), not a number
    # A choice among words that the content prints in the patient's language ("half of your
    # usual dose"), for decisions a number would print ambiguously ("50%"); empty: a number.
    choices: tuple[str, ...] = ()


# A protocol value as parsed: a number, a yes/no flag or one of a rule's choice words.
ProtocolValue = int | float | bool | str
_HOURS = ProtocolRule(0, 336)
_FLAG = ProtocolRule(0, 1, flag=True)
# How much of the usual long-acting insulin dose to take; each word is worded by the content.
INSULIN_DOSES = ("usual", "three_quarters", "half", "none")
_INSULIN_DOSE = ProtocolRule(0, 0, choices=INSULIN_DOSES)
PROTOCOL_RULES: dict[str, ProtocolRule] = {
    "no_driving_hours": _HOURS,
    "sedation_no_driving_hours": _HOURS,
    "escort_hours": _HOURS,
    "sedation_escort_hours": _HOURS,
    "sedation_no_alcohol_hours": _HOURS,
    "bandage_hours": ProtocolRule(1, 168),
    "no_soaking_hours": _HOURS,
    "ice_minutes": ProtocolRule(5, 30),
    "ice_gap_hours": ProtocolRule(0, 12),
    "no_strenuous_hours": _HOURS,
    "no_heavy_lifting_hours": _HOURS,
    "lifting_limit_lb": ProtocolRule(1, 100),
    "fever_f": ProtocolRule(99.0, 104.0, integer=False),
    "glucose_check_days": ProtocolRule(1, 30),
    "glucose_call_mg_dl": ProtocolRule(150, 600),
    "blood_thinner_restart_hours": _HOURS,
    # issue 12: the time basis of timed rules, and blood thinners the hold table does not list
    "procedure_minutes": ProtocolRule(5, 120),
    "observation_minutes": ProtocolRule(10, 240),
    "unlisted_blood_thinner_call_days": ProtocolRule(1, 30),
    # Before the procedure (the pre-procedure letter)
    "fasting_hours": ProtocolRule(0, 12),
    "sedation_fasting_hours": ProtocolRule(0, 12),
    "clear_liquids_hours": ProtocolRule(0, 12),
    "arrive_minutes_early": ProtocolRule(0, 120),
    "driver_required": _FLAG,
    "diabetes_hold_morning_pills": _FLAG,
    "diabetes_hold_mealtime_insulin": _FLAG,
    # issue 13: what the best sheets carry
    "acetaminophen_ok": _FLAG,  # discharge: acetaminophen (Tylenol) may be taken for soreness
    "nsaid_wait_hours": _HOURS,  # discharge: no ibuprofen/naproxen for the soreness (0: allowed)
    "no_lotion_hours": _HOURS,  # discharge: no lotion, cream or powder on the shot site
    "watch_days": ProtocolRule(1, 60),  # discharge: keep watching for the warning signs
    "no_relief_call_days": ProtocolRule(1, 60),  # discharge: call us if no relief after this
    "return_to_work_hours": _HOURS,  # discharge: back to (light) work after this many hours
    "pre_pain_medicine_hold_hours": ProtocolRule(0, 24),  # letter: no pain medicine before (0: ok)
    "visit_minutes": ProtocolRule(30, 480),  # letter: how long the whole visit takes
    "taxi_alone_ok": _FLAG,  # letter: a taxi or ride-share alone may take the patient home
    # The general guide
    "injections_per_year": ProtocolRule(1, 12),
    # issue 12: red flags and diabetes
    "numbness_limit_hours": ProtocolRule(1, 24),
    "urine_limit_hours": ProtocolRule(2, 24),
    "bleeding_press_minutes": ProtocolRule(5, 30),
    "diabetes_low_mg_dl": ProtocolRule(50, 100),
    "diabetes_high_morning_mg_dl": ProtocolRule(150, 600),
    "diabetes_eating_as_usual": _FLAG,
    "diabetes_evening_long_acting_insulin": _INSULIN_DOSE,
    "diabetes_morning_long_acting_insulin": _INSULIN_DOSE,
    "glp1_weekly_hold_days": ProtocolRule(0, 21),
    # before sedation: a daily GLP-1 medicine (Victoza, Saxenda, Byetta, Rybelsus pills) is not
    # taken on the day of the injection; false: "keep taking it as usual"
    "glp1_daily_skip_injection_day": _FLAG,
    "sglt2_hold_days": ProtocolRule(0, 14),
}
_TEXT_FIELDS = ("name", "phone", "after_hours_phone")
_OPTIONAL_TEXT = ("printer",)  # issue 8: the CUPS queue `--print` uses when none is named
_TEXT_LIMIT = 80
# issue 13: the clinic's opening hours, written by the clinic in each language it prints
# ({en: "Monday to Friday, 8:00 AM to 4:30 PM", es: "..."}); a language without them omits them.
HOURS_KEY = "opening_hours"
_LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$")
HOLD_TABLE = "blood_thinner_hold"
DESKS = "desk_printers"  # issue 15: {desk name: CUPS printer}; a nurse picks the desk once
_DESK_LIMIT = 40
_DESKS_MAX = 50
_QUEUE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@-]{0,126}$")  # a CUPS queue name
_HOLD_DAYS = ProtocolRule(0, 30)  # 0: keep taking it (aspirin for a heart stent, fish oil)
_HOLD_NAMES_LIMIT = 12
_HOLD_KEYS = ("drug", "names", "days", "restart_hours", "over_the_counter", "inr_check_days")


@dataclass(frozen=True)
class HoldRule:
    """One row of the clinic's blood-thinner hold table: stop `days` days before (0: keep
    taking it), start again `restart_hours` after (None: the protocol's general value)."""

    drug: str
    names: tuple[str, ...]  # brand and generic names it is known by, as the clinic wrote them
    days: int
    restart_hours: int | None = None
    over_the_counter: bool = False  # no prescriber to ask: the patient asks us
    inr_check_days: int | None = (
        None  # warfarin: INR blood test this many days before (0: on the day)
    )

    def matches(self, written: str) -> bool:
        """True when the patient's drug, as written, is this drug (case and spaces ignored)."""
        key = medicines.key(written)
        return bool(key) and key in {medicines.key(n) for n in (self.drug, *self.names)}

    def as_data(self) -> dict[str, Any]:
        """The row as a clinic file writes it (strings); optional keys only when set."""
        data: dict[str, Any] = {
            "drug": self.drug,
            "names": list(self.names),
            "days": str(self.days),
        }
        if self.restart_hours is not None:
            data["restart_hours"] = str(self.restart_hours)
        if self.over_the_counter:
            data["over_the_counter"] = "true"
        if self.inr_check_days is not None:
            data["inr_check_days"] = str(self.inr_check_days)
        return data


# How often the clinic re-reviews its handout wording (esi-docs lint warns after that). Not a
# protocol value: it governs the content, not what a patient is told.
REVIEW_KEY = "content_review_months"
REVIEW_MONTHS_RULE = ProtocolRule(1, 60)
DEFAULT_REVIEW_MONTHS = 12


# Sign-off (issue 13): which content version of each language the clinic's physicians approved.
APPROVAL_KEY = "content_approval"
_APPROVAL_FIELDS = ("version", "approved_by", "approved_on")


@dataclass(frozen=True)
class ContentApproval:
    """One language's sign-off: exactly this content version, by whom, on which day."""

    version: str
    approved_by: str
    approved_on: date


@dataclass(frozen=True)
class ClinicProfile:
    """A validated clinic profile; `protocol` is read-only so no render can change it."""

    name: str
    phone: str
    after_hours_phone: str
    protocol: Mapping[str, ProtocolValue]
    printer: str = ""
    blood_thinner_hold: tuple[HoldRule, ...] = ()
    content_review_months: int = DEFAULT_REVIEW_MONTHS
    desk_printers: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    content_approval: Mapping[str, ContentApproval] = field(
        default_factory=lambda: MappingProxyType({})
    )
    # Issue 17: the clinic's own procedure codes (SNOMED CT, local) -> approach and region.
    procedure_codes: tuple[esi_codes.LocalCode, ...] = ()
    opening_hours: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))

    def approval_for(self, language: str, version: str) -> ContentApproval | None:
        """The approval of exactly this language's content version, or None (a draft)."""
        approval = self.content_approval.get(language)
        return approval if approval is not None and approval.version == version else None

    def as_data(self) -> dict[str, Any]:
        """The profile as a clinic file would hold it (strings, like a file); parse_clinic
        reads it back to an equal profile. Used to send it to batch workers and to keep it in
        the audit record for reprints, so nothing may fall back to the packaged defaults."""
        return {
            "name": self.name,
            "phone": self.phone,
            "after_hours_phone": self.after_hours_phone,
            "printer": self.printer,
            REVIEW_KEY: str(self.content_review_months),
            DESKS: dict(self.desk_printers),
            "protocol": {key: _as_written(value) for key, value in self.protocol.items()},
            HOLD_TABLE: [rule.as_data() for rule in self.blood_thinner_hold],
            HOURS_KEY: dict(self.opening_hours),
            APPROVAL_KEY: {
                lang: {
                    "version": a.version,
                    "approved_by": a.approved_by,
                    "approved_on": a.approved_on.isoformat(),
                }
                for lang, a in self.content_approval.items()
            },
            esi_codes.KEY: esi_codes.local_codes_data(self.procedure_codes),
        }

    def hold_for(self, drug: str) -> HoldRule | None:
        """The hold rule for the patient's drug, or None: then the letter says to call us."""
        return next((rule for rule in self.blood_thinner_hold if rule.matches(drug)), None)


def _as_written(value: ProtocolValue) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def default_profile_text() -> str:
    """The packaged, commented profile: the defaults and the example in one file."""
    return (resources.files("esi_docs") / "data" / DEFAULT_PROFILE).read_text(encoding="utf-8")


def _default_data() -> dict[str, Any]:
    return copy.deepcopy(_parsed_default())


@lru_cache(maxsize=1)
def _parsed_default() -> dict[str, Any]:
    """Parsed once per process: the packaged file does not change while we run, and parsing
    it was a third of a warm render that used the default profile."""
    return parse_stored(default_profile_text(), DEFAULT_PROFILE, strings_only=True)


def parse_clinic(data: Any, source: str) -> ClinicProfile:
    """Validate a clinic mapping layered over the packaged defaults; report every problem."""
    problems = Problems(source)
    if not isinstance(data, Mapping):
        problems.add("", "must be a mapping of field: value lines")
        problems.raise_if_any()
    defaults = _default_data()
    for key in data:
        known = (
            *_TEXT_FIELDS,
            *_OPTIONAL_TEXT,
            "protocol",
            HOLD_TABLE,
            REVIEW_KEY,
            APPROVAL_KEY,
            DESKS,
            esi_codes.KEY,
            HOURS_KEY,
        )
        if key not in known:
            allowed = ", ".join(dict.fromkeys([*defaults, *_OPTIONAL_TEXT, HOLD_TABLE, *known]))
            problems.add(str(key), f"unknown field; allowed fields are {allowed}")
    text = {key: _text_field(data, defaults, key, problems) for key in _TEXT_FIELDS}
    text.update(_optional_text(data, problems))
    protocol = _protocol(data.get("protocol", {}), defaults["protocol"], problems)
    hold = _hold_table(data.get(HOLD_TABLE, defaults.get(HOLD_TABLE)), problems)
    review = _review_months(data.get(REVIEW_KEY, defaults.get(REVIEW_KEY)), problems)
    desks = _desk_printers(data.get(DESKS) or {}, problems)
    # Never layered over the defaults: a clinic's file approves only what it says it approves.
    approvals = _approvals(data.get(APPROVAL_KEY), problems)
    local_codes = esi_codes.parse_local_codes(data.get(esi_codes.KEY), problems)
    # Also never layered: another clinic's hours printed as this clinic's would send patients
    # to a closed door. Without them, the sheets simply do not state hours.
    hours = _opening_hours(data.get(HOURS_KEY), problems)
    problems.raise_if_any()
    return ClinicProfile(
        **text,
        protocol=MappingProxyType(protocol),
        blood_thinner_hold=hold,
        content_review_months=review,
        desk_printers=MappingProxyType(desks),
        content_approval=MappingProxyType(approvals),
        procedure_codes=local_codes,
        opening_hours=MappingProxyType(hours),
    )


def _opening_hours(given: Any, problems: Problems) -> dict[str, str]:
    """opening_hours: {language code: the hours in that language's words}."""
    if given is None or given == "" or given == {}:
        return {}
    if not isinstance(given, Mapping):
        problems.add(HOURS_KEY, "must be a mapping of language: hours lines (en: ..., es: ...)")
        return {}
    hours: dict[str, str] = {}
    for lang, text in given.items():
        if not isinstance(lang, str) or not _LANGUAGE_CODE.match(lang):
            problems.add(HOURS_KEY, f"'{lang}' is not a language code such as en or es")
            continue
        try:
            hours[lang] = parse.as_required_text(text, max_length=_TEXT_LIMIT * 2)
        except parse.FieldError as exc:
            problems.add(f"{HOURS_KEY}.{lang}", str(exc))
    return hours


def _desk_printers(given: Any, problems: Problems) -> dict[str, str]:
    """Desk name -> CUPS printer, as the clinic wrote it (names are shown to nurses)."""
    if not isinstance(given, Mapping) or len(given) > _DESKS_MAX:
        problems.add(DESKS, f"must be a mapping of desk name: printer lines (at most {_DESKS_MAX})")
        return {}
    desks: dict[str, str] = {}
    for desk, printer in given.items():
        try:
            name = parse.as_required_text(desk, max_length=_DESK_LIMIT)
        except parse.FieldError as exc:
            problems.add(DESKS, f"desk name: {exc}")
            continue
        if not isinstance(printer, str) or not _QUEUE.match(printer):
            problems.add(
                f"{DESKS}.{name}",
                "must be a CUPS printer name (letters, digits, '_', '.', '-' or '@')",
            )
            continue
        desks[name] = printer
    return desks


def _approvals(given: Any, problems: Problems) -> dict[str, ContentApproval]:
    """content_approval: {language: {version, approved_by, approved_on}}; every field needed."""
    if given is None or given == "" or given == {}:
        return {}
    if not isinstance(given, Mapping):
        problems.add(
            APPROVAL_KEY, "must be a mapping of language: {version, approved_by, approved_on}"
        )
        return {}
    approvals = {}
    for lang, entry in given.items():
        where = f"{APPROVAL_KEY}.{lang}"
        if not isinstance(entry, Mapping):
            problems.add(where, "must be a mapping with version, approved_by, approved_on")
            continue
        approval = _approval(entry, where, problems)
        if approval is not None:
            approvals[str(lang)] = approval
    return approvals


def _as_iso(value: Any) -> Any:
    """A YAML loader may already have read an unquoted 2026-12-01 as a date."""
    return value.isoformat() if isinstance(value, date) else value


def _approval(entry: Mapping, where: str, problems: Problems) -> ContentApproval | None:
    for key in entry:
        if key not in _APPROVAL_FIELDS:
            problems.add(
                f"{where}.{key}", f"unknown key; allowed are {', '.join(_APPROVAL_FIELDS)}"
            )
    checks = {
        "version": lambda: parse.as_required_text(entry.get("version", ""), max_length=40),
        "approved_by": lambda: parse.as_required_text(
            entry.get("approved_by", ""), max_length=_TEXT_LIMIT * 2
        ),
        "approved_on": lambda: parse.as_date(_as_iso(entry.get("approved_on", ""))),
    }
    parsed: dict[str, Any] = {}
    for key, check in checks.items():
        try:
            parsed[key] = check()
        except parse.FieldError as exc:
            problems.add(f"{where}.{key}", str(exc))
    if len(parsed) < len(checks):
        return None
    if parsed["approved_on"] > clock.today():
        problems.add(f"{where}.approved_on", "is in the future; give the day it was approved")
        return None
    return ContentApproval(**parsed)


def _review_months(value: Any, problems: Problems) -> int:
    if value is None:
        return DEFAULT_REVIEW_MONTHS
    rule = REVIEW_MONTHS_RULE
    try:
        return int(parse.as_number(value, minimum=rule.minimum, maximum=rule.maximum, integer=True))
    except parse.FieldError as exc:
        problems.add(REVIEW_KEY, str(exc))
        return DEFAULT_REVIEW_MONTHS


def _text_field(data: Mapping, defaults: Mapping, key: str, problems: Problems) -> str:
    try:
        return parse.as_required_text(data.get(key, defaults[key]), max_length=_TEXT_LIMIT)
    except parse.FieldError as exc:
        problems.add(key, str(exc))
        return ""


def _optional_text(data: Mapping, problems: Problems) -> dict[str, str]:
    values: dict[str, str] = {}
    for key in _OPTIONAL_TEXT:
        try:
            values[key] = parse.as_text(data.get(key) or "", max_length=_TEXT_LIMIT)
        except parse.FieldError as exc:
            problems.add(key, str(exc))
    return values


# Before issue 12 the morning insulin dose was a percentage, printed as "Take 50% of your usual
# dose": ambiguous to a patient. A percentage that has plain words is still read (as the morning
# choice); any other is refused with the new key's name, never guessed.
LEGACY_INSULIN_KEY = "diabetes_long_acting_insulin_percent"
MORNING_INSULIN_KEY = "diabetes_morning_long_acting_insulin"
_LEGACY_INSULIN_WORDS = {100: "usual", 75: "three_quarters", 50: "half", 0: "none"}


def _legacy_protocol(given: Mapping, problems: Problems) -> Mapping:
    """The protocol mapping with the old percentage key turned into the morning choice."""
    if LEGACY_INSULIN_KEY not in given:
        return given
    given = dict(given)
    raw = given.pop(LEGACY_INSULIN_KEY)
    where = f"protocol.{LEGACY_INSULIN_KEY}"
    choices = ", ".join(INSULIN_DOSES)
    if MORNING_INSULIN_KEY in given:
        problems.add(where, f"is replaced by {MORNING_INSULIN_KEY}; give only that one")
        return given
    try:
        percent = parse.as_number(raw, minimum=0, maximum=100, integer=True)
    except parse.FieldError as exc:
        problems.add(where, f"{exc}; better, write {MORNING_INSULIN_KEY}: one of {choices}")
        return given
    word = _LEGACY_INSULIN_WORDS.get(int(percent))
    if word is None:
        problems.add(
            where,
            f"{percent}% has no plain words for a patient; write {MORNING_INSULIN_KEY}: "
            f"one of {choices}",
        )
    else:
        given[MORNING_INSULIN_KEY] = word
    return given


def _protocol(given: Any, defaults: Mapping, problems: Problems) -> dict[str, ProtocolValue]:
    if not isinstance(given, Mapping):
        problems.add("protocol", "must be a mapping of name: value lines")
        given = {}
    given = _legacy_protocol(given, problems)
    for key in given:
        if key not in PROTOCOL_RULES:
            allowed = ", ".join(PROTOCOL_RULES)
            problems.add(f"protocol.{key}", f"unknown protocol value; allowed are {allowed}")
    values: dict[str, ProtocolValue] = {}
    for key, rule in PROTOCOL_RULES.items():
        raw = given.get(key, defaults.get(key))
        if raw is None:
            problems.add(f"protocol.{key}", "required")
            continue
        try:
            values[key] = _protocol_value(raw, rule)
        except parse.FieldError as exc:
            problems.add(f"protocol.{key}", str(exc))
    return values


def _protocol_value(raw: Any, rule: ProtocolRule) -> ProtocolValue:
    if rule.flag:
        return parse.as_flag(raw)
    if rule.choices:
        return parse.as_choice(raw, rule.choices)
    return parse.as_number(raw, minimum=rule.minimum, maximum=rule.maximum, integer=rule.integer)


def _hold_table(given: Any, problems: Problems) -> tuple[HoldRule, ...]:
    """The clinic's hold table: a list of {drug, names, days}. An empty list is allowed (every
    patient on a blood thinner is then told to call the clinic); a malformed row is an error,
    and so is a name listed under two drugs (which rule would apply is then unclear)."""
    if given is None or given == "":
        return ()
    if not isinstance(given, list):
        problems.add(HOLD_TABLE, "must be a list of entries with drug, names and days")
        return ()
    rules = [_hold_rule(row, f"{HOLD_TABLE}[{n}]", problems) for n, row in enumerate(given)]
    seen: set[str] = set()
    for n, rule in enumerate(rules):
        for name in (rule.drug, *rule.names) if rule else ():
            if medicines.key(name) in seen:
                problems.add(f"{HOLD_TABLE}[{n}]", f"'{name}' is listed under two drugs")
            seen.add(medicines.key(name))
    return tuple(rule for rule in rules if rule is not None)


def _hold_rule(row: Any, where: str, problems: Problems) -> HoldRule | None:
    if not isinstance(row, Mapping):
        problems.add(where, "must be a mapping with drug, names and days")
        return None
    for key in row:
        if key not in _HOLD_KEYS:
            problems.add(f"{where}.{key}", f"unknown key; allowed are {', '.join(_HOLD_KEYS)}")
    names = row.get("names") or []
    if not isinstance(names, list) or len(names) > _HOLD_NAMES_LIMIT:
        problems.add(f"{where}.names", f"must be a list of up to {_HOLD_NAMES_LIMIT} names")
        names = []
    parsed: dict[str, Any] = {}
    checks = {
        "drug": lambda: parse.as_required_text(row.get("drug", ""), max_length=_TEXT_LIMIT),
        "names": lambda: tuple(parse.as_required_text(n, max_length=_TEXT_LIMIT) for n in names),
        "days": lambda: int(
            parse.as_number(
                row.get("days", ""),
                minimum=_HOLD_DAYS.minimum,
                maximum=_HOLD_DAYS.maximum,
                integer=True,
            )
        ),
    }
    checks.update(_optional_hold_checks(row))
    for key, check in checks.items():
        try:
            parsed[key] = check()
        except parse.FieldError as exc:
            problems.add(f"{where}.{key}", str(exc))
    if len(parsed) < len(checks):
        return None
    return HoldRule(**parsed)


def _optional_hold_checks(row: Mapping) -> dict[str, Any]:
    """The hold row's optional keys, each checked only when the clinic wrote it."""
    checks: dict[str, Any] = {}
    if row.get("restart_hours") not in (None, ""):
        checks["restart_hours"] = lambda: int(
            parse.as_number(row["restart_hours"], minimum=0, maximum=336, integer=True)
        )
    if row.get("over_the_counter") not in (None, ""):
        checks["over_the_counter"] = lambda: parse.as_flag(row["over_the_counter"])
    if row.get("inr_check_days") not in (None, ""):
        checks["inr_check_days"] = lambda: int(
            parse.as_number(row["inr_check_days"], minimum=0, maximum=14, integer=True)
        )
    return checks


def load_clinic(path: str | Path | None) -> ClinicProfile:
    """The clinic profile from a file, or the packaged default profile when none is given."""
    if path is None:
        return parse_clinic(_default_data(), DEFAULT_PROFILE)
    path = Path(path)
    return parse_clinic(load_data_file(path), str(path))
