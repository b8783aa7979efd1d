"""Checks that a patient-typed string can be printed exactly as written.

A registrar's name field may hold anything a keyboard, a scanner or another system produced.
Rather than print a black box, a blank, or text that a bidi override silently reorders, such a
value is refused with a message that names the field and the character.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

# Unicode categories that never belong in a printed name: controls, format characters (bidi
# overrides, zero-width joiners), private use, surrogates and unassigned code points.
_REFUSED_CATEGORIES = {
    "Cc": "a control character",
    "Cf": "an invisible formatting character",
    "Co": "a private-use character",
    "Cs": "a broken character (surrogate)",
    "Cn": "an unassigned character",
    "Zl": "a line separator",
    "Zp": "a paragraph separator",
}
# Characters that print as nothing (or as a blank) yet make two values differ: an MRN with one
# would look identical to another and split a patient's history. Variation selectors
# (U+FE00-FE0F, U+E0100-E01EF) are checked by range.
_INVISIBLE = frozenset(
    {
        "\u034f",  # COMBINING GRAPHEME JOINER
        "\u2800",  # BRAILLE PATTERN BLANK
        "\u3164",  # HANGUL FILLER
        "\u115f",  # HANGUL CHOSEONG FILLER
        "\u1160",  # HANGUL JUNGSEONG FILLER
        "\uffa0",  # HALFWIDTH HANGUL FILLER
        "\u17b4",  # KHMER VOWEL INHERENT AQ
        "\u17b5",  # KHMER VOWEL INHERENT AA
        "\u180e",  # MONGOLIAN VOWEL SEPARATOR
    }
)
# Right-to-left scripts: ReportLab draws them without the bidi algorithm, i.e. backwards.
_RTL_CLASSES = {"R", "AL"}


def describe_char(char: str) -> str:
    """U+XXXX plus the Unicode name, so a user can find the character without seeing it."""
    name = unicodedata.name(char, "unnamed")
    return f"U+{ord(char):04X} ({name})"


def text_problem(value: str, can_draw: Callable[[str], bool]) -> str | None:
    """Return why `value` cannot be printed exactly, or None when it can."""
    if value and all(unicodedata.combining(c) or c.isspace() for c in value):
        return "has only combining marks; type the letters themselves"
    for char in value:
        if char in _INVISIBLE or 0xFE00 <= ord(char) <= 0xFE0F or 0xE0100 <= ord(char) <= 0xE01EF:
            return f"contains an invisible character {describe_char(char)}"
        category = unicodedata.category(char)
        if category in _REFUSED_CATEGORIES:
            return f"contains {_REFUSED_CATEGORIES[category]} {describe_char(char)}"
        if unicodedata.bidirectional(char) in _RTL_CLASSES:
            return (
                f"contains right-to-left text {describe_char(char)}, which the handouts "
                "cannot print yet"
            )
        if not can_draw(char):
            return f"contains {describe_char(char)}, which the handout font cannot print"
    return None
