"""What one process reuses from sheet to sheet: parsed paragraph markup, broken lines, drawn
paragraphs and the font subsets' work.

Most of a sheet is the same for every patient (the warning signs, the aftercare, the
headings), and a batch or the checkout server lays out the same paragraphs at the same widths
again and again. ReportLab parses each paragraph's markup (ParaParser) and breaks it into
lines (Paragraph.breakLines) every time; here both are done once per process and handed back
for the same text, style, bullet and widths. Patient text (names, dates) is parsed and broken
like any other, so it is reused within a batch too where it repeats. A paragraph's drawing
operators are the same wherever it stands on the page (ReportLab moves the origin first), so
they are recorded once and appended again where the document's fonts code its characters the
same way (DrawnParagraphs).

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

import itertools
import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from reportlab import rl_config
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfdoc import PDFArray, PDFZCompress
from reportlab.pdfbase.ttfonts import TTFont, TTFontFace
from reportlab.platypus import Paragraph
from reportlab.platypus.paragraph import cleanBlockQuotedText, textTransformFrags
from reportlab.platypus.paraparser import ParaParser

PARSED_PARAGRAPHS = 1024
BROKEN_PARAGRAPHS = 2048
DRAWN_PARAGRAPHS = 2048
FONT_SUBSETS = 32  # per face; one subset is about 30 kB


ONE_SHEET_PARAGRAPHS = 64  # lines of text seen on one sheet only, kept while it is laid out


def _parse(text: str, style: ParagraphStyle) -> tuple[ParagraphStyle, list]:
    """The fragments Paragraph(text, style) would build."""
    parser = ParaParser()
    parsed_style, frags, _ = parser.parse(cleanBlockQuotedText(text), style)
    if frags is None:
        raise ValueError("markup error in paragraph")
    textTransformFrags(frags, parsed_style)
    return parsed_style, frags


class _Store:
    """A bounded, thread-safe store (least recently used entries go first), with the keys
    seen once and not kept (`_seen`, bounded too) for the stores that keep a thing only
    when it comes back."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.hits = self.misses = 0
        self._entries: OrderedDict[tuple, Any] = OrderedDict()
        self._seen: OrderedDict[tuple, Any] = OrderedDict()
        self._lock = threading.Lock()

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._seen.clear()
            self.hits = self.misses = 0

    def _find(self, key: tuple) -> Any:
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
        return entry

    def _keep(self, key: tuple, entry: Any) -> None:
        with self._lock:
            self._entries[key] = entry
            self._entries.move_to_end(key)
            _bound(self._entries, self.size)

    def _comes_back(self, key: tuple, mark: Any = None) -> bool:
        """Whether `key` was seen before (with another mark than `mark`, if one is given);
        else remember it."""
        with self._lock:
            seen = self._seen.get(key, _NOT_SEEN)
            if seen is not _NOT_SEEN and (mark is None or seen != mark):
                del self._seen[key]
                return True
            self._seen[key] = mark
            _bound(self._seen, self.size)
        return False


_NOT_SEEN = object()


def _bound(entries: OrderedDict, size: int) -> None:
    while len(entries) > size:
        entries.popitem(last=False)


class ParsedParagraphs(_Store):
    """Paragraph markup parsed once per process (parsing was a sixth of the layout time),
    kept from the second time a text and style are asked for: a patient's own words (the
    header's record number, a name) are asked for on one sheet only, and keeping them would
    only make the store, and the lines broken from them, grow with the batch."""

    def get(self, text: str, style: ParagraphStyle) -> tuple[ParagraphStyle, list, bool]:
        """The parsed style and fragments, and whether they are kept (the same objects are
        handed out again, so what is derived from them may be kept too)."""
        key = (text, id(style))
        entry = self._find(key)
        if entry is not None and entry[0] is style:
            return entry[1], entry[2], True
        parsed_style, frags = _parse(text, style)
        kept = self._comes_back(key)
        if kept:
            self._keep(key, (style, parsed_style, frags))
        return parsed_style, frags, kept


PARSED = ParsedParagraphs(PARSED_PARAGRAPHS)


def paragraph(text: str, style: ParagraphStyle, bullet: str | None = None) -> ReusedParagraph:
    """Paragraph(text, style, bulletText=bullet), with its parsing, lines and drawing reused
    where the same text was laid out on an earlier sheet."""
    parsed_style, frags, kept = PARSED.get(text, style)
    made = ReusedParagraph(text, parsed_style, bulletText=bullet, frags=frags)
    made.stored = kept
    return made


