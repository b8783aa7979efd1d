"""The checkout form's fields: what the nurse may pick, and how the typed values become a patient.

The form speaks the patient file's language (field names are the file's keys) and hands the
values, as typed, to `options.parse_patient` with the source "form": there is no second set of
validation rules. This module only translates the library's one-line problems into words a
nurse understands, next to the field they belong to.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from babel import Locale, UnknownLocaleError

from esi_docs.content.search_path import ContentPaths
from esi_docs.errors import EsiDocsError, Problem
from esi_docs.inputs import values as parse
from esi_docs.inputs.clinic import ClinicProfile
from esi_docs.inputs.patient import APPROACHES, FIELD_LIMITS, NO_BLOOD_THINNER, REGIONS

SOURCE = "form"
DEFAULT_HANDOUT = "discharge"
OTHER = "other"
OTHER_FIELD = "blood_thinner_other"
SOME = "some"
HELD_NAMES_FIELD = "blood_thinner_held_names"
OPERATOR_LIMIT = 60
# Offered until the clinic profile carries its own hold table (clinic.blood_thinner_hold).
# Names as patients know them; any other drug is typed under "other".
DEFAULT_BLOOD_THINNERS = (
    "Aspirin",
    "Brilinta",
    "Eliquis",
    "Plavix",
    "Pradaxa",
    "Warfarin",
    "Xarelto",
)
# The patient-file keys the form sends to parse_patient, in the order they appear on the page.
PATIENT_FIELDS = (
    "name",
    "dob",
    "mrn",
    "procedure_date",
    "procedure_time",
    "approach",
    "region",
    "diabetic",
    "sedation",
    "blood_thinner",
    "blood_thinner_held",
    "contrast",
    "local_anesthetic",
    "discharge_time",
    "language",
    "large_print",
)
_REGION_WORDS = {"cervical": "neck", "thoracic": "mid back", "lumbar": "low back"}
# Every field on the page, in page order (the first one with a problem gets the focus).
FIELD_ORDER = (
    *PATIENT_FIELDS[:10],
    OTHER_FIELD,
    PATIENT_FIELDS[10],
    HELD_NAMES_FIELD,
    *PATIENT_FIELDS[11:],
    "handout",
    "operator",
)
# The form's own fields that stand in for a patient field (a typed drug name, typed held names).
_STAND_INS = {OTHER_FIELD: "blood_thinner", HELD_NAMES_FIELD: "blood_thinner_held"}
# What to say when a field is left empty; a blank yes/no is never taken as "no".
MISSING = {
    "name": "Type the patient's name.",
    "dob": "Enter the date of birth.",
    "mrn": "Scan or type the MRN.",
    "procedure_date": "Enter the procedure date.",
    "approach": "Choose the approach.",
    "region": "Choose the part of the spine.",
    "diabetic": "Choose yes or no.",
    "sedation": "Choose yes or no.",
    "blood_thinner": "Choose the blood thinner, or none.",
    OTHER_FIELD: "Type the name of the blood thinner.",
    "blood_thinner_held": "Choose whether the blood thinner was stopped for this procedure.",
    HELD_NAMES_FIELD: "Type which blood thinners were stopped.",
    "contrast": "Choose yes or no.",
    "local_anesthetic": "Choose yes or no.",
    "language": "Choose a language.",
    "handout": "Choose a handout.",
    "operator": "Type your name: it goes in the print record.",
}


@dataclass(frozen=True)
class FormChoices:
    """The pick lists, read once when the app starts (content and profile do not change)."""

    handouts: tuple[str, ...]
    languages: tuple[tuple[str, str], ...]  # (code, name in that language)
    blood_thinners: tuple[str, ...]


@dataclass
class Submission:
    """One POST: the values exactly as typed (to show again) and the problems per field."""

    values: dict[str, str]
    errors: dict[str, list[str]] = field(default_factory=dict)
    general: list[str] = field(default_factory=list)

    def add(self, name: str, message: str) -> None:
        self.errors.setdefault(name, []).append(message)

    @property
    def ok(self) -> bool:
        return not self.errors and not self.general


def clinic_drug_names(clinic: ClinicProfile) -> tuple[str, ...]:
    """Every name in the clinic's hold table (generic and brand), so the nurse picks the name
    the patient knows and the letter still finds the hold rule; else the default list."""
    if not clinic.blood_thinner_hold:
        return DEFAULT_BLOOD_THINNERS
    names = {name for rule in clinic.blood_thinner_hold for name in (rule.drug, *rule.names)}
    return tuple(sorted(names, key=str.casefold))


def language_name(code: str) -> str:
    """'English', 'Español': each language named in itself, as a patient would recognise it."""
    try:
        name = Locale.parse(code).get_display_name(code) or code
    except (ValueError, UnknownLocaleError):
        return code
    return name[:1].upper() + name[1:]


def form_choices(clinic: ClinicProfile, templates: Path | None) -> FormChoices:
    paths = ContentPaths(templates)
    return FormChoices(
        handouts=tuple(paths.recipe_names()),
        languages=tuple((code, language_name(code)) for code in paths.languages()),
        blood_thinners=clinic_drug_names(clinic),
    )


def page_options(choices: FormChoices) -> dict[str, list[tuple[str, str]]]:
    """(value, what the nurse reads) for every pick list; values are the patient-file words."""
    drugs = [(name, name) for name in choices.blood_thinners]
    return {
        "approach": [(a, a.capitalize()) for a in APPROACHES],
        "region": [(r, f"{r.capitalize()} ({_REGION_WORDS[r]})") for r in REGIONS],
        "blood_thinner": [(NO_BLOOD_THINNER, "None"), *drugs, (OTHER, "Other, or several…")],
        "blood_thinner_held": [
            ("all", "Yes: stopped for this procedure"),
            ("none", "No: kept taking it"),
            (SOME, "Some of them…"),
        ],
        "handout": [(h, h.replace("-", " ").capitalize()) for h in choices.handouts],
        "language": list(choices.languages),
    }


def initial_values(today: str) -> dict[str, str]:
    """A fresh form: only the patient file's own defaults, plus today's date."""
    return {
        "procedure_date": today,
        "language": "en",
        "handout": DEFAULT_HANDOUT,
        "contrast": "true",
        "local_anesthetic": "true",
    }


def read_submission(form: Mapping[str, str]) -> Submission:
    """Keep the known fields exactly as typed; anything else a client sends is ignored."""
    known = (*PATIENT_FIELDS, *_STAND_INS, "handout", "operator")
    return Submission({key: form[key] for key in known if key in form})


def patient_mapping(values: Mapping[str, str]) -> dict[str, str]:
    """The patient-file mapping for parse_patient: same keys, same strings."""
    mapping = {key: values[key] for key in PATIENT_FIELDS if key in values}
    # An unticked checkbox sends nothing: that, and only that, means the default "false".
    mapping["large_print"] = values.get("large_print") or "false"
    if values.get("blood_thinner") == OTHER:
        mapping["blood_thinner"] = values.get(OTHER_FIELD, "")
    if values.get("blood_thinner_held") == SOME:
        mapping["blood_thinner_held"] = values.get(HELD_NAMES_FIELD, "")
    return mapping


def check_choices(submission: Submission, choices: FormChoices) -> None:
    """The handout and the 'other' drug name are the form's own fields, checked here."""
    handout = submission.values.get("handout", "")
    if handout not in choices.handouts:
        submission.add("handout", MISSING["handout"])
    for field_name, (chosen, value) in {
        OTHER_FIELD: ("blood_thinner", OTHER),
        HELD_NAMES_FIELD: ("blood_thinner_held", SOME),
    }.items():
        typed = submission.values.get(field_name, "").strip()
        if submission.values.get(chosen) == value and not typed:
            submission.add(field_name, MISSING[field_name])


