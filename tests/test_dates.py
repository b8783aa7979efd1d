"""Derived dates: real calendar dates, and wording that is true whatever time the procedure was."""

from __future__ import annotations

from datetime import date, time

import pytest

from esi_docs.content.dates import DateWords, ProcedureDates

EN = DateWords("en", "EEEE, MMMM d", "h:mm a")
FRIDAY = date(2026, 11, 20)


@pytest.mark.parametrize(
    ("hours", "expected"),
    [
        (24, "until Saturday, November 21, at the time of day you left the clinic"),
        (48, "until Sunday, November 22, at the time of day you left the clinic"),
        # not whole days: the first day on which it has surely ended, however late they left
        (12, "until Sunday, November 22"),
        (30, "until Monday, November 23"),
    ],
)
def test_until_without_any_time_is_never_early(hours, expected):
    assert ProcedureDates(EN, FRIDAY).until(hours) == expected


def test_until_counts_from_the_procedure_time_plus_the_clinics_minutes():
    dates = ProcedureDates(EN, FRIDAY, procedure_time=time(15, 45), minutes_to_leave=70)
    assert dates.until(12) == "until Saturday, November 21 at 4:55 AM"


def test_the_discharge_time_wins_over_the_procedure_time():
    dates = ProcedureDates(
        EN, FRIDAY, procedure_time=time(9, 30), discharge_time=time(13, 5), minutes_to_leave=70
    )
    assert dates.until(24) == "until Saturday, November 21 at 1:05 PM"
    assert dates.starting(24) == "on Saturday, November 21 at 1:05 PM"


@pytest.mark.parametrize(
    ("hours", "expected"),
    [
        (24, "on Saturday, November 21, at the time of day you left the clinic"),
        (12, "on Sunday, November 22"),
        (72, "on Monday, November 23, at the time of day you left the clinic"),
    ],
)
def test_starting_without_time_is_never_early(hours, expected):
    assert ProcedureDates(EN, FRIDAY).starting(hours) == expected


@pytest.mark.parametrize("hours", [12, 24, 30, 48])
@pytest.mark.parametrize(
    "times",
    [{}, {"procedure_time": time(9, 30)}, {"discharge_time": time(16, 20)}],
    ids=["days", "procedure", "discharge"],
)
def test_a_restriction_ends_when_its_permission_starts_in_all_three_cases(hours, times):
    """ "Do not drive until X" and "you may restart on X" name the same moment, with the same
    meaning whether the sheet knows the discharge time, the procedure time or neither."""
    dates = ProcedureDates(EN, FRIDAY, minutes_to_leave=70, **times)
    ends, starts = dates.until(hours), dates.starting(hours)
    assert ends.removeprefix("until ") == starts.removeprefix("on ")
    assert "through" not in ends


def test_glucose_window_and_days():
    dates = ProcedureDates(EN, FRIDAY, glucose_check_days=5)
    assert dates.glucose_check_until == "Wednesday, November 25"
    assert dates.glucose_days[0] == "Friday, November 20"
    assert dates.glucose_days[-1] == "Wednesday, November 25"
    assert len(dates.glucose_days) == 6
    assert dates.glucose_days_brief == ["11/20", "11/21", "11/22", "11/23", "11/24", "11/25"]


def test_month_and_year_boundaries():
    dates = ProcedureDates(EN, date(2026, 12, 30), glucose_check_days=5)
    assert dates.glucose_check_until == "Monday, January 4"
    assert dates.before_days(7) == "Wednesday, December 23"


def test_spanish_words():
    words = DateWords("es", "EEEE, d 'de' MMMM", "H:mm")
    assert ProcedureDates(words, FRIDAY).after_days(4) == "martes, 24 de noviembre"