@dataclass(frozen=True, eq=False)  # never compared: eq and hash would only cost the import
class _Broken:
    """One call of Paragraph.breakLines: what went in (kept, so an id in the key can never be
    reused by another object while the entry lives) and everything the call left behind."""

    frags_in: list
    style: ParagraphStyle
    lines: Any  # ReportLab's ParaLines
    frags_out: list
    width_max: float
    widths_out: list[float] | None


class LineBreaks(_Store):
    """A bounded store of broken lines, keyed by the paragraph's fragments, style, bullet and
    the widths it is broken to."""

    def break_lines(self, paragraph: Paragraph, width: Any, breaker: Any) -> Any:
        """`breaker(width)` once per distinct paragraph and width; afterwards the paragraph is
        left exactly as that call would leave it (its frags, _width_max, the bullet-adjusted
        width list), with the same lines."""
        widths = tuple(width) if isinstance(width, (list, tuple)) else width
        key = (id(paragraph.frags), id(paragraph.style), paragraph.bulletText, widths)
        entry = self._find(key)
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
        self._keep(key, entry)
        return lines


LINE_BREAKS = LineBreaks(BROKEN_PARAGRAPHS)
ONE_SHEET_BREAKS = LineBreaks(ONE_SHEET_PARAGRAPHS)


class _Recording(threading.local):
    """What the fonts were asked while one paragraph was drawn on this thread: the text each
    font encoded and each subset name it gave (see DrawnParagraphs)."""

    def __init__(self) -> None:
        self.active = False
        self.texts: list[tuple[ReusingTTFont, str]] = []
        self.names: list[tuple[ReusingTTFont, int, str]] = []

    @contextmanager
    def on(self) -> Iterator[None]:
        self.active, self.texts, self.names = True, [], []
        try:
            yield
        finally:
            self.active = False


_RECORDING = _Recording()


@dataclass(frozen=True, eq=False)
class _Drawn:
    """One paragraph's drawing operators (what Paragraph.draw appended to the page) and what
    they depend on in the document: for each font, the characters that have no fixed code
    (anything but printable ASCII) in the order the drawing first used them, with the codes
    they got, and the font subset names in the order the drawing asked for them."""

    lines: Any  # the ParaLines drawn, kept so that its id in the key is never another's
    style: ParagraphStyle
    code: tuple[str, ...]
    chars: tuple[tuple[ReusingTTFont, str, list], ...]
    names: tuple[tuple[ReusingTTFont, int, str], ...]
    versions: tuple[str, ...]

    def fits(self, doc: Any) -> bool:
        """Whether drawing again in `doc` would write these operators. Asks the fonts exactly
        what the drawing would ask, in the same order, so the document's subsets and font
        names end up as the drawing would leave them even when the answer is no."""
        for font, chars, codes in self.chars:
            if font.splitString(chars, doc) != codes:
                return False
        for font, subset, name in self.names:
            if font.getSubsetInternalName(subset, doc) != name:
                return False
        doc.ensureMinPdfVersion(*self.versions)
        return True


