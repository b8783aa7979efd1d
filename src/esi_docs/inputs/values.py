"""Parsers for the typed values of patient, roster and clinic files.

Each parser takes the exact string the user wrote and returns the value or raises FieldError
with a message naming what is allowed. The caller adds the file and field names.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, time

from esi_docs.inputs import glyphs
from esi_docs.inputs.textcheck import text_problem

# ASCII digits only: Python's \d also matches fullwidth and Arabic-Indic digits.
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_CLOCK = re.compile(r"([0-9]{1,2}):([0-9]{2})")
# Plain decimal numbers: int()/float() would also take "1_000", "nan", "inf" and "１２".
_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?")
# A content folder's name: an ISO 639 code. Which languages exist is the content search path's
# to say (checked when the handout is composed), not a list kept here.
_LANGUAGE = re.compile(r"[a-z]{2,3}")
_TRUE = {"true", "yes"}
_FALSE = {"false", "no"}
# A value is quoted back in a message only when it cannot be a patient's free text that landed
# in the wrong field (a roster with shifted columns once put a name into "dob: '...' is not a
# date"): a date-like value is digits and separators, with at most a month's name; a choice-like
# one a single lower-case word.
_QUOTE_LIMIT = 20
_DATE_NOISE = re.compile(r"[\d\s\-/.:,T~]+")
_MONTHS = {
    *["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec"],
    *["ene", "abr", "ago", "dic"],
}


class FieldError(ValueError):
    """One field's problem, worded for a nurse or a clinic's IT person, with a stable `code`
    (required, format, calendar, choice, too_long, unprintable, type) that adapters such as the
    web form choose their own wording by."""

    def __init__(self, message: str, code: str = "invalid"):
        super().__init__(message)
        self.code = code


def as_text(value: object, *, max_length: int) -> str:
    """A free-text value, NFC-normalised, checked to print exactly as written."""
    if not isinstance(value, str):
        raise FieldError("must be text, not a list or a mapping", "type")
    text = unicodedata.normalize("NFC", value.strip())
    if len(text) > max_length:
        raise FieldError(f"is {len(text)} characters long; the limit is {max_length}", "too_long")
    problem = text_problem(text, glyphs.can_draw)
    if problem:
        raise FieldError(problem, "unprintable")
    return text


def as_required_text(value: object, *, max_length: int) -> str:
    text = as_text(value, max_length=max_length)
    if not text:
        raise FieldError("required, and it is blank", "required")
    return text


def _date_like(value: str) -> bool:
    rest = _DATE_NOISE.sub(" ", value).split()
    return len(value) <= _QUOTE_LIMIT and all(word.lower().rstrip(".") in _MONTHS for word in rest)


def _choice_like(value: str) -> bool:
    word = value.strip()
    return len(word) <= _QUOTE_LIMIT and not any(c.isspace() for c in word) and word == word.lower()


def _quoted(value: str, like: bool) -> str:
    """`'value' ` when it may be shown (see _QUOTE_LIMIT), else nothing."""
    return f"'{value}' " if like else ""


def as_date(value: object) -> date:
    """A calendar date written YYYY-MM-DD, and nothing else (no 11/21/26 guessing)."""
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value.strip()):
        shown = (
            _quoted(value, _date_like(value)) if isinstance(value, str) else "a list or mapping "
        )
        code = "required" if isinstance(value, str) and not value.strip() else "format"
        raise FieldError(f"{shown}is not a date written as YYYY-MM-DD", code)
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise FieldError(f"'{value.strip()}' is not a real calendar date", "calendar") from None


def as_time(value: object) -> time:
    """A clock time written HH:MM (24-hour)."""
    match = _CLOCK.fullmatch(value.strip()) if isinstance(value, str) else None
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        raise FieldError("is not a time written as HH:MM (24-hour, e.g. 09:30 or 14:00)", "format")
    return time(int(match[1]), int(match[2]))


def as_flag(value: object) -> bool:
    """true/false (yes/no accepted); a blank is never taken as 'no'."""
    word = value.strip().lower() if isinstance(value, str) else None
    if word in _TRUE:
        return True
    if word in _FALSE:
        return False
    if word == "":
        raise FieldError("required, and it is blank; write true or false", "required")
    raise FieldError(
        f"{_quoted(str(value), _choice_like(str(value)))}is not one of true, false", "choice"
    )


def as_choice(value: object, allowed: tuple[str, ...]) -> str:
    """One of a fixed list of words (case-insensitive)."""
    word = value.strip().lower() if isinstance(value, str) else None
    if word in allowed:
        return word
    shown = "" if word is None else str(value)
    raise FieldError(
        f"{_quoted(shown, _choice_like(shown))}is not one of {', '.join(allowed)}",
        "required" if not shown.strip() else "choice",
    )


def as_language(value: object) -> str:
    """A language code such as en or es (lower case); whether content exists for it is checked
    against the content search path when the handout is composed."""
    word = value.strip().lower() if isinstance(value, str) else ""
    if not _LANGUAGE.fullmatch(word):
        code = "required" if not word else "format"
        raise FieldError("is not a language code such as en or es", code)
    return word


def as_number(value: object, *, minimum: float, maximum: float, integer: bool) -> float | int:
    """A number within a plausible range; the clinic's protocol values are all numbers."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise FieldError("must be a number")
    text = str(value).strip()
    if not _NUMBER.fullmatch(text):
        kind = "a whole number" if integer else "a number"
        raise FieldError(f"'{text}' is not {kind}")
    try:
        number: float | int = int(text) if integer else float(text)
    except ValueError:
        kind = "a whole number" if integer else "a number"
        raise FieldError(f"'{text}' is not {kind}") from None
    if not minimum <= number <= maximum:
        raise FieldError(f"{text} is outside the plausible range {minimum:g} to {maximum:g}")
    return number
