"""What the clinic's rules say for each of this patient's blood thinners, as dates in words.

One place decides, per medicine: does the clinic's table list it, does the clinic stop it
before the procedure (and from which day), was it stopped this time, and when to start it
again. Templates only choose words from these facts, so the letter and the discharge sheet
can never disagree with each other or with the clinic's table, and a medicine that was not
stopped is never given a restart date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from esi_docs.content.dates import ProcedureDates
from esi_docs.errors import InputError, Problem
from esi_docs.inputs.clinic import ClinicProfile, HoldRule
from esi_docs.inputs.patient import PatientOptions


@dataclass(frozen=True)
class BloodThinner:
    """One medicine as the templates see it: facts and ready-to-print dates."""

    name: str  # as the patient knows it
    listed: bool  # the clinic's table has a rule for it
    stop: bool  # the clinic stops it before this procedure (days > 0)
    days: int  # days without it before the procedure (0: keep taking it)
    over_the_counter: bool
    held: bool | None  # stopped for this procedure (None: not said, e.g. on the letter)
    last_dose: str  # the day of the last dose, in words ("" when not stopped)
    first_day_without: str  # the first day without a dose, in words
    restart: str  # when to start it again, in words (only for a held medicine)
    call_by: str  # an unlisted medicine: the day to call us by if we have not called
    inr_check: str  # warfarin: when the INR blood test is, in words ("" when none)
    inr_on_the_day: bool


@dataclass(frozen=True)
class Medicines:
    """The patient's blood thinners, grouped the way the wording needs them."""

    all: tuple[BloodThinner, ...]

    @property
    def held(self) -> list[BloodThinner]:
        """Stopped for this procedure: each gets a restart day on the discharge sheet."""
        return [m for m in self.all if m.held]

    @property
    def kept(self) -> list[BloodThinner]:
        """Not stopped: "keep taking it as usual", never the word restart."""
        return [m for m in self.all if m.held is False]

    @property
    def to_stop(self) -> list[BloodThinner]:
        """The clinic's table stops these before the procedure (the letter's dates)."""
        return [m for m in self.all if m.stop]

    @property
    def to_keep(self) -> list[BloodThinner]:
        """The clinic's table says to keep taking these (days: 0)."""
        return [m for m in self.all if m.listed and not m.stop]

    @property
    def unlisted(self) -> list[BloodThinner]:
        """Not in the clinic's table: keep taking it until we call."""
        return [m for m in self.all if not m.listed]

    @property
    def prescribed_to_stop(self) -> list[BloodThinner]:
        """To stop, and a prescriber must agree first (not over the counter)."""
        return [m for m in self.to_stop if not m.over_the_counter]

    @property
    def inr(self) -> list[BloodThinner]:
        """To stop, with the INR blood test the clinic sets (warfarin)."""
        return [m for m in self.to_stop if m.inr_check or m.inr_on_the_day]


def plan(patient: PatientOptions, clinic: ClinicProfile, dates: ProcedureDates) -> Medicines:
    """One BloodThinner per medicine the patient takes, in the order written."""
    held = patient.blood_thinner_held
    return Medicines(
        tuple(
            _one(name, clinic.hold_for(name), None if held is None else name in held, clinic, dates)
            for name in patient.blood_thinner
        )
    )


def _call_days(clinic: ClinicProfile) -> int:
    """Days before the procedure by which to call us about a medicine the table does not list."""
    return int(clinic.protocol["unlisted_blood_thinner_call_days"])


def _one(
    name: str,
    rule: HoldRule | None,
    held: bool | None,
    clinic: ClinicProfile,
    dates: ProcedureDates,
) -> BloodThinner:
    days = rule.days if rule else 0
    hours = rule.restart_hours if rule and rule.restart_hours is not None else None
    restart_hours = (
        hours if hours is not None else int(clinic.protocol["blood_thinner_restart_hours"])
    )
    inr = rule.inr_check_days if rule else None
    call_days = _call_days(clinic)
    return BloodThinner(
        name=name,
        listed=rule is not None,
        stop=days > 0,
        days=days,
        over_the_counter=bool(rule and rule.over_the_counter),
        held=held,
        last_dose=dates.before_days(days + 1) if days else "",
        first_day_without=dates.before_days(days) if days else "",
        restart=dates.starting(restart_hours) if held else "",
        call_by="" if rule else dates.before_days(call_days),
        inr_check=dates.before_days(inr) if inr else "",
        inr_on_the_day=inr == 0,
    )


def check_not_passed(patient: PatientOptions, clinic: ClinicProfile, today: date) -> None:
    """A letter whose last dose or call-by day is already past cannot be followed: refuse it
    ("call the patient instead"), never print a passed date as an instruction. Messages are
    for the clinic's staff, in English, and name only the field's own value."""
    problems = []
    for name in patient.blood_thinner:
        rule = clinic.hold_for(name)
        if rule is not None and rule.days:
            due = patient.procedure_date - timedelta(days=rule.days + 1)
            what = f"{name} must be stopped {rule.days} days before: the last dose is {_day(due)}"
        elif rule is None:
            due = patient.procedure_date - timedelta(days=_call_days(clinic))
            what = f"{name} is not in the clinic's table: the letter asks for a call by {_day(due)}"
        else:
            continue
        if due < today:
            text = f"{what}, which has passed; call the patient instead"
            problems.append(Problem(field="blood_thinner", text=text, code="passed"))
    if problems:
        raise InputError(problems)


def _day(value: date) -> str:
    """'Wednesday, November 25' for a staff message (English, whatever the sheet's language)."""
    return f"{value:%A, %B} {value.day}"
