"""The handout fonts: DejaVu Sans, shipped in the package so every machine prints the same.

DejaVu covers Latin (including Vietnamese and Polish), Greek and Cyrillic. ReportLab's built-in
Helvetica is not embedded and stops at Latin-1, so it is never used for any text we draw.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

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


@lru_cache(maxsize=1)
def _drawable_codepoints() -> frozenset[int]:
    """Code points that both the regular and the bold face can draw.

    Read from the faces registered for drawing: parsing a TTF file is the slowest step of a
    fresh `esi-docs render`, so each file is parsed once, not once to check and once to draw."""
    from reportlab.pdfbase import pdfmetrics

    register_fonts()
    faces = [pdfmetrics.getFont(name).face for name in _FILES]
    common = set(faces[0].charToGlyph)
    for face in faces[1:]:
        common &= set(face.charToGlyph)
    return frozenset(common)


# ReportLab writes the text map (ToUnicode) of characters beyond U+FFFF so that PDF readers
# cannot copy or search them (pypdf: "Odd-length string"), although DejaVu has a few emoji
# there. A printed name must also read back exactly, so those characters are refused.
_LAST_MAPPED = 0xFFFF


def can_draw(char: str) -> bool:
    """True when the handout fonts have a glyph for this character (spaces always pass)."""
    if char == " ":
        return True
    return ord(char) <= _LAST_MAPPED and ord(char) in _drawable_codepoints()
