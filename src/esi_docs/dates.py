"""Calendar dates derived from the procedure date, written in the patient's language.

Time-bound instructions print a real date ("through Tuesday, November 25"), not only "for 5
days". When the procedure time is known, hour-based rules print an exact date and time. When it
is not, the wording is chosen so it is true whatever time of day the procedure ended:
- a restriction ("do not drive ...") runs *through* the day on which the period surely ends;
- a permission ("you may restart ...") starts at the same time of day N days later when the
  period is whole days, or else on the first day on which the period has surely ended.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from babel.dates import format_date, format_time

DEFAULT_PHRASES = {
    "until_moment": "until {moment}",
    "through_day": "through {day}",
    "on_moment": "on {moment}",
    "on_same_time": "on {day}, at the same time of day as your injection",
    "on_day": "on {day}",
    "at": "{date} at {time}",
}


@dataclass(frozen=True)
class DateWords:
    """How one language writes dates, times and the phrases around them (_language.yaml)."""

    locale: str
    date_pattern: str
    time_pattern: str
    phrases: dict[str, str] | None = None

    def phrase(self, key: str, **values: str) -> str:
        return (self.phrases or DEFAULT_PHRASES).get(key, DEFAULT_PHRASES[key]).format(**values)

    def day(self, value: date) -> str:
        return format_date(value, self.date_pattern, locale=self.locale)

    def moment(self, value: datetime) -> str:
        clock = format_time(value.time(), self.time_pattern, locale=self.locale)
        return self.phrase("at", date=self.day(value.date()), time=clock)


class ProcedureDates:
    """The `dates` object templates use; every method returns words, ready to print."""

    def __init__(
        self,
        words: DateWords,
        procedure_date: date,
        *,
        procedure_time: time | None = None,
        follow_up: date | None = None,
        glucose_check_days: int = 0,
    ):
        self._words = words
        self._date = procedure_date
        self._time = procedure_time
        self.procedure = words.day(procedure_date)
        self.follow_up = words.day(follow_up) if follow_up else ""
        self.glucose_check_until = self.after_days(glucose_check_days)
        self.glucose_days = [
            words.day(procedure_date + timedelta(days=n)) for n in range(glucose_check_days + 1)
        ]

    def after_days(self, days: int) -> str:
        """The date `days` calendar days after the procedure date."""
        return self._words.day(self._date + timedelta(days=int(days)))

    def before_days(self, days: int) -> str:
        """The date `days` calendar days before the procedure date (stop a medicine on)."""
        return self._words.day(self._date - timedelta(days=int(days)))

    def until(self, hours: float) -> str:
        """The end of a restriction: "until Saturday, November 21 at 9:30 AM" or "through
        Saturday, November 21" (the whole day, so it holds for a late procedure too)."""
        if self._time is not None:
            return self._words.phrase("until_moment", moment=self._moment_after(hours))
        return self._words.phrase("through_day", day=self.after_days(math.ceil(hours / 24)))

    def starting(self, hours: float) -> str:
        """The start of a permission: never earlier than `hours` after the procedure."""
        if self._time is not None:
            return self._words.phrase("on_moment", moment=self._moment_after(hours))
        if hours % 24 == 0:
            return self._words.phrase("on_same_time", day=self.after_days(int(hours // 24)))
        return self._words.phrase("on_day", day=self.after_days(math.ceil(hours / 24) + 1))

    def _moment_after(self, hours: float) -> str:
        start = datetime.combine(self._date, self._time or time())
        return self._words.moment(start + timedelta(hours=hours))