class DrawnParagraphs(_Store):
    """A bounded store of drawn paragraphs: a paragraph with the same broken lines, style,
    bullet and size draws the same operators, relative to its own origin (Flowable.drawOn
    moves the origin before draw), as long as the document's fonts give its characters the
    same codes and names, which _Drawn.fits checks. Drawing was a third of the layout time.

    A paragraph is recorded when its lines are drawn in a second document: lines of one
    sheet only (a patient's name, a date) are never drawn for another patient. A drawing
    that leaves anything on the canvas besides its operators (a link, a font that is not
    ours, a colour space) is not recorded, and is drawn by ReportLab every time."""

    def draw(self, paragraph: Paragraph, drawer: Any) -> None:
        """Append the paragraph's operators to its canvas: from the store when they fit the
        document, else by `drawer()` (Paragraph.draw)."""
        canvas = paragraph.canv
        lines = getattr(paragraph, "blPara", None)
        key = _drawing_key(paragraph, lines, canvas)
        entry = self._find(key)
        if (
            entry is not None
            and entry.lines is lines
            and entry.style is paragraph.style
            and entry.fits(canvas._doc)
        ):
            canvas._code.extend(entry.code)
            self.hits += 1
            return
        self.misses += 1
        # Recorded when drawn in a second document: lines drawn on every page of one sheet
        # only (a patient's header) are not worth it. Only ids and a serial are kept: if an
        # id in the key is reused, the worst is one recording that is never replayed (an
        # entry is used only for the very lines it drew).
        if entry is None and not _RECORDING.active and self._comes_back(key, _serial(canvas._doc)):
            self._record(paragraph, drawer, key, lines)
        else:
            drawer()

    def _record(self, paragraph: Paragraph, drawer: Any, key: tuple, lines: Any) -> None:
        canvas = paragraph.canv
        doc = canvas._doc
        before = _footprint(canvas), _footprint(doc, _FONT_ATTRIBUTES)
        fonts_before, start = set(doc.fontMapping), len(canvas._code)
        versions: list[str] = []
        with _RECORDING.on(), _noting_versions(doc, versions):
            drawer()
        code = tuple(canvas._code[start:])
        new_fonts = set(doc.fontMapping) - fonts_before
        names = tuple(_RECORDING.names)
        if (
            (_footprint(canvas), _footprint(doc, _FONT_ATTRIBUTES)) != before
            or sum(part.count(" Tf ") for part in code) != len(names)
            or not new_fonts <= {font.fontName for font, _, _ in names}
            or any(" gs" in part for part in code)  # a graphics state the page must list
        ):
            return  # leaves more than operators of our fonts: ReportLab draws it each time
        chars = _unfixed_chars(_RECORDING.texts, doc)
        self._keep(key, _Drawn(lines, paragraph.style, code, chars, names, tuple(versions)))


# What a drawing may change in the document, because _Drawn.fits asks the fonts again.
_FONT_ATTRIBUTES = frozenset({"fontMapping", "delayedFonts", "_pdfVersion"})


@contextmanager
def _noting_versions(doc: Any, versions: list[str]) -> Iterator[None]:
    """Note the PDF features (ReportLab's ensureMinPdfVersion keys) a drawing needs: setting
    a colour asks for 'transparency' (PDF 1.4) even when the document already has it."""

    def ensure(*keys: str) -> None:
        versions.extend(keys)
        type(doc).ensureMinPdfVersion(doc, *keys)

    doc.ensureMinPdfVersion = ensure
    try:
        yield
    finally:
        del doc.ensureMinPdfVersion


_SERIALS = itertools.count(1)


def _serial(doc: Any) -> int:
    """A number of the document's own, never another's (an id can be reused once the
    previous sheet's document is gone)."""
    serial = doc.__dict__.get("_esi_docs_serial")
    if serial is None:
        serial = doc._esi_docs_serial = next(_SERIALS)
    return serial


def _drawing_key(paragraph: Paragraph, lines: Any, canvas: Any) -> tuple:
    """Everything Paragraph.draw reads besides the document's fonts."""
    return (
        id(lines),
        id(paragraph.style),
        type(paragraph),
        paragraph.bulletText,
        paragraph.width,
        paragraph.height,
        paragraph.debug,
        tuple(getattr(paragraph, "_offsets", ())),
        getattr(paragraph, "_JustifyLast", False),
        getattr(paragraph, "autoLeading", None),
        canvas.bottomup,
        id(getattr(canvas, "_enforceColorSpace", None)),
    )


def _footprint(thing: Any, left_out: frozenset[str] = frozenset({"_code"})) -> dict:
    """A canvas' or document's attributes, by identity and, for containers, size: a drawing
    that changes any of them (besides the operators, _code) is not one to replay."""
    return {
        name: (id(value), len(value) if isinstance(value, (list, dict, set)) else None)
        for name, value in vars(thing).items()
        if name not in left_out
    }


def _unfixed_chars(texts: list[tuple[ReusingTTFont, str]], doc: Any) -> tuple:
    """Per font the drawing encoded with, the characters without a fixed code (printable
    ASCII has one in every document) in the order it first used them, and the codes they
    got. A font with none is listed too: asking it for "" gives the document the font's
    state as encoding would (ReportLab's getSubsetInternalName makes a slightly different
    one when it comes first)."""
    order: dict[ReusingTTFont, dict[str, None]] = {}
    for font, text in texts:
        chars = order.setdefault(font, {})
        for char in text:
            if not " " <= char <= "~":
                chars[char] = None
    return tuple(
        (font, "".join(chars), font.splitString("".join(chars), doc))
        for font, chars in order.items()
    )


DRAWN = DrawnParagraphs(DRAWN_PARAGRAPHS)


