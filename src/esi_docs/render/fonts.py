"""The handout fonts: DejaVu Sans, shipped in the package so every machine prints the same.

DejaVu covers Latin (including Vietnamese and Polish), Greek and Cyrillic. ReportLab's built-in
Helvetica is not embedded and stops at Latin-1, so it is never used for any text we draw.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from typing import Any

from esi_docs import disk_cache
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

    for name, filename in _FILES.items():
        pdfmetrics.registerFont(_font(name, _font_path(filename)))
    addMapping(REGULAR, 0, 0, REGULAR)
    addMapping(REGULAR, 1, 0, BOLD)
    addMapping(REGULAR, 0, 1, REGULAR)
    addMapping(REGULAR, 1, 1, BOLD)


def _font(name: str, path: str) -> Any:
    """TTFont(name, path), with the parsed font kept on disk (esi_docs.disk_cache): parsing
    both faces' tables in Python was a tenth of a fresh `esi-docs render` (issue 18). The entry
    is keyed by the font file's SHA-256 and ReportLab's version, and holds the font as parsed,
    before anything drew with it; tests/test_content_cache.py checks the PDF stays the same."""
    import reportlab
    from reportlab.pdfbase.ttfonts import TTFont

    from esi_docs.render.reuse import ReusingFace, ReusingTTFont

    with open(path, "rb") as stream:
        digest = disk_cache.sha256(stream.read())
    version = disk_cache.fingerprint(reportlab.Version, modules=("render/fonts.py",))
    entry = f"font-{name}-{digest}-{version}"
    stored = disk_cache.load(entry)
    if not isinstance(stored, dict):
        stored = _state(TTFont(name, path))
        disk_cache.store(entry, stored)
    # Always rebuilt from the parsed state, as the subclasses that reuse the subsetting work
    # (see render/reuse.py): a cache miss and a hit give the same object.
    return _restored(ReusingTTFont, ReusingFace, stored)


def _state(font: Any) -> dict[str, Any]:
    """What a parsed TTFont holds, less what pickle cannot take: the per-document state (empty
    until a canvas uses the font) and the face's scale function, rebuilt from unitsPerEm."""
    face = {key: value for key, value in font.face.__dict__.items() if key != "_pdfScale"}
    rest = {key: value for key, value in font.__dict__.items() if key not in ("state", "face")}
    return {"font": rest, "face": face}


def _restored(kind: Any, face_kind: Any, stored: dict[str, Any]) -> Any:
    """The TTFont `_state` took apart (ReportLab 4.x: TTFont.__init__, TTFontFile.extractInfo)."""
    from weakref import WeakKeyDictionary

    face = face_kind.__new__(face_kind)
    face.__dict__.update(stored["face"])
    if face.unitsPerEm == 1000:
        face._pdfScale = lambda x: x
    else:
        factor = 1000 / face.unitsPerEm
        face._pdfScale = lambda x: x * factor
    font = kind.__new__(kind)
    font.__dict__.update(stored["font"])
    font.face = face
    font.state = WeakKeyDictionary()
    return font


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
