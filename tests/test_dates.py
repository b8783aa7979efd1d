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
        (24, "through Saturday, November 21"),
        (12, "through Saturday, November 21"),
        (48, "through Sunday, November 22"),
        (0, "through Friday, November 20"),
    ],
)
def test_until_without_time_covers_the_whole_day(hours, expected):
    assert ProcedureDates(EN, FRIDAY).until(hours) == expected


def test_until_with_time_is_exact():
    dates = ProcedureDates(EN, FRIDAY, procedure_time=time(15, 45))
    assert dates.until(12) == "until Saturday, November 21 at 3:45 AM"


@pytest.mark.parametrize(
    ("hours", "expected"),
    [
        (24, "on Saturday, November 21, at the same time of day as your injection"),
        (12, "on Sunday, November 22"),
        (72, "on Monday, November 23, at the same time of day as your injection"),
    ],
)
def test_starting_without_time_is_never_early(hours, expected):
    assert ProcedureDates(EN, FRIDAY).starting(hours) == expected


def test_glucose_window_and_days():
    dates = ProcedureDates(EN, FRIDAY, glucose_check_days=5)
    assert dates.glucose_check_until == "Wednesday, November 25"
    assert dates.glucose_days[0] == "Friday, November 20"
    assert dates.glucose_days[-1] == "Wednesday, November 25"
    assert len(dates.glucose_days) == 6


def test_month_and_year_boundaries():
    dates = ProcedureDates(EN, date(2026, 12, 30), glucose_check_days=5)
    assert dates.glucose_check_until == "Monday, January 4"
    assert dates.before_days(7) == "Wednesday, December 23"


def test_spanish_words():
    words = DateWords("es", "EEEE, d 'de' MMMM", "H:mm")
    assert ProcedureDates(words, FRIDAY).after_days(4) == "martes, 24 de noviembre"
