"""Which characters the handout fonts can draw, read from a small data file shipped beside them.

Input checks must refuse a name the PDF cannot print, but importing ReportLab and parsing two
TTF files only to answer that made every start-up pay for rendering. The coverage is computed
once from the fonts (`esi_docs.render.fonts.compute_coverage`) and stored in
`fonts/coverage.txt` as code-point ranges; a test regenerates it from the TTF and compares.
"""

from __future__ import annotations

from bisect import bisect_right
from functools import lru_cache
from importlib import resources

COVERAGE_FILE = "coverage.txt"

# ReportLab writes the text map (ToUnicode) of characters beyond U+FFFF so that PDF readers
# cannot copy or search them (pypdf: "Odd-length string"), although DejaVu has a few emoji
# there. A printed name must also read back exactly, so those characters are refused.
LAST_MAPPED = 0xFFFF


def format_ranges(codepoints: frozenset[int]) -> str:
    """Write code points as `start-end` hex ranges, one a line (small and diffable)."""
    runs: list[list[int]] = []  # [start, end] of each run of consecutive code points
    for cp in sorted(codepoints):
        if runs and cp == runs[-1][1] + 1:
            runs[-1][1] = cp
        else:
            runs.append([cp, cp])
    return "".join(f"{start:04X}-{end:04X}\n" for start, end in runs)


def parse_ranges(text: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Read `start-end` hex lines back into parallel sorted start and end tuples."""
    starts: list[int] = []
    ends: list[int] = []
    for line in text.split():
        low, high = line.split("-")
        starts.append(int(low, 16))
        ends.append(int(high, 16))
    return tuple(starts), tuple(ends)


@lru_cache(maxsize=1)
def _ranges() -> tuple[tuple[int, ...], tuple[int, ...]]:
    path = resources.files("esi_docs") / "fonts" / COVERAGE_FILE
    return parse_ranges(path.read_text(encoding="ascii"))


def can_draw(char: str) -> bool:
    """True when both handout faces have a glyph for this character (spaces always pass)."""
    if char == " ":
        return True
    cp = ord(char)
    if cp > LAST_MAPPED:
        return False
    starts, ends = _ranges()
    index = bisect_right(starts, cp) - 1
    return index >= 0 and cp <= ends[index]