def check_operator(submission: Submission, remembered: str | None) -> str | None:
    """The operator typed once per session; a new value replaces the remembered one."""
    typed = submission.values.get("operator")
    if typed is None:
        if remembered:
            return remembered
        typed = ""
    try:
        return parse.as_required_text(typed, max_length=OPERATOR_LIMIT)
    except parse.FieldError as exc:
        submission.add(
            "operator", nurse_words("operator", Problem(SOURCE, "operator", str(exc), exc.code))
        )
        return None


def add_problems(submission: Submission, error: EsiDocsError) -> None:
    """Each library problem goes next to its field; anything else goes at the top."""
    typed_instead = {
        patient_field: stand_in
        for stand_in, patient_field in _STAND_INS.items()
        if submission.values.get(patient_field) in (OTHER, SOME)
    }
    for problem in error.problems:
        if problem.source not in (SOURCE, "") or problem.field not in PATIENT_FIELDS:
            submission.general.append(str(problem))
            continue
        name = typed_instead.get(problem.field, problem.field)
        if name in _STAND_INS and name in submission.errors:
            continue  # already said: the typed value is blank
        submission.add(name, nurse_words(name, problem))


# The library's problem codes, said the way a nurse at checkout would (by code, never by
# matching the English text, so rewording a library message cannot break the form).
_WORDS = {
    ("format", "date"): "Enter the date as year-month-day, e.g. 1961-04-12.",
    ("calendar", "date"): "This date is not on the calendar: check day and month.",
    ("future", ""): "This date is in the future.",
    ("contradiction", "dob"): "This is after the procedure date: check both dates.",
    ("too_old", ""): "That makes the patient over 120 years old: check the year.",
    ("format", "time"): "Enter the time as hours:minutes, e.g. 09:30 or 14:00.",
    ("choice", ""): "Choose one of the options in the list.",
}
_TIME_FIELDS = {"procedure_time", "arrival_time", "discharge_time"}


def nurse_words(name: str, problem: Problem) -> str:
    """The library's problem with one field, said the way a nurse at checkout would."""
    if problem.code == "required":
        return MISSING.get(name, "This is required.")
    if problem.code == "too_long":
        limit = FIELD_LIMITS.get(name, OPERATOR_LIMIT)
        return f"Too long: at most {limit} characters fit on the sheet."
    if problem.code == "unprintable":
        return f"The sheet cannot print this as typed ({problem.text}): please retype it."
    kind = "time" if name in _TIME_FIELDS else "date"
    for key in ((problem.code, kind), (problem.code, name), (problem.code, "")):
        if key in _WORDS:
            return _WORDS[key]
    return problem.text[:1].upper() + problem.text[1:]
