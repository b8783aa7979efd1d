"""The handout fonts: DejaVu Sans, shipped in the package so every machine prints the same.

DejaVu covers Latin (including Vietnamese and Polish), Greek and Cyrillic. ReportLab's built-in
Helvetica is not embedded and stops at Latin-1, so it is never used for any text we draw.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

from esi_docs.inputs import glyphs

REGULAR = "EsiSans"
BOLD = "EsiSans-Bold"
_FILES = {REGULAR: "DejaVuSans.ttf", BOLD: "DejaVuSans-Bold.ttf"}


def _font_path(filename: str) -> str:
    return str(resources.files("esi_docs") / "fonts" / filename)


@lru_cache(maxsize=1)
def register_fonts() -> None:
    """Register the fonts with ReportLab once per process (same name, same file: idempotent)."""
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    for name, filename in _FILES.items():
        pdfmetrics.registerFont(TTFont(name, _font_path(filename)))
    addMapping(REGULAR, 0, 0, REGULAR)
    addMapping(REGULAR, 1, 0, BOLD)
    addMapping(REGULAR, 0, 1, REGULAR)
    addMapping(REGULAR, 1, 1, BOLD)


def compute_coverage() -> frozenset[int]:
    """Code points that both the regular and the bold face can draw, read from the TTF files.

    Only used to (re)generate `fonts/coverage.txt`, which input checks read without ReportLab
    (`esi_docs.inputs.glyphs`); tests/test_glyphs.py checks that file still matches the fonts."""
    from reportlab.pdfbase.ttfonts import TTFont

    faces = [TTFont(name, _font_path(filename)).face for name, filename in _FILES.items()]
    common = set(faces[0].charToGlyph)
    for face in faces[1:]:
        common &= set(face.charToGlyph)
    return frozenset(cp for cp in common if cp <= glyphs.LAST_MAPPED)


def can_draw(char: str) -> bool:
    """True when the handout fonts have a glyph for this character (see inputs.glyphs)."""
    return glyphs.can_draw(char)


def write_coverage() -> None:
    """Regenerate fonts/coverage.txt after the fonts change: `python -m esi_docs.render.fonts`."""
    path = _font_path(glyphs.COVERAGE_FILE)
    with open(path, "w", encoding="ascii") as out:
        out.write(glyphs.format_ranges(compute_coverage()))


if __name__ == "__main__":
    write_coverage()
