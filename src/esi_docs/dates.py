"""Calendar dates derived from the procedure date, written in the patient's language.

Time-bound instructions print a real date ("through Tuesday, November 25"), not only "for 5
days". Without a procedure time, "N hours after the procedure" is rounded up to whole days, so
the date printed is never earlier than the true end of the period.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from babel.dates import format_date, format_time


@dataclass(frozen=True)
class DateWords:
    """How one language writes dates and times (Babel patterns from _language.yaml)."""

    locale: str
    date_pattern: str
    time_pattern: str
    at_pattern: str = "{date} at {time}"

    def day(self, value: date) -> str:
        return format_date(value, self.date_pattern, locale=self.locale)

    def moment(self, value: datetime) -> str:
        clock = format_time(value.time(), self.time_pattern, locale=self.locale)
        return self.at_pattern.format(date=self.day(value.date()), time=clock)


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

    def after_hours(self, hours: float) -> str:
        """When `hours` have passed since the procedure: date and time when the time is known.

        Without a time, the procedure may have ended late in the day, so the date is the one
        on which the period surely ends: procedure date + ceil(hours / 24) days.
        """
        if self._time is not None:
            start = datetime.combine(self._date, self._time)
            return self._words.moment(start + timedelta(hours=hours))
        return self.after_days(math.ceil(hours / 24))

    def before_days(self, days: int) -> str:
        """The date `days` calendar days before the procedure date (hold a medicine from)."""
        return self._words.day(self._date - timedelta(days=int(days)))
