"""Keeps what a patient must read whole on one line: a phone number, a date with its weekday,
a clock time and "Call 911".

Applied at layout time, so no content file has to remember it: the spaces inside each such
phrase become no-break spaces (ReportLab never wraps at U+00A0). The day and month names come
from Babel for the sheet's language, so a new language needs no code here.
"""

from __future__ import annotations

import re
from functools import lru_cache

from babel import Locale

NBSP = "\u00a0"
_PHONE = r"\(\d{3}\)\s\d{3}-\d{4}"
_TIME = r"\d{1,2}:\d{2}(?:[\s\u202f](?:AM|PM|[ap]\.[\s\u202f]?m\.))?"
_EMERGENCY = r"\b(?:[Cc]all|[Ll]lame al|[Mm]arque el|al)\s911\b"


def _locale(language: str) -> Locale:
    """The language's Babel locale; English for a code Babel does not know."""
    try:
        return Locale.parse(language)
    except (ValueError, TypeError, LookupError):
        return Locale.parse("en")


def _days(locale: Locale) -> str:
    """The weekday names as a pattern alternation, longest first."""
    return "|".join(sorted(map(re.escape, locale.days["format"]["wide"].values()), key=len)[::-1])


@lru_cache(maxsize=16)
def _pattern(language: str) -> re.Pattern[str]:
    locale = _locale(language)
    days = _days(locale)
    months = "|".join(
        sorted(map(re.escape, locale.months["format"]["wide"].values()), key=len)[::-1]
    )
    # "Saturday, November 21", "sábado, 21 de noviembre", with an optional ", 2026" / "de 2026"
    day_month = rf"(?:(?:{days}),\s)?(?:(?:{months})\s\d{{1,2}}|\d{{1,2}}\sde\s(?:{months}))"
    dated = rf"{day_month}(?:,?\s(?:de\s)?\d{{4}})?(?:\s(?:at|a\slas?)\s{_TIME})?"
    return re.compile(rf"{_PHONE}|{dated}|{_TIME}|{_EMERGENCY}", re.IGNORECASE)


@lru_cache(maxsize=4096)
def keep_whole(text: str, language: str) -> str:
    """The text with the inside of every must-stay-whole phrase joined by no-break spaces.
    Remembered per text (bounded): a sheet's paragraphs repeat from patient to patient, and
    the pattern of every date of the year was a tenth of the layout."""
    return _pattern(language).sub(lambda m: re.sub(r"[ \u202f]", NBSP, m.group(0)), text)


@lru_cache(maxsize=16)
def _weekday_join(language: str) -> re.Pattern[str]:
    return re.compile(rf"\b((?:{_days(_locale(language))}),){NBSP}", re.IGNORECASE)


def weekday_breakable(text: str, language: str) -> str:
    """Text already kept whole, except that a line may break after a date's weekday
    ("Wednesday," / "November 25"). Only for a table cell too narrow for the whole date at
    the print size: better the weekday on its own line than a word cut in two."""
    return _weekday_join(language).sub(r"\1 ", text)
