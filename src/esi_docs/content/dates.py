"""Calendar dates derived from the procedure date, written in the patient's language.

Time-bound instructions print a real date, not only "for 24 hours". Timed rules (driving, the
adult who stays, soaking, lifting, restarting a blood thinner) count from when the patient
left: the discharge time when the sheet has one, else the procedure time plus the clinic's
procedure and observation minutes, else whole days. The end of a restriction and the start of
the matching permission are the same moment, worded the same way in all three cases:
- with a time: "until Tuesday, November 24 at 10:40 AM" / "on Tuesday, November 24 at 10:40 AM";
- whole days without a time: "until Tuesday, November 24, at the time of day you left";
- any other period without a time: "until Wednesday, November 25", the first day on which the
  period has surely ended, however late the patient left.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache

from babel.dates import format_date, format_time

from esi_docs.content.labels import fill

DEFAULT_PHRASES = {
    "until_moment": "until {moment}",
    "until_same_time": "until {day}, at the time of day you left the clinic",
    "until_day": "until {day}",
    "on_moment": "on {moment}",
    "on_same_time": "on {day}, at the time of day you left the clinic",
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
    brief_pattern: str = "M/d"  # dates in narrow table cells ("11/21")

    def phrase(self, key: str, **values: str) -> str:
        own = (self.phrases or {}).get(key)
        return fill(own if own is not None else DEFAULT_PHRASES[key], **values)

    def day(self, value: date) -> str:
        return _formatted_date(value, self.date_pattern, self.locale)

    def brief(self, value: date) -> str:
        return _formatted_date(value, self.brief_pattern, self.locale)

    def clock(self, value: time) -> str:
        return _formatted_time(value, self.time_pattern, self.locale)

    def moment(self, value: datetime) -> str:
        clock = self.clock(value.time())
        # Spanish says "a la 1:30" but "a las 2:30": a language may word one o'clock apart.
        key = "at_one" if clock.startswith("1:") and "at_one" in (self.phrases or {}) else "at"
        return self.phrase(key, date=self.day(value.date()), time=clock)


# A batch writes the same few days and times on every sheet (everyone's procedure was today):
# Babel's formatting, about a twentieth of composing a sheet, is done once per day and pattern.
@lru_cache(maxsize=1024)
def _formatted_date(value: date, pattern: str, locale: str) -> str:
    return format_date(value, pattern, locale=locale)


@lru_cache(maxsize=256)
def _formatted_time(value: time, pattern: str, locale: str) -> str:
    return format_time(value, pattern, locale=locale)


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
        arrival_time: time | None = None,
        arrive_minutes_early: int = 0,
        discharge_time: time | None = None,
        minutes_to_leave: int = 0,
        today: date | None = None,
    ):
        self._words = words
        self._date = procedure_date
        self._today = today
        self._time = procedure_time
        self._left = _left_at(procedure_date, procedure_time, discharge_time, minutes_to_leave)
        self.procedure = words.day(procedure_date)
        self.procedure_time = words.clock(procedure_time) if procedure_time else ""
        self.arrival = self._arrival(arrival_time, arrive_minutes_early)
        self.follow_up = words.day(follow_up) if follow_up else ""
        self.follow_up_brief = words.brief(follow_up) if follow_up else ""
        self.glucose_check_until = self.after_days(glucose_check_days)
        days = [procedure_date + timedelta(days=n) for n in range(glucose_check_days + 1)]
        self.glucose_days = [words.day(day) for day in days]
        # The same days in the short form ("Nov 21"), for a log in large print: a whole date
        # at 18 pt took three lines a row and the log no longer fit on one page.
        self.glucose_days_brief = [words.brief(day) for day in days]

    def _arrival(self, arrival_time: time | None, minutes_early: int) -> str:
        """The arrival time in words: as given, else the clinic's minutes before the procedure
        time, else "" (the letter then states the minutes instead of a clock time)."""
        if arrival_time is not None:
            return self._words.clock(arrival_time)
        if self._time is None:
            return ""
        start = datetime.combine(self._date, self._time) - timedelta(minutes=int(minutes_early))
        return self._words.clock(start.time()) if start.date() == self._date else ""

    def brief_after_days(self, days: int) -> str:
        """Like after_days, in the short form for narrow table cells ("11/21")."""
        return self._words.brief(self._date + timedelta(days=int(days)))

    def clock_after(self, hours: float) -> str:
        """The clock time `hours` after the procedure ("10:00 AM"), or "" with no procedure
        time (a diary row then stays blank rather than guessing)."""
        if self._time is None:
            return ""
        moment = datetime.combine(self._date, self._time) + timedelta(hours=hours)
        return self._words.clock(moment.time())

    def moment(self, hours: float) -> str:
        """The date and time `hours` after the procedure (negative: before), e.g. the last
        meal; "" without a procedure time, so the text falls back to "N hours before"."""
        return self._moment_after(hours) if self._time is not None else ""

    def after_days(self, days: int) -> str:
        """The date `days` calendar days after the procedure date."""
        return self._words.day(self._date + timedelta(days=int(days)))

    def before_days(self, days: int) -> str:
        """The date `days` calendar days before the procedure date (stop a medicine on)."""
        return self._words.day(self._date - timedelta(days=int(days)))

    def stop_passed(self, days: int) -> bool:
        """Whether the day `days` before the procedure is already behind the day the sheet is
        given: a sheet never tells a patient to stop something on a day that has passed, so
        content says what to do instead (call the clinic) when this is true."""
        stop = self._date - timedelta(days=int(days))
        return self._today is not None and stop < self._today

    def until(self, hours: float) -> str:
        """The end of a restriction `hours` after the patient left (see the module doc)."""
        return self._after_leaving("until", hours)

    def starting(self, hours: float) -> str:
        """The start of a permission `hours` after the patient left: the same moment as the
        end of the restriction it lifts, never earlier."""
        return self._after_leaving("on", hours)

    def _after_leaving(self, kind: str, hours: float) -> str:
        if self._left is not None:
            moment = self._words.moment(self._left + timedelta(hours=hours))
            return self._words.phrase(f"{kind}_moment", moment=moment)
        if hours % 24 == 0:
            return self._words.phrase(f"{kind}_same_time", day=self.after_days(int(hours // 24)))
        # Left as late as 23:59: the period has surely ended by the next midnight.
        return self._words.phrase(f"{kind}_day", day=self.after_days(math.ceil(hours / 24) + 1))

    def _moment_after(self, hours: float) -> str:
        start = datetime.combine(self._date, self._time or time())
        return self._words.moment(start + timedelta(hours=hours))


def _left_at(
    day: date, procedure_time: time | None, discharge_time: time | None, minutes: int
) -> datetime | None:
    """When the patient left: the discharge time, else the procedure time plus the clinic's
    minutes for the shot and the watch after it, else unknown (None)."""
    if discharge_time is not None:
        return datetime.combine(day, discharge_time)
    if procedure_time is not None:
        return datetime.combine(day, procedure_time) + timedelta(minutes=minutes)
    return None