class ReusedParagraph(Paragraph):
    """A ReportLab Paragraph whose lines come from LINE_BREAKS (kept fragments) or
    ONE_SHEET_BREAKS (the rest, wrapped again and again while one sheet is laid out), and
    whose drawing operators come from DRAWN (kept fragments only). The pieces ReportLab
    makes when it splits one across pages are of this class too, with fragments of their
    own (not kept)."""

    stored = False  # whether the fragments are PARSED's (see paragraph())

    def breakLines(self, width):  # type: ignore[no-untyped-def]
        store = LINE_BREAKS if self.stored else ONE_SHEET_BREAKS
        return store.break_lines(self, width, super().breakLines)

    def draw(self):  # type: ignore[no-untyped-def]
        if self.stored:
            DRAWN.draw(self, super().draw)
        else:  # lines of one sheet: never drawn for another
            super().draw()


class ReusingFace(TTFontFace):
    """A font face that builds and compresses each glyph subset once per process (a sheet's
    subsets are mostly the same as the last sheet's: the same letters in the same order)."""

    def makeSubset(self, subset):  # type: ignore[no-untyped-def]
        return _subset(self, tuple(subset))

    def addSubsetObjects(self, doc, fontname, subset):  # type: ignore[no-untyped-def]
        reference = super().addSubsetObjects(doc, fontname, subset)
        # The font file stream ReportLab just registered, under the name it gave it.
        _remember_compression(doc, f"fontFile:{self.filename}({fontname})")
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


def _remember_compression(doc: Any, name: str) -> None:
    """Compress the stream ReportLab registered under `name` through _REMEMBERED_FLATE."""
    stream = doc.idToObject.get(name)
    if stream is not None and stream.filters == [PDFZCompress]:
        stream.filters = [_REMEMBERED_FLATE]


class _Widths(PDFArray):
    """A font subset's Widths (numbers only), formatted once per distinct array."""

    def format(self, document, IND=b"\n "):  # type: ignore[no-untyped-def]
        return _formatted_widths(tuple(self.sequence), rl_config.pdfMultiLine, IND)


@lru_cache(maxsize=2 * FONT_SUBSETS)
def _formatted_widths(widths: tuple, multiline: bool, separator: bytes) -> bytes:
    # `multiline` only keys the cache: PDFArray.format reads rl_config.pdfMultiLine itself.
    return PDFArray.format(PDFArray(widths), None, separator)


class ReusingTTFont(TTFont):
    """A TrueType font whose plain-ASCII runs skip the per-character subset lookup."""

    def splitString(self, text, doc, encoding="utf-8"):  # type: ignore[no-untyped-def]
        """Same result as TTFont.splitString. With `asciiReadable` (ReportLab's default), every
        document's first subset maps each printable ASCII character the face has to its own
        code, and a no-break space to the space; so such a run is its own bytes."""
        if _RECORDING.active:
            _RECORDING.texts.append((self, text if isinstance(text, str) else text.decode()))
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

    def getSubsetInternalName(self, subset, doc):  # type: ignore[no-untyped-def]
        name = super().getSubsetInternalName(subset, doc)
        if _RECORDING.active:
            _RECORDING.names.append((self, subset, name))
        return name

    def addObjects(self, doc):  # type: ignore[no-untyped-def]
        """TTFont.addObjects, then each subset's Widths array formatted and its ToUnicode map
        compressed once per process for the same subset (the same objects, the same bytes)."""
        state = self.state.get(doc)
        count = len(state.subsets) if state is not None else 0
        names = [self.getSubsetInternalName(n, doc)[1:] for n in range(count)]
        super().addObjects(doc)
        fonts = doc.idToObject["BasicFonts"].dict
        for name in names:
            font = fonts[name]
            font.Widths = _Widths(font.Widths.sequence)
            _remember_compression(doc, f"toUnicodeCMap:{font.BaseFont}")

    def _ascii_all_drawn(self) -> bool:
        drawn = self.__dict__.get("_esi_ascii_drawn")
        if drawn is None:
            drawn = all(code in self.face.charToGlyph for code in range(32, 127))
            self.__dict__["_esi_ascii_drawn"] = drawn
        return drawn


def clear() -> None:
    """Forget everything reused (for tests that compare a cold layout with a warm one)."""
    PARSED.clear()
    LINE_BREAKS.clear()
    ONE_SHEET_BREAKS.clear()
    DRAWN.clear()
    _subset.cache_clear()
    _compressed.cache_clear()
    _formatted_widths.cache_clear()
