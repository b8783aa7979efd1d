"""Which spinal levels belong to which region, and which approach reaches which region.

A sheet that says "the shot was in your neck" and "the needle went in near your tailbone", or
"cervical" and "L4-L5", describes a procedure that cannot have happened: it is a typing mistake
and is refused, never printed. These tables are anatomy, not clinic protocol.
"""

from __future__ import annotations

import re


def _segments(letter: str, first: int, last: int, then: str) -> tuple[str, ...]:
    """Adjacent pairs C2-C3 ... C6-C7, then the junction into the next region (C7-T1)."""
    pairs = tuple(f"{letter}{n}-{letter}{n + 1}" for n in range(first, last))
    return (*pairs, f"{letter}{last}-{then}")


LEVELS: dict[str, tuple[str, ...]] = {
    "cervical": _segments("C", 2, 7, "T1"),
    "thoracic": _segments("T", 1, 12, "L1"),
    "lumbar": (*_segments("L", 1, 5, "S1"), "S1"),
}
# The caudal approach enters through the sacral hiatus, near the tailbone: the medicine
# spreads up the low back only.
CAUDAL_REGIONS = ("lumbar",)
MAX_LEVELS = 4

_DASHES = re.compile(r"\s*[-\u2010-\u2015\u2212]\s*")


class LevelError(ValueError):
    """A level that does not belong to the region, or one written in a way we cannot read."""


def parse_levels(written: str, region: str) -> tuple[str, ...]:
    """'l4-l5, L5–S1' -> ('L4-L5', 'L5-S1') for the lumbar region; raises LevelError."""
    allowed = LEVELS[region]
    parts = [part.strip() for part in written.split(",")]
    if any(not part for part in parts):
        raise LevelError("has an empty level between commas; write e.g. L4-L5, L5-S1")
    if len(parts) > MAX_LEVELS:
        raise LevelError(f"names {len(parts)} levels; at most {MAX_LEVELS} fit one procedure")
    levels = []
    for part in parts:
        level = _DASHES.sub("-", part).upper()
        if level not in allowed:
            raise LevelError(
                f"'{part}' is not a {region} level; allowed are {', '.join(allowed)}",
            )
        if level in levels:
            raise LevelError(f"names {level} twice")
        levels.append(level)
    return tuple(levels)


def approach_problem(approach: str, region: str) -> str | None:
    """Why this approach cannot be used in this region, or None when it can."""
    if approach == "caudal" and region not in CAUDAL_REGIONS:
        return (
            f"caudal is only used in the low back (region lumbar), not {region}: the needle "
            "enters near the tailbone"
        )
    return None
