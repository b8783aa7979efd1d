"""What one process reuses from sheet to sheet: parsed paragraph markup, broken lines and the
font subsets' work.

Most of a sheet is the same for every patient (the warning signs, the aftercare, the
headings), and a batch or the checkout server lays out the same paragraphs at the same widths
again and again. ReportLab parses each paragraph's markup (ParaParser) and breaks it into
lines (Paragraph.breakLines) every time; here both are done once per process and handed back
for the same text, style, bullet and widths. Patient text (names, dates) is parsed and broken
like any other, so it is reused within a batch too where it repeats.

The fonts (see render/fonts.py) do the subsetting work once: a run of plain ASCII text is
encoded straight to its bytes (ReportLab maps printable ASCII to itself in every document,
but looked each character up one by one), and a subset of glyphs already built and
compressed for an earlier sheet is not built or compressed again.

The stores are bounded (least recently used entries go first), so a long batch does not grow
them, and thread-safe (the checkout server lays sheets out on threads when --workers is 0).
ReportLab only reads what is handed back: the same inputs give the same PDF bytes with the
stores full, empty or off (tests/test_layout_reuse.py).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfdoc import PDFZCompress
from reportlab.pdfbase.ttfonts import TTFont, TTFontFace
from reportlab.platypus import Paragraph
from reportlab.platypus.paragraph import cleanBlockQuotedText, textTransformFrags
from reportlab.platypus.paraparser import ParaParser

PARSED_PARAGRAPHS = 1024
BROKEN_PARAGRAPHS = 2048
FONT_SUBSETS = 32  # per face; one subset is about 30 kB


@lru_cache(maxsize=PARSED_PARAGRAPHS)
def parsed(text: str, style: ParagraphStyle) -> tuple[ParagraphStyle, list]:
    """Paragraph markup parsed once per process (the same fragments Paragraph(text, style)
    would build). Parsing was a sixth of the layout time."""
    parser = ParaParser()
    parsed_style, frags, _ = parser.parse(cleanBlockQuotedText(text), style)
    if frags is None:
        raise ValueError("markup error in paragraph")
    textTransformFrags(frags, parsed_style)
    return parsed_style, frags


@dataclass(frozen=True)
class _Broken:
    """One call of Paragraph.breakLines: what went in (kept, so an id in the key can never be
    reused by another object while the entry lives) and everything the call left behind."""

    frags_in: list
    style: ParagraphStyle
    lines: Any  # ReportLab's ParaLines
    frags_out: list
    width_max: float
    widths_out: list[float] | None


class LineBreaks:
    """A bounded store of broken lines, keyed by the paragraph's fragments, style, bullet and
    the widths it is broken to."""

    def __init__(self, size: int = BROKEN_PARAGRAPHS) -> None:
        self.size = size
        self.hits = self.misses = 0
        self._entries: OrderedDict[tuple, _Broken] = OrderedDict()
        self._lock = threading.Lock()

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self.hits = self.misses = 0

    def break_lines(self, paragraph: Paragraph, width: Any, breaker: Any) -> Any:
        """`breaker(width)` once per distinct paragraph and width; afterwards the paragraph is
        left exactly as that call would leave it (its frags, _width_max, the bullet-adjusted
        width list), with the same lines."""
        widths = tuple(width) if isinstance(width, (list, tuple)) else width
        key = (id(paragraph.frags), id(paragraph.style), paragraph.bulletText, widths)
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
        if (
            entry is None
            or entry.frags_in is not paragraph.frags
            or entry.style is not paragraph.style
        ):
            return self._break(paragraph, width, breaker, key)
        self.hits += 1
        paragraph.frags = entry.frags_out
        paragraph._width_max = entry.width_max
        paragraph._splitLongWordCount = paragraph._hyphenations = 0
        paragraph.height = 0
        if entry.widths_out is not None:
            width[:] = entry.widths_out
        return entry.lines

    def _break(self, paragraph: Paragraph, width: Any, breaker: Any, key: tuple) -> Any:
        frags_in, style = paragraph.frags, paragraph.style
        lines = breaker(width)
        self.misses += 1
        widths_out = list(width) if isinstance(width, list) else None
        entry = _Broken(frags_in, style, lines, paragraph.frags, paragraph._width_max, widths_out)
        with self._lock:
            self._entries[key] = entry
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
        return lines


LINE_BREAKS = LineBreaks()


class ReusedParagraph(Paragraph):
    """A ReportLab Paragraph whose lines come from LINE_BREAKS. The pieces ReportLab makes
    when it splits one across pages are of this class too, with fragments of their own (so
    they are broken afresh, as ReportLab would)."""

    def breakLines(self, width):  # type: ignore[no-untyped-def]
        return LINE_BREAKS.break_lines(self, width, super().breakLines)


class ReusingFace(TTFontFace):
    """A font face that builds and compresses each glyph subset once per process (a sheet's
    subsets are mostly the same as the last sheet's: the same letters in the same order)."""

    def makeSubset(self, subset):  # type: ignore[no-untyped-def]
        return _subset(self, tuple(subset))

    def addSubsetObjects(self, doc, fontname, subset):  # type: ignore[no-untyped-def]
        reference = super().addSubsetObjects(doc, fontname, subset)
        # The font file stream ReportLab just registered, under the name it gave it.
        stream = doc.idToObject.get(f"fontFile:{self.filename}({fontname})")
        if stream is not None and stream.filters == [PDFZCompress]:
            stream.filters = [_REMEMBERED_FLATE]
        return reference


@lru_cache(maxsize=2 * FONT_SUBSETS)
def _subset(face: ReusingFace, subset: tuple[int, ...]) -> bytes:
    return TTFontFace.makeSubset(face, list(subset))


class _RememberedFlate:
    """ReportLab's FlateDecode filter (PDFZCompress) for font files, remembering the result
    for the same subset bytes: compressing two subsets was most of the zlib time per sheet."""

    pdfname = PDFZCompress.pdfname

    def encode(self, data: bytes) -> bytes:
        return _compressed(data)


@lru_cache(maxsize=2 * FONT_SUBSETS)
def _compressed(data: bytes) -> bytes:
    return PDFZCompress.encode(data)


_REMEMBERED_FLATE = _RememberedFlate()


class ReusingTTFont(TTFont):
    """A TrueType font whose plain-ASCII runs skip the per-character subset lookup."""

    def splitString(self, text, doc, encoding="utf-8"):  # type: ignore[no-untyped-def]
        """Same result as TTFont.splitString. With `asciiReadable` (ReportLab's default), every
        document's first subset maps each printable ASCII character the face has to its own
        code, and a no-break space to the space; so such a run is its own bytes."""
        if (
            self._asciiReadable
            and isinstance(text, str)
            and text
            and doc in self.state
            and self._ascii_all_drawn()
        ):
            plain = text.replace("\u00a0", " ")
            if plain.isascii() and plain.isprintable():
                return [(0, plain.encode("ascii"))]
        return super().splitString(text, doc, encoding)

    def _ascii_all_drawn(self) -> bool:
        drawn = self.__dict__.get("_esi_ascii_drawn")
        if drawn is None:
            drawn = all(code in self.face.charToGlyph for code in range(32, 127))
            self.__dict__["_esi_ascii_drawn"] = drawn
        return drawn


def clear() -> None:
    """Forget everything reused (for tests that compare a cold layout with a warm one)."""
    parsed.cache_clear()
    LINE_BREAKS.clear()
    _subset.cache_clear()
    _compressed.cache_clear()
